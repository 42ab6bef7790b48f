"""How texts about a graph name its nodes: the step-through's explanations and the player's.

A labelled Value is called by its label, a constant by its value (``2``). Any other
unlabelled Value gets a short name, ``t1``, ``t2``, ..., numbered in the order the forward
pass makes them, and the drawings of the step-through and the player print that name on
the node (``draw_graph(names=...)``), so a reader finds ``t3`` in the picture. Naming such
a node by its op and value (``[+ 0.0000]``) said nothing a reader could look up, and two
different nodes of the README expression were both ``[+ 0.0000]``.

The names come from topological order alone, so the same expression always gets the same
ones; a number whose name is already a label in the graph is skipped.
"""

from __future__ import annotations

from autograd_engine.graph import topological_order
from autograd_engine.value import Value

PREFIX = "t"  # a temporary, as compilers name the intermediates they make


def reading_names(root: Value) -> dict[Value, str]:
    """The name each Value of ``root``'s graph goes by in a text about it.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> product = a * b
    >>> c = product + 2
    >>> c.label = "c"
    >>> names = reading_names(c)
    >>> [names[node] for node in (a, b, product, c)]
    ['a', 'b', 't1', 'c']
    >>> sorted(names.values())  # the constant 2 is called by its value
    ['2', 'a', 'b', 'c', 't1']
    """
    order = topological_order(root)
    taken = {node.label for node in order if node.label}
    names: dict[Value, str] = {}
    number = 0
    for node in order:
        if node.label:
            names[node] = node.label
        elif node.kind == "constant":
            names[node] = f"{node.data:g}"
        else:
            number += 1
            while f"{PREFIX}{number}" in taken:
                number += 1
            names[node] = f"{PREFIX}{number}"
    return names


def generated(names: dict[Value, str]) -> dict[Value, str]:
    """The names a drawing has to print: those of unlabelled Values that are not constants
    (a constant's value is on its node already).

    >>> x = Value(3.0, label="x")
    >>> sorted(generated(reading_names(x * x + 1)).values())  # not x, not the constant 1
    ['t1', 't2']
    """
    return {
        node: name for node, name in names.items() if not node.label and node.kind != "constant"
    }
