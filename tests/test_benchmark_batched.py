"""Batched replay's benchmarks (W2b, W3b, W6, W6d): they run, and the report reads them."""

from __future__ import annotations

import doctest

import pytest

pytest.importorskip("numpy", reason="the batched benchmarks need numpy (notebooks extra)")
pytest.importorskip("sklearn", reason="the batched benchmarks need scikit-learn (notebooks extra)")

import benchmarks.batched_report
import benchmarks.batched_scaling
from benchmarks import batched, report
from benchmarks.runner import ALL_ENGINES, BATCHED_WORKLOADS, Plan


def test_doctests() -> None:
    assert doctest.testmod(benchmarks.batched_report).failed == 0
    assert doctest.testmod(benchmarks.batched_scaling).failed == 0


def test_the_growth_table_runs_at_a_tiny_size() -> None:
    rows = benchmarks.batched_scaling.measure(widths=(4,), batches=(1, 3), budget=0.0)
    assert [r["batch"] for r in rows] == [1, 3] and all(r["tape_us"] > 0 for r in rows)


def test_the_plan_runs_every_batched_workload_beside_its_bars() -> None:
    jobs = Plan().jobs(ALL_ENGINES)
    pairs = {(job.workload, job.engine) for job in jobs}
    assert {w for w, _ in pairs} >= set(BATCHED_WORKLOADS)
    assert {("W2b", e) for e in ("batched", "fit", "torch", "numpy")} <= pairs
    assert {("W6", "batched"), ("W6", "numpy"), ("W3b", "numpy")} <= pairs
    only = Plan(only={"W2b"}).jobs(ALL_ENGINES)
    assert ("W2", "micrograd") in {(j.workload, j.engine) for j in only}  # W2b's ratio needs it


def test_the_numpy_bars_run_at_a_tiny_size() -> None:
    step = batched.w2b("numpy", repeats=1, steps=2)
    assert step["unit"] == "ms/step" and len(step["losses"]) == 2
    assert batched.w3b("numpy", repeats=1, batch=3)["unit"] == "ms/sample"
    epoch = batched.w6("numpy", count=20)
    assert epoch["unit"] == "s/epoch" and "checksum" in epoch
    digits = batched.w6_digits("numpy", epochs=1)
    assert 0.0 <= digits["accuracy"] <= 1.0


def test_the_batched_engines_run_at_a_tiny_size_and_agree_with_their_bars() -> None:
    want = batched.w2b("numpy", repeats=1, steps=3)["losses"]
    for engine in ("batched", "fit"):
        step = batched.w2b(engine, repeats=1, steps=3)
        assert step["losses"] == pytest.approx(want, rel=1e-12) and step["record_s"] >= 0
    run = batched.w3b("batched", repeats=1, batch=3)
    assert run["unit"] == "ms/sample" and len(run["synced"]) == 1
    numpy_epoch, batched_epoch = (batched.w6(e, count=30) for e in ("numpy", "batched"))
    assert batched_epoch["checksum"] == pytest.approx(numpy_epoch["checksum"], rel=1e-12)
    digits = [batched.w6_digits(e, epochs=1)["accuracy"] for e in ("numpy", "batched")]
    assert digits[0] == digits[1]  # the same network.py epoch, to rounding


def test_the_torch_bar_agrees_with_numpy() -> None:
    pytest.importorskip("torch", reason="needs the torch extra")
    want = batched.w2b("numpy", repeats=1, steps=3)["losses"]
    got = batched.w2b("torch", repeats=1, steps=3)["losses"]
    assert got == pytest.approx(want, rel=1e-12)


def test_the_report_checks_batched_targets() -> None:
    results = {
        "W2": {"micrograd": {"min": 900.0, "median": 1000.0}},
        "W2b": {
            "batched": {"min": 0.3, "median": 0.5, "losses": [1.0], "record_s": 0.1},
            "torch": {"min": 0.9, "median": 1.0, "losses": [1.0]},
        },
        "W3b": {"batched": {"min": 3.0, "median": 3.0}, "numpy": {"min": 1.0, "median": 1.0}},
        "W6": {
            "batched": {"min": 5.0, "median": 5.0, "checksum": 2.0},
            "numpy": {"min": 9.0, "median": 9.0, "checksum": 2.0},
        },
    }
    found = {t.name: t for t in report.targets(results)}
    assert found["W2b batched tape vs PyTorch (1 thread)"].met is True
    assert found["W2b batched tape vs micrograd"].measured == "2,000×"
    assert found["W3b per sample vs NumPy floor"].met is False  # 3× the floor
    assert found["W6 epoch vs NumPy per-sample backprop"].met is True
    drawn = report.table(results)
    assert "| W2b demo step, batched tape | ms/step | 0.300 / 0.500 | 0.50× |" in drawn
    assert any("recording the moons demo's batched tape" in line for line in report.notes(results))
