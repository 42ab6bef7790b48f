"""The live training view: in-place updates, a graph laid out once, gradients untouched."""

from __future__ import annotations

import base64
import re

import pytest

from nn import MLP, SGD, fit, hinge, moons, to_signed
from nn.live import LiveView

pytest.importorskip("pygraphviz", reason="the draw extra is not installed")


class Output:
    """Stands in for a notebook output's display handle."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def update(self, html: object) -> None:
        self.shown.append(html.data)


def pictures(document: str) -> list[str]:
    """The SVGs of the view's images: curves, boundary, graph."""
    found = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', document)
    return [base64.b64decode(data).decode("utf-8") for data in found]


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
    curves, boundary, *_ = pictures(last)
    assert "step 30:" in last and "<polyline" in curves and "<circle" in boundary
    assert "<svg" not in last  # inline SVG is stripped by untrusted notebooks: images only
    assert len(view.loss) == 30


def test_the_graph_is_laid_out_once_and_only_its_numbers_change() -> None:
    view, _, model = trained_view()
    view._layout.join(timeout=60)
    first = view.html()
    for p in model.parameters():
        p.data += 0.5  # training moves the weights: the numbers change, not the layout
    second = view.html()
    layout = re.compile(r'(points|cx|cy|x|y)="[^"]*"')
    graph = lambda doc: pictures(doc)[2]  # noqa: E731
    assert layout.findall(graph(first)) == layout.findall(graph(second))
    assert re.findall(r">data [^<]*<", graph(first)) != re.findall(r">data [^<]*<", graph(second))


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
