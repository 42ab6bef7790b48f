"""Loss functions and metrics on model outputs: MSE, hinge, cross-entropies, L2, accuracy.

Every loss is the mean over examples and is built from engine ops, so it works on Values
(giving a node to call ``backward`` on) and on plain floats (giving a float, handy for
evaluation and for finite-difference tests). Sums use the fused ``autograd_engine.sum``,
one node however many examples.

The two cross-entropies start from logits and never exponentiate a large number: binary
cross-entropy is ``softplus(z) - y * z`` (the engine's softplus is overflow-free), and
softmax cross-entropy subtracts the largest logit before exponentiating (log-sum-exp).
Logits of +-1000 give exact, finite losses and gradients.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence
from typing import Any

import autograd_engine as ag
from autograd_engine import Value

Scalar = float | Value


def _pairs(predictions: Any, targets: Any, name: str) -> list[tuple[Any, Any]]:
    """Predictions and targets as equal-length lists; a single prediction is a batch of one."""
    if isinstance(predictions, Value | numbers.Real):
        predictions, targets = [predictions], [targets]
    predictions, targets = list(predictions), list(targets)
    if len(predictions) != len(targets):
        raise ValueError(
            f"{name}: {len(predictions)} predictions but {len(targets)} targets; they must match"
        )
    if not predictions:
        raise ValueError(f"{name}: no predictions (the mean of nothing is undefined)")
    return list(zip(predictions, targets, strict=True))


def _number(x: Any) -> float:
    """The number in a Value or a plain number (``float(value)`` is refused on purpose)."""
    return x.data if isinstance(x, Value) else float(x)


def _mean(terms: list[Any], name: str = "") -> Scalar:
    """The mean of the terms, labelled ``name`` so that drawings say which loss it is."""
    return _labelled(ag.sum(terms) * (1.0 / len(terms)), name)


def _labelled(value: Scalar, name: str) -> Scalar:
    if isinstance(value, Value) and not value.label:
        value.label = name
    return value


def output_list(x: Any) -> list[Any]:
    """A prediction or target that may itself be a list (a model with several outputs).

    A NumPy row (``y.reshape(-1, 1)[i]``) counts as a list of its numbers. Internal to nn
    (``sample_losses`` reads targets the same way); not exported from ``nn``.

    >>> import numpy as np
    >>> output_list(2.0), output_list((1.0, 2.0)), output_list(np.array([3.0]))
    ([2.0], [1.0, 2.0], [3.0])
    """
    if getattr(x, "ndim", 0) >= 1:
        return list(x.tolist())
    return list(x) if isinstance(x, list | tuple) else [x]


def mse(predictions: Any, targets: Any) -> Scalar:
    """Mean squared error, averaged over every output of every example.

    Args:
        predictions: a Value or number, or a list of them (or of lists, for several outputs).
        targets: numbers shaped like ``predictions``.

    >>> from autograd_engine import Value
    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    >>> mse(2.0, 1.0)
    1.0
    """
    terms = []
    for index, (prediction, target) in enumerate(_pairs(predictions, targets, "mse")):
        outputs, wanted = output_list(prediction), output_list(target)
        if len(outputs) != len(wanted):
            raise ValueError(
                f"mse: example {index} has {len(outputs)} output(s) but its target holds "
                f"{len(wanted)} number(s) ({wanted!r}); give one target number per output "
                "(for a model with one output, a 1-D y or y.reshape(-1, 1))"
            )
        for output, target_value in zip(outputs, wanted, strict=True):
            error = output - target_value
            terms.append(error * error)
    return _mean(terms, "mse")


def _check_signed(label: Any, name: str) -> None:
    if label not in (1, -1):
        raise ValueError(f"{name}: labels must be +1 or -1, got {label!r}")


def hinge(scores: Any, labels: Any) -> Scalar:
    """Max-margin loss ``mean(relu(1 - y * score))`` for labels +-1 (micrograd's demo loss).

    >>> from autograd_engine import Value
    >>> hinge([Value(2.0), Value(0.5)], [1, -1]).data  # (0 + 1.5) / 2
    0.75
    """
    terms = []
    for score, label in _pairs(scores, labels, "hinge"):
        _check_signed(label, "hinge")
        terms.append(ag.relu(1.0 - label * score))
    return _mean(terms, "hinge")


def bce_with_logits(logits: Any, labels: Any) -> Scalar:
    """Binary cross-entropy of ``sigmoid(logit)`` against labels in [0, 1], from the logit.

    Written as ``softplus(z) - y * z``, which equals ``-y log s - (1 - y) log(1 - s)``
    with ``s = sigmoid(z)`` but never forms ``log(0)`` or ``exp(1000)``.

    >>> round(bce_with_logits(0.0, 1), 6)  # log 2
    0.693147
    >>> bce_with_logits([1000.0, -1000.0], [1, 0])
    0.0
    """
    terms = []
    for logit, label in _pairs(logits, labels, "bce_with_logits"):
        if isinstance(label, bool) or not 0 <= label <= 1:
            raise ValueError(f"bce_with_logits: labels must lie in [0, 1], got {label!r}")
        terms.append(ag.softplus(logit) - label * logit)
    return _mean(terms, "bce")


def _log_softmax_at(logits: Sequence[Any], index: int) -> Any:
    """log(softmax(logits)[index]), shifted by the largest logit so no exp overflows."""
    # The shift is a plain float: log-sum-exp does not depend on it, so treating it as a
    # constant leaves every derivative exact.
    shift = max(_number(z) for z in logits)
    total = ag.sum([ag.exp(z - shift) for z in logits])
    return logits[index] - shift - ag.log(total)


def cross_entropy(logits: Any, labels: Any) -> Scalar:
    """Softmax cross-entropy from logits: ``mean(-log softmax(z)[label])``.

    Args:
        logits: one example's logits (a list) or a list of such lists.
        labels: the class index (an int), or one per example.

    >>> round(cross_entropy([0.0, 0.0], 1), 6)  # two equal logits: log 2
    0.693147
    >>> cross_entropy([[1000.0, -1000.0], [0.0, 2000.0]], [0, 1]) == 0.0
    True

    Labels may be any integer type (NumPy's included), as ``fit`` passes NumPy arrays
    through; floats and bools are refused.
    """
    if class_index(labels) is not None or isinstance(labels, numbers.Number):
        logits, labels = [logits], [labels]  # one example
    terms = []
    for example, label in _pairs(logits, labels, "cross_entropy"):
        example = list(example)
        index = class_index(label)
        if index is None or not 0 <= index < len(example):
            raise ValueError(
                f"cross_entropy: label {label!r} is not a class index for {len(example)} logits"
            )
        terms.append(-_log_softmax_at(example, index))
    return _mean(terms, "cross_entropy")


def class_index(label: Any) -> int | None:
    """``label`` as an int when it is an integer of any type (np.int64...), else None.

    A bool is no class index (``True`` is a binary target, not class 1). Internal to nn
    (``sample_losses`` reads labels the same way); not exported from ``nn``.

    >>> import numpy as np
    >>> class_index(np.int64(2)), class_index(True), class_index(1.0), class_index([0, 1])
    (2, None, None, None)
    """
    if isinstance(label, bool) or type(label).__name__ == "bool_":
        return None
    try:
        return operator.index(label)
    except TypeError:  # a float, a list, or an array of several labels
        return None


def l2_penalty(parameters: Sequence[Value], alpha: float) -> Scalar:
    """``alpha * sum(p * p)``, as one fused ``dot`` node (micrograd's regularization term).

    >>> from autograd_engine import Value
    >>> p = [Value(1.0), Value(-2.0)]
    >>> penalty = l2_penalty(p, 0.5)
    >>> penalty.backward()
    >>> penalty.data, [v.grad for v in p]
    (2.5, [1.0, -2.0])
    """
    parameters = list(parameters)
    return _labelled(alpha * ag.dot(parameters, parameters), "l2")


def _predicted_class(prediction: Any, threshold: float) -> Any:
    if isinstance(prediction, list | tuple):
        numbers = [_number(z) for z in prediction]
        return numbers.index(max(numbers))
    return _number(prediction) > threshold


def _true_class(prediction: Any, label: Any) -> Any:
    if isinstance(prediction, list | tuple):
        return label
    return label > 0  # +1/-1 labels and 0/1 labels alike


def accuracy(predictions: Any, labels: Any, threshold: float = 0.0) -> float:
    """Fraction of examples classified right.

    A prediction that is a list is a row of logits: its class is the largest one's index.
    Otherwise it is a score: positive when above ``threshold`` (0 for scores and logits,
    use 0.5 for probabilities), compared with a label that is positive when > 0 (so +-1
    and 0/1 labels both work).

    >>> from autograd_engine import Value
    >>> accuracy([Value(0.3), Value(-2.0), 1.5], [1, -1, -1])
    0.6666666666666666
    >>> accuracy([[0.1, 0.9], [2.0, 1.0]], [1, 1])
    0.5
    """
    pairs = _pairs(predictions, labels, "accuracy")
    right = 0
    for prediction, label in pairs:
        right += _predicted_class(prediction, threshold) == _true_class(prediction, label)
    return right / len(pairs)
