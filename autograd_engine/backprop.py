"""The reference sweep: backpropagation exactly as the design card states it.

Walk the op nodes outputs first. Ask each node's local-derivative closure (its op's
rule, ``rule(g, out, *inputs)``) for one term per parent, and add each term into that
parent's gradient. That loop, ``backprop`` below, is all of reverse mode.

It serves every path that is not about speed: ``grad()`` (floats, or Values with
``create_graph=True``), ``detect_anomaly()`` (it checks each term), ``backward_steps``
(one node at a time) and graph replay's error reports. ``Value.backward`` runs the fast
sweep in ``sweep.py``, whose specialisations a property test holds to this loop's bits
(``tests/test_backward_paths.py``).

Where the gradients live is the caller's choice (``Gradients``): in the nodes' ``.grad``
(``IN_NODES``, as ``backward()`` leaves them) or in a dictionary (``Sums``, which
``grad()`` returns without touching any ``.grad``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from autograd_engine.errors import AnomalyError

if TYPE_CHECKING:
    from autograd_engine.value import Value


def _data(node: Value) -> Any:
    return node._data


class Gradients(Protocol):
    """Where a sweep keeps the running gradients: read one, add a term to one."""

    def get(self, node: Value) -> Any:
        """The gradient reaching ``node`` so far, or None if nothing reached it."""

    def add(self, node: Value, term: Any) -> None:
        """Add one chain-rule term to ``node``'s gradient."""


def backprop(
    order: Iterable[Value],
    grads: Gradients,
    *,
    value: Callable[[Value], Any] = _data,
    check: bool = False,
) -> None:
    """The reference sweep: for each node, outputs first, add its rule's terms to its parents.

    ``value(node)`` is what the rules see for a node (its ``data``, or the node itself to
    build the derivative as a graph); ``check`` stops at the first non-finite term.

    >>> from autograd_engine import Value
    >>> x = Value(3.0)
    >>> y = x * x
    >>> sums = Sums({y: 1.0})
    >>> backprop([y], sums)
    >>> sums[x]  # two edges, two terms: 3 + 3
    6.0
    """
    for node in order:
        g = grads.get(node)
        if g is None or not node._parents:
            continue
        parents = node.parents
        for parent, term in zip(parents, local_terms(node, g, value, check), strict=True):
            grads.add(parent, term)


def local_derivatives(node: Value) -> tuple[float, ...]:
    """d(node)/d(parent) for each parent, in operand order, at the current ``data``.

    This is what one edge contributes in the chain rule: during backward, parent ``i``
    receives ``node.grad * local_derivatives(node)[i]``. Leaves give ``()``.

    >>> from autograd_engine import Value
    >>> x = Value(3.0)
    >>> local_derivatives(x * x)  # one entry per edge: both operands are x
    (3.0, 3.0)
    >>> local_derivatives(x.tanh())
    (0.009866037165440211,)
    """
    if not node._parents:
        return ()
    return tuple(float(d) for d in local_terms(node, 1.0))


def local_terms(
    node: Value, g: Any, value: Callable[[Value], Any] = _data, check: bool = False
) -> list[Any]:
    """What ``node`` sends each parent: its rule at upstream gradient ``g``; errors name it."""
    parents = node.parents
    inputs = [value(p) for p in parents]
    rule = node._rule
    assert rule is not None  # op nodes always carry their rule
    try:
        terms = list(rule(g, value(node), *inputs))
    except (ArithmeticError, ValueError) as exc:
        raise backward_error(node, exc, inputs) from exc
    if check:
        for index, term in enumerate(terms):
            # A constant's gradient is never read (0.0 ** y at y < 1 sends inf to 0.0).
            if not math.isfinite(term) and parents[index].kind != "constant":
                shown = ", ".join(map(repr, inputs))
                raise AnomalyError(
                    f"backward of {describe(node)} produced gradient {term!r} for input "
                    f"{index} from inputs ({shown}) and upstream gradient {g!r}"
                )
    return terms


class _InNodes:
    """Gradients kept in the nodes' own ``.grad``, as ``backward()`` leaves them."""

    def get(self, node: Value) -> float:
        return node._grad

    def add(self, node: Value, term: Any) -> None:
        node._grad += term


IN_NODES: Gradients = _InNodes()
"""The gradients in ``.grad``: ``backprop(order, IN_NODES)`` is ``backward()`` written plainly."""


class Sums(dict):  # type: ignore[type-arg]
    """Gradients in a dictionary keyed by node, seeded with the output's.

    Float terms start from ``0.0`` as ``.grad`` does (so ``-0.0`` comes out as ``+0.0``,
    the bits ``backward()`` gives); with ``symbolic`` the sums are Values and start from
    the first term itself, so that a gradient adds no node it does not need.
    """

    def __init__(self, seed: dict[Value, Any], symbolic: bool = False) -> None:
        super().__init__(seed)
        self.symbolic = symbolic

    def add(self, node: Value, term: Any) -> None:
        previous = dict.get(self, node)
        if previous is None:
            self[node] = term if self.symbolic else 0.0 + term
        else:
            self[node] = previous + term


def describe(node: Value) -> str:
    """How error messages name a node: its op, and its label when it has one."""
    name = node._op or "leaf"
    return f"{name} (label {node.label!r})" if node.label else name


def backward_error(
    node: Value | None, exc: BaseException, inputs: list[Any] | None = None
) -> BaseException:
    """``exc`` retold as ``backward of <op> at inputs (...): <reason>``."""
    if node is None:
        return exc
    values = inputs if inputs is not None else [p.data for p in node.parents]
    shown = ", ".join(repr(getattr(v, "data", v)) for v in values)
    return type(exc)(f"backward of {describe(node)} at inputs ({shown}): {exc}")
