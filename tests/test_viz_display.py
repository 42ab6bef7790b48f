"""The display bundle, micrograd's habits (format=, render, view, pipe), quiet first
renders, and renders that a time limit or Ctrl-C can stop.

Fresh processes are used where the point is a first render (fontconfig warns once, at
start-up) or a signal (SIGINT must reach Python while Graphviz is busy in a worker).
"""

from __future__ import annotations

import base64
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograd_engine import Value, draw_dot, draw_graph
from autograd_engine.viz.backends import RenderTimeoutError, render

pytest.importorskip("pygraphviz", reason="the draw extra is not installed")

ROOT = Path(__file__).resolve().parents[1]


def neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    out = (x1 * w1 + x2 * w2 + 6.88).tanh()
    out.label = "o"
    out.backward()
    return out


def tangled_dot(nodes: int = 1500, edges: int = 6000) -> str:
    """DOT that Graphviz needs well over ten seconds to lay out."""
    pick = random.Random(0).randrange
    body = "".join(f"n{pick(nodes)} -> n{pick(nodes)};" for _ in range(edges))
    return "digraph {" + body + "}"


def test_bundle_has_svg_png_and_text() -> None:
    graph = draw_graph(neuron())
    bundle = graph._repr_mimebundle_()
    assert bundle["text/plain"].startswith("<Graph: ")
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert graph._repr_png_().startswith(b"\x89PNG")


def test_micrograd_habits_format_render_pipe(tmp_path: Path) -> None:
    graph = draw_dot(neuron(), format="png")
    assert graph.format == "png"
    assert graph.pipe().startswith(b"\x89PNG")
    assert graph.pipe(format="svg").lstrip().startswith(b"<?xml")
    path = graph.render("gout", directory=tmp_path)
    assert path == str(tmp_path / "gout.png")
    assert Path(path).read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gout.png"]  # no stray DOT file
    assert graph.render(tmp_path / "same.png").endswith("same.png")
    assert graph.render(tmp_path / "doc", format="pdf").endswith("doc.pdf")


def test_view_renders_and_opens(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda uri: opened.append(uri) or True)
    path = draw_graph(neuron()).view(tmp_path / "v")
    assert Path(path).read_bytes().lstrip().startswith(b"<?xml")
    assert opened == [Path(path).resolve().as_uri()]


def test_format_is_checked_where_it_is_given() -> None:
    with pytest.raises(ValueError, match="draw_graph: format must be one of"):
        draw_graph(neuron(), format="gif")
    with pytest.raises(ValueError, match="render: format must be one of"):
        draw_graph(neuron()).render("x", format="bmp")


def test_first_render_in_a_fresh_process_prints_nothing(tmp_path: Path) -> None:
    """Fontconfig's warning appeared once per process, at the first render."""
    script = textwrap.dedent("""\
        from autograd_engine import Value, draw_graph
        graph = draw_graph(Value(2.0, label="x") * 3)
        assert graph.png().startswith(b"\\x89PNG") and "<svg" in graph.svg()
        """)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}  # a cold font cache too
    env.pop("FONTCONFIG_FILE", None)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == ""


def test_a_render_past_its_time_limit_is_stopped_and_named() -> None:
    start = time.monotonic()
    with pytest.raises(RenderTimeoutError, match=r"a graph of 1500 nodes.*within 1 s"):
        render(tangled_dot(), timeout=1, what="a graph of 1500 nodes")
    assert time.monotonic() - start < 10  # generous: a guard against a runaway, not a benchmark
    assert render("digraph { a -> b }").lstrip().startswith(b"<?xml")  # a new worker serves


def test_sigint_stops_a_render_in_progress() -> None:
    script = textwrap.dedent(f"""\
        import sys
        from autograd_engine.viz.backends import render
        print("rendering", flush=True)
        render({tangled_dot()!r}, timeout=600)
        """)
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout.readline() == "rendering\n"
    time.sleep(1.5)  # Graphviz is now deep in the layout
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    try:
        _, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert time.monotonic() - sent < 5  # generous on a shared machine; it took minutes before
    assert "KeyboardInterrupt" in stderr


@pytest.mark.parametrize(
    "name",
    ["01_expressions_and_graphs.ipynb", "02_backprop_step_by_step.ipynb", "05_higher_order.ipynb"],
)
def test_committed_notebooks_are_run_and_every_drawing_has_a_png(name: str) -> None:
    """GitHub and an untrusted JupyterLab show only the PNG of a drawing's bundle."""
    import json

    cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert all(cell["execution_count"] for cell in code), "re-run the notebook and save it"
    bundles = [out["data"] for cell in code for out in cell["outputs"] if "data" in out]
    drawings = [data for data in bundles if "image/svg+xml" in data]
    assert all("image/png" in data for data in drawings)
    assert not any(
        out.get("name") == "stderr" for cell in code for out in cell["outputs"]
    )  # no Fontconfig warning, no other noise
    if name != "05_higher_order.ipynb":
        assert drawings
