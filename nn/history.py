"""``History``: what ``fit`` records per step, and ``StepRecord``, what callbacks receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StepRecord:
    """What one training step did, as passed to callbacks."""

    step: int
    epoch: int
    loss: float
    accuracy: float | None
    learning_rate: float


@dataclass(repr=False)
class History:
    """Loss (and accuracy, when a metric is used) of every step, and how training ended.

    >>> history = History(loss=[1.0, 0.5], accuracy=[0.5, 1.0], learning_rate=[0.1, 0.1])
    >>> history.steps, history.final_loss, history.interrupted
    (2, 0.5, False)
    >>> history
    History(2 steps, final loss 0.5, final accuracy 1)
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    epoch: list[int] = field(default_factory=list)
    interrupted: bool = False  # stopped by Ctrl-C
    # Parameter updates fit applied: the model holds the weights after exactly this many.
    # Equal to ``steps``, or one more when an interrupt fell between an update and its
    # record (-1: not set, a History built by hand).
    updates: int = -1
    metric_name: str = "accuracy"  # what ``accuracy`` holds: fit(metric="r2") records R²
    stopped: bool = False  # stopped by a callback raising StopTraining

    @property
    def steps(self) -> int:
        """Number of steps taken."""
        return len(self.loss)

    @property
    def final_loss(self) -> float | None:
        """The last step's loss, or None before any step."""
        return self.loss[-1] if self.loss else None

    def __repr__(self) -> str:
        # A summary: the full lists run to thousands of numbers in a notebook cell.
        parts = [f"{self.steps} steps"]
        if self.loss:
            parts.append(f"final loss {self.loss[-1]:.4g}")
        if self.accuracy:
            parts.append(f"final {self.metric_name} {self.accuracy[-1]:.4g}")
        if self.interrupted:
            parts.append("interrupted")
        if self.stopped:
            parts.append("stopped by a callback")
        return f"History({', '.join(parts)})"

    def record(self, record: StepRecord) -> None:
        """Append one step."""
        self.loss.append(record.loss)
        if record.accuracy is not None:
            self.accuracy.append(record.accuracy)
        self.learning_rate.append(record.learning_rate)
        self.epoch.append(record.epoch)

    def plot(self, ax: Any = None) -> Any:
        """Loss (and accuracy) per step with matplotlib; returns the Axes.

        Needs matplotlib (``pip install 'autograd-engine[notebooks]'``).
        """
        from nn.plots import plot_history

        return plot_history(self, ax=ax)
