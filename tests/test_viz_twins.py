"""Twins: what a drawing cannot tell apart, and the same layout with them in order."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from autograd_engine import Value, draw_graph
from autograd_engine.viz import reading_order, twins
from autograd_engine.viz.backends import render

pytest.importorskip("pygraphviz")
nn = pytest.importorskip("nn")

from test_viz_reading_order import _statements  # noqa: E402


@pytest.fixture(autouse=True)
def bundled_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The layouts compared here are those of the Graphviz pygraphviz bundles."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)


def _prediction(sizes: list[int], **options: object) -> object:
    model = nn.MLP(2, sizes, seed=1)
    out = model([Value(0.3, label="x[0]"), Value(-0.6, label="x[1]")])
    out.backward()
    return draw_graph(out, **options)


def _labels(units: list[object]) -> list[str]:
    return [unit.label or "" for unit in units]  # type: ignore[attr-defined]


def test_a_layers_fused_neurons_their_parameters_and_the_inputs_are_twins() -> None:
    writer = _prediction([3, 1], expand_neurons=False)._document.declarer
    found = writer.twin_classes
    assert found.boxes == [[f"layers.0.neurons.{i}" for i in range(3)]]
    # The inputs, in the first layer's box; in each neuron w[0], w[1] and b feed one op.
    assert [_labels(group) for group in found.leaves["layers.0"]] == [["x[0]", "x[1]"]]
    neuron = found.leaves["layers.0.neurons.1"]
    assert [_labels(group) for group in neuron] == [
        ["layers.0.neurons.1.w[0]", "layers.0.neurons.1.w[1]", "layers.0.neurons.1.b"]
    ]


def test_expanded_neurons_have_no_twins() -> None:
    """Drawn as the lecture draws them, each weight and input feeds its own product, and
    so does each neuron in every neuron of the next layer: swapping any two would draw
    another graph, so nothing is a twin."""
    writer = _prediction([2, 2, 1], expand_neurons=True)._document.declarer
    assert writer.twin_classes == twins.Twins(boxes=[], leaves={})


def _relabelled(max_nodes: int) -> tuple[object, dict, twins.Relabel]:
    graph = _prediction([16, 16, 1], max_nodes=max_nodes)
    layout = json.loads(render(graph.source, "json0"))  # type: ignore[attr-defined]
    writer = graph._document.declarer  # type: ignore[attr-defined]
    relabel = writer.relabel(reading_order.reading_places(layout, "y", False))
    assert relabel is not None and relabel.boxes and relabel.units
    return graph, layout, relabel


@pytest.mark.parametrize("max_nodes", [40, 100])
def test_twins_trading_places_draw_the_same_graph(max_nodes: int) -> None:
    graph, _, relabel = _relabelled(max_nodes)
    document = graph._document  # type: ignore[attr-defined]
    relabelled = _statements(document.declarer.body(None, relabel))
    # A box's title shares the rank of the Value in its last place, which may now show
    # that Value's twin (x[0] for x[1]): the same rank, since twins feed the same ops.
    assert _titles_unanchored(relabelled) == _titles_unanchored(_statements(document.body))


def _titles_unanchored(statements: list[tuple[tuple[str, ...], str]]) -> list[object]:
    return [(boxes, re.sub(r"; v\d+\}$", "}", text)) for boxes, text in statements]


@pytest.mark.parametrize("max_nodes", [40, 100])
def test_twins_trading_places_keep_the_layouts_order(max_nodes: int) -> None:
    """Laid out, the relabelled text puts everything in the order of the places it was
    given: dot orders by structure and declaration, not by names. (Labels of other
    widths may shift positions, never the order.)"""
    graph, layout, relabel = _relabelled(max_nodes)
    document = graph._document  # type: ignore[attr-defined]
    text = document.text(document.declarer.body(None, relabel))
    laid_out = json.loads(render(text, "json0"))
    predicted = reading_order.renamed(layout, relabel.names)
    groups = document.reading_groups

    def reading(layout: dict) -> list[list[str]]:
        reads = reading_order.reading_places(layout, "y", False)
        return [sorted(group, key=reads.__getitem__) for group in groups]

    assert reading(laid_out) == reading(predicted)
    score = reading_order.out_of_order(laid_out, groups, "y")
    assert score == reading_order.out_of_order(predicted, groups, "y")
    assert score[0] < reading_order.out_of_order(layout, groups, "y")[0]


def test_a_relabel_that_is_not_a_symmetry_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swapping a neuron's output with a weight would draw another graph: refused."""
    graph = _prediction([2, 1], expand_neurons=False)
    writer = graph._document.declarer
    output = next(u for u in writer.plan.units if isinstance(u, Value) and u.op)
    weight = next(u for u in writer.plan.units if isinstance(u, Value) and not u.op)
    wrong = twins.Relabel(units={output: weight, weight: output})
    monkeypatch.setattr(twins, "relabel", lambda *args: wrong)
    assert writer.relabel({}) is None


def test_twins_in_order_stay_and_twins_reversed_are_turned() -> None:
    graph = _prediction([3, 1], expand_neurons=False)
    writer, groups = graph._document.declarer, graph._document.reading_groups
    in_order = {name: float(i) for group in groups for i, name in enumerate(group)}
    assert writer.relabel(in_order) is None
    reversed_ = {name: -where for name, where in in_order.items()}
    relabel = writer.relabel(reversed_)
    assert relabel is not None
    # Each place now shows the twin that reads there: the reversed places, renamed, read
    # in index order.
    shown = {relabel.names.get(name, name): where for name, where in reversed_.items()}
    found = writer.twin_classes
    classes = [[f"cluster_{writer.box_numbers[p]}" for p in paths] for paths in found.boxes]
    classes += [[writer.name(u) for u in leaves] for c in found.leaves.values() for leaves in c]
    assert len(classes) == 6  # the neurons; x; w and b in each of four neurons
    for names in classes:
        assert sorted(names, key=shown.__getitem__) == names
