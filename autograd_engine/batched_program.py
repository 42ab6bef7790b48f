"""Compiling one sample's graph into one NumPy function that runs a whole batch.

Each scalar of the recorded graph becomes an array over the batch (a shared value, a
parameter or a constant, stays a NumPy scalar and broadcasts). Every statement comes from
the op table: each node's forward and rule are traced once in the array dialect
(``autograd_engine.batched_dialect``); an op without an array form is looped over the
batch with its float form (``autograd_engine.batched_checks``). Fused neurons that share
one input tuple and the same activation (an ``affine_layer``) become one layer: their
weights are a block of the parameter array ``P``, read as a matrix ``W``, and the layer is
``act(W @ X + b)`` forward, ``GU @ X.T`` (weights) and ``W.T @ GU`` (inputs) backward.

Where the sums run in another order than a scalar build's (the results then agree to a
few ulps, not to the bit): a layer's ``W @ X`` (BLAS order, the bias added last instead
of first), its weight gradient summed over the batch inside ``GU @ X.T``, and every
shared leaf's gradient summed over the batch at the end of the step (``numpy.sum``).
Everything else does the scalar engine's operations in its order, element by element.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_engine.batched_dialect import array_form, expression
from autograd_engine.neuron import pre_activation_rule
from autograd_engine.opspec import OpSpec
from autograd_engine.trace import NAMES, Sym, Untraceable, ref, text
from autograd_engine.value import Value

Spec = tuple[OpSpec, tuple[float, ...]]
# program(P, X, Y, n, seed, backward, G) -> (losses, watched values)
Program = Callable[..., tuple[Any, tuple[Any, ...]]]


@dataclass
class Layer:
    """Fused neurons with one input tuple and one activation: one matrix product."""

    number: int
    spec: OpSpec
    members: list[Value]
    inputs: tuple[Value, ...]
    slots: list[list[int]] = field(default_factory=list)  # P's index of each row's params
    source: str = ""  # the expression of X (n_in, batch), set when writing

    @property
    def contiguous(self) -> tuple[int, int] | None:
        """``(start, stop)`` when the rows' parameters fill one range of ``P`` in order."""
        flat = [s for row in self.slots for s in row]
        if flat == list(range(flat[0], flat[0] + len(flat))):
            return flat[0], flat[0] + len(flat)
        return None


@dataclass
class Plan:
    """What the program is written from: the graph, each leaf's role, the layers."""

    order: list[Value]
    index: dict[Value, int]
    specs: dict[Value, Spec]
    columns: dict[Value, str]  # per-sample leaf -> "X[k]" or "Y[k]"
    shared: list[Value]  # the leaves behind P, in slot order
    slot: dict[Value, int]
    needs: dict[Value, bool]  # leads to a shared non-constant leaf
    layers: list[Layer]
    layer_of: dict[Value, Layer]


def make_plan(order: list[Value], specs: dict[Value, Spec], columns: dict[Value, str]) -> Plan:
    """Group the fused neurons into layers and lay the shared leaves out in ``P``."""
    index = {node: i for i, node in enumerate(order)}
    layers: list[Layer] = []
    by_key: dict[tuple[Any, ...], Layer] = {}
    layer_of: dict[Value, Layer] = {}
    for node in order:
        spec = specs.get(node, (None, ()))[0]
        if spec is None or spec.layout != "neuron":
            continue
        parents = node.parents
        n = (len(parents) - 1) // 2
        params, inputs = parents[: n + 1], parents[n + 1 :]
        if any(p._parents or p in columns for p in params) or len(set(params)) < len(params):
            continue  # a weight computed or fed per sample: the neuron stays on its own
        key = (spec.name, tuple(map(id, inputs)))
        layer = by_key.get(key)
        if layer is None:
            layer = by_key[key] = Layer(len(layers), spec, [], inputs)
            layers.append(layer)
        layer.members.append(node)
        layer_of[node] = layer
    shared: list[Value] = []
    slot: dict[Value, int] = {}

    def place(leaf: Value) -> int:
        if leaf not in slot:
            slot[leaf] = len(shared)
            shared.append(leaf)
        return slot[leaf]

    for layer in layers:
        layer.slots = [
            [place(p) for p in m.parents[: len(layer.inputs) + 1]] for m in layer.members
        ]
    for node in order:
        if not node._parents and node not in columns:
            place(node)
    needs: dict[Value, bool] = {}
    for node in order:
        if node._parents:
            needs[node] = any(needs[p] for p in node.parents)
        else:
            needs[node] = node not in columns and node.kind != "constant"
    return Plan(order, index, specs, columns, shared, slot, needs, layers, layer_of)


class _Writer:
    """The program's lines, and which gradients exist so far while writing backward."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.assigned: set[Value] = set()
        self.matrices: set[int] = set()  # layers whose gradient matrix GX<k> exists

    def v(self, node: Value) -> str:
        return f"v{self.plan.index[node]}"

    def add_to(self, node: Value, term: str) -> None:
        """``g<node> += term``, as a new array: gradients may share arrays (``+``'s rule)."""
        g = f"g{self.plan.index[node]}"
        if node in self.assigned:
            self.lines.append(f"{g} = {g} + {term}")
        else:
            self.assigned.add(node)
            self.lines.append(f"{g} = {term}")


def _apply(
    function: Callable[..., Any], arguments: list[str], params: tuple[float, ...]
) -> tuple[str, bool] | None:
    """``function`` on named arrays as (expression, risky); None if it has no array form."""
    try:
        result, risky = expression(function, *map(Sym, arguments), *params)
        if not isinstance(result, list | tuple):
            return text(result), risky
    except Untraceable:
        pass
    form = array_form(function, len(arguments) + len(params))
    if form is None:
        return None
    return f"{ref(form)}({', '.join([*arguments, *map(repr, params)])})", True


def write_program(plan: Plan, output: Value, watch: list[Value]) -> Program:
    """The batch's forward and backward as one function; see the module docstring."""
    w = _Writer(plan)
    alone = _needed_alone(plan, output, watch)
    for node in plan.order:
        if not node._parents:
            if node in alone:
                where = plan.columns.get(node) or f"P[{plan.slot[node]}]"
                w.lines.append(f"{w.v(node)} = {where}")
            continue
        layer = plan.layer_of.get(node)
        if layer is None:
            _forward_node(w, node)
        elif node is layer.members[0]:
            _forward_layer(w, layer, alone)
    watched = "".join(f"_col({w.v(node)}, n), " for node in watch)
    w.lines.append(f"out = _col({w.v(output)}, n)")
    w.lines.append("if not backward:")
    w.lines.append(f"    return out, ({watched})")
    w.add_to(output, "seed")
    for node in reversed(plan.order):
        if not node._parents or not plan.needs[node]:
            continue
        layer = plan.layer_of.get(node)
        if layer is None:
            _backward_node(w, node)
        elif node is layer.members[0]:
            _backward_layer(w, layer)
    for leaf in plan.shared:
        if leaf in w.assigned and plan.needs[leaf]:
            w.lines.append(f"G[{plan.slot[leaf]}] += _total({w.v(leaf).replace('v', 'g')}, n)")
    w.lines.append(f"return out, ({watched})")
    source = "def program(P, X, Y, n, seed, backward, G):\n    " + "\n    ".join(w.lines)
    from autograd_engine.batched_checks import runtime_names

    namespace = {**NAMES, **runtime_names(plan)}
    exec(compile(source, "<autograd_engine.batched_program>", "exec"), namespace)
    program: Program = namespace["program"]
    program.source = source  # type: ignore[attr-defined]  # for reading and debugging
    return program


def _needed_alone(plan: Plan, output: Value, watch: list[Value]) -> set[Value]:
    """Nodes some statement reads as one array (not as a row of a layer's matrix)."""
    alone = {output, *watch}
    for node in plan.order:
        if node._parents and node not in plan.layer_of:
            alone.update(node.parents)
    for layer in plan.layers:
        if _matrix_source(plan, layer) is None:
            alone.update(layer.inputs)
    return alone


def _matrix_source(plan: Plan, layer: Layer) -> str | None:
    """``X`` of a layer without stacking: an earlier layer's outputs, or input columns."""
    inputs = list(layer.inputs)
    for other in plan.layers[: layer.number]:
        if other.members == inputs:
            return f"M{other.number}"
    rows = [plan.columns.get(x, "") for x in inputs]
    if all(r.startswith("X[") for r in rows):
        first = int(rows[0][2:-1])
        if rows == [f"X[{first + k}]" for k in range(len(rows))]:
            return f"X[{first}:{first + len(rows)}]"
    return None


def _forward_node(w: _Writer, node: Value) -> None:
    spec, params = w.plan.specs[node]
    i = w.plan.index[node]
    args = [w.v(p) for p in node.parents]
    if spec.layout == "neuron":  # a neuron on its own: the scalar engine's sum, in its order
        n = (len(args) - 1) // 2
        w.lines.append(f"u{i} = {args[n]}")
        w.lines.extend(
            f"u{i} = u{i} + {a} * {x}" for a, x in zip(args[:n], args[n + 1 :], strict=True)
        )
        function, args, params = (
            (spec.activation.forward if spec.activation else None),
            [f"u{i}"],
            (),
        )
        if function is None:
            w.lines.append(f"v{i} = u{i}")
            return
    else:
        function = spec.forward
    applied = _apply(function, args, params)
    if applied is None:
        w.lines.append(f"v{i} = _loop({i}, ({', '.join(w.v(p) for p in node.parents)},), n)")
        return
    source, risky = applied
    w.lines.append(f"v{i} = {source}")
    if risky:
        inputs = ", ".join(w.v(p) for p in node.parents)
        w.lines.append(f"if not _fin(v{i}): _forward_error({i}, v{i}, ({inputs},), n)")


def _forward_layer(w: _Writer, layer: Layer, alone: set[Value]) -> None:
    k = layer.number
    rows, width = len(layer.members), len(layer.inputs) + 1
    span = layer.contiguous
    if span is None:
        w.lines.append(f"T{k} = P[{ref(np.array(layer.slots))}]")
    else:
        w.lines.append(f"T{k} = P[{span[0]}:{span[1]}].reshape({rows}, {width})")
    layer.source = _matrix_source(w.plan, layer) or (
        f"_rows(({', '.join(w.v(x) for x in layer.inputs)},), n)"
    )
    w.lines.append(f"X{k} = {layer.source}")
    w.lines.append(f"W{k} = T{k}[:, :-1]")
    w.lines.append(f"U{k} = W{k} @ X{k} + T{k}[:, -1:]")
    act = layer.spec.activation
    applied = _apply(act.forward, [f"U{k}"], ()) if act is not None else (f"U{k}", False)
    if applied is None:
        w.lines.append(f"M{k} = _loop_layer({k}, U{k})")
    else:
        w.lines.append(f"M{k} = {applied[0]}")
        if applied[1]:
            w.lines.append(f"if not _fin(M{k}): _layer_error({k}, M{k}, X{k}, T{k})")
    for r, member in enumerate(layer.members):
        if member in alone:
            w.lines.append(f"{w.v(member)} = M{k}[{r}]")


def _slope(w: _Writer, act: OpSpec | None, g: str, out: str, name: str) -> None:
    """``name = `` the gradient reaching a neuron's sum: the activation's rule, traced."""
    if act is None:
        w.lines.append(f"{name} = {g}")
        return
    rule = act.rule
    applied = _apply(lambda g, out: rule(g, out, out)[0], [g, out], ())
    if applied is None:
        w.lines.append(f"{name} = _loop_slope({ref(act)}, {g}, {out})")
    else:
        w.lines.append(f"{name} = {applied[0]}")


def _backward_node(w: _Writer, node: Value) -> None:
    if node not in w.assigned:
        return
    spec, params = w.plan.specs[node]
    i = w.plan.index[node]
    g, parents = f"g{i}", node.parents
    args = [w.v(p) for p in parents]
    try:
        if spec.layout == "neuron":
            _slope(w, spec.activation, g, f"v{i}", f"s{i}")
            result, _ = expression(pre_activation_rule, Sym(f"s{i}"), Sym(f"v{i}"), *map(Sym, args))
        else:
            result, _ = expression(spec.rule, Sym(g), Sym(f"v{i}"), *map(Sym, args), *params)
        terms = [text(t) for t in result]
    except Untraceable:
        w.lines.append(f"R{i} = _loop_rule({i}, {g}, v{i}, ({', '.join(args)},), n)")
        terms = [f"R{i}[{k}]" for k in range(len(parents))]
    for k, (parent, term) in enumerate(zip(parents, terms, strict=True)):
        if not w.plan.needs[parent]:
            continue
        if _risky(term):
            w.lines.append(f"t = {term}")
            w.lines.append(
                f"if not _fin(t): _backward_error({i}, {k}, t, {g}, v{i}, ({', '.join(args)},), n)"
            )
            term = "t"
        w.add_to(parent, term)


def _risky(term: str) -> bool:
    from autograd_engine.batched_dialect import _is_risky

    return _is_risky(term)


def _backward_layer(w: _Writer, layer: Layer) -> None:
    k, plan = layer.number, w.plan
    parts = [f"GX{k}"] if k in w.matrices else []
    rows = [f"g{plan.index[m]}" if m in w.assigned else "None" for m in layer.members]
    if any(r != "None" for r in rows):
        parts.append(f"_stack(({', '.join(rows)},), n)")
    if not parts:
        return
    w.lines.append(f"GM{k} = {' + '.join(parts)}")
    _slope(w, layer.spec.activation, f"GM{k}", f"M{k}", f"GU{k}")
    if any(plan.needs[plan.shared[s]] for row in layer.slots for s in row):
        span = layer.contiguous
        w.lines.append(f"D{k} = _grad_block(GU{k}, X{k})")
        if span is None:
            w.lines.append(f"_scatter(G, {ref(np.array(layer.slots))}, D{k})")
        else:
            w.lines.append(f"G[{span[0]}:{span[1]}] += D{k}.ravel()")
    if not any(plan.needs[x] for x in layer.inputs):
        return
    w.lines.append(f"DX{k} = W{k}.T @ GU{k}")
    source = next((o for o in plan.layers[:k] if f"M{o.number}" == layer.source), None)
    if source is not None:
        j = source.number
        w.lines.append(f"GX{j} = GX{j} + DX{k}" if j in w.matrices else f"GX{j} = DX{k}")
        w.matrices.add(j)
        return
    for r, x in enumerate(layer.inputs):
        if plan.needs[x]:
            w.add_to(x, f"DX{k}[{r}]")
