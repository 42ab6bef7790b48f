"""Rendering: SVG that parses, both layout backends, files, threads, a missing backend.

The in-process backend (pygraphviz, which bundles Graphviz) is the one drawings use when
it is installed; a system ``dot`` (``AUTOGRAD_ENGINE_GRAPHVIZ=system``) is tested when
present, and the subprocess path is also exercised through a stand-in ``dot`` program
that renders with pygraphviz.
"""

from __future__ import annotations

import itertools
import shutil
import sys
import textwrap
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograd_engine import Value, draw_graph, rendering_backend, scope
from autograd_engine.viz import BackendUnavailableError

pygraphviz = pytest.importorskip("pygraphviz", reason="the draw extra is not installed")

SVG = "{http://www.w3.org/2000/svg}"


def neuron() -> Value:
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    w.kind = "parameter"
    out = (x * w + 6.5).tanh()
    out.label = "out"
    out.backward()
    return out


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # raises if the SVG is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return [element.text or "" for element in root.iter(f"{SVG}text")]


@pytest.fixture
def no_system_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Hide any system ``dot``: an empty PATH, and a which() that finds nothing."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)


def test_svg_parses_and_shows_labels_and_values(no_system_dot: None) -> None:
    texts = svg_texts(draw_graph(neuron(), edge_labels=True).svg())
    for expected in ("x", "w", "out", "data -3.0000", "grad 1.0000", "tanh", "local -3.0000"):
        assert expected in texts
    assert any("grad += " in text for text in texts)


def test_in_process_backend_when_dot_is_hidden(no_system_dot: None) -> None:
    backend = rendering_backend()
    assert backend.name == "pygraphviz"
    assert "in-process" in str(backend)
    assert draw_graph(neuron()).svg().lstrip().startswith("<?xml")


@pytest.fixture
def system_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ask for the system ``dot`` (the bundled Graphviz comes first otherwise)."""
    monkeypatch.setenv("AUTOGRAD_ENGINE_GRAPHVIZ", "system")


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz dot on PATH")
def test_system_dot_backend(system_dot: None) -> None:
    pytest.importorskip("graphviz")
    assert rendering_backend().name == "dot"
    assert "out" in svg_texts(draw_graph(neuron()).svg())


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz dot on PATH")
def test_system_dot_draws_the_declaration_that_reads_best(system_dot: None) -> None:
    """Whatever its version, the system dot's picture reads at least as well as the
    default declaration, and a mirrored pick is drawn through ``dot -Knop2``."""
    import json

    from autograd_engine.viz import reading_order
    from autograd_engine.viz.backends import render

    nn = pytest.importorskip("nn")
    pytest.importorskip("graphviz")
    for sizes, budget in (([8, 1], None), ([4, 4, 1], None), ([16, 16, 1], 40)):
        model = nn.MLP(2, sizes, seed=1)
        out = model([Value(0.3, label="x[0]"), Value(-0.6, label="x[1]")])
        graph = draw_graph(out, max_nodes=budget) if budget else draw_graph(out)
        assert "<svg" in graph.svg()
        document, layout = graph._document, graph._layout
        groups = document.reading_groups
        wrong, pairs = reading_order.out_of_order(
            json.loads(render(graph.source, "json0")), groups, "y"
        )
        drawn = json.loads(render(layout.source, "json0", engine=layout.engine))
        # No worse than the default declaration as laid out, or as its mirror image.
        assert reading_order.out_of_order(drawn, groups, "y")[0] <= min(wrong, pairs - wrong)
    from test_viz_reading_order import only_a_mirror_reads_right

    mirrored = reading_order.choose(
        only_a_mirror_reads_right(), lambda s, f, e: render(s, f, engine=e)
    )
    assert mirrored.engine == "nop2" and b"<svg" in render(mirrored.source, engine="nop2")


def test_subprocess_backend_through_a_stand_in_dot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, system_dot: None
) -> None:
    """Whatever ``dot`` is on PATH gets the DOT text on stdin and ``-T<format>``."""
    pytest.importorskip("graphviz")
    calls = tmp_path / "calls"
    fake = tmp_path / "dot"
    fake.write_text(
        textwrap.dedent(f"""\
            #!{sys.executable}
            import sys, pygraphviz
            fmt = next(a[2:] for a in sys.argv[1:] if a.startswith("-T"))
            prog = next((a[2:] for a in sys.argv[1:] if a.startswith("-K")), "dot")
            with open({str(calls)!r}, "a") as log:
                log.write(" ".join(sys.argv[1:]) + "\\n")
            graph = pygraphviz.AGraph(string=sys.stdin.read())
            sys.stdout.buffer.write(graph.draw(format=fmt, prog=prog))
            """)
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert rendering_backend().name == "dot"
    assert "out" in svg_texts(draw_graph(neuron()).svg())
    assert "-Tsvg" in calls.read_text()


def stand_in_dot(tmp_path: Path) -> Path:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    return fake


def test_the_bundled_graphviz_comes_first_even_with_a_system_dot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("graphviz")
    stand_in_dot(tmp_path)  # one that would fail if it were used
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("AUTOGRAD_ENGINE_GRAPHVIZ", raising=False)
    assert rendering_backend().name == "pygraphviz"
    assert "out" in svg_texts(draw_graph(neuron()).svg())


def test_asking_for_a_backend_that_is_missing_says_so(
    monkeypatch: pytest.MonkeyPatch, no_system_dot: None
) -> None:
    monkeypatch.setenv("AUTOGRAD_ENGINE_GRAPHVIZ", "system")
    with pytest.raises(BackendUnavailableError, match="=system, but Graphviz's dot program"):
        rendering_backend()
    monkeypatch.setenv("AUTOGRAD_ENGINE_GRAPHVIZ", "bundled")
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    with pytest.raises(BackendUnavailableError, match="=bundled, but pygraphviz"):
        rendering_backend()
    monkeypatch.setenv("AUTOGRAD_ENGINE_GRAPHVIZ", "newest")
    with pytest.raises(BackendUnavailableError, match="'newest': say 'bundled'"):
        rendering_backend()


def test_missing_backend_names_both_ways_to_get_one(
    monkeypatch: pytest.MonkeyPatch, no_system_dot: None
) -> None:
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # `import pygraphviz` now fails
    graph = draw_graph(neuron())
    assert "v0" in graph.source  # DOT text needs no backend
    with pytest.raises(BackendUnavailableError) as error:
        graph.svg()
    message = str(error.value)
    assert "pip install pygraphviz" in message
    assert "autograd-engine[draw]" in message
    assert "Graphviz's dot program" in message and "apt install graphviz" in message
    with pytest.raises(BackendUnavailableError):
        rendering_backend()


def test_dot_without_the_graphviz_package_is_explained(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(BackendUnavailableError, match="graphviz Python package is missing"):
        rendering_backend()


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")]
)
def test_save_writes_each_format(tmp_path: Path, suffix: str, magic: bytes) -> None:
    path = draw_graph(neuron()).save(tmp_path / f"graph{suffix}")
    assert path.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [f"graph{suffix}"]  # no temporary left


def test_save_dot_text_and_refuse_unknown_formats(tmp_path: Path) -> None:
    graph = draw_graph(neuron())
    assert graph.save(tmp_path / "graph.gv").read_text() == graph.source
    with pytest.raises(ValueError, match=r"unknown format 'jpg'"):
        graph.save(tmp_path / "graph.jpg")
    assert list(tmp_path.iterdir()) == [tmp_path / "graph.gv"]


def test_jupyter_display_is_svg() -> None:
    graph = draw_graph(neuron())
    assert graph._repr_svg_() == graph.svg()
    assert "<svg" in graph._repr_svg_()


def test_rendering_from_several_threads(no_system_dot: None) -> None:
    """The in-process library is not thread-safe; the lock must make this work."""

    def graph(i: int):
        x = Value(float(i), label=f"input{i}")
        return draw_graph((x * x).tanh(), edge_labels=i % 2 == 0)

    serial = [graph(i).svg() for i in range(16)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda i: graph(i).svg(), range(16)))
    assert threaded == serial
    assert all(f"input{i}" in svg_texts(svg) for i, svg in enumerate(threaded))


def test_special_characters_reach_the_picture_unchanged() -> None:
    label = 'odd {label} | <x> "quoted" \\ end\\'
    x = Value(1.0, label=label)
    with scope('we\\ird "scope"'):
        y = x * 2
    texts = svg_texts(draw_graph(y, title='title "q" \\n stays').svg())
    assert label in texts
    assert 'we\\ird "scope"' in texts
    assert 'title "q" \\n stays' in texts


def test_inputs_weights_and_neurons_read_in_index_order() -> None:
    """Top to bottom: x0 above x1, w[0] above w[1], neuron 0 above neuron 1 (issue 15)."""
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [2, 1], seed=0)
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    out.backward()
    for expand in (False, True):
        graph = draw_graph(out, expand_neurons=expand)
        top = _tops(graph.svg())
        name = {node: f"v{i}" for node, i in graph._plan.index.items()}
        x0, x1 = out.parents[-2:][0].parents[-2:]  # the inputs, through neuron 0 of layer 0
        assert top[name[x0]] < top[name[x1]]
        for neuron in model.layers[0].neurons:
            w0, w1 = neuron.w
            assert top[name[w0]] < top[name[w1]]
        first, second = (name[n.w[0]] for n in model.layers[0].neurons)
        assert top[first] < top[second]  # neuron 0 above neuron 1
    source = graph.source
    assert 'label="layers.0.neurons.0"' in source and 'label="layers.0.neurons.1"' in source


def test_nn_losses_are_labelled() -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [2, 1], seed=0)
    scores = [model([0.5, -1.0]), model([1.0, 1.0])]
    assert nn.hinge(scores, [1, -1]).label == "hinge"
    assert nn.mse(scores, [1.0, 0.0]).label == "mse"
    assert nn.l2_penalty(model.parameters(), 1e-4).label == "l2"
    total, _ = nn.step.build_loss(model, nn.hinge, [[0.5, -1.0]], [1], model.parameters(), l2=0.1)
    assert total.label == "loss"


def _tops(svg: str) -> dict[str, float]:
    """The top edge (SVG y, smaller is higher) of each node, by its DOT name."""
    tops = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        polygon = next(g.iter(f"{SVG}polygon"), None)
        if g.get("class") == "node" and polygon is not None:
            ys = [float(p.split(",")[1]) for p in polygon.get("points").split()]
            tops[g.find(f"{SVG}title").text] = min(ys)
    return tops


def _label_gaps(source: str) -> list[float]:
    """The gaps, in points of the finished picture, between neighbouring lines of edge
    labels on one row (Graphviz's own text widths, from its JSON output)."""
    import json
    import re

    graph = pygraphviz.AGraph(string=source)
    layout = json.loads(graph.draw(format="json", prog="dot"))
    width = float(
        re.search(r'<svg width="([\d.]+)pt"', graph.draw(format="svg", prog="dot").decode())[1]
    )
    left, _, right, _ = (float(v) for v in layout["bb"].split(","))
    scale = width / (right - left)  # the size attribute scales the picture down
    lines = sorted(
        (round(op["pt"][1]), op["pt"][0] - op["width"] / 2, op["pt"][0] + op["width"] / 2)
        for edge in layout["edges"]
        for op in edge.get("_ldraw_", [])
        if op["op"] == "T"
    )
    return [(b[1] - a[2]) * scale for a, b in itertools.pairwise(lines) if a[0] == b[0]]


def test_neighbouring_edge_labels_of_the_readme_neuron_stand_apart() -> None:
    """Drawn as ``make demo`` draws ``neuron.svg``: at 0.2 in apart, with the arithmetic
    on one line, the labels of two edges into one ``*`` were 2.9 pt apart."""
    nn = pytest.importorskip("nn")
    from nn.demo import README_WIDTH

    neuron = nn.MLP(2, [4, 1], seed=1).layers[0].neurons[0]
    output = neuron([Value(-0.69, label="x[0]"), Value(0.85, label="x[1]")])
    output.label = "output"
    output.backward()
    source = draw_graph(output, edge_labels=True, size=README_WIDTH).source
    gaps = _label_gaps(source)
    assert len(gaps) >= 4  # two rows of labels, beside each other
    assert min(gaps) >= 8.0, gaps


def test_a_wide_drawing_reads_neurons_and_inputs_in_index_order() -> None:
    """Notebook 03's drawing of one prediction, 40 values: neuron i above neuron i + 1."""
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [16, 16, 1], seed=1)
    out = model([Value(0.3, label="x[0]"), Value(-0.6, label="x[1]")])
    out.backward()
    root = ET.fromstring(draw_graph(out, max_nodes=40).svg())
    tops = {t.text: float(t.get("y")) for t in root.iter(f"{SVG}text") if t.text}
    for layer in ("0", "1"):
        titles = sorted(t for t in tops if t.startswith(f"layers.{layer}.neurons."))
        order = sorted(titles, key=tops.__getitem__)
        assert order == sorted(titles, key=lambda t: int(t.rsplit(".", 1)[1])), order
    assert tops["x[0]"] < tops["x[1]"]
