"""Pictures read in index order: the declaration (or mirror image) ``reading_order`` picks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from autograd_engine import Value, draw_graph
from autograd_engine.viz import picture, reading_order
from autograd_engine.viz.backends import render
from autograd_engine.viz.dot_document import DotDocument
from autograd_engine.viz.labels import ROLE_COLOURS

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
        ([16, 16, 1], 80),
        ([16, 16, 1], 100),
        ([16, 16, 1], 150),
        ([16, 16, 1], None),
        ([2, 1], None),
        ([4, 4, 1], None),
        ([8, 1], None),
        ([16, 1], 80),
    ],
)
def test_neurons_inputs_and_weights_read_in_index_order(
    sizes: list[int], max_nodes: int | None
) -> None:
    """Notebook 03's network drawn at 8 (the live view's graph), 20, 40 (the notebook's),
    60, 80, 100 and 150 values and whole (252 nodes, the default budget), and small
    networks drawn whole: every neuron box above the next, x[0] above x[1], w[0] above
    w[1] above b. At 80 and 100 values a layer's neurons are twins of two kinds (with
    their weights drawn, and without), which only the search and twins together order.
    One hidden layer of 16 at 80 values draws two neurons in part, its last two."""
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
    assert document.declarer is not None
    bodies = [document.declarer.body(order) for order in document.declarer.orders()]
    assert bodies[0] == document.body
    assert len({tuple(body) for body in bodies}) == 8
    assert all(_statements(body) == _statements(document.body) for body in bodies)


def _statements(body: list[str]) -> list[tuple[tuple[str, ...], str]]:
    """Each statement with the boxes it is written in, in any order: the same list for
    two bodies means the same nodes, edges and boxes (whatever order declares them)."""
    inside: list[str] = []
    found = []
    for line in body:
        text = line.strip()
        if text.startswith("subgraph "):
            inside.append(text)
        elif text == "}":
            inside.pop()
        else:
            found.append((tuple(inside), text))
    return sorted(found)


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
    turned = reading_order.mirror(positioned, "y", (low, high))
    assert 'pos=\\"1,2\\"' in turned and 'pos=\\"3,4\\"' in turned  # text is left alone
    after = json.loads(render(turned, "json0", engine="nop2"))
    # nop2 fits the graph's box to what it holds; the caption stays on top of it all.
    # nop2 moves the whole drawing to its corner: compare places from there.
    (left, _), (bottom, top) = reading_order.extent(before, "x"), reading_order.extent(after, "y")
    shift_x = reading_order.extent(after, "x")[0] - left
    assert top - bottom == pytest.approx(high - low, abs=0.01)
    caption_bottom = float(after["lp"].split(",")[1]) - float(after["lheight"]) * 36
    assert caption_bottom >= top + reading_order.CAPTION_GAP  # clear of what is drawn
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


def test_the_search_makes_at_most_max_layouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where nothing reads right, a cheap drawing's search lays out every candidate
    (each declaration, with full and fewer passes), once each, and draws the one that
    read best."""
    graph = draw_graph(_prediction([16, 16, 1]), max_nodes=40)
    calls: list[str] = []
    scores = iter(range(1000, 0, -1))  # each candidate a little better, none right

    sources: list[str] = []

    def counted(source: str, format: str, engine: str) -> bytes:
        calls.append(format)
        sources.append(source)
        return render(source, format, engine=engine)

    def never_right(*args: object) -> tuple[int, int]:
        return next(scores), 2000

    monkeypatch.setattr(reading_order, "out_of_order", never_right)
    layout = reading_order.choose(graph._document, counted)
    assert calls == ["json0"] * reading_order.MAX_LAYOUTS  # the best is the last, unmirrored
    declarer = graph._document.declarer
    assert declarer is not None
    candidates = len(declarer.orders()) * len(reading_order.ROUNDS)
    assert reading_order.layouts_for(graph._document.cost) == candidates == len(set(sources))
    assert layout.engine == "dot" and layout.source != graph.source


def test_the_search_is_bounded_by_the_layout_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Graphviz's time grows with the square of the layout cost: so do the layouts
    a search may not make. Past the allowance the drawing is drawn as declared."""
    assert reading_order.layouts_for(1) == reading_order.MAX_LAYOUTS
    costs = [100, 400, 600, 851, 1200, 1800, 5000]
    allowed = [reading_order.layouts_for(cost) for cost in costs]
    assert allowed == sorted(allowed, reverse=True) and allowed[-1] == 0
    assert all(
        n * cost**2 <= reading_order.SEARCH_ALLOWANCE
        for n, cost in zip(allowed, costs, strict=True)
    )
    monkeypatch.setattr(reading_order, "SEARCH_ALLOWANCE", 1)

    def no_search(*args: object) -> None:
        raise AssertionError("the search ran")

    monkeypatch.setattr(reading_order, "choose", no_search)
    calls: list[tuple[str, str]] = []
    real_render = picture.render

    def counted(source: str, format: str, **options: Any) -> bytes:
        calls.append((format, options["engine"]))
        return real_render(source, format, **options)

    monkeypatch.setattr(picture, "render", counted)
    graph = draw_graph(_prediction([2, 1]))
    assert graph._document.cost > 1
    assert "<svg" in graph.svg() and graph.png().startswith(b"\x89PNG")
    # One layout (as DOT with positions); where things landed, the SVG and the PNG are
    # all drawn from it by nop2, which lays out nothing.
    assert calls == [("dot", "dot"), ("json0", "nop2"), ("svg", "nop2"), ("png", "nop2")]
    assert graph._layout is not None and graph._layout.engine == "nop2"


def test_a_mirror_image_lifts_the_caption_clear_of_what_it_brings_to_the_top() -> None:
    """An edge's curve may run up under the caption; turned over, the nodes at the
    bottom land there (a 40,000-value step's caption ran over its first box)."""
    positioned = (
        "digraph {\n"
        '\tgraph [bb="0,0,100,80", label=caption, labelloc=t, lheight=0.2, lp="50,72"];\n'
        '\ta [pos="20,20", width=0.5, height=0.3];\n'
        '\tb [pos="80,20", width=0.5, height=0.3];\n'
        '\ta -> b [pos="e,70,20 30,20 40,80 60,80 70,20"];\n'
        "}\n"
    )
    before = json.loads(render(positioned, "json0", engine="nop2"))
    caption_bottom = float(before["lp"].split(",")[1]) - float(before["lheight"]) * 36
    assert caption_bottom < reading_order.extent(before, "y")[1]  # the curve runs under it
    turned = reading_order.mirror(positioned, "y", reading_order.extent(before, "y"))
    after = json.loads(render(turned, "json0", engine="nop2"))
    nodes_top = max(reading_order._box(obj)[3] for obj in after["objects"])  # type: ignore[index]
    caption_bottom = float(after["lp"].split(",")[1]) - float(after["lheight"]) * 36
    assert nodes_top > 60  # the nodes are on top now
    assert caption_bottom >= reading_order.extent(after, "y")[1]  # and clear of the caption


def test_a_drawing_too_costly_to_search_is_turned_when_its_mirror_reads_better() -> None:
    """Past the search's bound the one layout is kept, or mirrored when that reads more
    in index order: here the default declaration comes out mostly upside down."""
    document = only_a_mirror_reads_right()

    def lay_out(source: str, format: str, engine: str) -> bytes:
        return render(source, format, engine=engine)

    plain = json.loads(render(document.text(document.body, reading_order.FEWER_PASSES), "json0"))
    wrong, pairs = reading_order.out_of_order(plain, document.reading_groups, "y")
    assert wrong * 2 > pairs
    layout = reading_order.one_layout(document, lay_out)
    drawn = json.loads(render(layout.source, "json0", engine=layout.engine))
    assert layout.engine == "nop2"
    assert reading_order.out_of_order(drawn, document.reading_groups, "y") == (
        pairs - wrong,
        pairs,
    )


def test_a_drawing_too_costly_to_search_has_its_twins_put_in_place() -> None:
    """Past the search's bound twins still trade places: one more layout, whose order
    is the one predicted from the first. Notebook 03's network at 60 values, drawn as
    if it were too costly to search, reads right that way and not without."""
    document = draw_graph(_prediction([16, 16, 1]), max_nodes=60)._document
    calls: list[tuple[str, str]] = []

    def lay_out(source: str, format: str, engine: str) -> bytes:
        calls.append((format, engine))
        return render(source, format, engine=engine)

    plain = json.loads(render(document.text(document.body, reading_order.FEWER_PASSES), "json0"))
    wrong, pairs = reading_order.out_of_order(plain, document.reading_groups, "y")
    assert min(wrong, pairs - wrong) > 0  # neither the layout nor its mirror reads right
    layout = reading_order.one_layout(document, lay_out)
    assert calls.count(("dot", "dot")) == 2 and layout.engine == "nop2"
    drawn = json.loads(render(layout.source, "json0", engine="nop2"))
    assert reading_order.out_of_order(drawn, document.reading_groups, "y") == (0, pairs)


def test_twins_alone_put_a_drawing_in_order() -> None:
    """Notebook 03's network at 60 values: the default declaration has 18 of 108 pairs
    out of order; with its twins trading places the same layout reads right, and so the
    search ends after one layout."""
    graph = draw_graph(_prediction([16, 16, 1]), max_nodes=60)
    document = graph._document
    default = json.loads(render(graph.source, "json0"))
    wrong, pairs = reading_order.out_of_order(default, document.reading_groups, "y")
    assert wrong > 0
    layouts: list[str] = []

    def counted(source: str, format: str, engine: str) -> bytes:
        layouts.append(format)
        return render(source, format, engine=engine)

    layout = reading_order.choose(document, counted)
    assert layouts == ["json0"]
    drawn = json.loads(render(layout.source, "json0", engine=layout.engine))
    assert reading_order.out_of_order(drawn, document.reading_groups, "y") == (0, pairs)


def test_the_reading_survey_counts_what_the_tests_count() -> None:
    """``python -m benchmarks.reading``: 54 drawings, each measured as these tests do,
    and two past the search's bound."""
    reading = pytest.importorskip("benchmarks.reading")
    cases = reading.drawings()
    assert len(cases) == 54 and len({name for name, _ in cases}) == 54
    big = [make() for _, make in reading.big_drawings()]
    assert all(reading_order.layouts_for(graph._document.cost) == 0 for graph in big)
    wrong, pairs, seconds, engine = reading.measure(draw_graph(_prediction([4, 4, 1])))
    assert (wrong, engine) == (0, "dot") and pairs > 0 and seconds > 0


def test_constants_follow_their_ops_and_are_not_put_in_index_order() -> None:
    """Inputs and parameters of one box read in index order; constants (a hinge's
    margin 1, one per sample) are not grouped: each sits beside the op it feeds, and
    those ops (computed Values) are drawn in operand order, not index order."""
    X, y = nn.moons(4, noise=0.1, seed=1)
    model = nn.MLP(2, [2, 1], seed=1)
    loss = nn.hinge([model(x) for x in X], nn.to_signed(y))
    loss.backward()
    document = draw_graph(loss)._document
    labels = {}
    for line in document.source.splitlines():
        name, _, rest = line.strip().partition(" [")
        labels[name] = rest
    grouped = [name for group in document.reading_groups for name in group]
    assert any("w[0]" in labels.get(name, "") for name in grouped)  # parameters are grouped
    fill = ROLE_COLOURS["constant"]
    constants = [name for name, rest in labels.items() if f'fillcolor="{fill}"' in rest]
    assert constants, "the hinge's margins are drawn"
    assert not set(constants) & set(grouped)
