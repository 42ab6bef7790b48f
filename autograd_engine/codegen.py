"""Compiling a recorded graph into one straight-line Python function (graph replay's engine).

Every node becomes one statement (``v12 = v3 * v7``) and every edge of the reverse sweep one
more (``g3 += g12 * v7``), in the order ``backward()`` would run them, so the function
does the same floating-point operations in the same order: the same bits. No statement is
written by hand: each node's forward and rule are run once on symbolic stand-ins for its
variables (``autograd_engine.trace``) and the expressions they build are the statements.
An op that cannot be traced (a Python branch, a function that needs a real float) is
called instead, through its ``forward`` and the node's bound rule. Everything lives in
local variables, so a step allocates floats and nothing else.

``autograd_engine.replay`` owns the user-facing side (roles of leaves, feeding, checks).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from autograd_engine.neuron import pre_activation, pre_activation_rule
from autograd_engine.opspec import OPS, OpSpec
from autograd_engine.trace import NAMES, Sym, Untraceable, text, trace
from autograd_engine.value import Rule, Value

# program(leaves, starts, seed, backward) -> (output, watched[, gradients])
Program = Callable[..., tuple[Any, ...]]

_data = attrgetter("_data")

_RULE_SPECS: dict[Rule, OpSpec] = {}


def spec_of(node: Value) -> tuple[OpSpec, tuple[float, ...]] | None:
    """The op table entry and parameters that made an op node; None if not from the table.

    >>> from autograd_engine import Value
    >>> spec, params = spec_of(Value(2.0) ** 3)
    >>> spec.name, params
    ('**n', (3.0,))
    """
    rule = node._rule
    spec = getattr(rule, "op_spec", None)
    if spec is not None:
        return spec, rule.op_params  # type: ignore[union-attr]
    if rule not in _RULE_SPECS:
        _RULE_SPECS.update((s.rule, s) for s in OPS.values())
    found = _RULE_SPECS.get(rule)  # type: ignore[arg-type]
    return None if found is None else (found, ())


class _Source:
    """Source lines and the objects they refer to, built node by node."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"math": math, "_data": _data}
        self._ids: dict[int, str] = {}

    def ref(self, obj: Any, prefix: str) -> str:
        """A global name in the generated code for ``obj`` (a function or a number)."""
        key = id(obj)
        name = self._ids.get(key)
        if name is None:
            name = f"{prefix}{len(self._ids)}"
            self._ids[key] = name
            self.names[name] = obj
        return name


def compile_graph(
    order: list[Value],
    index: dict[Value, int],
    specs: dict[Value, tuple[OpSpec, tuple[float, ...]]],
    grad_leaves: list[Value],
    watch: list[Value],
) -> Program:
    """One Python function computing a graph's values and gradients on new leaf values.

    Args:
        order: every node, in topological order, the output last.
        index: each node's position in ``order``.
        specs: each op node's table entry and parameters (``spec_of``).
        grad_leaves: the leaves whose gradients are returned (the non-constants).
        watch: nodes whose values are returned too.

    Returns:
        ``program(leaves, starts, seed, backward)``. ``leaves`` holds objects
        with ``.data`` in the order of the leaves in ``order``; with ``backward`` false it
        returns ``(output, watched values)``, else also the gradients of ``grad_leaves``
        (each ``starts[i]`` plus its terms, as ``backward()`` accumulates).

    >>> from autograd_engine import Value
    >>> x = Value(3.0)
    >>> order = [x, x * x]
    >>> program = compile_graph(order, {x: 0, order[1]: 1}, {order[1]: spec_of(order[1])}, [x], [])
    >>> program([Value(5.0)], [0.0], 1.0, True)
    (25.0, (), (10.0,))
    """
    output = order[-1]
    leaves = [node for node in order if not node._parents]
    program = _Source()
    lines = program.lines
    leaf_names = ", ".join(f"v{index[leaf]}" for leaf in leaves)
    lines.append(f"{leaf_names}, = map(_data, leaves)")
    for node in order:
        if node._parents:
            lines.extend(_forward_lines(program, node, specs[node], index))
    out = f"v{index[output]}"
    watched = "".join(f"v{index[node]}, " for node in watch)
    lines.append("if not backward:")
    lines.append(f"    return {out}, ({watched})")
    grad_names = "".join(f"G{index[leaf]}, " for leaf in grad_leaves)
    if grad_leaves:
        lines.append(f"{grad_names}= starts")
    lines.extend(_backward_lines(program, order, index, specs, output))
    results = "".join(f"g{index[leaf]}, " for leaf in grad_leaves)
    lines.append(f"return {out}, ({watched}), ({results})")
    source = "def replay(leaves, starts, seed, backward):\n    " + "\n    ".join(lines)
    namespace = {**NAMES, **program.names}  # NAMES: what traced expressions refer to
    exec(compile(source, "<autograd_engine.codegen>", "exec"), namespace)
    return namespace["replay"]  # type: ignore[no-any-return]  # the function exec defined


def _forward_lines(
    program: _Source,
    node: Value,
    spec_params: tuple[OpSpec, tuple[float, ...]],
    index: dict[Value, int],
) -> list[str]:
    """``v<i> = ...``; a fused neuron first sets its pre-activation sum ``u<i>``."""
    spec, params = spec_params
    i = index[node]
    inputs = [Sym(f"v{index[p]}") for p in node.parents]
    if spec.layout == "neuron":
        lines = [f"u{i} = {_expression(program, pre_activation, inputs, ())}"]
        act = spec.activation
        if act is None:
            return [*lines, f"v{i} = u{i}"]
        return [*lines, f"v{i} = {_expression(program, act.forward, [Sym(f'u{i}')], ())}"]
    return [f"v{i} = {_expression(program, spec.forward, inputs, params)}"]


def _expression(
    program: _Source, function: Callable[..., Any], inputs: list[Sym], params: tuple[float, ...]
) -> str:
    """``function`` on the inputs as one expression: traced, else a call by reference."""
    try:
        return text(trace(function, *inputs, *params))
    except Untraceable:
        arguments = [x.text for x in inputs] + [program.ref(p, "K") for p in params]
        return f"{program.ref(function, 'F')}({', '.join(arguments)})"


def _backward_lines(
    program: _Source,
    order: list[Value],
    index: dict[Value, int],
    specs: dict[Value, tuple[OpSpec, tuple[float, ...]]],
    output: Value,
) -> list[str]:
    """Reverse sweep as statements: each gradient is 0.0 plus its terms in sweep order."""
    needs = _needs_grad(order)
    touched: set[Value] = {output}
    # backward() zeroes interior gradients and adds the seed; a leaf output accumulates
    # (a constant one too, but constants' gradients are not returned).
    start = f"G{index[output]}" if not output._parents and needs[output] else "0.0"
    lines = [f"g{index[output]} = {start} + seed"]
    for node in reversed(order):
        if not node._parents or not needs[node]:
            continue
        spec, params = specs[node]
        i = index[node]
        fused = spec.layout == "neuron"
        if fused and spec.activation is not None:
            # The terms use the gradient that reaches the pre-activation sum.
            slope, call = _gradient_terms(
                program, spec.activation.rule, f"g{i}", f"v{i}", [f"u{i}"], spec.activation, ()
            )
            lines.extend([] if call is None else [call])
            lines.append(f"g{i} = {slope[0]}")
        rule: Rule = pre_activation_rule if fused else node._rule  # type: ignore[assignment]
        inputs = [f"v{index[p]}" for p in node.parents]
        terms, call = _gradient_terms(program, rule, f"g{i}", f"v{i}", inputs, spec, params)
        targets = [(p, t) for p, t in zip(node.parents, terms, strict=True) if needs[p]]
        block = [] if call is None else [call]
        first = []
        for parent, term in targets:
            j = index[parent]
            if parent in touched:
                block.append(f"g{j} += {term}")
                continue
            touched.add(parent)
            base = f"G{j}" if not parent._parents else "0.0"
            block.append(f"g{j} = {base} + ({term})")
            first.append(f"g{j} = {base}")
        # Fused neurons and linear n-ary ops (OpSpec.linear) are skipped at a zero
        # upstream gradient (a dead relu, a sample past its margin): every local
        # derivative is 1 or an input, so with a finite sum every term would be a signed
        # zero, which leaves a sum unchanged. ``Value.backward``'s sweep skips the same.
        if fused or (spec.linear and not spec.arity):
            total = f"u{i}" if fused else f"v{i}"
            lines.append(f"if g{i} or {total} - {total}:")
            lines.extend(f"    {line}" for line in block)
            if first:
                lines.append("else:")
                lines.extend(f"    {line}" for line in first)
        else:
            lines.extend(block)
    return lines


def _gradient_terms(
    program: _Source,
    rule: Rule,
    g: str,
    out: str,
    inputs: list[str],
    spec: OpSpec,
    params: tuple[float, ...],
) -> tuple[list[str], str | None]:
    """One expression per operand, and a statement to run first (a rule call) or None."""
    try:
        terms = trace(rule, Sym(g), Sym(out), *map(Sym, inputs), *params)
        return [text(t) for t in terms], None
    except Untraceable:
        pass
    bound = spec.bind(params) if rule is spec.rule else rule
    call = f"r = {program.ref(bound, 'R')}({g}, {out}, {', '.join(inputs)})"
    return [f"r[{k}]" for k in range(len(inputs))], call


def _needs_grad(order: list[Value]) -> dict[Value, bool]:
    """Whether a node leads to a non-constant leaf; terms for the rest are never used."""
    needs: dict[Value, bool] = {}
    for node in order:
        if node._parents:
            needs[node] = any(needs[p] for p in node.parents)
        else:
            needs[node] = node.kind != "constant"
    return needs
