"""Batched replay's rows, notes and targets (W2b, W3b, W6, W6d), for ``benchmarks.report``.

Every ratio compares medians measured in the same run: batched replay against PyTorch on
one thread, against hand-written NumPy, and against micrograd's W2 step.
"""

from __future__ import annotations

import statistics
from typing import Any

ROWS = [
    ("W2b", "batched", "W2b demo step, batched tape", "ms/step", 3),
    ("W2b", "fit", "W2b demo step, fit(replay=True)", "ms/step", 3),
    ("W2b", "torch", "W2b demo step, PyTorch (1 thread)", "ms/step", 3),
    ("W2b", "numpy", "W2b demo step, NumPy by hand", "ms/step", 3),
    ("W3b", "batched", "W3b MLP(784, [32, 10]), batch of 100, batched tape", "ms/sample", 4),
    ("W3b", "synced", "W3b the same, Values read and .grad written each run", "ms/sample", 4),
    ("W3b", "numpy", "W3b the same in NumPy by hand (the floor)", "ms/sample", 4),
    ("W6", "batched", "W6 network.py recipe, 1 epoch, fit(replay=True)", "s/epoch", 2),
    ("W6", "numpy", "W6 network.py recipe, 1 epoch, NumPy per-sample backprop", "s/epoch", 2),
]


def _entry(results: dict[str, Any], workload: str, engine: str) -> dict[str, Any] | None:
    if engine == "synced":  # W3b's second measurement rides in the batched entry
        batched = _entry(results, workload, "batched")
        if not batched or not batched.get("synced"):
            return None
        times = batched["synced"]
        return {"min": min(times), "median": statistics.median(times)}
    entry = results.get(workload, {}).get(engine)
    return entry if entry and "error" not in entry and "median" in entry else None


def _ratio(slow: dict[str, Any] | None, fast: dict[str, Any] | None) -> float | None:
    if slow is None or fast is None:
        return None
    return float(slow["median"]) / float(fast["median"])


def table(results: dict[str, Any]) -> str:
    """Rows of min / median per engine, each with its ratio to the workload's bar.

    >>> rows = table({"W3b": {"batched": {"min": 1.0, "median": 2.0},
    ...                       "numpy": {"min": 1.0, "median": 1.0}}})
    >>> print(rows.splitlines()[-1])
    | W3b the same in NumPy by hand (the floor) | ms/sample | 1.0000 / 1.0000 | 1.00× |
    """
    rows = [
        "| workload | unit | min / median | time ÷ bar (bar: PyTorch for W2b, NumPy otherwise) |",
        "|---|---|---|---|",
    ]
    for workload, engine, name, unit, digits in ROWS:
        entry = results.get(workload, {}).get(engine) or _entry(results, workload, engine)
        if entry is None:
            continue
        if "error" in entry:
            rows.append(f"| {name} | {unit} | fails: {entry['error']} | |")
            continue
        bar = _entry(results, workload, "torch" if workload == "W2b" else "numpy")
        ratio = _ratio(entry, bar)
        shown = "—" if ratio is None else f"{ratio:.2f}×"
        cell = f"{entry['min']:.{digits}f} / {entry['median']:.{digits}f}"
        rows.append(f"| {name} | {unit} | {cell} | {shown} |")
    return "\n".join(rows) if len(rows) > 2 else ""


def notes(results: dict[str, Any]) -> list[str]:
    """Record times, W2b's agreement with PyTorch, W6's agreement with NumPy, W6d's accuracy."""
    lines = []
    for workload, engine, what in (
        ("W2b", "batched", "the moons demo's batched tape (one sample's graph)"),
        ("W2b", "fit", "fit(replay=True)'s tape of the demo, beyond its first step's cost"),
        ("W3b", "batched", "the MLP(784, [32, 10]) tape"),
        ("W6", "batched", "the [784, 30, 10] tape of network.py's recipe"),
    ):
        entry = _entry(results, workload, engine)
        if entry and entry.get("record_s") is not None:
            lines.append(f"{workload} {engine}: recording {what} took {entry['record_s']:.3f} s.")
    torch, batched = _entry(results, "W2b", "torch"), _entry(results, "W2b", "batched")
    if torch and batched:
        gap = max(
            abs(a - b) / abs(a) for a, b in zip(torch["losses"], batched["losses"], strict=False)
        )
        lines.append(
            f"W2b: the batched tape's losses differ from PyTorch's by ≤ {gap:.1e} relative."
        )
    numpy, fitted = _entry(results, "W6", "numpy"), _entry(results, "W6", "batched")
    if numpy and fitted and "checksum" in numpy and "checksum" in fitted:
        gap = abs(numpy["checksum"] - fitted["checksum"]) / abs(numpy["checksum"])
        lines.append(
            "W6: after the epoch, the sum of all weights differs from NumPy's by "
            f"{gap:.1e} relative (same start, same order)."
        )
    digits = results.get("W6d", {})
    found = [
        f"{engine} {entry['accuracy']:.1%} ({entry['seconds']:.1f} s for {entry['epochs']} epochs)"
        for engine, entry in digits.items()
        if entry and "accuracy" in entry
    ]
    if found:
        lines.append(
            "W6d network.py's recipe on scikit-learn's digits, held out: " + "; ".join(found)
        )
    return lines


def targets(results: dict[str, Any], target: Any) -> list[Any]:
    """Issue 16's targets for batched replay; ``target`` builds one ``report.Target``."""
    batched = _entry(results, "W2b", "batched")
    vs_torch = _ratio(_entry(results, "W2b", "torch"), batched)
    vs_micrograd = _ratio(_entry(results, "W2", "micrograd"), batched)
    floor = _ratio(_entry(results, "W3b", "batched"), _entry(results, "W3b", "numpy"))
    epoch = _ratio(_entry(results, "W6", "batched"), _entry(results, "W6", "numpy"))

    def shown(value: float | None, text: str) -> str:
        return "—" if value is None else text.format(value)

    return [
        target(
            "W2b batched tape vs PyTorch (1 thread)",
            "faster (> 1×)",
            shown(vs_torch, "{:.2f}× as fast"),
            None if vs_torch is None else vs_torch > 1,
        ),
        target(
            "W2b batched tape vs micrograd",
            "≥ 1,000×",
            shown(vs_micrograd, "{:,.0f}×"),
            None if vs_micrograd is None else vs_micrograd >= 1000,
        ),
        target(
            "W3b per sample vs NumPy floor",
            "≤ 2× floor",
            shown(floor, "{:.2f}× floor"),
            None if floor is None else floor <= 2,
        ),
        target(
            "W6 epoch vs NumPy per-sample backprop",
            "≤ 1× (as fast or faster)",
            shown(epoch, "{:.2f}× NumPy's time"),
            None if epoch is None else epoch <= 1,
        ),
    ]
