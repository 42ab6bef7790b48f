"""How cost grows: graph size, layer width and batch size, for our engine and the floor.

``python -m benchmarks.scaling`` prints three Markdown tables (CPU time, garbage collector
on). The numbers behind ``benchmarks/README.md``'s section on scale: a scalar engine pays
per node and per edge, so its cost is linear in both, and the question is only where the
constant makes it unreasonable.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from autograd_engine import Value, record
from benchmarks.floor import chain as floor_chain
from benchmarks.floor import init_mlp, moons_step, sum_loss_grads
from nn import MLP


def _cpu(function: Callable[[], Any], repeats: int) -> float:
    """Median CPU seconds of ``repeats`` calls (after one warm-up call)."""
    function()
    samples = []
    for _ in range(repeats):
        started = time.process_time()
        function()
        samples.append(time.process_time() - started)
    return statistics.median(samples)


def nodes_table(depths: list[int]) -> str:
    """A chain y = y * 1.0001: time per node as the graph grows, beside the floor chain's.

    The floor chain (``benchmarks.floor.chain``, one plain object per node) shows how the
    interpreter's own cost per node grows; the last column is the engine's time over it.
    """
    rows = [
        "| nodes | forward + backward | per node | floor chain per node | engine ÷ floor |",
        "|---:|---:|---:|---:|---:|",
    ]
    for depth in depths:

        def chain(depth: int = depth) -> None:
            y = x = Value(1.0)
            for _ in range(depth):
                y = y * 1.0001
            y.backward()
            assert x.grad > 0

        repeats = 1 if depth >= 100_000 else 3
        seconds = _cpu(chain, repeats)
        floor = _cpu(lambda depth=depth: floor_chain(depth), repeats)
        rows.append(
            f"| {depth:,} | {seconds * 1e3:,.1f} ms | {seconds / depth * 1e6:.2f} µs "
            f"| {floor / depth * 1e6:.2f} µs | {seconds / floor:.1f} |"
        )
    return "\n".join(rows)


def width_table(widths: list[int], nin: int = 784) -> str:
    """MLP(nin, [width, 10]) on one input: time per weight (edge) as layers widen."""
    rows = [
        "| hidden width | weights | engine ms/sample | floor ms/sample | engine / floor "
        "| engine ns/weight |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for width in widths:
        random.seed(0)
        model = MLP(nin, [width, 10])
        layers = init_mlp(nin, [width, 10])
        x = [random.random() for _ in range(nin)]

        def engine(model: MLP = model, x: list[float] = x) -> None:
            model.zero_grad()
            sum(model(x)).backward()

        def floor(layers: Any = layers, x: list[float] = x) -> None:
            sum_loss_grads(layers, x)

        weights = len(model.parameters())
        ours, base = _cpu(engine, 5), _cpu(floor, 5)
        rows.append(
            f"| {width} | {weights:,} | {ours * 1e3:.2f} | {base * 1e3:.2f} | "
            f"{ours / base:.1f}× | {ours / weights * 1e9:.0f} |"
        )
    return "\n".join(rows)


def batch_table(sizes: list[int]) -> str:
    """The demo's step (MLP(2, [16, 16, 1]), max-margin + L2) as the batch grows."""
    from sklearn.datasets import make_moons

    rows = [
        "| batch | graph nodes | dynamic ms/step | replay ms/step | floor ms/step "
        "| dynamic µs/sample | record s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        data, labels = make_moons(n_samples=size, noise=0.1, random_state=0)
        xs, ys = data.tolist(), [float(2 * v - 1) for v in labels]
        random.seed(1337)
        model = MLP(2, [16, 16, 1])

        def build(model: MLP = model, xs: list[list[float]] = xs, ys: list[float] = ys) -> Value:
            scores = [model([Value(a), Value(b)]) for a, b in xs]
            losses = [(1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)]
            reg = 1e-4 * sum(p * p for p in model.parameters())
            return sum(losses) * (1.0 / len(losses)) + reg

        def dynamic(model: MLP = model, build: Callable[[], Value] = build) -> None:
            model.zero_grad()
            build().backward()

        loss = build()
        started = time.process_time()
        tape = record(loss, params=model.parameters(), compile=True)  # runs timed compiled
        recording = time.process_time() - started

        def replay(model: MLP = model, tape: Any = tape) -> None:
            model.zero_grad()
            tape.run()

        random.seed(1337)
        layers = init_mlp(2, [16, 16, 1])
        dyn, rep = _cpu(dynamic, 3), _cpu(replay, 5)
        base = _cpu(lambda layers=layers, xs=xs, ys=ys: moons_step(layers, xs, ys, 0.0), 5)
        rows.append(
            f"| {size} | {len(tape):,} | {dyn * 1e3:.1f} | {rep * 1e3:.2f} | {base * 1e3:.2f} "
            f"| {dyn / size * 1e6:.0f} | {recording:.2f} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Print the three scaling tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scaling", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes only")
    args = parser.parse_args(argv)
    depths = [1_000, 10_000, 100_000] + ([] if args.quick else [1_000_000])
    widths = [8, 32, 128] if args.quick else [8, 16, 32, 64, 128, 256]
    sizes = [25, 100] if args.quick else [25, 50, 100, 200, 400]
    for title, text in (
        ("Graph size (chain)", nodes_table(depths)),
        ("Layer width: MLP(784, [width, 10]), one sample", width_table(widths)),
        ("Batch size: the demo's step", batch_table(sizes)),
    ):
        print(f"### {title}\n\n{text}\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
