"""Pictures of training: a 2-D decision boundary and loss/accuracy curves (matplotlib).

matplotlib is optional and imported only when a function here is called. When no Axes
is passed, a figure is made with pyplot, which shows inline in Jupyter and falls back
to the non-interactive Agg backend on a machine without a display. Every function
returns the Axes it drew on; ``ax.figure.savefig(...)`` writes a PNG.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd_engine import Value, no_grad

_MISSING = "plotting needs matplotlib: pip install 'autograd-engine[notebooks]'"


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(_MISSING) from None
    return plt


def _axes(ax: Any, **figure: Any) -> Any:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(**figure)
    return ax


def _class(output: Any, several: bool, threshold: float) -> float:
    """The class a model output stands for: the largest logit's index, or score > threshold."""
    if several:
        numbers = [_number(z) for z in output]
        return float(numbers.index(max(numbers)))
    return float(_number(output) > threshold)


def _number(x: Any) -> float:
    # float(value) is refused on purpose (it would let math.* cut graphs silently).
    return x.data if isinstance(x, Value) else float(x)


def plot_decision_boundary(
    model: Callable[[Any], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    *,
    ax: Any = None,
    resolution: int = 60,
    padding: float = 0.5,
    threshold: float = 0.0,
) -> Any:
    """Shade where a 2-input model says each class, and scatter the points on top.

    A model with one output is read as a score, positive above ``threshold`` (use 0.5
    for a sigmoid output); a model with several outputs as logits (the largest wins).
    The grid has ``resolution`` x ``resolution`` points, evaluated under ``no_grad``.

    >>> from nn import MLP, moons
    >>> X, y = moons(20, seed=0)
    >>> ax = plot_decision_boundary(MLP(2, [4, 1], seed=0), X, y, resolution=5)
    >>> ax.get_xlabel()
    'x[0]'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    if any(len(point) != 2 for point in X):
        raise ValueError("plot_decision_boundary: points must have exactly 2 coordinates")
    ax = _axes(ax, figsize=(5, 5))
    xs, ys = [float(p[0]) for p in X], [float(p[1]) for p in X]
    x_low, x_high = min(xs) - padding, max(xs) + padding
    y_low, y_high = min(ys) - padding, max(ys) + padding
    grid_x = [x_low + (x_high - x_low) * i / (resolution - 1) for i in range(resolution)]
    grid_y = [y_low + (y_high - y_low) * j / (resolution - 1) for j in range(resolution)]
    with no_grad():
        outputs = [[model([gx, gy]) for gx in grid_x] for gy in grid_y]
    several = isinstance(outputs[0][0], list | tuple)
    classes = [[_class(output, several, threshold) for output in row] for row in outputs]
    ax.contourf(grid_x, grid_y, classes, cmap="Spectral", alpha=0.8)
    ax.scatter(xs, ys, c=[float(label) for label in y], s=30, cmap="Spectral", edgecolors="k")
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    return ax


def plot_history(history: Any, *, ax: Any = None) -> Any:
    """Loss per step (left axis) and, when recorded, accuracy per step (right axis).

    >>> from nn import History
    >>> ax = plot_history(History(loss=[1.0, 0.4, 0.2], accuracy=[0.5, 0.8, 1.0]))
    >>> ax.get_ylabel()
    'loss'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    ax = _axes(ax, figsize=(6, 3.5))
    steps = range(len(history.loss))
    ax.plot(steps, history.loss, color="tab:blue", label="loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if history.accuracy:
        right = ax.twinx()
        right.plot(steps, history.accuracy, color="tab:orange", label="accuracy")
        right.set_ylabel("accuracy")
        right.set_ylim(0, 1.05)
    title = "training (interrupted)" if getattr(history, "interrupted", False) else "training"
    ax.set_title(title)
    return ax


def plot_loss_curves(
    curves: dict[str, Sequence[float]], *, ax: Any = None, log_scale: bool = False
) -> Any:
    """Several named loss curves on one Axes (train vs test, or optimizers compared).

    >>> ax = plot_loss_curves({"SGD": [1.0, 0.5], "Adam": [1.0, 0.2]}, log_scale=True)
    >>> ax.get_yscale()
    'log'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    ax = _axes(ax, figsize=(6, 3.5))
    for name, values in curves.items():
        ax.plot(range(len(values)), list(values), label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    return ax
