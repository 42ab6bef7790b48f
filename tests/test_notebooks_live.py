"""Notebook 03 as committed: run, quiet, and its live view saved as pictures GitHub shows.

A saved notebook keeps the live view's last picture; an untrusted JupyterLab strips inline
``<svg>`` from HTML, and GitHub's viewer shows PNG, so that picture is three PNG images.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_training_an_mlp.ipynb"


def cells() -> list[dict[str, Any]]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"])


def test_every_cell_was_run_and_nothing_went_to_stderr() -> None:
    code = [cell for cell in cells() if cell["cell_type"] == "code"]
    assert all(cell["execution_count"] for cell in code), "re-run the notebook and save it"
    outputs = [out for cell in code for out in cell["outputs"]]
    assert not any(out.get("name") == "stderr" for out in outputs)
    drawings = [out["data"] for out in outputs if "image/svg+xml" in out.get("data", {})]
    assert drawings and all("image/png" in data for data in drawings)


def test_the_saved_live_view_is_three_png_pictures() -> None:
    (cell,) = [c for c in cells() if "live=True" in source(c) and c["cell_type"] == "code"]
    bundles = [out["data"] for out in cell["outputs"] if "data" in out]
    html = ["".join(data["text/html"]) for data in bundles if "text/html" in data]
    html = [h for h in html if "training curves" in h]
    assert len(html) == 1  # one output, updated in place
    (view,) = html
    assert "step 100:" in view and "<svg" not in view
    found = re.findall(r'alt="([^"]+)"[^>]*src="data:image/(\w+);base64,([A-Za-z0-9+/=]+)"', view)
    assert [(alt, kind) for alt, kind, _ in found] == [
        ("training curves", "png"),
        ("decision boundary", "png"),
        ("the first sample: values and gradients", "png"),
    ]
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for _, _, data in found)


def test_batched_replay_is_mentioned_in_prose() -> None:
    prose = [source(c) for c in cells() if c["cell_type"] == "markdown"]
    assert any("replay=True" in text and "batch" in text for text in prose)


def _progress_texts(notebook: dict[str, Any]) -> list[str]:
    """The saved text of every progress-bar widget (what viewers without widgets show)."""
    return [
        "".join(out["data"]["text/plain"])
        for cell in notebook["cells"]
        for out in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
    ]


def test_saved_progress_bars_read_finished() -> None:
    texts = _progress_texts(json.loads(NOTEBOOK.read_text(encoding="utf-8")))
    assert len(texts) == 2, texts
    assert "100/100" in texts[0] and "60/60" in texts[1], texts


def test_a_bar_run_in_a_kernel_saves_its_final_text() -> None:
    """Executed as nbconvert does: the bar's text is its last state, not ``0/3``."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipywidgets", reason="without ipywidgets tqdm draws a text bar")
    code = (
        "from nn import MLP, SGD, fit, hinge\n"
        "model = MLP(2, [2, 1], seed=0)\n"
        "fit(model, hinge, SGD(model, lr=0.1), ([[0.0, 1.0], [1.0, 0.0]], [1, -1]), epochs=3)"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    (text,) = _progress_texts(json.loads(nbformat.writes(notebook)))
    assert "3/3" in text and "0/3" not in text, text
