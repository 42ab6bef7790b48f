"""Every ``nn`` loss written for one sample, its targets as leaves: what batched replay records.

A batched tape (``autograd_engine.record_batch``) records the graph of one sample's loss
and runs it over a whole batch, so nothing in that graph may depend on which sample it
is: the target must be a leaf fed per sample, not a number baked into the graph, and no
Python choice may depend on the data. ``PerSample`` holds, for one loss:

- ``build(outputs, targets)``: the loss of one sample as a Value, from the model's
  outputs (a list of Values) and the target leaves (a list of Values);
- ``encode(targets, outputs)``: the data set's targets as rows of numbers, one row per
  sample and one number per target leaf (``outputs`` is how many outputs the model has);
  bad targets are refused here, with the loss's own error;
- ``reduction``: how the samples' losses combine, ``"mean"`` for every ``nn`` loss.

Where a loss's dynamic form makes a Python choice, the per-sample form replaces it:
``cross_entropy`` picks the logit of the label (a choice per sample), so its targets are
one-hot rows and the picked logit is ``dot(one_hot, shifted_logits)``; it shifts by the largest
logit (a Python ``max`` on the data), so here the shift is the engine's ``maximum`` of the
logits, a node. The shift cancels in the value; its gradient, ``1 - sum(softmax)``, is
zero up to rounding, which is why this form agrees with the dynamic one to rounding
(~1e-16) rather than bit for bit. The other three are the same arithmetic per sample.

``per_sample_form(loss)`` finds the form: the four ``nn`` losses have one, and a user's
loss function can carry its own as an attribute ``loss.per_sample = PerSample(...)``. A
loss without one is refused with ``NotBatchableError`` naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd_engine as ag
from autograd_engine import Value
from nn.losses import (
    bce_with_logits,
    class_index,
    cross_entropy,
    hinge,
    mse,
    output_list,
)

Rows = list[list[float]]


class NotBatchableError(TypeError):
    """A loss with no per-sample form: batched replay cannot record it."""


@dataclass(frozen=True)
class PerSample:
    """One loss written for one sample, its targets' encoding, and the reduction.

    >>> form = per_sample_form(hinge)
    >>> form.encode([1, -1], 1)
    [[1.0], [-1.0]]
    >>> score, label = Value(0.25), Value(-1.0)
    >>> form.build([score], [label]).data  # relu(1 - (-1) * 0.25)
    1.25
    """

    name: str
    build: Callable[[Sequence[Value], Sequence[Value]], Value]
    encode: Callable[[Any, int], Rows]
    reduction: str = "mean"


def per_sample_form(loss: Any) -> PerSample:
    """The per-sample form of ``loss``: an ``nn`` loss's, or the one it carries.

    Raises:
        NotBatchableError: the loss has none (its name is in the message).

    >>> per_sample_form(mse).name
    'mse'
    >>> per_sample_form(lambda outputs, targets: outputs[0])
    Traceback (most recent call last):
    ...
    nn.sample_losses.NotBatchableError: the loss <lambda> has no per-sample form, ...
    """
    form = FORMS.get(loss) if _hashable(loss) else None
    form = form or getattr(loss, "per_sample", None)
    if isinstance(form, PerSample):
        return form
    name = getattr(loss, "__name__", None) or type(loss).__name__
    raise NotBatchableError(
        f"the loss {name} has no per-sample form, so batched replay cannot record it; use "
        "one of nn's losses (mse, hinge, bce_with_logits, cross_entropy), give the function "
        "a per_sample attribute (an nn.sample_losses.PerSample), or train without replay"
    )


def _hashable(loss: Any) -> bool:
    try:
        hash(loss)
    except TypeError:
        return False
    return True


def _one(outputs: Sequence[Value], name: str) -> Value:
    if len(outputs) != 1:
        raise ValueError(f"{name}: the model gives {len(outputs)} outputs per sample; it wants 1")
    return outputs[0]


def _mse_build(outputs: Sequence[Value], targets: Sequence[Value]) -> Value:
    terms = []
    for output, target in zip(outputs, targets, strict=True):
        error = output - target
        terms.append(error * error)
    return _value(ag.sum(terms) * (1.0 / len(terms)))


def _mse_encode(targets: Any, outputs: int) -> Rows:
    rows = []
    for index, target in enumerate(targets):
        wanted = [float(t) for t in output_list(target)]
        if len(wanted) != outputs:
            raise ValueError(
                f"mse: example {index} has {outputs} output(s) but its target holds "
                f"{len(wanted)} number(s) ({wanted!r}); give one target number per output"
            )
        rows.append(wanted)
    return rows


def _hinge_build(outputs: Sequence[Value], targets: Sequence[Value]) -> Value:
    return _value(ag.relu(1.0 - targets[0] * _one(outputs, "hinge")))


def _hinge_encode(targets: Any, outputs: int) -> Rows:
    rows = []
    for label in _labels(targets):
        if label not in (1, -1):
            raise ValueError(f"hinge: labels must be +1 or -1, got {label!r}")
        rows.append([float(label)])
    return rows


def _bce_build(outputs: Sequence[Value], targets: Sequence[Value]) -> Value:
    logit = _one(outputs, "bce_with_logits")
    return _value(ag.softplus(logit) - targets[0] * logit)


def _bce_encode(targets: Any, outputs: int) -> Rows:
    rows = []
    for label in _labels(targets):
        if isinstance(label, bool) or not isinstance(label, int | float) or not 0 <= label <= 1:
            raise ValueError(f"bce_with_logits: labels must lie in [0, 1], got {label!r}")
        rows.append([float(label)])
    return rows


def _cross_entropy_build(outputs: Sequence[Value], targets: Sequence[Value]) -> Value:
    logits = list(outputs)
    shift = logits[0]
    for z in logits[1:]:
        shift = ag.maximum(shift, z)
    shifted = [z - shift for z in logits]
    # log(sum(exp(u))) - u[label], with u = z - shift: the dynamic form's arithmetic, so a
    # well-classified sample (u[label] = 0) loses no digits to cancellation.
    return _value(ag.log(ag.sum([ag.exp(u) for u in shifted])) - ag.dot(list(targets), shifted))


def _cross_entropy_encode(targets: Any, outputs: int) -> Rows:
    rows = []
    for label in _labels(targets):
        index = class_index(label)
        if index is None or not 0 <= index < outputs:
            raise ValueError(
                f"cross_entropy: label {label!r} is not a class index for {outputs} logits"
            )
        row = [0.0] * outputs
        row[index] = 1.0
        rows.append(row)
    return rows


def _labels(targets: Any) -> list[Any]:
    """One label per sample; a NumPy array's items as Python numbers."""
    return list(targets.tolist()) if hasattr(targets, "tolist") else list(targets)


def _value(result: Any) -> Value:
    if not isinstance(result, Value):  # pragma: no cover - the leaves make every result a Value
        raise TypeError(f"a per-sample loss gave {result!r}, not a Value")
    return result


FORMS: dict[Any, PerSample] = {
    mse: PerSample("mse", _mse_build, _mse_encode),
    hinge: PerSample("hinge", _hinge_build, _hinge_encode),
    bce_with_logits: PerSample("bce_with_logits", _bce_build, _bce_encode),
    cross_entropy: PerSample("cross_entropy", _cross_entropy_build, _cross_entropy_encode),
}
