"""``fit``'s progress bar: tqdm when installed, the epoch's running loss and metric on it.

tqdm is imported only when a bar is asked for, and a missing tqdm is an error only when
``progress=True`` demanded one.
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
    return tqdm(total=total, desc="training", unit="step")


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
