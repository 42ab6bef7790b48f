"""Roles of a tape's leaves: which are parameters, inputs and constants, and checks on them.

``record`` fixes each leaf's role once; every run checks that no role changed (a
constant's data, a leaf's ``kind``) and that a feed names only leaves it may write.
``Tape.check`` compares a fresh graph with the recorded one node by node
(``check_fresh``), then their numbers. Every refusal
is a ``ReplayError`` naming the leaf or node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from autograd_engine.backprop import describe
from autograd_engine.codegen import spec_of
from autograd_engine.floats import to_float
from autograd_engine.graph import topological_order
from autograd_engine.opspec import OpSpec
from autograd_engine.value import Value

Feed = Mapping[Value, float] | Sequence[float]

_data = attrgetter("_data")  # the slot: a float, no property call
_kind = attrgetter("kind")


class ReplayError(ValueError):
    """A tape cannot replay this graph, or a leaf no longer plays the role it was recorded in.

    >>> raise ReplayError("constant leaf 3 changed")
    Traceback (most recent call last):
    ...
    autograd_engine.replay.ReplayError: constant leaf 3 changed
    """


# Users meet it as ``autograd_engine.replay.ReplayError`` (and in tracebacks by that name).
ReplayError.__module__ = "autograd_engine.replay"


def name(node: Value) -> str:
    """How messages name a leaf or node: label, data and op."""
    label = f" {node.label!r}" if node.label else ""
    return f"Value{label} (data={node.data!r}, {describe(node)})"


def check_params(
    params: Iterable[Value] | None, index: dict[Value, int], leaves: list[Value]
) -> list[Value]:
    """The parameters of a tape, in graph order; ReplayError if ``params`` does not fit."""
    marked = [leaf for leaf in leaves if leaf.kind == "parameter"]
    if params is None:
        return marked
    given = list(params)
    wanted = set(given)
    for p in given:
        if not isinstance(p, Value):
            raise ReplayError(f"params: expected Values, got {type(p).__name__}")
        if p in index and p._parents:
            raise ReplayError(f"params: {name(p)} is an interior node, not a leaf")
        if p in index and p.kind == "constant":
            raise ReplayError(f"params: {name(p)} is a constant of the graph")
    for leaf in marked:
        if leaf not in wanted:
            raise ReplayError(
                f"{name(leaf)} is marked as a parameter but is not in params "
                "(was the graph built from another model?)"
            )
    used = [p for p in given if p in index]
    if given and not used:
        raise ReplayError("params: none of the given parameters is a leaf of the graph")
    return sorted(set(used), key=index.__getitem__)


def check_inputs(
    inputs: Iterable[Value] | None, index: dict[Value, int], feedable: set[Value]
) -> list[Value]:
    """The leaves ``run`` feeds by position; each must be a non-constant leaf."""
    if inputs is None:
        return []
    listed = list(inputs)
    for leaf in listed:
        if not isinstance(leaf, Value):
            raise ReplayError(f"inputs: expected Values, got {type(leaf).__name__}")
        if leaf not in feedable:
            where = "a constant of" if leaf in index and not leaf._parents else "not a leaf of"
            raise ReplayError(f"inputs: {name(leaf)} is {where} the graph")
    return listed


def check_watch(watch: list[Value], index: dict[Value, int]) -> list[Value]:
    """The nodes whose values each run refreshes; each must be a node of the graph."""
    for node in watch:
        if not isinstance(node, Value) or node not in index:
            shown = name(node) if isinstance(node, Value) else repr(node)
            raise ReplayError(f"watch: {shown} is not a node of the recorded graph")
    return list(watch)


def compare_graphs(recorded: list[Value], index: dict[Value, int], order: list[Value]) -> None:
    """ReplayError unless a fresh graph (``order``, topological) is the recorded one, node
    by node: the same ops on the same operands with the same parameters, leaves in the
    same roles. Graph replay's and batched replay's ``check`` both ask this.

    >>> from autograd_engine import Value
    >>> x = Value(1.0)
    >>> recorded = topological_order(x * 2)
    >>> compare_graphs(recorded, {node: i for i, node in enumerate(recorded)}, recorded)
    >>> compare_graphs(recorded, {}, topological_order(x + 2))
    Traceback (most recent call last):
    ...
    autograd_engine.replay.ReplayError: check: node 2 was * when recorded and is + in the fresh ...
    """
    if len(order) != len(recorded):
        raise ReplayError(
            f"check: the fresh graph has {len(order)} nodes, the tape {len(recorded)}; "
            "the code built another graph (a Python branch on data?)"
        )
    fresh_index = {node: i for i, node in enumerate(order)}
    for position, (old, new) in enumerate(zip(recorded, order, strict=True)):
        compare_nodes(position, old, new, index, fresh_index)


def compare_nodes(
    position: int, old: Value, new: Value, old_index: dict[Value, int], new_index: dict[Value, int]
) -> None:
    """ReplayError unless node ``new`` of a fresh graph plays the role ``old`` had."""
    where = f"check: node {position}"
    if old._op != new._op:
        raise ReplayError(
            f"{where} was {old._op or 'a leaf'!s} when recorded and is {new._op or 'a leaf'!s} "
            "in the fresh graph (a Python branch on data?)"
        )
    old_parents = [old_index[p] for p in old.parents]
    new_parents = [new_index[p] for p in new.parents]
    if old_parents != new_parents:
        raise ReplayError(f"{where} ({old._op}) reads other operands in the fresh graph")
    if old._parents:
        if spec_of(old) != spec_of(new):
            raise ReplayError(f"{where} ({old._op}) has other parameters in the fresh graph")
        return
    if old.kind != new.kind:
        raise ReplayError(f"{where}: leaf kind {old.kind!r} became {new.kind!r}")
    if old.kind == "parameter" and old is not new:
        raise ReplayError(f"{where}: the fresh graph uses another parameter: {name(new)}")
    if old.kind == "constant" and not same(old.data, new.data):
        raise ReplayError(
            f"{where}: constant {old.data!r} became {new.data!r}; make it a leaf Value"
        )


def recordable(node: Value) -> tuple[OpSpec, tuple[float, ...]]:
    """The node's table entry and parameters; ReplayError for a rule from elsewhere."""
    found = spec_of(node)
    if found is None:
        raise ReplayError(
            f"cannot record {name(node)}: its derivative rule is not from the op table"
        )
    return found


def same(a: float, b: float) -> bool:
    """Equal as a tape compares numbers: NaN equals NaN."""
    return a == b or (a != a and b != b)  # NaN equals NaN here


def check_roles(
    leaves: list[Value], kinds: list[str | None], constants: list[Value], data: list[float]
) -> None:
    """Refuse leaves whose role changed since recording: a new kind, a changed constant."""
    if list(map(_kind, leaves)) != kinds:
        for leaf, kind in zip(leaves, kinds, strict=True):
            if leaf.kind != kind:
                raise ReplayError(
                    f"{name(leaf)} was recorded with kind {kind!r} and now has kind "
                    f"{leaf.kind!r}; record the graph again"
                )
    if list(map(_data, constants)) != data:
        for leaf, value in zip(constants, data, strict=True):
            if not same(leaf.data, value):
                raise ReplayError(
                    f"{name(leaf)} was recorded as the constant {value!r} and now holds "
                    f"{leaf.data!r}; constants are baked into the tape: make it a leaf "
                    "Value (an input) to feed new numbers"
                )


def apply_feed(
    feed: Feed, inputs: list[Value], feedable: set[Value], index: dict[Value, int]
) -> None:
    """Write ``feed`` into its leaves, after checking all of it: a failed feed changes none."""
    if isinstance(feed, Mapping):
        items = list(feed.items())
    else:
        values = list(feed)
        if len(values) != len(inputs):
            raise ReplayError(f"run: {len(values)} values for the {len(inputs)} recorded inputs")
        items = list(zip(inputs, values, strict=True))
    numbers = []
    for leaf, value in items:
        if not isinstance(leaf, Value):
            raise ReplayError(f"feed: keys must be Values, got {type(leaf).__name__}")
        if leaf not in feedable:
            role = "a constant" if leaf in index else "not a leaf"
            if leaf in index and leaf._parents:
                role = "an interior node"
            raise ReplayError(f"feed: {name(leaf)} is {role} of this tape; it cannot be fed")
        numbers.append(to_float(value))
    for (leaf, _), number in zip(items, numbers, strict=True):
        leaf.data = number


def check_fresh(
    fresh: Value,
    order_recorded: list[Value],
    index: dict[Value, int],
    program: Any,
    grad_leaves: int,
) -> None:
    """``Tape.check``: ReplayError unless ``program`` gives what the fresh graph gives."""
    from autograd_engine.differentiate import grad

    order = topological_order(fresh)
    compare_graphs(order_recorded, index, order)
    values = [leaf.data for leaf in order if not leaf._parents]
    fresh_leaves = [leaf for leaf in order if not leaf._parents and leaf.kind != "constant"]
    starts = [0.0] * grad_leaves
    out, _, grads = program(list(map(_Number, values)), starts, 1.0, True)
    if not same(out, fresh.data):
        raise ReplayError(f"check: replay gives {out!r}, the fresh graph {fresh.data!r}")
    expected = grad(fresh, fresh_leaves)
    for leaf, got, want in zip(fresh_leaves, grads, expected, strict=True):
        if not same(got, want):
            raise ReplayError(
                f"check: gradient of {name(leaf)}: replay gives {got!r}, the fresh graph {want!r}"
            )


class _Number:
    """A stand-in leaf (only ``._data``, the slot compiled programs read), to run on numbers."""

    __slots__ = ("_data",)

    def __init__(self, data: float) -> None:
        self._data = data
