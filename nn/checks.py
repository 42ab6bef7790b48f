"""Refusing bad arguments: what nn's constructors and optimizers accept, checked once.

Each check raises a typed exception whose message names the function and the offending
value, so that a wrong size or learning rate fails where it is passed, not as a NaN
many steps later. Shared by ``nn.neuron``, ``nn.layers``, ``nn.optim`` and
``nn.clipping``; these are nn's internal API, not exported from ``nn``.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_engine import Value


def check_size(name: str, size: Any) -> None:
    """Refuse a layer size or input count that is not a positive int.

    >>> check_size("nin", 0)
    Traceback (most recent call last):
    ...
    ValueError: nin must be a positive int, got 0
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"{name} must be a positive int, got {size!r}")


def check_number(
    where: str, name: str, value: Any, *, positive: bool = False, infinite: bool = False
) -> None:
    """Refuse a hyperparameter that is not a real number >= 0 (> 0 if ``positive``).

    >>> check_number("SGD", "lr", -0.1)
    Traceback (most recent call last):
    ...
    ValueError: SGD: lr must be a non-negative finite number, got -0.1
    """
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and (math.isnan(value) or (math.isinf(value) and not infinite)):
        ok = False
    if ok and (value <= 0 if positive else value < 0):
        ok = False
    if not ok:
        want = "a positive" if positive else "a non-negative"
        finite = "" if infinite else " finite"
        raise ValueError(f"{where}: {name} must be {want}{finite} number, got {value!r}")


def parameter_list(parameters: Any) -> list[Value]:
    """Accept a module (anything with ``parameters()``) or an iterable of Values.

    >>> parameter_list([Value(1.0), 2.0])
    Traceback (most recent call last):
    ...
    TypeError: optimizers update Values, got float: 2.0
    """
    if hasattr(parameters, "parameters") and callable(parameters.parameters):
        parameters = parameters.parameters()
    items = list(parameters)
    for item in items:
        if not isinstance(item, Value):
            raise TypeError(f"optimizers update Values, got {type(item).__name__}: {item!r}")
    return items
