"""nn.plots: decision boundaries and loss curves render to PNG; a clear error without matplotlib."""

from __future__ import annotations

import sys

import pytest

from nn import MLP, History, moons, plot_decision_boundary, plot_history, plot_loss_curves

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def pyplot():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def saved_png(ax, path) -> bytes:
    ax.figure.savefig(path)
    data = path.read_bytes()
    assert data[:8] == PNG
    assert len(data) > 2000  # something was drawn, not an empty canvas
    return data


def test_decision_boundary_for_a_score_model(pyplot, tmp_path) -> None:
    X, y = moons(30, seed=0)
    ax = plot_decision_boundary(MLP(2, [4, 1], seed=0), X, y, resolution=12)
    assert ax.get_xlim()[0] < min(p[0] for p in X)
    assert len(ax.collections) >= 2  # the filled regions and the scattered points
    saved_png(ax, tmp_path / "boundary.png")


def test_decision_boundary_for_logits_on_given_axes(pyplot, tmp_path) -> None:
    X, y = moons(30, seed=0)
    _, ax = pyplot.subplots()
    returned = plot_decision_boundary(MLP(2, [4, 3], seed=0), X, y, ax=ax, resolution=8)
    assert returned is ax
    saved_png(ax, tmp_path / "logits.png")


def test_decision_boundary_builds_no_graph(pyplot) -> None:
    model = MLP(2, [3, 1], seed=0)
    X, y = moons(10, seed=0)
    plot_decision_boundary(model, X, y, resolution=4)
    assert all(p.grad == 0.0 for p in model.parameters())


def test_decision_boundary_needs_two_inputs(pyplot) -> None:
    with pytest.raises(ValueError, match="exactly 2 coordinates"):
        plot_decision_boundary(MLP(3, [1]), [[1.0, 2.0, 3.0]], [1])


def test_history_and_loss_curves(pyplot, tmp_path) -> None:
    history = History(loss=[1.0, 0.6, 0.3], accuracy=[0.4, 0.8, 1.0], interrupted=True)
    ax = plot_history(history)
    assert ax.get_title() == "training (interrupted)"
    saved_png(ax, tmp_path / "history.png")
    ax = plot_loss_curves({"train": [1.0, 0.5, 0.2], "test": [1.1, 0.7, 0.4]}, log_scale=True)
    assert [line.get_label() for line in ax.get_lines()] == ["train", "test"]
    saved_png(ax, tmp_path / "curves.png")


def test_missing_matplotlib_gives_a_clear_message(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"plotting needs matplotlib: pip install"):
        plot_history(History(loss=[1.0]))
