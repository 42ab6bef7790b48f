"""The n-ary ops of the table: ``sum`` and ``dot``, each one node for many operands.

A chain ``x1 + x2 + ...`` of ``n`` operands is ``n - 1`` nodes; ``sum`` is one, with the
chain's value and gradients to the bit (added left to right). ``dot`` is ``sum`` of
products, its parents the weights, then the inputs. Both are declared ``linear``: the
fast sweep may skip them at a zero gradient. The public functions read the operands'
data in C (``value_data``) and fall back on the table entry when numbers are among them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import add, mul
from typing import Any, cast

from autograd_engine.nodes import value_data
from autograd_engine.opspec import Scalar, defop
from autograd_engine.value import Value, make_node


def _sum(*values: float) -> float:
    # Left to right, as the chain x1 + x2 + ... adds: the same bits, inf and nan included.
    total: float = reduce(add, values)
    return total


def _dot(*values: float) -> float:
    half = len(values) // 2
    total: float = reduce(add, map(mul, values[:half], values[half:]))
    return total


def _dot_rule(g: Any, out: Any, *values: Any) -> list[Any]:
    half = len(values) // 2
    weights, inputs = values[:half], values[half:]
    return [g * x for x in inputs] + [g * w for w in weights]


def _sum_rule(g: Any, out: Any, *values: Any) -> tuple[Any, ...]:
    return (g,) * len(values)


SUM = defop("sum", _sum, _sum_rule, arity=0, linear=True, layout="any")
DOT = defop("dot", _dot, _dot_rule, arity=0, linear=True, layout="pairs")


def sum(values: Iterable[Scalar]) -> Scalar:
    """Sum of many values as one node (one fused op instead of a chain of ``+``).

    Value and gradients are exactly those of the chain ``x1 + x2 + ...`` (added left to
    right, so infinities and NaN come out as IEEE arithmetic says). Operands must be
    Values or real numbers; plain numbers alone give a float.

    >>> import autograd_engine as ag
    >>> xs = [Value(1.0), Value(2.0), 3.0]
    >>> total = ag.sum(xs)
    >>> total.op, total.data, len(total.parents)
    ('sum', 6.0, 3)
    >>> ag.sum([0.5, 0.25])
    0.75
    """
    items = values if type(values) is list else list(values)
    if not items:
        return 0.0
    try:  # fast path: all Values (the normal case inside a model)
        data: float = reduce(add, map(value_data, items))
    except TypeError:
        return SUM(*items)  # numbers among them (wrapped or summed), or refused
    return make_node(data, cast("tuple[Value, ...]", tuple(items)), _sum_rule, "sum")


def dot(weights: Iterable[Scalar], inputs: Iterable[Scalar]) -> Scalar:
    """Inner product sum(w * x) as one node whose parents are the weights, then the inputs.

    Value and gradients are exactly those of ``w1*x1 + w2*x2 + ...`` built from ``*`` and
    ``+`` (a Value listed twice receives the same terms, added in another order).

    >>> w = [Value(2.0), Value(-1.0)]
    >>> y = dot(w, [3.0, 4.0])
    >>> y.data
    2.0
    >>> y.backward()
    >>> [wi.grad for wi in w]
    [3.0, 4.0]
    """
    ws = weights if type(weights) is list else list(weights)
    xs = inputs if type(inputs) is list else list(inputs)
    if len(ws) != len(xs):
        raise ValueError(f"dot: {len(ws)} weights but {len(xs)} inputs; they must match")
    if not ws:
        return 0.0
    parents = (*ws, *xs)
    try:  # fast path: all Values (the normal case inside a model)
        data: float = reduce(add, map(mul, map(value_data, ws), map(value_data, xs)))
    except TypeError:
        return cast(Scalar, DOT(*parents))  # numbers among them, or refused
    return make_node(data, cast("tuple[Value, ...]", parents), _dot_rule, "dot")
