"""Graph replay (autograd_engine/replay.py): a tape gives exactly what a fresh build gives.

"Exactly" means the same bits: values and gradients are compared with ``float.hex`` (so
-0.0 differs from 0.0 and NaN equals NaN), never with a tolerance. The oracle is always
the plain path: the same user code building a fresh graph and calling ``backward()``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_engine import (
    OPS,
    AnomalyError,
    Value,
    affine,
    codegen,
    constant,
    detect_anomaly,
    dot,
    interpret,
    node_code,
    relu,
    scope,
)
from autograd_engine import sum as vsum
from autograd_engine.replay import ReplayError, Tape, record
from nn import MLP
from tests.strategies import op_inputs


@pytest.fixture(scope="module", params=["compiled", "chunks", "interpreted"])
def tier(request: pytest.FixtureRequest) -> Iterator[str]:
    """A test that asks for it runs three times: on tapes compiled when recorded (as one
    function when small, as they are here), the same cut into chunks of 40 lines (as a
    big tape is), and on tapes that only interpret."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param in ("compiled", "chunks"):
            patch.setattr(interpret, "EAGER_LINES", 10**12)
            if request.param == "chunks":
                patch.setattr(codegen, "CHUNK_LINES", 40)
        else:
            patch.setattr(interpret, "EAGER_LINES", -1)
            patch.setattr(interpret, "COMPILE_SECONDS_PER_LINE", math.inf)
        yield request.param


def bits(values: list[float]) -> list[str]:
    return [float(v).hex() for v in values]


# Inputs drawn from a small set so that relu often sits exactly on its kink.
kinky = st.sampled_from([0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, 0.25])


def mlp_loss(model: MLP, xs: list[list[Value]], ys: list[float]) -> Value:
    """micrograd's demo loss: max-margin plus L2, written as a user would."""
    scores = [model(x) for x in xs]
    losses = [(1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + 1e-4 * sum(p * p for p in model.parameters())


def fresh_grads(model: MLP, xs: list[list[Value]], ys: list[float]) -> tuple[float, list[float]]:
    model.zero_grad()
    loss = mlp_loss(model, xs, ys)
    loss.backward()
    return loss.data, [p.grad for p in model.parameters()]


@st.composite
def networks(draw: st.DrawFn) -> tuple[MLP, list[list[Value]], list[float]]:
    nin = draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    model = MLP(nin, [*widths, 1], seed=draw(st.integers(0, 1000)))
    if draw(st.booleans()):  # exact zeros in the weights put neurons on the kink
        for p in model.parameters():
            p.data = draw(kinky)
    count = draw(st.integers(1, 4))
    xs = [[Value(draw(kinky)) for _ in range(nin)] for _ in range(count)]
    ys = [draw(st.sampled_from([-1.0, 1.0])) for _ in range(count)]
    return model, xs, ys


@settings(max_examples=30)
@given(networks(), st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=3))
def test_replay_matches_fresh_builds_through_training(tier: str, net, rates) -> None:
    model, xs, ys = net
    tape = record(mlp_loss(model, xs, ys), params=model.parameters())
    for rate in rates:
        want_loss, want = fresh_grads(model, xs, ys)
        model.zero_grad()
        got_loss = tape.run()
        assert bits([got_loss]) == bits([want_loss])
        assert bits([p.grad for p in model.parameters()]) == bits(want)
        for p in model.parameters():  # a step moves weights across kinks
            p.data -= rate * p.grad


def test_demo_sized_network_matches_for_several_steps(tier: str) -> None:
    rng = random.Random(0)
    model = MLP(2, [16, 16, 1], seed=1)
    xs = [[Value(rng.uniform(-2, 2)), Value(rng.uniform(-2, 2))] for _ in range(20)]
    ys = [rng.choice([-1.0, 1.0]) for _ in range(20)]
    tape = record(mlp_loss(model, xs, ys), params=model.parameters())
    for step in range(4):
        want_loss, want = fresh_grads(model, xs, ys)
        model.zero_grad()
        assert bits([tape.run()]) == bits([want_loss])
        assert bits([p.grad for p in model.parameters()]) == bits(want)
        for p in model.parameters():
            p.data -= (1.0 - 0.1 * step) * p.grad


def test_new_inputs_fed_by_position_and_by_mapping(tier: str) -> None:
    model = MLP(2, [3, 1], seed=3)
    x = [Value(0.0), Value(0.0)]
    tape = record(model(x), params=model.parameters(), inputs=x)
    for point in ([1.0, -2.0], [0.0, 0.0], [0.3, 0.7]):
        model.zero_grad()
        fresh = model([Value(v) for v in point])
        fresh.backward()
        want = [p.grad for p in model.parameters()]
        model.zero_grad()
        assert bits([tape.run(point)]) == bits([fresh.data])
        assert bits([p.grad for p in model.parameters()]) == bits(want)
    model.zero_grad()
    tape.run({x[0]: 1.0, x[1]: -2.0})
    assert [v.data for v in x] == [1.0, -2.0]


@given(st.data())
def test_every_op_replays_exactly(tier: str, data) -> None:
    for spec in OPS.values():
        inputs, params = data.draw(op_inputs(spec), label=spec.name)
        leaves = [Value(v) for v in inputs]
        out = spec(*leaves, **params)
        tape = record(out)
        assert bits([tape.forward()]) == bits([out.data])
        out.backward()
        want = [leaf.grad for leaf in leaves]
        for leaf in leaves:
            leaf.grad = 0.0
        tape.run()
        assert bits([leaf.grad for leaf in leaves]) == bits(want), spec.name


@given(st.lists(st.floats(-3, 3), min_size=2, max_size=2), st.floats(-3, 3))
def test_repeated_operands_diamonds_and_fused_ops(tier: str, values, start) -> None:
    def build(a: Value, b: Value) -> Value:
        c = a * a + a + a  # x * x and a + a list the node twice
        d = c * c  # a diamond
        e = dot([a, b, c], [b, a, a]) + vsum([a, d, a])
        return relu(e) + (e - b) / (b * b + 1.0)

    a, b = (Value(v) for v in values)
    for leaf in (a, b):
        leaf.grad = start  # leaves accumulate onto what they hold
    out = build(a, b)
    out.backward()
    want = [a.grad, b.grad]
    a.grad = b.grad = start
    tape = record(build(a, b))
    assert bits([tape.run()]) == bits([out.data])
    assert bits([a.grad, b.grad]) == bits(want)


def test_leaves_accumulate_across_runs_like_backward(tier: str) -> None:
    x = Value(1.5)
    y = (x * x).tanh()
    y.backward()
    y.backward()
    want = x.grad
    x.grad = 0.0
    tape = record(y)
    tape.run()
    tape.run()
    assert x.grad == want
    assert y.grad == 1.0


def test_negative_zero_start_keeps_its_sign_when_every_term_is_zero(tier: str) -> None:
    # A dead relu makes every term of the dot a signed zero; a fresh build keeps -0.0 + -0.0.
    w = [Value(-1.0), Value(-1.0), Value(-1.0)]
    x = [Value(1.0), Value(2.0), Value(3.0)]
    loss = relu(dot(w, x))
    for leaf in w + x:
        leaf.grad = -0.0
    loss.backward()
    want = [leaf.grad for leaf in w + x]
    for leaf in w + x:
        leaf.grad = -0.0
    record(loss).run()
    assert bits([leaf.grad for leaf in w + x]) == bits(want)


def test_interior_gradients_start_from_positive_zero_like_backward(tier: str) -> None:
    # backward() zeroes interior nodes, so -0.0 arriving at one becomes 0.0 + -0.0 = 0.0.
    x = Value(1.0)
    loss = (x * 2.0) * -0.0
    x.grad = -0.0
    loss.backward()
    assert x.grad.hex() == "0x0.0p+0"
    x.grad = -0.0
    record(loss).run()
    assert x.grad.hex() == "0x0.0p+0"


def test_non_finite_values_are_not_skipped(tier: str) -> None:
    # 0 * inf is NaN in a fresh build; a skipped block would hide it.
    w = [Value(math.inf), Value(1.0), Value(1.0)]
    x = [Value(1.0), Value(1.0), Value(1.0)]
    loss = relu(-Value(1.0)) * dot(w, x)
    loss.backward()
    want = [leaf.grad for leaf in w + x]
    for leaf in w + x:
        leaf.grad = 0.0
    record(loss).run()
    assert bits([leaf.grad for leaf in w + x]) == bits(want)


def test_forward_leaves_gradients_alone_and_refreshes_watched_nodes(tier: str) -> None:
    x = Value(2.0)
    hidden = x * 3
    tape = record(hidden + 1, watch=[hidden])
    assert tape.forward({x: 5.0}) == 16.0
    assert hidden.data == 15.0 and x.grad == 0.0
    assert tape.output.data == 16.0


def test_leaf_output(tier: str) -> None:
    x = Value(2.0)
    x.grad = 1.0
    assert record(x).run(grad=3.0) == 2.0
    assert x.grad == 4.0


def test_constant_outputs_and_all_constant_graphs(tier: str) -> None:
    assert record(constant(2.0)).run() == 2.0
    assert record(constant(2.0) * 3.0).run() == 6.0


def test_roles_are_reported() -> None:
    model = MLP(2, [2, 1], seed=0)
    x = [Value(1.0), Value(2.0)]
    tape = record(model(x) * 2.0, params=model.parameters(), inputs=x)
    assert isinstance(tape, Tape)
    assert tape.parameters == model.parameters()
    assert tape.inputs == x
    assert [c.data for c in tape.constants] == [2.0]
    assert "9 parameters" in repr(tape) and len(tape) > 10


# ---- refusals --------------------------------------------------------------------------


def test_changed_constant_is_refused_naming_it() -> None:
    x = Value(1.0)
    y = x * 2.0
    tape = record(y)
    y.parents[1].data = 3.0
    with pytest.raises(ReplayError, match=r"recorded as the constant 2\.0 and now holds 3\.0"):
        tape.run()


def test_changed_kind_is_refused() -> None:
    x = Value(1.0, label="x")
    tape = record(x * x)
    x.kind = "constant"
    with pytest.raises(ReplayError, match=r"'x'.*recorded with kind None and now has kind"):
        tape.run()


def test_feeding_what_is_not_an_input_is_refused() -> None:
    x = Value(1.0, label="x")
    hidden = x * 2.0
    tape = record(hidden + 1.0, inputs=[x])
    with pytest.raises(ReplayError, match="a constant of this tape"):
        tape.run({hidden.parents[1]: 5.0})
    with pytest.raises(ReplayError, match="an interior node"):
        tape.run({hidden: 5.0})
    with pytest.raises(ReplayError, match="not a leaf"):
        tape.run({Value(1.0): 5.0})
    with pytest.raises(ReplayError, match=r"2 values for the 1 recorded inputs"):
        tape.run([1.0, 2.0])
    with pytest.raises(ReplayError, match="keys must be Values"):
        tape.run({"x": 1.0})  # type: ignore[dict-item]


def test_parameter_lists_that_do_not_match_are_refused() -> None:
    model, other = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=1)
    loss = model([1.0, 2.0])
    with pytest.raises(ReplayError, match="marked as a parameter but is not in params"):
        record(loss, params=other.parameters())
    with pytest.raises(ReplayError, match="interior node"):
        record(loss, params=[loss])
    with pytest.raises(ReplayError, match=r"inputs: .* not a leaf"):
        record(loss, inputs=[loss])
    with pytest.raises(ReplayError, match="watch"):
        record(loss, watch=[Value(0.0)])
    with pytest.raises(TypeError, match="output must be a Value"):
        record(1.0)  # type: ignore[arg-type]


def test_check_catches_python_branches_and_changed_numbers(tier: str) -> None:
    x = Value(1.0)

    def build() -> Value:
        return x * x if x.data > 0 else x.exp()  # a branch the tape cannot see

    tape = record(build())
    tape.check(build())
    x.data = -1.0
    with pytest.raises(ReplayError, match=r"node 1 was \* when recorded and is exp"):
        tape.check(build())
    x.data = 2.0
    with pytest.raises(ReplayError, match=r"constant 3\.0 became 4\.0"):
        record(x * 3.0).check(x * 4.0)
    w = Value(1.0)
    w.kind = "parameter"
    v = Value(1.0)
    v.kind = "parameter"
    with pytest.raises(ReplayError, match="another parameter"):
        record(w * x).check(v * x)


def test_errors_name_the_op_like_a_build_would(tier: str) -> None:
    x = Value(2.0)
    tape = record((x - 1.0).log())
    x.data = 0.5
    with pytest.raises(ValueError, match=r"log\(-0\.5\): log is defined for positive numbers"):
        tape.run()
    y = Value(1.0)
    tape = record((y - 1.0).sqrt() * 1.0 + y)
    with pytest.raises(ZeroDivisionError, match=r"backward of sqrt at inputs \(0\.0\)"):
        tape.run()


def test_detect_anomaly_applies_to_replay_with_a_build_s_messages(tier: str) -> None:
    x = Value(1.0)
    y = (x * 1e308) * 10.0
    tape = record(y)
    assert tape.run() == math.inf  # no anomaly mode: IEEE arithmetic, like a build
    with detect_anomaly(), pytest.raises(AnomalyError) as replayed:
        tape.run()
    with detect_anomaly(), pytest.raises(AnomalyError) as built:
        (x * 1e308) * 10.0
    assert str(replayed.value) == str(built.value)
    z = Value(0.0)
    w = z.sqrt() * 1.0
    with detect_anomaly(), pytest.raises(ZeroDivisionError, match="backward of sqrt"):
        record(w).run()


def test_scoped_graphs_and_parametrised_ops_replay(tier: str) -> None:
    x = Value(0.7)
    with scope("block"):
        y = (x**3).leaky_relu(slope=0.2) + x ** Value(2.0)
    y.backward()
    want = x.grad
    x.grad = 0.0
    record(y).run()
    assert x.grad.hex() == want.hex()


# ---- scale: any fan-in, any length, chunk boundaries anywhere ---------------------------


def replayed_matches_backward(build: Callable[[], Value], leaves: list[Value]) -> Tape:
    """Record ``build()``, then hold a run to a fresh build's backward, bit for bit."""
    for leaf in leaves:
        leaf.grad = 0.0
    fresh = build()
    fresh.backward()
    want = bits([leaf.grad for leaf in leaves])
    for leaf in leaves:
        leaf.grad = 0.0
    tape = record(build())
    assert bits([tape.run()]) == bits([fresh.data])
    assert bits([leaf.grad for leaf in leaves]) == want
    return tape


def test_five_thousand_input_neuron_sum_and_dot(tier: str) -> None:
    # Traced as one expression, these nested 5,000 levels deep: refused by the parser
    # past ~200 levels (SyntaxError) and by the compiler past ~3,000 (RecursionError).
    rng = random.Random(5)
    n = 5000
    ws = [Value(rng.uniform(-1, 1)) for _ in range(n + 1)]
    xs = [Value(rng.uniform(-1, 1)) for _ in range(n)]

    def build() -> Value:
        return affine(ws, xs, "relu") + vsum(xs) * dot(ws[:n], xs) + affine(ws, xs, "tanh")

    replayed_matches_backward(build, ws + xs)


def test_wide_nodes_over_interior_values_with_repeats(tier: str) -> None:
    # Wide nodes read and feed gradients that neighbouring statements hold in locals.
    rng = random.Random(6)
    a = [Value(rng.uniform(-1, 1)) for _ in range(40)]

    def build() -> Value:
        hidden = [(v * 1.5).tanh() for v in a]
        doubled = hidden + hidden[::-1] + [hidden[0]] * 10  # repeated operands
        total = vsum(doubled) + dot(doubled, doubled[::-1])
        return total * hidden[3] + relu(affine([*doubled, a[0]], doubled, "relu") - 1.0)

    replayed_matches_backward(build, a)


@pytest.mark.parametrize("chunk_lines", [1, 3, 17])
def test_chunk_boundaries_anywhere(chunk_lines: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiny chunks put a boundary between every pair of statements somewhere: values and
    # gradients then cross chunks through V and G at every kind of node.
    monkeypatch.setattr(interpret, "EAGER_LINES", 10**12)
    monkeypatch.setattr(codegen, "CHUNK_LINES", chunk_lines)
    monkeypatch.setattr(node_code, "WIDE", 6)
    rng = random.Random(chunk_lines)
    model = MLP(3, [4, 7, 1], seed=chunk_lines)
    xs = [[Value(rng.choice([0.0, 0.5, -1.0])) for _ in range(3)] for _ in range(5)]
    ys = [rng.choice([-1.0, 1.0]) for _ in range(5)]
    tape = record(mlp_loss(model, xs, ys), params=model.parameters())
    for step in range(3):
        want_loss, want = fresh_grads(model, xs, ys)
        model.zero_grad()
        assert bits([tape.run()]) == bits([want_loss])
        assert bits([p.grad for p in model.parameters()]) == bits(want)
        for p in model.parameters():
            p.data -= (0.5 + step) * p.grad
    a, b = Value(0.5), Value(-2.0)

    def diamonds() -> Value:
        c = a * a + a + a
        d = c * c
        e = dot([a, b, c, d, a, b, c], [b, a, a, c, d, d, a]) + vsum([a, d, a, b, c, d, d])
        return relu(e) + (e - b) / (b * b + 1.0)

    replayed_matches_backward(diamonds, [a, b])


def test_long_chain(tier: str) -> None:
    # 24,000 nodes in both tiers (chunk boundaries: test_chunk_boundaries_anywhere).
    x = Value(0.5)

    def build() -> Value:
        y = x
        for i in range(12_000):
            y = y * 1.0000001 if i % 2 else y + 0.1
        return y

    tape = replayed_matches_backward(build, [x])
    assert len(tape) == 24_001


def test_an_interpreted_tape_compiles_once_its_runs_cost_what_compiling_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(interpret, "EAGER_LINES", -1)
    monkeypatch.setattr(interpret, "COMPILE_SECONDS_PER_LINE", 0.0)
    model = MLP(2, [3, 1], seed=4)
    xs = [[Value(0.5), Value(-1.0)], [Value(0.0), Value(2.0)]]
    ys = [1.0, -1.0]
    tape = record(mlp_loss(model, xs, ys), params=model.parameters())
    assert not tape.compiled
    for step in range(2):  # the first run interprets, and then compiles; the second runs it
        want_loss, want = fresh_grads(model, xs, ys)
        model.zero_grad()
        assert bits([tape.run()]) == bits([want_loss])
        assert bits([p.grad for p in model.parameters()]) == bits(want)
        assert tape.compiled
        for p in model.parameters():
            p.data -= (0.5 + step) * p.grad


def test_record_compiles_when_asked_and_by_default_once_runs_have_paid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    x = Value(0.75)

    def build() -> Value:
        return (x * x).tanh() + x * 3.0

    assert record(build(), compile=True).compiled  # at once
    monkeypatch.setattr(interpret, "COMPILE_SECONDS_PER_LINE", 0.0)  # any run pays for it
    lazy, never = record(build()), record(build(), compile=False)
    assert not lazy.compiled and not never.compiled  # the default starts interpreted
    for tape in (lazy, never):
        for _ in range(3):
            x.grad = 0.0
            loss = tape.run()
            assert bits([loss, x.grad]) == bits(fresh(build, x))
    assert lazy.compiled and not never.compiled
    never.compile()
    assert never.compiled


def fresh(build: Callable[[], Value], x: Value) -> list[float]:
    x.grad = 0.0
    out = build()
    out.backward()
    return [out.data, x.grad]


def test_two_hundred_thousand_node_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    # A graph this long starts interpreted (compiling it would take ~6 s); before
    # recording scaled, this took ~15 s and ~1.5 GB to record.
    monkeypatch.setattr(interpret, "EAGER_LINES", 100_000)
    monkeypatch.setattr(interpret, "COMPILE_SECONDS_PER_LINE", 15e-6)
    x = Value(0.5)

    def build() -> Value:
        y = x
        for i in range(100_000):
            y = y * 1.0000001 if i % 2 else y + 0.1
        return y

    tape = replayed_matches_backward(build, [x])
    assert len(tape) == 200_001 and not tape.compiled


def test_recording_benchmark_measures_small_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import recording

    monkeypatch.setattr(interpret, "EAGER_LINES", interpret.EAGER_LINES)  # measure() sets it
    for shape in ("chain", "wide"):  # the moons shape needs scikit-learn's data: slow to import
        timed = recording.measure(shape, 60, "compile", memory=False)
        assert timed["nodes"] > 3 and timed["record"] > 0 and timed["compiled"]
        sized = recording.measure(shape, 60, "auto", memory=True)
        assert sized["record_bytes"] > 0 and sized["build_bytes"] > 0
