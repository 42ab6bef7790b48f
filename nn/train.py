"""The training loop: ``fit`` runs epochs of mini-batch steps and returns a ``History``.

One step is ``nn.step.train_step``; with ``replay=True`` it is ``nn.batched_step.BatchedStep``
(one sample's graph recorded once as a batched tape, run over every batch), and with
``replay="graph"`` ``nn.replayed.ReplayedStep`` (the whole full-batch graph recorded once,
replayed bit for bit); the dynamic and graph steps build the loss with
``nn.step.build_loss``. ``fit`` only loops, reports progress (a tqdm bar with the running
loss and accuracy), calls callbacks and handles Ctrl-C: a press is held until the running
step has finished, then training stops with the weights trained so far and the history
marked ``interrupted``.

The cyclic garbage collector is paused while ``fit`` runs. The engine builds no
reference cycles (graphs are freed by reference counting as soon as a step drops them),
so the collector finds nothing, yet with tens of thousands of live nodes per step its
periodic scans cost as much as the step itself. It is switched back on when ``fit``
returns (without forcing a collection: a full one costs a noticeable fraction of a second
once torch or matplotlib are loaded, and there is nothing for it to find).
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from nn.batched_step import BatchedStep
from nn.data import batches
from nn.history import History, StepRecord
from nn.interrupts import interrupts_between_steps
from nn.metrics import Metric, resolve_metric
from nn.module import Module
from nn.optim import Optimizer
from nn.progress import close_progress, progress_bar, report_progress
from nn.replayed import ReplayedStep
from nn.rng import Seed, make_rng
from nn.sample_losses import NotBatchableError, PerSample, per_sample_form
from nn.step import LossFunction, build_loss, train_step

__all__ = ["StopTraining", "build_loss", "fit", "train_step"]


class StopTraining(Exception):
    """Raise from a callback to end ``fit`` after the current step (weights kept).

    >>> raise StopTraining("target loss reached")
    Traceback (most recent call last):
    ...
    nn.train.StopTraining: target loss reached
    """


@contextlib.contextmanager
def _training(model: Any) -> Iterator[None]:
    """Put an ``nn`` module in training mode while ``fit`` runs, then restore its mode."""
    if not isinstance(model, Module):
        yield
        return
    modes = [(module, module.training) for module in model.modules()]
    model.train()
    try:
        yield
    finally:
        for module, mode in modes:  # each as it was: a frozen sub-module stays in eval
            module.train(mode)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fit(
    model: Callable[[Any], Any],
    loss: LossFunction,
    optimizer: Optimizer,
    data: tuple[Any, Any],
    epochs: int = 1,
    batch_size: int | None = None,
    *,
    l2: float = 0.0,
    metric: Metric | str | None = "auto",
    clip_norm: float | None = None,
    callbacks: Sequence[Callable[[StepRecord], Any]] = (),
    progress: bool | None = None,
    shuffle: bool = True,
    seed: Seed = None,
    replay: bool | str = False,
    live: bool = False,
) -> History:
    """Train ``model`` on ``data = (X, y)``; return the loss and accuracy of every step.

    Args:
        model: a callable from one input to an output (an ``nn`` module).
        loss: ``loss(outputs, targets) -> Value``, e.g. ``nn.hinge`` or ``nn.mse``.
        optimizer: updates the model's parameters (built on ``model.parameters()``).
        data: inputs and targets, lists or NumPy arrays of equal length.
        epochs: passes over the data.
        batch_size: points per step; None uses all of them (full-batch, as micrograd).
        l2: adds ``l2 * sum(p * p)`` over the optimizer's parameters to the loss.
        metric: ``"auto"`` (accuracy for classification losses, nothing for regression
            losses such as ``mse``), ``"accuracy"``, ``"r2"``, ``"mae"``, a function
            ``metric(outputs, targets) -> float``, or None; recorded per step in
            ``history.accuracy`` and named by ``history.metric_name``.
        clip_norm: clip the gradient norm to this before each update.
        callbacks: each is called with a ``StepRecord`` after every step; raise
            ``StopTraining`` in one to stop.
        progress: True shows a tqdm bar (tqdm required), False none, None (default) a
            bar when tqdm is installed.
        shuffle: shuffle the points each epoch (from ``seed``).
        seed: random source for shuffling (see ``nn.rng``).
        replay: ``True`` records one sample's loss graph at the first step as a batched
            tape (the engine's ``record_batch``; needs NumPy) and runs every later step,
            mini-batches of any size and the full batch alike, as arrays: the dynamic
            path's losses to rounding (summation order), many times faster. The loss
            needs a per-sample form (``nn.sample_losses``; every ``nn`` loss has one):
            without one, a full batch falls back to ``"graph"`` and mini-batches are
            refused (``NotBatchableError`` naming the loss). ``"graph"`` records the
            whole full-batch graph with ``record`` and replays it, bit for bit the
            dynamic path (full batch only; see ``nn.replayed``).
        live: in a notebook, show the loss/accuracy curve, the decision boundary (2-D
            inputs) and one sample's graph, updated in place as training runs
            (``nn.live.LiveView``, which keeps its whole cost within 12% of the time).

    Ctrl-C ends training cleanly: the step under way finishes, then ``fit`` returns with
    the weights trained so far and ``history.interrupted`` set. A second Ctrl-C stops the
    step itself at once, but never halfway through writing the weights: the model is
    always the result of a whole number of updates, ``history.updates`` of them (one more
    than ``history.steps`` when the interrupt fell between an update and its record).

    Raises:
        ValueError: mismatched or empty data, ``epochs`` < 0, ``batch_size`` < 1, a
            negative or non-finite ``l2``, a ``clip_norm`` that is not positive.

    >>> from nn import MLP, SGD, hinge, xor, to_signed
    >>> X, y = xor()
    >>> model = MLP(2, [8, 1], seed=3)
    >>> history = fit(model, hinge, SGD(model, lr=0.1), (X, to_signed(y)),
    ...               epochs=60, progress=False)
    >>> history.steps, history.accuracy[-1]
    (60, 1.0)
    """
    X, y = data
    _check_fit_arguments(len(X), len(y), epochs, batch_size, l2, clip_norm)
    size = batch_size or len(X)
    form = _replay_form(replay, loss, batch_size, full=size >= len(X))
    replayed = (
        ReplayedStep(model, loss, optimizer, l2=l2, clip_norm=clip_norm)
        if replay and form is None
        else None
    )
    batched = (
        BatchedStep(model, form, optimizer, X, y, l2=l2, clip_norm=clip_norm)
        if form is not None
        else None
    )
    per_epoch = -(-len(X) // size)
    metric_name, metric_function = resolve_metric(metric, loss)
    history = History(metric_name=metric_name or "accuracy")
    updates_before = optimizer.steps
    rng = make_rng(seed)
    bar = progress_bar(progress, epochs * per_epoch)
    if live:
        from nn.live import LiveView

        callbacks = (*callbacks, LiveView(model, data, total_steps=epochs * per_epoch))
    try:
        with _collector_paused(), _training(model), interrupts_between_steps() as interrupted:
            for epoch in range(epochs):
                first_step = history.steps
                # One full batch needs no shuffling (and stays bit-reproducible without it).
                mixed = shuffle and size < len(X)
                # The batched step takes row numbers: the same draws give the same order.
                source = list(range(len(X))) if batched is not None else X
                for inputs, targets in batches(source, y, size, shuffle=mixed, seed=rng):
                    rate = optimizer.learning_rate
                    if batched is not None:
                        value, outputs = batched(inputs)
                    elif replayed is not None:
                        value, outputs = replayed(inputs, targets)
                    else:
                        value, outputs = train_step(
                            model, loss, optimizer, inputs, targets, l2=l2, clip_norm=clip_norm
                        )
                    score = (
                        metric_function(outputs, targets) if metric_function is not None else None
                    )
                    record = StepRecord(history.steps, epoch, value, score, rate)
                    history.record(record)
                    report_progress(bar, history, first_step)
                    if batched is not None and callbacks:
                        batched.write_back()  # a callback sees the model as trained so far
                    for callback in callbacks:
                        callback(record)
                    if interrupted():
                        raise KeyboardInterrupt
    except KeyboardInterrupt:
        history.interrupted = True
    except StopTraining:
        history.stopped = True
    finally:
        if batched is not None:
            batched.write_back()  # the weights lived in an array while the loop ran
        # The optimizer's count, not the records: an interrupt between an update and its
        # record leaves the model one update past history.steps, and this says so.
        history.updates = optimizer.steps - updates_before
        close_progress(bar)
    return history


def _replay_form(
    replay: Any, loss: LossFunction, batch_size: int | None, full: bool
) -> PerSample | None:
    """The per-sample form a batched tape records, or None for the dynamic/graph step."""
    if replay is False or replay == "graph":
        if replay and not full:
            raise ValueError(
                f'fit(replay="graph") replays one recorded graph of the whole batch, so it needs '
                f"full-batch training (batch_size=None); batch_size={batch_size} gives a new "
                "graph per batch (replay=True runs mini-batches on a batched tape)"
            )
        return None
    if replay is not True:
        raise ValueError(f'fit: replay must be True, False or "graph", got {replay!r}')
    try:
        return per_sample_form(loss)
    except NotBatchableError as exc:
        if full:
            return None  # the whole-graph tape records any loss
        raise NotBatchableError(f"fit(replay=True, batch_size={batch_size}): {exc}") from None


def _check_fit_arguments(
    inputs: int,
    targets: int,
    epochs: Any,
    batch_size: Any,
    l2: Any,
    clip_norm: Any,
) -> None:
    """Refuse arguments that would train silently wrong (NaN weights, no steps, a crash)."""
    if inputs != targets:
        raise ValueError(f"fit: {inputs} inputs but {targets} targets")
    if inputs == 0:
        raise ValueError("fit: data holds no examples")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be an int >= 0, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(
            f"fit: batch_size must be a positive int, or None for full batch; got {batch_size!r}"
        )
    if isinstance(l2, bool) or not isinstance(l2, int | float) or not 0 <= l2 < math.inf:
        raise ValueError(f"fit: l2 must be a finite number >= 0, got {l2!r}")
    if clip_norm is not None and (
        isinstance(clip_norm, bool) or not isinstance(clip_norm, int | float) or not clip_norm > 0
    ):
        raise ValueError(f"fit: clip_norm must be a positive number or None, got {clip_norm!r}")
