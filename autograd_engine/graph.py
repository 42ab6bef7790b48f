"""Walking a computation graph: reachable nodes, topological order, edges.

Every walk here is iterative (a graph a million nodes deep must not hit Python's recursion
limit) and deterministic (the same expression always gives the same order).

Ordering uses one invariant of the engine: a node's parents exist before the node is
built, and every node carries a creation sequence number (``seq``), so sorting the
reachable nodes by that number is a topological order. Collecting them touches each node
once; the sort runs in C.

Fused neurons (``affine``) keep their parents as two tuples shared with other nodes (a
neuron's parameters, a layer's inputs); the backward walk reads each such tuple once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd_engine.value import Value

_by_seq = attrgetter("_seq")


def _as_roots(roots: Value | Iterable[Value]) -> list[Value]:
    if hasattr(roots, "_parents"):
        return [roots]  # type: ignore[list-item]  # a Value (duck-typed: no import cycle)
    return list(roots)


def reachable(roots: Value | Iterable[Value]) -> list[Value]:
    """Every node the roots depend on (the roots included), each once, in discovery order.

    >>> from autograd_engine import Value
    >>> x = Value(2.0, label="x")
    >>> [n.label or n.op for n in reachable(x * x + 1)]
    ['+', '*', '', 'x']
    """
    found = _as_roots(roots)
    seen = set(found)
    stack = list(found)
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
                found.append(parent)
    return found


def topological_order(roots: Value | Iterable[Value], *, reverse: bool = False) -> list[Value]:
    """Nodes ordered so that each comes after all of its parents (before, with ``reverse``).

    ``reverse=True`` is the order the backward sweep needs: outputs first, leaves last.

    >>> from autograd_engine import Value
    >>> a = Value(1.0, label="a")
    >>> b = (a + a).relu()
    >>> [n.label or n.op for n in topological_order(b)]
    ['a', '+', 'relu']
    """
    nodes = reachable(roots)
    nodes.sort(key=_by_seq, reverse=reverse)
    return nodes


def interior_order(root: Value) -> list[Value]:
    """The op nodes ``root`` depends on (leaves left out), outputs first: the backward order.

    Leaves have nothing to pass on, so the sweep skips them, and so does this walk: most
    edges of a network lead to shared weights and inputs, and testing ``_parents`` first
    spares those a set lookup. A fused neuron's shared parent tuples (``_parents`` and
    ``_shared_inputs``) are read once per walk, not once per node: in a layer, sixteen
    neurons share one input tuple, and a hundred samples share each neuron's parameters.

    >>> from autograd_engine import Value
    >>> x = Value(2.0)
    >>> [n.op for n in interior_order((x * x).exp())]
    ['exp', '*']
    """
    if not root._parents:
        return []
    seen = {root}
    read: set[int] = set()  # ids of shared parent tuples already read
    last_inputs = None
    stack = [root]
    found = [root]
    while stack:
        node = stack.pop()
        parents = node._parents
        shared_inputs = node._shared_inputs
        if shared_inputs is not None:
            # Read each shared tuple once. A layer's neurons are popped one after another,
            # so comparing with the last input tuple settles most nodes without a set lookup.
            if id(parents) in read:
                parents = ()
            else:
                read.add(id(parents))
            if shared_inputs is not last_inputs:
                last_inputs = shared_inputs
                if id(shared_inputs) not in read:
                    read.add(id(shared_inputs))
                    parents += shared_inputs
        for parent in parents:
            if parent._parents and parent not in seen:
                seen.add(parent)
                stack.append(parent)
                found.append(parent)
    found.sort(key=_by_seq, reverse=True)
    return found


def edges(roots: Value | Iterable[Value]) -> Iterator[tuple[Value, Value, int]]:
    """Every ``(parent, child, operand_index)`` edge, children in topological order.

    A node used twice by the same op (``x * x``) gives two edges, told apart by the index.

    >>> from autograd_engine import Value
    >>> x = Value(3.0, label="x")
    >>> [(p.label, c.op, i) for p, c, i in edges(x * x)]
    [('x', '*', 0), ('x', '*', 1)]
    """
    for child in topological_order(roots):
        for index, parent in enumerate(child.parents):
            yield parent, child, index
