"""The orders a drawing's DOT text can declare the same graph in.

Graphviz breaks ties in its layout by declaration order, so the same boxes and Values,
declared in another order, can come out in another order on the page (``reading_order``
picks the declaration that reads in index order). A box keeps its number, ``cluster_N``,
in every declaration, so the layouts of two declarations can be compared box by box.
"""

from __future__ import annotations

import itertools
from dataclasses import astuple, dataclass


@dataclass(frozen=True)
class Declaration:
    """The order the DOT text declares things in, each part in index order or reversed:
    boxes inside a box (neurons), Values in innermost boxes (a neuron's w and b), and the
    other Values (a layer's inputs). The picture is of the same graph whichever order;
    only ties in Graphviz's layout fall differently (``reading_order``)."""

    reverse_boxes: bool
    reverse_inner_values: bool
    reverse_outer_values: bool


def default_order(rankdir: str) -> Declaration:
    """The declaration of ``Graph.source``: everything reversed for a left-to-right graph.

    Graphviz lays a left-to-right graph out top to bottom and turns it, which puts the
    first node of a rank at the bottom: declared in reverse, w[0], x0 and neuron 0 tend to
    come out on top, in reading order (``reading_order`` checks the result).

    >>> default_order("LR")
    Declaration(reverse_boxes=True, reverse_inner_values=True, reverse_outer_values=True)
    """
    flip = rankdir in ("LR", "RL")
    return Declaration(flip, flip, flip)


DECLARATIONS = tuple(Declaration(*flags) for flags in itertools.product((True, False), repeat=3))


def alternatives(default: Declaration) -> list[Declaration]:
    """The other declarations, those with the boxes the other way first, the most
    different first among them. Where the default reads wrong its boxes mostly come out
    upside down: notebook 03's model drawn at 8, 20, 40 and 60 values had 70-100% of its
    pairs out of order, and a declaration with the boxes forward read right (or one pair
    off) each time, so the search usually stops after one to four more layouts.

    >>> [astuple(d) for d in alternatives(Declaration(True, True, True))][:2]
    [(False, False, False), (False, True, False)]
    """

    def key(order: Declaration) -> tuple[bool, int]:
        flips = sum(a != b for a, b in zip(astuple(order), astuple(default), strict=True))
        return order.reverse_boxes != default.reverse_boxes, flips

    return sorted((d for d in DECLARATIONS if d != default), key=key, reverse=True)


def box_numbers(children: dict[str | None, list[str]], reverse: bool) -> dict[str, int]:
    """Each box's number, ``cluster_N``: its place in the default declaration.

    >>> box_numbers({None: ["layers.0", "layers.1"], "layers.0": ["layers.0.n0"]}, False)
    {'layers.0': 0, 'layers.0.n0': 1, 'layers.1': 2}
    """
    numbers: dict[str, int] = {}
    # Depth first, each box before the boxes inside it, as ``body`` writes them.
    stack = list(children.get(None, []) if reverse else reversed(children.get(None, [])))
    while stack:
        path = stack.pop()
        numbers[path] = len(numbers)
        inner = children.get(path, [])
        stack.extend(inner if reverse else reversed(inner))
    return numbers
