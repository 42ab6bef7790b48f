"""Building nodes beyond ``make_node``: constants, an op's operands, a layer at once.

``value.make_node`` fills one node; the helpers here are what the ops call around it.
``constant`` wraps a number written into an expression, ``operands`` turns an op's
arguments into Values (or names the one that is neither a Value nor a number),
``make_nodes`` is ``make_node``'s batch form for a layer of fused neurons, and
``value_data``/``zero_grad`` read and reset the slots directly where the property
checks would cost more than the work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from autograd_engine.floats import to_float
from autograd_engine.modes import active_mode
from autograd_engine.value import Rule, Value, make_node, next_seq

_new = object.__new__  # bound once, as in make_node


def constant(x: float) -> Value:
    """A leaf for a number written into an expression (``kind == "constant"``).

    >>> constant(2).kind
    'constant'
    """
    return make_node(x if type(x) is float else to_float(x), (), None, "", None, "constant")


def make_nodes(
    outputs: list[float],
    param_rows: Sequence[tuple[Value, ...]],
    rule: Rule,
    op: str,
    shared_inputs: tuple[Value, ...],
) -> list[Value]:
    """``make_node`` for many nodes of one op that share their inputs (a layer of fused neurons).

    One mode lookup and no call per node: a layer's sixteen neurons cost one call.
    """
    mode = active_mode()
    if mode is not None and (not mode.grad_enabled or mode.anomaly):
        return [
            make_node(data, row, rule, op, shared_inputs)
            for data, row in zip(outputs, param_rows, strict=True)
        ]
    scope = mode.scope if mode is not None else None
    nodes = []
    # No ``strict=``: the outputs were computed from these rows, and the keyword costs
    # ~0.2 us per call, once per layer per sample.
    for data, row in zip(outputs, param_rows):  # noqa: B905
        node = _new(Value)
        node._data = data
        node._grad = 0.0
        node.label = ""
        node.kind = None
        node.scope = scope
        node._op = op
        node._parents = row
        node._shared_inputs = shared_inputs
        node._rule = rule
        node._seq = next_seq()
        nodes.append(node)
    return nodes


value_data: Callable[[Value], float] = Value.__dict__["_data"].__get__
"""``v.data`` for a Value, TypeError for anything else (a NumPy array's or a tensor's
``.data`` too): the fused ops read their operands with it, in C, and so check them."""


def zero_grad(values: Iterable[Value]) -> None:
    """Set each Value's ``grad`` to 0.0: the slot written directly, without the setter's check.

    Training zeroes every weight each step (25,000 for ``MLP(784, [32, 10])``), and the
    ``grad`` property's conversion would cost more than the step's backward sweep.

    >>> w = [Value(1.0), Value(2.0)]
    >>> (w[0] * w[1]).backward()
    >>> zero_grad(w)
    >>> [v.grad for v in w]
    [0.0, 0.0]
    """
    for value in values:
        value._grad = 0.0


def operands(op: str, items: Sequence[object]) -> tuple[Value, ...]:
    """The operands of an n-ary op as Values: numbers become constants, nothing else passes.

    >>> operands("sum", [Value(1.0), 2])[1].kind
    'constant'
    >>> operands("sum", [Value(1.0), "2"])
    Traceback (most recent call last):
    ...
    TypeError: sum: operand 1 must be a Value or a real number (int, float, bool or NumPy \
scalar), got str: '2'
    """
    result = []
    for index, item in enumerate(items):
        if isinstance(item, Value):
            result.append(item)
            continue
        try:
            result.append(constant(item))  # type: ignore[arg-type]
        except TypeError:
            raise TypeError(
                f"{op}: operand {index} must be a Value or a real number (int, float, bool "
                f"or NumPy scalar), got {type(item).__name__}: {item!r}"
            ) from None
    return tuple(result)
