"""The whole full-batch graph recorded once and replayed: ``fit(..., replay="graph")``.

A full-batch step builds the same graph every time; only the parameters' numbers change.
The first step builds it, runs ``backward()`` and records it with the engine's
``record``; every later step re-runs the recorded program on the current weights, which
gives bit for bit the gradients a fresh build would give, without creating a node.

Mini-batches are refused here: the targets of a batch are numbers baked into the
recorded graph (and losses such as ``cross_entropy`` pick a logit by label), so a new
batch is a new graph. ``fit(..., replay=True)`` trains mini-batches on a batched tape of
one sample's graph instead (``nn.batched_step``), and uses this step only for a full
batch whose loss has no per-sample form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_engine import Value, record
from nn.clipping import clip_grad_norm
from nn.optim import Optimizer
from nn.step import build_loss


def _flatten(outputs: Sequence[Any]) -> list[Value]:
    flat: list[Value] = []
    for output in outputs:
        if isinstance(output, Value):
            flat.append(output)
        else:
            flat.extend(v for v in output if isinstance(v, Value))
    return flat


class ReplayedStep:
    """One full-batch training step, built and recorded the first time, replayed after.

    Called like ``train_step``; returns the loss before the update and the model's
    outputs (the same Value objects each step, their ``data`` refreshed by the replay).

    >>> from nn import MLP, SGD, build_loss, hinge, moons, to_signed
    >>> X, y = moons(20, seed=0)
    >>> model = MLP(2, [4, 1], seed=0)
    >>> step = ReplayedStep(model, hinge, SGD(model, lr=0.1))
    >>> first, _ = step(X, to_signed(y))
    >>> second, _ = step(X, to_signed(y))
    >>> step.tape is not None and second < first
    True
    """

    def __init__(
        self,
        model: Any,
        loss: Any,
        optimizer: Optimizer,
        *,
        l2: float = 0.0,
        clip_norm: float | None = None,
    ) -> None:
        self._model, self._loss, self._optimizer = model, loss, optimizer
        self._l2, self._clip_norm = l2, clip_norm
        self.tape: Any = None
        self._outputs: list[Any] = []

    def __call__(self, inputs: Sequence[Any], targets: Sequence[Any]) -> tuple[float, list[Any]]:
        optimizer = self._optimizer
        optimizer.zero_grad()
        tape = self.tape
        value = self._build_and_record(inputs, targets) if tape is None else tape.run()
        if self._clip_norm is not None:
            clip_grad_norm(optimizer.parameters, self._clip_norm)
        optimizer.step()
        return value, self._outputs

    def _build_and_record(self, inputs: Sequence[Any], targets: Sequence[Any]) -> float:
        total, outputs = build_loss(
            self._model, self._loss, inputs, targets, self._optimizer.parameters, self._l2
        )
        self.tape = record(total, params=self._optimizer.parameters, watch=_flatten(outputs))
        self._outputs = outputs
        total.backward()
        return total.data
