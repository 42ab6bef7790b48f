"""What ``fit(..., live=True)`` costs: the moons demo trained with and without the view.

Run: ``python -m benchmarks.live``. The view updates one notebook output; here there is
no notebook, so a stand-in display receives each update (the view's work, its PNGs and
the graph's SVG, the boundary's tape, the last picture's PNG render, is all done; only
the browser's drawing is missing). The ratio is the slowdown; the issue asks for at most
1.2.

The time is CPU time, of this process and of its children that are running (Graphviz's
worker, where the view's layouts and renders happen), as the other benchmarks measure
CPU time: on the shared machines these run on, wall time mostly measures the
neighbours (the same 100 steps took 2.3 s and 6.4 s of wall time minutes apart). The
wall times are printed too. Linux only (the children's time is read from ``/proc``).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from nn import MLP, SGD, LinearSchedule, fit, hinge, moons, to_signed
from nn.live import LiveView


class _Display:
    """Takes the view's updates as a notebook output would (counts them)."""

    def __init__(self) -> None:
        self.updates = 0

    def update(self, _: object) -> None:
        self.updates += 1


def cpu_seconds() -> float:
    """CPU time of this process and of its running children (Graphviz's worker)."""
    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK")
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:  # it ended meanwhile
                continue
            fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def run(live: bool, seed: int = 1) -> tuple[float, float, int]:
    """CPU and wall seconds to train the demo's MLP(2, [16, 16, 1]) 100 steps on 100
    moons points, and how many times the view was redrawn."""
    X, y = moons(100, noise=0.1, seed=1)
    model = MLP(2, [16, 16, 1], seed=seed)
    signs = to_signed(y)
    callbacks = []
    display = _Display()
    optimizer = SGD(model, lr=LinearSchedule(1.0, 0.1, 100))
    cpu, wall = cpu_seconds(), time.perf_counter()
    if live:  # the view is made inside the timing, as fit(..., live=True) makes it
        view = LiveView(model, (X, signs), total_steps=100)
        view._handle = display  # a notebook output stands in
        callbacks.append(view)
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
    if live:
        view.wait()  # the graph's layout, if it still runs, is the view's cost too
    return cpu_seconds() - cpu, time.perf_counter() - wall, display.updates


def main(repeats: int = 7) -> float:
    """Print the minimum and median times with and without the view (runs interleaved);
    return the ratio of the minimum CPU times, the least noisy of the four ratios."""
    plain, live, updates = [], [], 0
    run(True)  # warm: imports (NumPy, the batched tape's code), Graphviz's worker process
    for _ in range(repeats):
        plain.append(run(False)[:2])
        *seconds, updates = run(True)
        live.append(tuple(seconds))
    print(f"moons demo, 100 steps, {repeats} runs each; min / median, CPU s (wall s):")
    for name, times in (("fit(...)           ", plain), ("fit(..., live=True)", live)):
        cpu, wall = [t[0] for t in times], [t[1] for t in times]
        print(
            f"  {name} {min(cpu):.3f} / {statistics.median(cpu):.3f} s  "
            f"({min(wall):.3f} / {statistics.median(wall):.3f} s)"
        )
    ratios = [
        pick([t[k] for t in live]) / pick([t[k] for t in plain])
        for k in (0, 1)
        for pick in (min, statistics.median)
    ]
    print(
        f"  slowdown            {ratios[0]:.2f}x / {ratios[1]:.2f}x  "
        f"({ratios[2]:.2f}x / {ratios[3]:.2f}x); {updates} view updates; target: at most 1.20x"
    )
    return ratios[0]


if __name__ == "__main__":
    main()
