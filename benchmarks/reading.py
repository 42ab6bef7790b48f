"""How many drawings read in index order, and what the picture costs.

Run: ``python -m benchmarks.reading``. Draws 54 pictures (six networks' predictions at
eight budgets, and hinge losses over 10 and 40 samples at three budgets each), then two
too costly to search (``PAST_THE_BOUND``), with the Graphviz that ``pygraphviz`` bundles
(``AUTOGRAD_ENGINE_GRAPHVIZ=system``: the one on PATH). For each it prints the pairs out
of index order (neuron boxes, and leaves of one role in one box; see
``reading_order.out_of_order``) against the pairs compared, the wall time of its first
SVG, and the engine it was drawn by (``nop2``: from positions, e.g. a mirror image).
Ordering is a property of the picture, so it is counted; the times are one run's on a
shared machine, to compare heads run side by side.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import nn
from autograd_engine import Value, draw_graph, rendering_backend
from autograd_engine.viz import reading_order
from autograd_engine.viz.backends import render
from autograd_engine.viz.picture import Graph

NETWORKS = ([16, 16, 1], [8, 8, 1], [4, 4, 1], [3, 3, 1], [16, 1], [8, 4, 1])
BUDGETS: tuple[int | None, ...] = (8, 20, 40, 60, 80, 100, 150, None)  # None: default
LOSSES = ((10, 40), (10, 100), (10, None), (40, 60), (40, 150), (40, None))
# Drawings too costly to search (``reading_order.one_layout``), counted apart: no
# declaration is chosen for them, so they are not expected to read in order.
PAST_THE_BOUND = ((40, 600), (40, 1000))


def prediction(sizes: list[int]) -> Value:
    """Notebook 03's kind of network, seeded, run on one point and differentiated."""
    model = nn.MLP(2, sizes, seed=1)
    out = model([Value(0.3, label="x[0]"), Value(-0.6, label="x[1]")])
    out.backward()
    return out


def hinge_loss(samples: int) -> Value:
    """The demo's loss over ``samples`` moons points, with L2, differentiated."""
    X, y = nn.moons(samples, noise=0.1, seed=1)
    model = nn.MLP(2, [16, 16, 1], seed=1)
    scores = [model(x) for x in X]
    loss = nn.hinge(scores, nn.to_signed(y)) + nn.l2_penalty(model.parameters(), 1e-4)
    loss.backward()
    return loss


def drawings() -> list[tuple[str, Callable[[], Graph]]]:
    """Each searched drawing's name and how to make it (made when measured)."""
    cases = []
    for sizes in NETWORKS:
        for budget in BUDGETS:
            name = f"MLP(2, {sizes}) at {budget or 'default'}"
            cases.append((name, partial(_drawing, prediction, sizes, budget)))
    return cases + _losses(LOSSES)


def big_drawings() -> list[tuple[str, Callable[[], Graph]]]:
    """Drawings past the search's bound: one layout, turned over or twins in place."""
    return _losses(PAST_THE_BOUND)


def _losses(cases: tuple[tuple[int, int | None], ...]) -> list[tuple[str, Callable[[], Graph]]]:
    return [
        (
            f"hinge over {samples} at {budget or 'default'}",
            partial(_drawing, hinge_loss, samples, budget),
        )
        for samples, budget in cases
    ]


def _drawing(root: Callable[[Any], Value], argument: Any, budget: int | None) -> Graph:
    value = root(argument)
    return draw_graph(value) if budget is None else draw_graph(value, max_nodes=budget)


def measure(graph: Graph) -> tuple[int, int, float, str]:
    """Pairs out of order, pairs compared, seconds to the first SVG, the engine."""
    start = time.perf_counter()
    graph.svg()
    seconds = time.perf_counter() - start
    layout = graph._chosen_layout(lambda s, f, e: render(s, f, engine=e))
    placed = json.loads(render(layout.source, "json0", engine=layout.engine))
    document = graph._document
    across = "x" if document.graph_attr.get("rankdir", "TB") in ("TB", "BT") else "y"
    wrong, pairs = reading_order.out_of_order(placed, document.reading_groups, across)
    return wrong, pairs, seconds, layout.engine


def main() -> None:
    # The Graphviz drawings use: the bundled one, unless AUTOGRAD_ENGINE_GRAPHVIZ=system
    # asks for the one on PATH (another version breaks ties its own way).
    print(f"Graphviz: {rendering_backend()}")
    draw_graph(Value(1.0) + 1).svg()  # start the Graphviz worker before timing
    survey(drawings(), "in index order")
    print("Past the search's bound (cost over 2,645: one layout, turned over or twins in place):")
    survey(big_drawings(), "in index order (none searched)")


def survey(cases: list[tuple[str, Callable[[], Graph]]], verdict: str) -> None:
    """Measure and print each drawing, then the totals."""
    rows = []
    for name, make in cases:
        wrong, pairs, seconds, engine = measure(make())
        rows.append((wrong, pairs, seconds))
        print(
            f"{name:32s} {wrong:4d} of {pairs:<5d} pairs out of order  {seconds:5.2f} s  {engine}"
        )
    in_order = sum(wrong == 0 for wrong, _, _ in rows)
    wrong, pairs = sum(row[0] for row in rows), sum(row[1] for row in rows)
    total, slowest = sum(row[2] for row in rows), max(row[2] for row in rows)
    print(
        f"{in_order} of {len(rows)} drawings {verdict}, {wrong} of {pairs} pairs "
        f"out of order in all; {total:.1f} s in all, slowest {slowest:.2f} s"
    )


if __name__ == "__main__":
    main()
