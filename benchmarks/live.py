"""What ``fit(..., live=True)`` costs: the moons demo trained with and without the view.

Run: ``python -m benchmarks.live``. The view updates one notebook output; here there is
no notebook, so a stand-in display receives each update (the view's work, the PNG and
the SVG, is all done; only the browser's drawing is missing). The ratio is the slowdown;
the issue asks for at most 1.2.
"""

from __future__ import annotations

import statistics
import time

from nn import MLP, SGD, LinearSchedule, fit, hinge, moons, to_signed
from nn.live import LiveView


class _Display:
    """Takes the view's updates as a notebook output would (counts them)."""

    def __init__(self) -> None:
        self.updates = 0

    def update(self, _: object) -> None:
        self.updates += 1


def run(live: bool, seed: int = 1) -> tuple[float, int]:
    """Seconds to train the demo's MLP(2, [16, 16, 1]) 100 steps on 100 moons points."""
    X, y = moons(100, noise=0.1, seed=1)
    model = MLP(2, [16, 16, 1], seed=seed)
    signs = to_signed(y)
    callbacks = []
    display = _Display()
    if live:
        view = LiveView(model, (X, signs), total_steps=100)
        view._handle = display  # a notebook output stands in
        callbacks.append(view)
    optimizer = SGD(model, lr=LinearSchedule(1.0, 0.1, 100))
    start = time.perf_counter()
    fit(
        model,
        hinge,
        optimizer,
        (X, signs),
        epochs=100,
        l2=1e-4,
        progress=False,
        callbacks=callbacks,
    )
    return time.perf_counter() - start, display.updates


def main(repeats: int = 5) -> float:
    """Print the median time with and without the view, interleaved; return the ratio."""
    plain, live, updates = [], [], 0
    run(True)  # warm: imports, matplotlib's font cache, the worker process
    for _ in range(repeats):
        plain.append(run(False)[0])
        seconds, updates = run(True)
        live.append(seconds)
    ratio = statistics.median(live) / statistics.median(plain)
    print(f"moons demo, 100 steps, median of {repeats}:")
    print(f"  fit(...)            {statistics.median(plain):.3f} s")
    print(f"  fit(..., live=True) {statistics.median(live):.3f} s  ({updates} view updates)")
    print(f"  slowdown            {ratio:.2f}x (target: at most 1.20x)")
    return ratio


if __name__ == "__main__":
    main()
