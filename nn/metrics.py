"""Which metric ``fit`` reports: accuracy for classification losses, none for regression.

``fit(metric="auto")`` (the default) scores accuracy only when the loss is a
classification loss (``hinge``, ``bce_with_logits``, ``cross_entropy``, or a function
with ``is_classification = True``); a regression loss such as ``mse`` reports the loss
alone. Regression metrics are there when asked: ``metric="r2"`` or ``metric="mae"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_engine import Value
from nn.losses import accuracy, bce_with_logits, cross_entropy, hinge

Metric = Callable[[Any, Any], float]

CLASSIFICATION_LOSSES = (hinge, bce_with_logits, cross_entropy)


def _numbers(values: Any) -> list[float]:
    flat: list[float] = []
    for item in values:
        rows = item.tolist() if getattr(item, "ndim", 0) >= 1 else item
        for x in rows if isinstance(rows, list | tuple) else [rows]:
            flat.append(x.data if isinstance(x, Value) else float(x))
    return flat


def mean_absolute_error(predictions: Any, targets: Any) -> float:
    """Mean of ``|prediction - target|`` over every output.

    >>> from autograd_engine import Value
    >>> mean_absolute_error([Value(1.0), Value(3.0)], [0.0, 1.0])
    1.5
    """
    ps, ts = _numbers(predictions), _numbers(targets)
    if len(ps) != len(ts) or not ps:
        raise ValueError(f"mae: {len(ps)} predictions but {len(ts)} targets (non-zero, equal)")
    return sum(abs(p - t) for p, t in zip(ps, ts, strict=True)) / len(ps)


def r2_score(predictions: Any, targets: Any) -> float:
    """Coefficient of determination ``1 - SS_res / SS_tot`` (1 is a perfect fit).

    >>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    0.7857142857142857
    """
    ps, ts = _numbers(predictions), _numbers(targets)
    if len(ps) != len(ts) or not ps:
        raise ValueError(f"r2: {len(ps)} predictions but {len(ts)} targets (non-zero, equal)")
    mean = sum(ts) / len(ts)
    total = sum((t - mean) ** 2 for t in ts)
    residual = sum((p - t) ** 2 for p, t in zip(ps, ts, strict=True))
    return 1.0 - residual / total if total else (1.0 if residual == 0 else 0.0)


METRICS: dict[str, Metric] = {"accuracy": accuracy, "r2": r2_score, "mae": mean_absolute_error}


def resolve_metric(metric: Metric | str | None, loss: Any) -> tuple[str | None, Metric | None]:
    """The metric's name and function for ``fit``; ``"auto"`` looks at the loss.

    >>> from nn import hinge, mse
    >>> resolve_metric("auto", hinge)[0], resolve_metric("auto", mse)[0]
    ('accuracy', None)
    """
    if metric is None:
        return None, None
    if metric == "auto":
        classifies = loss in CLASSIFICATION_LOSSES or getattr(loss, "is_classification", False)
        return ("accuracy", accuracy) if classifies else (None, None)
    if isinstance(metric, str):
        try:
            return metric, METRICS[metric]
        except KeyError:
            names = ", ".join(sorted(METRICS))
            raise ValueError(
                f"fit: unknown metric {metric!r}; choose from {names}, 'auto', None or a "
                "function metric(outputs, targets) -> float"
            ) from None
    return getattr(metric, "__name__", "metric"), metric
