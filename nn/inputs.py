"""What a model is called on: one example's inputs, or a batch of them, one per row.

``as_values`` turns one example (a list, tuple or 1-D array of numbers or Values) into
the list of Values a forward pass reads; ``is_batch`` tells a batch (a 2-D array, a list
of rows) from one example. ``ExampleModule`` is the one place the rule "called on a
batch, a module answers row by row" is written: ``Neuron``, ``Layer`` and ``MLP`` inherit
it and only say what they compute on one example.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

from autograd_engine import Value
from nn.module import Module


def as_values(x: Any) -> list[Value]:
    """Inputs as a list of Values: numbers are wrapped once, Values kept as they are.

    Accepts a list, tuple or 1-D NumPy array of numbers or Values, or a single number.

    >>> [v.data for v in as_values([1, 2.5])]
    [1.0, 2.5]
    """
    if isinstance(x, Value):
        return [x]
    if isinstance(x, (int, float)):  # a tuple: no union object built per call
        return [Value(x)]
    # The common case, a previous layer's outputs: Values only, checked in C (380 ns for
    # 16 Values against the comprehension's 510; each layer of each sample asks).
    if (type(x) is list or type(x) is tuple) and all(map(isinstance, x, repeat(Value))):
        return list(x)
    try:
        return [v if isinstance(v, Value) else Value(v) for v in x]
    except TypeError:
        raise TypeError(_not_one_example(x)) from None


def _not_one_example(x: Any) -> str:
    """Why ``x`` is not one example's inputs, and what to pass instead."""
    try:
        bad = next(v for v in x if not isinstance(v, Value | int | float) and not _is_number(v))
    except TypeError:  # not iterable at all
        return (
            f"expected one example: a list, tuple or 1-D array of numbers or Values, got "
            f"{type(x).__name__}: {x!r}"
        )
    except StopIteration:
        bad = x
    return (
        f"expected one example (numbers or Values), but an input is a "
        f"{type(bad).__name__}: {bad!r}; a batch is a 2-D array or a list of rows, one "
        "example per row (model(X) then gives one output per row)"
    )


def _is_number(v: Any) -> bool:
    return getattr(v, "ndim", None) == 0  # a NumPy scalar


def is_batch(x: Any) -> bool:
    """True for a batch of examples: a 2-D NumPy array, or a list or tuple of rows.

    >>> is_batch([[1.0, 2.0], [3.0, 4.0]]), is_batch([1.0, 2.0])
    (True, False)
    """
    kind = type(x)
    if kind is list or kind is tuple:  # first: a layer's inputs are a list of Values
        if not x:
            return False
        first = x[0]
        if isinstance(first, Value):
            return False
        return type(first) is list or type(first) is tuple or getattr(first, "ndim", None) == 1
    return getattr(x, "ndim", None) == 2


class ExampleModule(Module):
    """A module whose ``forward`` takes one example; called on a batch, it maps the rows.

    >>> class Double(ExampleModule):
    ...     def forward(self, x):
    ...         return [2 * v for v in as_values(x)]
    >>> [[v.data for v in row] for row in Double()([[1.0], [2.0]])]
    [[2.0], [4.0]]
    """

    def __call__(self, x: Any) -> Any:
        """The output on one example, or a list of outputs on a batch (rows of ``X``)."""
        if is_batch(x):
            return [self(row) for row in x]
        return Module.__call__(self, x)
