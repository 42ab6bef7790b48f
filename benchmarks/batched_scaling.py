"""How batched replay's cost grows with batch and width: ``python -m benchmarks.batched_scaling``.

``MLP(784, [width, 10])``, forward and backward of ``sum(outputs)`` over a batch (W3b's
workload), for batches of 1, 10, 100 and 1,000 and hidden widths 16, 64 and 256: the
batched tape (parameters in an array, as ``fit`` runs it) beside the hand-written NumPy
floor (``benchmarks.arrays.numpy_mlp_gradients``), CPU time per sample, the median of
several runs, BLAS on one thread; and the tape's record time per width. Run it in a fresh
process with ``OPENBLAS_NUM_THREADS=1`` (the module sets it before NumPy loads).
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

BATCHES = (1, 10, 100, 1000)
WIDTHS = (16, 64, 256)


def _median_seconds(function: Any, budget: float = 0.3, at_least: int = 5) -> float:
    """Median CPU seconds of one call, over at least ``at_least`` calls or ``budget`` s."""
    function()
    samples: list[float] = []
    spent = 0.0
    while len(samples) < at_least or spent < budget:
        started = time.process_time()
        function()
        samples.append(time.process_time() - started)
        spent += samples[-1]
    return statistics.median(samples)


def measure(
    widths: tuple[int, ...] = WIDTHS, batches: tuple[int, ...] = BATCHES, budget: float = 0.3
) -> list[dict[str, Any]]:
    """One row per (width, batch): µs per sample for the tape and the floor."""
    import numpy as np

    import autograd_engine as ag
    from autograd_engine import Value, record_batch
    from benchmarks.arrays import numpy_layers, numpy_mlp_gradients
    from benchmarks.floor import init_mlp
    from nn import MLP

    rows = []
    for width in widths:
        random.seed(0)
        model = MLP(784, [width, 10])
        x = [Value(0.0) for _ in range(784)]
        total = ag.sum(model(x))
        started = time.process_time()
        tape = record_batch(total, params=model.parameters(), inputs=x, reduction="sum")
        record_seconds = time.process_time() - started
        theta = np.array([p.data for p in tape.parameters])
        layers = numpy_layers(init_mlp(784, [width, 10]))
        for batch in batches:
            X = np.random.default_rng(batch).random((batch, 784))
            ours = _median_seconds(
                lambda X=X, tape=tape, theta=theta: tape.run(X, parameters=theta, write=False),
                budget,
            )
            floor = _median_seconds(
                lambda X=X, layers=layers: numpy_mlp_gradients(layers, X), budget
            )
            rows.append({
                "width": width, "batch": batch, "weights": len(theta),
                "tape_us": ours / batch * 1e6, "floor_us": floor / batch * 1e6,
                "record_s": record_seconds,
            })  # fmt: skip
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table.

    >>> print(table([{"width": 16, "batch": 10, "weights": 12730, "tape_us": 20.0,
    ...               "floor_us": 10.0, "record_s": 0.05}]).splitlines()[-1])
    | 16 | 12,730 | 10 | 20.0 | 10.0 | 2.00 | 0.05 |
    """
    lines = [
        "| hidden width | weights | batch | tape µs/sample | NumPy floor µs/sample "
        "| tape ÷ floor | record s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['width']} | {r['weights']:,} | {r['batch']:,} | {r['tape_us']:,.1f} "
            f"| {r['floor_us']:,.1f} | {r['tape_us'] / r['floor_us']:.2f} | {r['record_s']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table (``--quick``: widths 16 and 64, batches up to 100)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batched_scaling")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    rows = measure(WIDTHS[:2], BATCHES[:3]) if args.quick else measure()
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
