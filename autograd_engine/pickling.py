"""Pickling Values for in-memory transport: multiprocessing pools, joblib, ``copy.deepcopy``.

Files are not this module's business: ``nn`` saves models as JSON and never unpickles a
file, and nothing here should be used to read data from someone else.

A leaf pickles as its fields. An op node pickles as its whole graph, flat: the leaves it
reaches (pickled as objects, so a parameter that is also pickled inside a model stays one
object) and one record per op node in creation order, naming its op by its table entry
(the rules are lambdas, which pickle cannot name) and its parents by position. Flat, so
that a chain a million nodes deep pickles without recursion. The price: op nodes other
than the root are rebuilt once per pickled root, so two roots pickled together that share
an interior node come back with a copy each (their leaves stay shared).

Every unpickled node takes a new creation number: creation order is the engine's
topological order, and another process's numbers mean nothing here.

>>> import pickle
>>> from autograd_engine import Value
>>> x = Value(3.0, label="x")
>>> y = pickle.loads(pickle.dumps(x * x + 1))
>>> y.backward()
>>> y.data, y.parents[0].parents[0].label, y.parents[0].parents[0].grad
(10.0, 'x', 6.0)
"""

from __future__ import annotations

from typing import Any

from autograd_engine.graph import topological_order
from autograd_engine.opspec import OPS
from autograd_engine.value import Rule, Value, next_seq

# (data, grad, label, kind, scope, op, rule reference, parent positions, shared input positions)
_Record = tuple[float, float, str, str | None, str | None, str, Any, tuple[int, ...], Any]


def reduce_value(value: Value) -> tuple[Any, ...]:
    """``Value.__reduce__``: a leaf's fields, or an op node's graph as flat records."""
    if value.is_leaf:
        return _leaf, (value.data, value.grad, value.label, value.kind, value.scope)
    order = topological_order(value)
    position = {node: index for index, node in enumerate(order)}
    names = {spec.rule: name for name, spec in OPS.items()}
    entries: list[Value | _Record] = []
    for node in order:
        if node.is_leaf:
            entries.append(node)
            continue
        shared_inputs = node._shared_inputs
        entries.append(
            (
                node.data,
                node.grad,
                node.label,
                node.kind,
                node.scope,
                node._op,
                _rule_reference(node._rule, names),
                tuple(position[p] for p in node._parents),
                None if shared_inputs is None else tuple(position[p] for p in shared_inputs),
            )
        )
    return _graph, (entries,)


def _leaf(data: float, grad: float, label: str, kind: str | None, scope: str | None) -> Value:
    node = _blank(data, grad, label, kind, scope)
    node._op, node._parents, node._shared_inputs, node._rule = "", (), None, None
    return node


def _graph(entries: list[Value | _Record]) -> Value:
    """Rebuild the graph ``reduce_value`` flattened; return its root (the last entry)."""
    nodes: list[Value] = []
    shared: dict[tuple[int, ...], tuple[Value, ...]] = {}  # affine nodes share parent tuples
    for entry in entries:
        if isinstance(entry, Value):
            nodes.append(entry)
            continue
        data, grad, label, kind, scope, op, reference, parents, inputs = entry
        node = _blank(data, grad, label, kind, scope)
        node._op = op
        node._rule = _rule_from(reference)
        node._parents = _parents(parents, nodes, shared)
        node._shared_inputs = None if inputs is None else _parents(inputs, nodes, shared)
        nodes.append(node)
    return nodes[-1]


def _blank(data: float, grad: float, label: str, kind: str | None, scope: str | None) -> Value:
    node = Value.__new__(Value)
    node.data, node.grad, node.label, node.kind, node.scope = data, grad, label, kind, scope
    node._seq = next_seq()
    return node


def _parents(
    positions: tuple[int, ...], nodes: list[Value], shared: dict[tuple[int, ...], tuple[Value, ...]]
) -> tuple[Value, ...]:
    found = shared.get(positions)
    if found is None:
        found = shared[positions] = tuple(nodes[i] for i in positions)
    return found


def _rule_reference(rule: Rule | None, names: dict[Rule, str]) -> Any:
    """The table entry a rule belongs to, as ``(name, params)``; other rules as themselves."""
    spec = getattr(rule, "op_spec", None)
    if spec is not None:  # a rule bound to parameters (x ** 2)
        return spec.name, rule.op_params  # type: ignore[union-attr]
    name = names.get(rule)  # type: ignore[arg-type]
    return rule if name is None else (name, ())  # not from the table: pickle names it if it can


def _rule_from(reference: Any) -> Rule:
    if isinstance(reference, tuple):
        name, params = reference
        return OPS[name].bind(params)
    return reference  # type: ignore[no-any-return]
