"""The live training view: in-place updates, a graph laid out once, gradients untouched."""

from __future__ import annotations

import base64
import itertools
import re
import struct
import zlib

import pytest

from autograd_engine import Value, no_grad
from nn import MLP, SGD, fit, hinge, live_png, moons, to_signed
from nn.live import LiveView
from nn.live_budget import PNG_LAYOUTS, ViewBudget

pytest.importorskip("pygraphviz", reason="the draw extra is not installed")


class Output:
    """Stands in for a notebook output's display handle."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def update(self, html: object) -> None:
        self.shown.append(html.data)


def pictures(document: str) -> list[tuple[str, bytes]]:
    """The view's images, in order (curves, boundary, graph): each its kind and bytes."""
    found = re.findall(r'src="data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=]+)"', document)
    return [(kind, base64.b64decode(data)) for kind, data in found]


def graph_svg(document: str) -> str:
    kinds = [kind for kind, _ in pictures(document)]
    assert kinds == ["png", "png", "svg+xml"], kinds
    return pictures(document)[2][1].decode("utf-8")


def colours(png: bytes) -> set[tuple[int, int, int]]:
    """The colours of an 8-bit palette PNG without filters (as nn.live_png writes them)."""
    width, height = struct.unpack(">II", png[16:24])
    assert png[24:26] == b"\x08\x03", "8 bits a pixel, a palette"
    at, data, palette = 8, b"", b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"IDAT":
            data += body
        elif kind == b"PLTE":
            palette = body
        at += 12 + length
    raw = zlib.decompress(data)
    rows = [raw[y * (width + 1) + 1 : (y + 1) * (width + 1)] for y in range(height)]
    used = {index for row in rows for index in row}
    return {(palette[3 * i], palette[3 * i + 1], palette[3 * i + 2]) for i in used}


def trained_view(epochs: int = 30) -> tuple[LiveView, Output, MLP]:
    X, y = moons(30, seed=0)
    model = MLP(2, [4, 1], seed=0)
    view = LiveView(model, (X, to_signed(y)), total_steps=epochs)
    output = Output()
    view._handle = output
    fit(
        model,
        hinge,
        SGD(model, lr=0.1),
        (X, to_signed(y)),
        epochs=epochs,
        progress=False,
        callbacks=[view],
    )
    return view, output, model


def test_one_output_is_updated_in_place_up_to_the_last_step() -> None:
    view, output, _ = trained_view()
    assert view.updates == len(output.shown) >= 2
    last = output.shown[-1]
    assert "step 30:" in last and len(view.loss) == 30
    assert "<svg" not in last  # inline SVG is stripped by untrusted notebooks: images only
    # The last picture, the one a saved notebook keeps, is all PNG (GitHub shows PNG).
    assert [kind for kind, _ in pictures(last)] == ["png", "png", "png"]
    curves, boundary, graph = (data for _, data in pictures(last))
    assert {live_png.LOSS, live_png.ACCURACY} <= colours(curves)
    assert {
        live_png.POSITIVE_SIDE,
        live_png.NEGATIVE_SIDE,
        live_png.POSITIVE_POINT,
        live_png.NEGATIVE_POINT,
    } <= colours(boundary)
    assert graph.startswith(b"\x89PNG") and len(graph) > 10_000


def test_updates_before_the_last_show_the_graph_as_svg_with_its_numbers() -> None:
    view, _, _ = trained_view()
    middle = view.html()
    assert ">data " in graph_svg(middle) and ">grad " in graph_svg(middle)


def test_the_graph_is_laid_out_once_and_only_its_numbers_change() -> None:
    view, _, model = trained_view()
    first = view.html()
    for p in model.parameters():
        p.data += 0.5  # training moves the weights: the numbers change, not the layout
    second = view.html()
    layout = re.compile(r'(points|cx|cy|x|y)="[^"]*"')
    graph = graph_svg
    assert layout.findall(graph(first)) == layout.findall(graph(second))
    assert re.findall(r">data [^<]*<", graph(first)) != re.findall(r">data [^<]*<", graph(second))


def test_the_boundary_is_scored_by_a_batched_tape_that_matches_the_model() -> None:
    pytest.importorskip("numpy")
    view, _, model = trained_view()
    assert view._batched()
    grid = [[-1.0, 0.5], [0.3, -0.2], [2.0, 1.0]]
    with no_grad():
        expected = [model(x).data for x in grid]
    assert view._scores(grid) == pytest.approx(expected, rel=1e-12, abs=1e-12)


class Branching:
    """A model that branches on its Value in Python: a tape records one branch only."""

    def __init__(self) -> None:
        self.w = Value(1.0, label="w")

    def parameters(self) -> list[Value]:
        return [self.w]

    def __call__(self, x: list[Value | float]) -> Value:
        s = self.w * x[0]
        return s if s.data > 0 else -s * 3.0 + x[1]


def test_a_model_a_tape_cannot_follow_is_scored_point_by_point() -> None:
    pytest.importorskip("numpy")
    X = [[1.0, 0.0], [-1.0, 1.0], [0.5, -0.5], [-2.0, 0.0], [2.0, 2.0]]
    view = LiveView(Branching(), (X, [1, -1, 1, -1, 1]))
    assert not view._batched()  # recorded at (0, 0): the other branch; the check sees it
    assert view._scores([[-1.0, 1.0]]) == [4.0]
    assert "decision boundary" in view.html()


def test_showing_the_sample_leaves_the_training_gradients_alone() -> None:
    X, y = moons(10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    for i, p in enumerate(model.parameters()):
        p.grad = float(i)
    LiveView(model, (X, to_signed(y))).html()
    assert [p.grad for p in model.parameters()] == [float(i) for i in range(13)]


def test_fit_live_runs_outside_a_notebook() -> None:
    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(
        model, hinge, SGD(model, lr=0.1), (X, to_signed(y)), epochs=5, progress=False, live=True
    )
    assert history.steps == 5


def test_budget_is_checked() -> None:
    with pytest.raises(ValueError, match="budget must be between 0 and 1"):
        LiveView(MLP(2, [1], seed=0), ([[0.0, 0.0]], [1]), budget=2)


def test_updates_are_throttled_to_the_budget() -> None:
    """With a costly update the view skips steps rather than slow training down."""
    view, _, _ = trained_view(epochs=200)
    assert view.updates < 200


def simulated_run(steps: int, step: float, update: float, first: float, layout: float):
    """A run on a made-up clock: each step takes ``step`` seconds, each update ``update``,
    the first ``first`` (an update, the graph drawn and laid out in ``layout``, the tape
    recorded) and the last an update and the PNG; returns the steps updated at and the
    view's share of the time."""
    budget = ViewBudget(0.1, start=0.0)
    now, spent, updated = 0.0, 0.0, []
    for k in range(steps):
        now += step
        last = k == steps - 1
        if updated and not last and not budget.due(now, (k + 1) / steps):
            continue
        if not updated:
            cost = first
            budget.layout = layout
            budget.spent(cost, once=first - update)
        else:
            cost = update + (PNG_LAYOUTS * layout if last else 0.0)
            budget.spent(cost)
        now += cost
        spent += cost
        updated.append(k)
    return updated, spent / now


# The moons demo's costs: steps of about 15 ms, a first update of 45 ms (25 of them the
# graph's layout), later ones of 12 ms.
@pytest.mark.parametrize(("steps", "step"), [(100, 0.015), (1000, 0.015), (300, 0.1)])
def test_the_view_keeps_to_its_share_with_updates_spread_over_the_run(
    steps: int, step: float
) -> None:
    updated, share = simulated_run(steps, step, update=0.012, first=0.045, layout=0.025)
    assert share <= 0.1 + 1e-9
    between = updated[1:-1]
    assert between, "some updates between the first and the last"
    # Evenly spread: no stretch without an update much longer than the average one.
    gaps = [b - a for a, b in itertools.pairwise(updated)]
    assert max(gaps[1:]) <= 3 * (updated[-1] - updated[1]) / max(len(gaps) - 1, 1) + 1


def test_a_run_too_short_for_its_fixed_costs_gets_the_first_and_last_pictures() -> None:
    updated, _ = simulated_run(100, 0.001, update=0.012, first=0.045, layout=0.025)
    assert updated == [0, 99]


def test_without_a_known_length_updates_keep_to_the_share_of_the_time_so_far() -> None:
    budget = ViewBudget(0.1, start=0.0)
    budget.spent(0.05)
    assert not budget.due(now=0.9) and budget.due(now=1.0)
