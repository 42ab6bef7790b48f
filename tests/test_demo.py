"""Both demos: ``python -m nn.demo`` (``make demo``) and the engine-only one.

One default run (100 moons points, ``MLP(2, [16, 16, 1])``, 100 steps, as ``make demo``
runs it) is shared by the tests that read its files; the other runs use a few steps on a
small network, since they check options and failure paths rather than training.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_engine import __main__ as engine_demo
from autograd_engine.viz import BackendUnavailableError
from nn import demo

pytest.importorskip("matplotlib")
pytest.importorskip("pygraphviz")

FILES = ("expression.svg", "neuron.svg", "decision_boundary.png", "loss.png")
SVG = "{http://www.w3.org/2000/svg}"
QUICK = ["--steps", "2", "--points", "20", "--hidden", "4", "--no-progress"]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    """``make demo`` as it runs: default options, into a fresh directory."""
    out = tmp_path_factory.mktemp("demo") / "out"
    capture = _Capture()
    with capture:
        code = demo.main(["--out", str(out), "--no-progress"])
    return code, out, capture.text


class _Capture:
    """Collect stdout without capsys, which a module-scoped fixture cannot use."""

    def __enter__(self) -> None:
        import io

        self._stdout, self._buffer = sys.stdout, io.StringIO()
        sys.stdout = self._buffer

    def __exit__(self, *exc: object) -> None:
        sys.stdout = self._stdout
        self.text = self._buffer.getvalue()


def svg_texts(path: Path) -> list[str]:
    """Every text element of an SVG, which must parse as XML."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header; fails unless the file starts like a PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_default_demo_exits_0_and_writes_every_file(default_run):
    code, out, stdout = default_run
    assert code == 0
    for name in FILES:
        assert (out / name).stat().st_size > 1000, name
        assert f"wrote {out / name}" in stdout


def test_default_demo_prints_the_expression_value_and_gradients(default_run):
    _, _, stdout = default_run
    assert "g = 24.7041" in stdout
    assert "dg/da = 138.8338" in stdout
    assert "dg/db = 645.5773" in stdout


def test_default_training_classifies_every_moons_point(default_run):
    _, _, stdout = default_run
    assert "training MLP(2, [16, 16, 1]) on 100 moons points" in stdout
    assert "100 steps" in stdout
    assert "accuracy 100%" in stdout


def test_expression_svg_shows_values_and_gradients(default_run):
    _, out, _ = default_run
    texts = svg_texts(out / "expression.svg")
    for expected in ("a", "b", "data -4.0000", "grad 138.8338", "grad 645.5773"):
        assert expected in texts
    assert "data 24.7041" in texts  # g's value
    # Readable in the README's 880-pixel column: at most 880 px (660 pt) wide.
    width = float(ET.parse(out / "expression.svg").getroot().get("width").removesuffix("pt"))
    assert width <= 660


def test_neuron_svg_shows_edge_contributions(default_run):
    _, out, _ = default_run
    texts = svg_texts(out / "neuron.svg")
    assert any(text.startswith("local ") for text in texts)
    assert any(text.startswith("grad += ") for text in texts)


def test_neuron_svg_shows_one_neuron_on_one_input(default_run):
    _, out, _ = default_run
    texts = svg_texts(out / "neuron.svg")
    # The fused neuron is drawn expanded, as the lecture draws it: w·x products, sum, relu.
    assert {"x[0]", "x[1]", "output", "relu", "x[0]·w[0]", "x[1]·w[1]"} <= set(texts)
    boxes = [text for text in texts if text.startswith("layers.0.neurons.")]
    assert len(boxes) == 1  # the box of one first-layer neuron; inside, labels drop its path
    weights = [text for text in texts if text in ("w[0]", "w[1]", "b")]
    assert len(weights) == 3
    # A record reads label, data, grad. The neuron is active, so d(output)/d(w[i]) is
    # x[i], with no gradient left over from training added in.
    fields = {texts[i]: (texts[i + 1], texts[i + 2]) for i in range(len(texts) - 2)}
    for i in (0, 1):
        (weight,) = [name for name in weights if name.endswith(f"w[{i}]")]
        assert fields[weight][1] == "grad " + fields[f"x[{i}]"][0].removeprefix("data ")
    (bias,) = [name for name in weights if name == "b"]
    assert fields[bias][1] == "grad 1.0000"


def test_pngs_are_plots_of_sane_size(default_run):
    from matplotlib.image import imread

    _, out, _ = default_run
    for name in ("decision_boundary.png", "loss.png"):
        width, height = png_size(out / name)
        assert 200 <= width <= 2000 and 200 <= height <= 2000, (name, width, height)
        pixels = imread(out / name)
        colours = {tuple(pixel) for row in pixels[::7] for pixel in row[::7]}
        assert len(colours) > 20, f"{name} looks blank"


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        demo.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--dataset", "--points", "--hidden", "--steps", "--seed", "--out"):
        assert option in text
    assert "--no-progress" in text
    for name in demo.DATASETS:
        assert name in text


@pytest.mark.parametrize("dataset", sorted(demo.DATASETS))
def test_every_dataset_runs(dataset, tmp_path, capsys):
    assert demo.main([*QUICK, "--dataset", dataset, "--out", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)
    assert f"on 20 {dataset} points" in capsys.readouterr().out


def test_hidden_sets_the_network_size(tmp_path, capsys):
    demo.main([*QUICK, "--hidden", "3,5,2", "--out", str(tmp_path)])
    assert "MLP(2, [3, 5, 2, 1])" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [["--hidden", "16,0"], ["--hidden", "x"], ["--steps", "0"]])
def test_bad_options_are_refused_by_name(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        demo.main(bad)
    assert exit_info.value.code == 2
    assert bad[0] in capsys.readouterr().err


def test_too_few_points_for_the_data_set_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        demo.main(["--points", "1", "--dataset", "moons"])
    assert exit_info.value.code == 2
    assert "moons: n must be an int >= 2, got 1" in capsys.readouterr().err


def test_progress_bar_is_shown_unless_turned_off(tmp_path, capsys):
    options = ["--steps", "2", "--points", "10", "--hidden", "2", "--out", str(tmp_path)]
    demo.main(options)
    assert "2/2" in capsys.readouterr().err
    demo.main([*options, "--no-progress"])
    assert "2/2" not in capsys.readouterr().err


def test_missing_graphviz_is_reported_and_the_plots_still_written(tmp_path, capsys, monkeypatch):
    def unavailable(*args, **kwargs):
        raise BackendUnavailableError("Drawing needs a Graphviz layout backend: install it")

    monkeypatch.setattr(demo, "draw_graph", unavailable)
    assert demo.main([*QUICK, "--out", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["decision_boundary.png", "loss.png"]
    err = capsys.readouterr().err.splitlines()
    assert err[-2] == (
        "skipped expression.svg, neuron.svg: drawings need Graphviz (pygraphviz, the draw extra)"
    )
    assert err[-1] == "  for every picture: pip install 'autograd-engine[draw]'"


def test_without_any_extra_the_demo_trains_and_says_briefly_what_it_skipped(tmp_path, capsys):
    # The bare install (pip install autograd-engine): no Graphviz, no matplotlib.
    code = (
        "import sys; sys.modules['pygraphviz'] = sys.modules['matplotlib'] = None; "
        "import shutil; shutil.which = lambda name, *a, **k: None; "
        "from nn.demo import main; "
        f"sys.exit(main(['--steps', '2', '--no-progress', '--out', {str(tmp_path)!r}]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "accuracy" in result.stdout
    lines = result.stderr.splitlines()
    assert lines == [
        "skipped expression.svg, neuron.svg: drawings need Graphviz (pygraphviz, the draw extra)",
        "skipped decision_boundary.png, loss.png: plots need matplotlib (the notebooks extra)",
        "  for every picture: pip install 'autograd-engine[draw,notebooks]'",
    ]
    assert all(len(line) <= 100 for line in lines)
    assert list(tmp_path.iterdir()) == []


def test_engine_demo_prints_and_draws_the_expression(tmp_path, capsys):
    assert engine_demo.main(["--out", str(tmp_path)]) == 0
    stdout = capsys.readouterr().out
    assert "g = 24.7041\ndg/da = 138.8338\ndg/db = 645.5773" in stdout
    assert f"wrote {tmp_path / 'expression.svg'}" in stdout
    assert "grad 645.5773" in svg_texts(tmp_path / "expression.svg")


def test_engine_demo_does_not_import_nn():
    # The engine must stand alone: run its demo in a fresh interpreter and list modules.
    code = (
        "import sys; from autograd_engine.__main__ import main; main(['--no-draw']); "
        "print(sorted(m for m in sys.modules if m == 'nn' or m.startswith('nn.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "[]"
    assert "g = 24.7041" in result.stdout


def test_committed_readme_pictures_show_todays_numbers():
    # docs/images holds the demo's output for the README; if the engine's numbers change,
    # regenerate them with: python -m nn.demo --out docs/images --no-progress
    images = Path(__file__).resolve().parent.parent / "docs" / "images"
    texts = svg_texts(images / "expression.svg")
    assert {"data 24.7041", "grad 138.8338", "grad 645.5773"} <= set(texts)
    assert {"x[0]", "x[1]", "output", "relu"} <= set(svg_texts(images / "neuron.svg"))
    for name in ("expression.svg", "neuron.svg"):  # each shows unscaled in an 880-px column
        width = ET.parse(images / name).getroot().get("width").removesuffix("pt")
        assert float(width) * 4 / 3 <= 880, name  # points to CSS pixels
    for name in ("decision_boundary.png", "loss.png"):
        width, height = png_size(images / name)
        assert 200 <= width <= 2000 and 200 <= height <= 2000
    total = sum(path.stat().st_size for path in images.iterdir())
    assert total < 400_000, f"docs/images holds {total} bytes; keep the README light"
