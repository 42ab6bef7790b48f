"""Compiling one sample's graph into one NumPy function that runs a whole batch.

Each scalar of the recorded graph becomes an array over the batch (a shared value, a
parameter or a constant, stays a NumPy scalar and broadcasts). Every statement comes from
the op table: each node's forward and rule are traced once in the array dialect
(``autograd_engine.batched.dialect``); an op without an array form is looped over the
batch with its float form (``autograd_engine.batched.checks``). Fused neurons that share
one input tuple and the same activation (an ``affine_layer``) become one layer: their
weights are a block of the parameter array ``P``, read as a matrix ``W``, and the layer is
``act(W @ X + b)`` forward, ``GU @ X.T`` (weights) and ``W.T @ GU`` (inputs) backward.

Where the sums run in another order than a scalar build's (the results then agree to a
few ulps, not to the bit): a layer's ``W @ X`` (BLAS order, the bias added last instead
of first), its weight gradient summed over the batch inside ``GU @ X.T``, and every
shared leaf's gradient summed over the batch at the end of the step (``numpy.sum``).
Everything else does the scalar engine's operations in its order, element by element.
Because of ``W @ X``, a pre-activation that cancels to exactly 0 in the scalar order may
come out a few ulps away from 0 and take the other side of a relu kink downstream;
``record_batch(..., exact=True)`` adds layers in the scalar order instead (the same bits
forward). Gradients toward per-sample inputs and targets are not computed (no Value could
hold them), so a backward error only they would meet (``sqrt`` of an input at 0) does not
raise here as it would in a scalar build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd_engine.batched.dialect import expression, is_risky
from autograd_engine.batched.layers import Layer, backward_layer, forward_layer, matrix_source
from autograd_engine.batched.writer import Writer, apply, shallow, slope
from autograd_engine.neuron import pre_activation_rule
from autograd_engine.opspec import OpSpec
from autograd_engine.trace import NAMES, Sym, Untraceable, text
from autograd_engine.value import Value

Spec = tuple[OpSpec, tuple[float, ...]]
# program(P, X, Y, n, seed, backward, G) -> (losses, watched values)
Program = Callable[..., tuple[Any, tuple[Any, ...]]]


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
        # All weights first, row after row, then the biases: W is a contiguous matrix.
        n_in = len(layer.inputs)
        for member in layer.members:
            for weight in member.parents[:n_in]:
                place(weight)
        layer.slots = [
            [*(slot[w] for w in m.parents[:n_in]), place(m.parents[n_in])] for m in layer.members
        ]
    # Constants last: the live leaves are then P[:m], read and written as one slice.
    for constants in (False, True):
        for node in order:
            if not node._parents and node not in columns and (node.kind == "constant") == constants:
                place(node)
    needs: dict[Value, bool] = {}
    for node in order:
        if node._parents:
            needs[node] = any(needs[p] for p in node.parents)
        else:
            needs[node] = node not in columns and node.kind != "constant"
    return Plan(order, index, specs, columns, shared, slot, needs, layers, layer_of)


def write_program(plan: Plan, output: Value, watch: list[Value], exact: bool = False) -> Program:
    """The batch's forward and backward as one function; see the module docstring."""
    w = Writer(plan)
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
            forward_layer(w, layer, alone, exact)
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
            backward_layer(w, layer)
    for leaf in plan.shared:
        if leaf in w.assigned and plan.needs[leaf]:
            w.lines.append(f"G[{plan.slot[leaf]}] += _total({w.v(leaf).replace('v', 'g')}, n)")
    w.lines.append(f"return out, ({watched})")
    lines = [part for line in w.lines for part in shallow(line)]
    source = "def program(P, X, Y, n, seed, backward, G):\n    " + "\n    ".join(lines)
    from autograd_engine.batched.checks import runtime_names

    namespace = {**NAMES, **runtime_names(plan)}
    exec(compile(source, "<autograd_engine.batched.program>", "exec"), namespace)
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
        if matrix_source(plan, layer) is None:
            alone.update(layer.inputs)
    return alone


def _forward_node(w: Writer, node: Value) -> None:
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
    applied = apply(function, args, params)
    if applied is None:
        w.lines.append(f"v{i} = _loop({i}, ({', '.join(w.v(p) for p in node.parents)},), n)")
        return
    source, risky = applied
    w.lines.append(f"v{i} = {source}")
    if risky:
        inputs = ", ".join(w.v(p) for p in node.parents)
        w.lines.append(f"if not _fin(v{i}): _forward_error({i}, v{i}, ({inputs},), n)")


def _backward_node(w: Writer, node: Value) -> None:
    if node not in w.assigned:
        return
    spec, params = w.plan.specs[node]
    i = w.plan.index[node]
    g, parents = f"g{i}", node.parents
    args = [w.v(p) for p in parents]
    try:
        if spec.layout == "neuron":
            slope(w, spec.activation, g, f"v{i}", f"s{i}")
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
        if is_risky(term):
            w.lines.append(f"t = {term}")
            w.lines.append(
                f"if not _fin(t): _backward_error({i}, {k}, t, {g}, v{i}, ({', '.join(args)},), n)"
            )
            term = "t"
        w.add_to(parent, term)
