"""Where one step of micrograd's demo goes: the phases of W2, timed apart.

``python -m benchmarks.phases`` runs the demo's step (``workloads.DEMO``) phase by phase,
with the cyclic collector paused so that its scans land on none of them, and prints the
minimum over the steps of each phase in milliseconds; then it runs whole steps with the
collector on and reports its share. The phases follow ``Value.backward``:

inputs (wrapping the points), model (the forward pass), loss (hinge, L2 and accuracy),
zero (``zero_grad``), order (``interior_order``), sweep (resetting interior gradients and
the reverse sweep), update (SGD) and free (dropping the graph).
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

from benchmarks.workloads import _demo

PHASES = ("inputs", "model", "loss", "zero", "order", "sweep", "update", "free")


def step_phases(demo: dict[str, Any], rate: float) -> dict[str, float]:
    """One training step of the demo, each phase's CPU seconds."""
    from autograd_engine import Value
    from autograd_engine.graph import interior_order
    from autograd_engine.sweep import sweep

    model, X, y = demo["model"], demo["X"], demo["y"]
    clock: Callable[[], float] = time.process_time
    marks = [clock()]
    inputs = [list(map(Value, row)) for row in X]
    marks.append(clock())
    scores = list(map(model, inputs))
    marks.append(clock())
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    _ = [(yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)]
    marks.append(clock())
    model.zero_grad()
    marks.append(clock())
    order = interior_order(total)
    marks.append(clock())
    for node in order:
        node.grad = 0.0
    total.grad = 1.0
    sweep(order)
    marks.append(clock())
    for p in model.parameters():
        p.data -= rate * p.grad
    marks.append(clock())
    del total, order, scores, losses, inputs
    marks.append(clock())
    return {name: marks[i + 1] - marks[i] for i, name in enumerate(PHASES)}


def collector_share(steps: int) -> tuple[float, float]:
    """Mean ms per whole step with the collector on, and the part its collections took."""
    demo = _demo("ours")
    spent = [0.0]
    started = [0.0]

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            spent[0] += time.process_time() - started[0]

    gc.collect()
    gc.callbacks.append(watch)
    try:
        begin = time.process_time()
        for k in range(steps):
            demo["step"](k)
        total = time.process_time() - begin
    finally:
        gc.callbacks.remove(watch)
    return total / steps * 1e3, spent[0] / steps * 1e3


def main(argv: list[str] | None = None) -> int:
    """Print the minimum of each phase over ``--steps`` steps, then the collector's share."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.phases")
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args(argv)
    demo = _demo("ours")
    best = dict.fromkeys(PHASES, float("inf"))
    gc.disable()
    try:
        for k in range(args.steps):
            for name, seconds in step_phases(demo, 1.0 - 0.9 * k / 100).items():
                best[name] = min(best[name], seconds)
    finally:
        gc.enable()
    print("phase minima over", args.steps, "steps, collector paused (ms):")
    print("  " + "  ".join(f"{name} {best[name] * 1e3:.2f}" for name in PHASES))
    print(f"  sum of minima {sum(best.values()) * 1e3:.2f}")
    mean, collector = collector_share(args.steps)
    print(f"whole steps, collector on: {mean:.1f} ms/step, of which collections {collector:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
