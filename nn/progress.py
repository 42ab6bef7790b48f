"""``fit``'s progress bar: tqdm when installed, the epoch's running loss and metric on it.

tqdm is imported only when a bar is asked for, and a missing tqdm is an error only when
``progress=True`` demanded one.

In a notebook the bar is a widget, and the saved notebook keeps, beside the widget, the
text it had when it was first shown: ``0/100``, which is what GitHub (and any viewer
without the widget's state) shows. So the bar is shown under a display id and shown
again when it closes (``close_progress``), which replaces that text with the final one.
"""

from __future__ import annotations

import warnings
from typing import Any

from nn.history import History


def progress_bar(enabled: bool | None, total: int) -> Any:
    """A tqdm bar, or None when progress is off (or tqdm is missing and not demanded)."""
    if enabled is False:
        return None
    try:
        with warnings.catch_warnings():
            # In Jupyter without ipywidgets tqdm.auto warns, then draws a text bar: fine.
            warnings.filterwarnings("ignore", message="IProgress not found")
            from tqdm.auto import tqdm
    except ImportError:
        if enabled:
            raise ImportError(
                "fit(progress=True) needs tqdm: pip install 'autograd-engine[notebooks]' "
                "(or pass progress=False)"
            ) from None
        return None
    if not _is_notebook_bar(tqdm):
        return tqdm(total=total, desc="training", unit="step")
    from IPython.display import display

    bar = tqdm(total=total, desc="training", unit="step", display=False)
    bar.display_handle = display(bar.container, display_id=True)
    return bar


def _is_notebook_bar(kind: type) -> bool:
    """Whether ``tqdm.auto`` chose the Jupyter widget bar (it has no text fallback)."""
    try:
        from tqdm.notebook import tqdm_notebook
    except ImportError:  # pragma: no cover - tqdm.notebook ships with tqdm
        return False
    return issubclass(kind, tqdm_notebook)


def close_progress(bar: Any) -> None:
    """Close the bar; in a notebook, show it once more so its saved text is the final one.

    >>> close_progress(None)  # no bar: nothing to do
    """
    if bar is None:
        return
    bar.close()
    handle = getattr(bar, "display_handle", None)
    if handle is not None:
        handle.update(bar.container)


def report_progress(bar: Any, history: History, first_step_of_epoch: int) -> None:
    """Show the mean loss and accuracy of the current epoch's steps so far (as Keras does)."""
    if bar is None:
        return
    losses = history.loss[first_step_of_epoch:]
    shown = {"epoch": history.epoch[-1], "loss": f"{sum(losses) / len(losses):.4f}"}
    if history.accuracy:
        scores = history.accuracy[first_step_of_epoch:]
        short = {"accuracy": "acc"}.get(history.metric_name, history.metric_name)
        shown[short] = f"{sum(scores) / len(scores):.3f}"
    bar.set_postfix(shown, refresh=False)
    bar.update(1)
