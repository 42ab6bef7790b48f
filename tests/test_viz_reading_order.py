"""Pictures read in index order: the declaration (or mirror image) ``reading_order`` picks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograd_engine import Value, draw_graph
from autograd_engine.viz import reading_order
from autograd_engine.viz.backends import render
from autograd_engine.viz.dot_document import DotDocument

pytest.importorskip("pygraphviz")
nn = pytest.importorskip("nn")


@pytest.fixture(autouse=True)
def bundled_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The orders asserted here are those of the Graphviz that pygraphviz bundles: a
    system ``dot`` of another version breaks ties its own way (the test beside
    ``test_system_dot_backend`` checks what holds for any version)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)


def _prediction(sizes: list[int]) -> Value:
    model = nn.MLP(2, sizes, seed=1)
    out = model([Value(0.3, label="x[0]"), Value(-0.6, label="x[1]")])
    out.backward()
    return out


def _wrong_pairs(graph: object) -> tuple[int, int]:
    """Pairs out of index order in the picture ``graph`` draws, and pairs compared."""
    graph.svg()  # type: ignore[attr-defined]
    layout = graph._layout  # type: ignore[attr-defined]
    drawn = json.loads(render(layout.source, "json0", engine=layout.engine))
    document = graph._document  # type: ignore[attr-defined]
    across = "y" if document.graph_attr["rankdir"] in ("LR", "RL") else "x"
    return reading_order.out_of_order(drawn, document.reading_groups, across)


@pytest.mark.parametrize(
    ("sizes", "max_nodes"),
    [
        ([16, 16, 1], 8),
        ([16, 16, 1], 20),
        ([16, 16, 1], 40),
        ([16, 16, 1], 60),
        ([16, 16, 1], None),
        ([2, 1], None),
        ([4, 4, 1], None),
        ([8, 1], None),
    ],
)
def test_neurons_inputs_and_weights_read_in_index_order(
    sizes: list[int], max_nodes: int | None
) -> None:
    """Notebook 03's network drawn at 8 (the live view's graph), 20, 40 (the notebook's)
    and 60 values and whole (252 nodes, the default budget), and small networks drawn
    whole: every neuron box above the next, x[0] above x[1], w[0] above w[1] above b."""
    options = {} if max_nodes is None else {"max_nodes": max_nodes}
    wrong, pairs = _wrong_pairs(draw_graph(_prediction(sizes), **options))
    assert pairs > 0
    assert wrong == 0


def test_the_default_declaration_reads_wrong_on_the_wide_drawing() -> None:
    """The case the search exists for: as declared, dot puts most pairs out of order."""
    graph = draw_graph(_prediction([16, 16, 1]), max_nodes=40)
    document = graph._document
    layout = json.loads(render(graph.source, "json0"))
    wrong, pairs = reading_order.out_of_order(layout, document.reading_groups, "y")
    assert wrong > pairs / 2
    graph.svg()
    assert graph._layout.source != graph.source  # another declaration was drawn


def test_a_drawing_that_reads_right_is_drawn_from_its_own_source() -> None:
    graph = draw_graph(_prediction([2, 1]))
    graph.svg()
    assert graph._layout == reading_order.Layout(graph.source, "dot")


def test_other_declarations_are_the_same_graph() -> None:
    """Each declaration has the same statements, only in another order."""
    document = draw_graph(_prediction([4, 4, 1]))._document
    bodies = [document.body, *document.alternatives()]
    assert len(bodies) == 8
    assert len({tuple(body) for body in bodies}) == 8
    # Nesting moves statements between lines, not into or out of boxes: compare sets.
    assert all(sorted(body) == sorted(document.body) for body in bodies)


def test_a_mirror_image_turns_every_position_and_keeps_the_caption() -> None:
    source = (
        'digraph { graph [rankdir=LR label="caption with pos=\\"1,2\\"" labelloc=t]\n'
        'subgraph cluster_0 { label=""; a; b }\n'
        'c [label="pos=\\"3,4\\""]\n'
        'a -> c [label="edge"]\nb -> c\n}\n'
    )
    before = json.loads(render(source, "json0"))
    low, high = reading_order.extent(before, "y")
    positioned = render(source, "dot").decode()
    turned = reading_order.mirror(positioned, "y", low + high)
    assert 'pos=\\"1,2\\"' in turned and 'pos=\\"3,4\\"' in turned  # text is left alone
    after = json.loads(render(turned, "json0", engine="nop2"))
    # nop2 fits the graph's box to what it holds; the caption stays on top of it all.
    # nop2 moves the whole drawing to its corner: compare places from there.
    (left, _), (bottom, top) = reading_order.extent(before, "x"), reading_order.extent(after, "y")
    shift_x = reading_order.extent(after, "x")[0] - left
    assert top - bottom == pytest.approx(high - low, abs=0.01)
    assert float(after["lp"].split(",")[1]) > top
    where = {obj["name"]: obj for obj in before["objects"]}
    for obj in after["objects"]:
        if "pos" in obj and "nodes" not in obj:
            x, y = (float(v) for v in obj["pos"].split(","))
            x0, y0 = (float(v) for v in where[obj["name"]]["pos"].split(","))
            assert x - shift_x == pytest.approx(x0, abs=0.01)
            assert y - bottom == pytest.approx(high - y0, abs=0.01)  # upside down
    groups = [["a", "b"]]
    wrong, pairs = reading_order.out_of_order(before, groups, "y")
    assert pairs == 1
    assert reading_order.out_of_order(after, groups, "y") == (pairs - wrong, pairs)


def only_a_mirror_reads_right() -> DotDocument:
    """Two nodes side by side, one declaration, asked to read in the order dot did not
    draw them: only the mirror image reads right. (Used by test_viz_render too.)"""
    document = DotDocument({"rankdir": "LR"}, {}, {}, ["\ts -> a\n", "\ts -> b\n"])
    placed = json.loads(render(document.source, "json0"))
    document.reading_groups = [["b", "a"]]
    if reading_order.out_of_order(placed, document.reading_groups, "y")[0] == 0:
        document.reading_groups = [["a", "b"]]
    return document


def test_a_mirrored_picture_is_drawn_at_the_mirrored_positions() -> None:
    """When only a mirror image reads right, the picture is drawn from it by nop2."""

    document = only_a_mirror_reads_right()
    layout = reading_order.choose(document, lambda s, f, e: render(s, f, engine=e))
    assert layout.engine == "nop2"
    drawn = json.loads(render(layout.source, "json0", engine="nop2"))
    assert reading_order.out_of_order(drawn, document.reading_groups, "y") == (0, 1)
    assert b"<svg" in render(layout.source, "svg", engine="nop2")


def test_the_search_makes_at_most_max_layouts() -> None:
    """Where nothing reads right (notebook 03's network at 100 values: 15 or more of 236
    pairs wrong), the search stops after ``MAX_LAYOUTS`` layouts and one picture."""
    graph = draw_graph(_prediction([16, 16, 1]), max_nodes=100)
    calls: list[str] = []

    def counted(source: str, format: str, engine: str) -> bytes:
        calls.append(format)
        return render(source, format, engine=engine)

    layout = reading_order.choose(graph._document, counted)
    assert calls.count("json0") == reading_order.MAX_LAYOUTS
    assert len(calls) <= reading_order.MAX_LAYOUTS + 1  # a mirror image's positions
    drawn = json.loads(render(layout.source, "json0", engine=layout.engine))
    wrong, pairs = reading_order.out_of_order(drawn, graph._document.reading_groups, "y")
    default = reading_order.out_of_order(
        json.loads(render(graph.source, "json0")), graph._document.reading_groups, "y"
    )
    assert 0 < wrong <= min(default[0], pairs - default[0])


def test_a_large_drawing_skips_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ``LARGE_LIMIT`` units one layout is slow already: draw ``.source`` as is."""
    monkeypatch.setattr(reading_order, "SEARCH_LIMIT", 2)
    monkeypatch.setattr(reading_order, "LARGE_LIMIT", 3)
    assert reading_order.layouts_for(14) == 0

    def no_search(*args: object) -> None:
        raise AssertionError("the search ran")

    monkeypatch.setattr(reading_order, "choose", no_search)
    graph = draw_graph(_prediction([2, 1]))
    assert "<svg" in graph.svg()
    assert graph._layout == reading_order.Layout(graph.source)
