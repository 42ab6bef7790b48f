"""Twins: boxes or Values a drawing cannot tell apart, and which of them to draw where.

Two neurons of a layer that read the same inputs and feed the same consumers are twins:
swap them and it is the same graph. So are two weights that feed the same op. Graphviz
lays a graph out by its structure and the order its text declares things in, never by
their names (the same DOT with every node renamed lays out identically: checked on
notebook 03's drawing, 193 objects, none moved). So DOT text that declares twin B where
it declared twin A, and A where B, lays out in the same order with A and B in each
other's places (their labels' widths may shift positions a little, never the order).
That puts twins in index order without another layout: read where each twin landed in
one layout, then declare, in the place that reads first, the twin that should read
first. ``reading_order`` scores the result on the layout it was read from, renamed
(``tests/test_viz_twins.py`` lays such texts out to check that they read as predicted).

Only innermost boxes (neurons, not layers) and leaves of one shape within one box are
paired, and only when everything around them matches (``Drawing.shape``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from autograd_engine.value import Value
from autograd_engine.viz.layout_budget import Unit

T = TypeVar("T")


@dataclass(frozen=True)
class Relabel:
    """Which twin each twin's place shows: boxes by path, units (Values, summaries) by
    themselves; anything not listed shows itself.

    >>> Relabel({"layers.0.neurons.1": "layers.0.neurons.0"}).box("layers.0.neurons.1")
    'layers.0.neurons.0'
    """

    boxes: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[Unit, Unit] = field(default_factory=dict)
    # The same by DOT name (``cluster_3``, ``v7``): a layout's place names to the names
    # they show, which is where the relabelled text puts each twin (``reading_order``).
    names: Mapping[str, str] = field(default_factory=dict)

    def box(self, path: str) -> str:
        return self.boxes.get(path, path)

    def unit(self, unit: Unit) -> Unit:
        return self.units.get(unit, unit)


class Drawing(Protocol):
    """What pairing twins reads of a drawing (``dot_builder``'s writer)."""

    @property
    def members(self) -> dict[str | None, list[Unit]]:
        """The units drawn directly in each box (``None``: outside every box)."""
        ...

    @property
    def children(self) -> dict[str | None, list[str]]:
        """The boxes directly inside each box, in index order."""
        ...

    @property
    def box_numbers(self) -> dict[str, int]:
        """Each box's number, ``cluster_N``."""
        ...

    def name(self, unit: Unit) -> str: ...

    def shape(self, unit: Unit, inside: Mapping[Unit, int]) -> Hashable:
        """Everything about ``unit`` the layout sees: its kind, its node lines, and
        each edge's other end (by its place in ``inside`` when it is one of those)."""
        ...


def classes(items: Sequence[T], signature: Callable[[T], Hashable]) -> list[list[T]]:
    """The items with equal signatures, each class in the given order (two or more).

    >>> classes(["a", "bb", "c", "dd", "eee"], len)
    [['a', 'c'], ['bb', 'dd']]
    """
    found: dict[Hashable, list[T]] = {}
    for item in items:
        found.setdefault(signature(item), []).append(item)
    return [group for group in found.values() if len(group) > 1]


def arranged(twins: Sequence[T], place: Mapping[T, float]) -> dict[T, T]:
    """Which twin to draw in each twin's place so that ``twins`` read in the listed
    order, where ``place`` says how early each one's place reads (lowest first).

    >>> arranged(["n0", "n1", "n2"], {"n0": 3.0, "n1": 1.0, "n2": 2.0})
    {'n1': 'n0', 'n2': 'n1', 'n0': 'n2'}
    """
    places = sorted(twins, key=place.__getitem__)
    return {where: twin for where, twin in zip(places, twins, strict=True) if where is not twin}


@dataclass(frozen=True)
class Twins:
    """A drawing's twins, each class in index order: sibling innermost boxes by path, and
    the leaves of one shape in each box (``None``: outside every box)."""

    boxes: list[list[str]]
    leaves: dict[str | None, list[list[Unit]]]


def find(drawing: Drawing) -> Twins:
    """The twins of ``drawing``: the same whatever the layout, so found once."""
    boxes = []
    for paths in drawing.children.values():
        innermost = [path for path in paths if path not in drawing.children]
        boxes += classes(innermost, lambda path: _box_shape(drawing, path))
    leaves = {}
    for path, own in drawing.members.items():
        found = classes([u for u in own if _is_leaf(u)], lambda u: drawing.shape(u, {}))
        if found:
            leaves[path] = found
    return Twins(boxes, leaves)


def relabel(drawing: Drawing, twins: Twins, place: Mapping[str, float]) -> Relabel | None:
    """The ``twins`` of ``drawing`` each drawn where one reads in index order, given how
    early each DOT name's place reads in a layout (``place``); None when nothing moves.

    Boxes first: a box's place then shows its twin's Values, member by member. Then the
    leaves of one shape within each place, ordered by where that place's leaves landed.
    """
    boxes: dict[str, str] = {}
    for paths in twins.boxes:
        reads = {path: place[f"cluster_{drawing.box_numbers[path]}"] for path in paths}
        boxes.update(arranged(paths, reads))
    units: dict[Unit, Unit] = {}
    for path, own in drawing.members.items():
        shown_path = boxes.get(path, path) if path is not None else None
        if shown_path == path and path not in twins.leaves:
            continue
        # Twin boxes have the same shape member by member, so a place shows its twin's
        # members in its own order; leaf twins then change places within it.
        shows = dict(zip(own, drawing.members[shown_path], strict=True))
        at = {what: where for where, what in shows.items()}
        for leaves in twins.leaves.get(shown_path, []):
            landed = {leaf: place[drawing.name(at[leaf])] for leaf in leaves}
            for current, leaf in arranged(leaves, landed).items():
                shows[at[current]] = leaf
        units.update((where, what) for where, what in shows.items() if where is not what)
    if not boxes and not units:
        return None
    names = {
        f"cluster_{drawing.box_numbers[p]}": f"cluster_{drawing.box_numbers[q]}"
        for p, q in boxes.items()
    }
    names.update((drawing.name(where), drawing.name(what)) for where, what in units.items())
    return Relabel(boxes, units, names)


def _is_leaf(unit: Unit) -> bool:
    return isinstance(unit, Value) and not unit.op


def _box_shape(drawing: Drawing, path: str) -> Hashable:
    """A box's members' shapes in order, their edges among them by place in the box."""
    members = drawing.members.get(path, [])
    inside = {unit: number for number, unit in enumerate(members)}
    return tuple(drawing.shape(unit, inside) for unit in members)
