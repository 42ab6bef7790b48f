"""The benchmark suite's own correctness: the floor computes what the engine computes.

The floor (``benchmarks/floor.py``) is hand-written backprop; if it were wrong, every
"within N x of the floor" claim would be meaningless. It is checked against the engine's
gradients here, and every workload is run once at a tiny size so the suite cannot rot.
"""

from __future__ import annotations

import doctest
import gc
import random

import pytest

import benchmarks.floor
import benchmarks.report
import benchmarks.runner
import benchmarks.workloads
from autograd_engine import Value
from benchmarks import workloads
from benchmarks.floor import init_mlp, moons_step, sum_loss_grads
from nn import MLP


@pytest.mark.parametrize(
    "module", [benchmarks.floor, benchmarks.report, benchmarks.runner, benchmarks.workloads]
)
def test_doctests(module) -> None:
    assert doctest.testmod(module).failed == 0


def engine_copy(layers) -> MLP:
    """An nn.MLP holding the floor's weights."""
    model = MLP(len(layers[0][0][0]), [len(b) for _, b in layers], seed=0)
    for layer, (weights, biases) in zip(model.layers, layers, strict=True):
        for neuron, row, bias in zip(layer.neurons, weights, biases, strict=True):
            for w, value in zip(neuron.w, row, strict=True):
                w.data = value
            neuron.b.data = bias
    return model


def test_floor_training_step_matches_the_engine() -> None:
    random.seed(4)
    layers = init_mlp(2, [5, 4, 1])
    model = engine_copy(layers)
    xs = [[random.uniform(-2, 2), random.uniform(-2, 2)] for _ in range(12)]
    ys = [random.choice([-1.0, 1.0]) for _ in range(12)]
    scores = [model([Value(v) for v in x]) for x in xs]
    losses = [(1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    total.backward()
    want = [p.data - 0.5 * p.grad for p in model.parameters()]
    loss, _ = moons_step(layers, xs, ys, 0.5)
    got = [v for weights, biases in layers for row, b in zip(weights, biases, strict=True)
           for v in [*row, b]]  # fmt: skip
    assert loss == pytest.approx(total.data, rel=1e-12)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_floor_sum_loss_gradients_match_the_engine() -> None:
    random.seed(5)
    layers = init_mlp(6, [4, 3])
    model = engine_copy(layers)
    x = [random.uniform(-1, 1) for _ in range(6)]
    sum(model(x)).backward()
    grads = sum_loss_grads(layers, x)
    got = [g for gw, gb in grads for row, b in zip(gw, gb, strict=True) for g in [*row, b]]
    assert got == pytest.approx([p.grad for p in model.parameters()], rel=1e-12, abs=1e-15)


def test_every_workload_runs_at_a_tiny_size() -> None:
    assert workloads.w1("ours", repeats=1, iterations=2)["unit"] == "us/iter"
    chain = workloads.w4("ours", depth=50, nodes_per_sample=1000)
    assert chain["grad"] == pytest.approx(1.0001**50) and chain["gc_off"] > 0
    assert chain["chains"] == 20  # 1000 nodes per sample, in chains of 50
    floor = workloads.w4("floor", depth=50, repeats=1, nodes_per_sample=50)
    assert floor["grad"] == pytest.approx(1.0001**50)  # the floor's walk gives the same slope
    assert gc.isenabled()  # the paused run turns the collector back on
    memory = workloads.w5("ours", count=100)
    assert memory["per_op_node"] > 0 and memory["per_leaf"] > 0
    assert workloads.main(["W4", "ours", "--depth", "3", "--nodes-per-sample", "30"]) == 0


def test_report_checks_targets() -> None:
    results = {
        "W1": {"micrograd": {"min": 9.0, "median": 10.0}, "ours": {"min": 4.0, "median": 4.0}},
        "W5": {"micrograd": {"per_leaf": 500, "per_op_node": 700},
               "ours": {"per_leaf": 150, "per_op_node": 200}},
    }  # fmt: skip
    found = {t.name: t.met for t in benchmarks.report.targets(results)}
    assert found["W1 vs micrograd"] is True
    assert found["W5 bytes per op node vs micrograd"] is True
    assert found["W2 dynamic vs micrograd"] is None  # not measured
    assert "2.50×" in benchmarks.report.table(results)


def test_report_tells_the_collector_from_the_engine_in_w4() -> None:
    chains = {
        "ours": {"1000": {"min": 1.5, "gc_off": 2.0}, "1000000": {"min": 4.5, "gc_off": 2.2}},
        "floor": {"1000": {"min": 0.5, "gc_off": 0.4}, "1000000": {"min": 1.2, "gc_off": 0.5}},
    }
    found = {t.name: t for t in benchmarks.report.targets({"W4": chains})}
    assert found["W4 largest depth that works"].met is True
    flat = found["W4 time per node flat, GC on (max / min over depths)"]
    assert flat.measured == "3.00 (floor chain 2.40)" and flat.met is False
    paused = found["W4 time per node flat, collector paused"]
    assert paused.measured == "1.10" and paused.met is True
    drawn = benchmarks.report.table({"W4": chains})
    assert "4.50 (2.20 GC paused)" in drawn
    assert (
        "| W4 floor chain (plain objects), depth 1,000 | µs/node | — | 0.50 (0.40 GC paused)"
        in drawn
    )


def test_w4_without_a_floor_chain_reports_the_engine_alone() -> None:
    chains = {"ours": {"1000": {"min": 1.5, "gc_off": 2.0}, "10000": {"min": 2.0, "gc_off": 2.0}}}
    found = {t.name: t for t in benchmarks.report.targets({"W4": chains})}
    assert found["W4 time per node flat, GC on (max / min over depths)"].measured == "1.33"
    assert "floor chain" not in benchmarks.report.table({"W4": chains})


def test_plan_interleaves_engines_and_covers_every_workload() -> None:
    from benchmarks.runner import ENGINES, Plan

    jobs = Plan(micrograd_full=True).jobs(ENGINES)
    assert {job.workload for job in jobs} == {"W1", "W2", "W3", "W4", "W5"}
    w2 = [job.engine for job in jobs if job.workload == "W2"]
    assert w2[:5] == ["micrograd", "ours", "replay", "floor", "micrograd"]  # round 1, full
    assert w2.count("micrograd") == 4  # three rounds and micrograd's 100 steps
    assert not any(job.engine == "micrograd" for job in Plan().jobs(("ours", "floor")))
    w4 = [(job.args[1], job.engine) for job in jobs if job.workload == "W4"]
    assert w4[:3] == [("1000", "micrograd"), ("1000", "ours"), ("1000", "floor")]
    assert len(w4) == 12


def test_phases_of_a_step_add_up(capsys: pytest.CaptureFixture[str]) -> None:
    import benchmarks.phases

    assert benchmarks.phases.main(["--steps", "1"]) == 0
    out = capsys.readouterr().out
    assert "model" in out and "sweep" in out and "collector on" in out
    assert gc.isenabled()


def test_scaling_chain_table_sets_the_engine_beside_the_floor_chain() -> None:
    import benchmarks.scaling

    rows = benchmarks.scaling.nodes_table([200]).splitlines()
    assert rows[0].endswith("| floor chain per node | engine ÷ floor |")
    cells = [cell.strip() for cell in rows[2].strip("|").split("|")]
    assert cells[0] == "200" and cells[3].endswith("µs") and float(cells[4]) > 0
