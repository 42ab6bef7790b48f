"""One node of a recorded graph as Python source: its forward expression, its gradient terms.

Nothing here is written by hand per op: a node's forward and rule are run once on
symbolic stand-ins for its variables (``autograd_engine.trace``), and the expressions
they build are the source. An op that cannot be traced (a Python branch, a function
that needs a real float) is called instead, by reference, through its ``forward`` and
the node's bound rule. The caller (``autograd_engine.codegen``) chooses the variable
names, so the same texts serve locals (``v12``) and list slots (``V[12]``).

A node with many operands (a sum of 5,000 values, a wide neuron) is never traced: its
expression would nest one level per operand, which the parser refuses past about 200
levels, and its text would grow with the square of its width. ``is_wide`` says which
nodes the caller must call through the table instead (``wide_forward``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_engine.neuron import pre_activation, pre_activation_rule
from autograd_engine.opspec import OpSpec
from autograd_engine.trace import Sym, Untraceable, text, trace
from autograd_engine.value import Rule, Value

# Past this many operands an n-ary node is called, not traced. A traced neuron of
# ``n`` inputs (``2n + 1`` operands) compiles to about 2n + 3 lines (~15 us each in
# compile()); called, to five lines whatever ``n``, and it runs ~1.5x slower per operand.
# 64 keeps neurons of up to 31 inputs traced (the demo's have 16) and every nesting
# depth far below the parser's limit of 200.
WIDE = 64

SpecParams = tuple[OpSpec, tuple[float, ...]]


class Names:
    """Objects that generated code refers to by a global name (functions, numbers, tuples)."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self._ids: dict[int, str] = {}

    def ref(self, obj: Any, prefix: str) -> str:
        """A global name for ``obj`` in the generated code; the same object, the same name."""
        key = id(obj)
        name = self._ids.get(key)
        if name is None:
            name = f"{prefix}{len(self._ids)}"
            self._ids[key] = name
            self.namespace[name] = obj
        return name


def is_wide(node: Value) -> bool:
    """Whether ``node`` has too many operands to be traced into one expression."""
    return operand_count(node) > WIDE


def operand_count(node: Value) -> int:
    """How many operands ``node`` has (its parents, counted without joining its tuples)."""
    inputs = node._shared_inputs
    return len(node._parents) + (0 if inputs is None else len(inputs))


def code_lines(order: list[Value]) -> int:
    """About how many lines ``codegen`` writes for these nodes: one per node and per edge.

    >>> from autograd_engine import Value
    >>> x = Value(2.0)
    >>> code_lines([x, x * x])
    3
    """
    lines = 0
    for node in order:
        if node._parents:
            count = operand_count(node)
            lines += 1 + (count if count <= WIDE else 4)
    return lines


def expression(
    names: Names, function: Callable[..., Any], inputs: list[str], params: tuple[float, ...]
) -> str:
    """``function`` on the inputs as one expression: traced, else a call by reference.

    >>> from autograd_engine.ops import OPS
    >>> expression(Names({}), OPS["*"].forward, ["v3", "v7"], ())
    '(v3 * v7)'
    """
    try:
        return text(trace(function, *map(Sym, inputs), *params))
    except Untraceable:
        arguments = inputs + [names.ref(p, "K") for p in params]
        return f"{names.ref(function, 'F')}({', '.join(arguments)})"


def forward_texts(
    names: Names, spec_params: SpecParams, inputs: list[str], pre: str
) -> tuple[str | None, str]:
    """The node's forward on ``inputs``: (the pre-activation sum or None, the output).

    A fused neuron's output is written on the name ``pre``, where the caller keeps its
    pre-activation sum (the backward reads it, to skip a dead neuron as ``backward()``
    does). For a wide node ``inputs`` is one starred argument, ``["*values"]``.
    """
    spec, params = spec_params
    if spec.layout != "neuron":
        return None, expression(names, spec.forward, inputs, params)
    total = expression(names, pre_activation, inputs, ())
    act = spec.activation
    return total, pre if act is None else expression(names, act.forward, [pre], ())


def wide_forward(
    names: Names, spec_params: SpecParams, values: str, pre: str
) -> tuple[str | None, str]:
    """``forward_texts`` for a wide node: its table functions called on ``*values``."""
    spec, params = spec_params
    arguments = [f"*{values}"] + [names.ref(p, "K") for p in params]
    if spec.layout != "neuron":
        return None, f"{names.ref(spec.forward, 'F')}({', '.join(arguments)})"
    total = f"{names.ref(pre_activation, 'F')}(*{values})"
    act = spec.activation
    return total, pre if act is None else expression(names, act.forward, [pre], ())


def node_rule(node: Value, spec: OpSpec) -> Rule:
    """The rule whose terms reach the operands: a fused neuron's sum, else the node's own."""
    if spec.layout == "neuron":
        return pre_activation_rule
    return node._rule  # type: ignore[return-value]  # op nodes always carry their rule


def gradient_terms(
    names: Names,
    rule: Rule,
    g: str,
    out: str,
    inputs: list[str],
    spec_params: SpecParams,
) -> tuple[list[str], str | None]:
    """One expression per operand, and a statement to run first (a rule call) or None."""
    spec, params = spec_params
    try:
        terms = trace(rule, Sym(g), Sym(out), *map(Sym, inputs), *params)
        return [text(t) for t in terms], None
    except Untraceable:
        pass
    bound = spec.bind(params) if rule is spec.rule else rule
    call = f"r = {names.ref(bound, 'R')}({g}, {out}, {', '.join(inputs)})"
    return [f"r[{k}]" for k in range(len(inputs))], call


def slope_text(names: Names, spec: OpSpec, g: str, out: str, pre: str) -> tuple[str, str | None]:
    """A fused activation's slope times ``g`` (what reaches the sum), and a call to run first."""
    act = spec.activation
    assert act is not None  # only fused neurons with an activation have a slope
    terms, call = gradient_terms(names, act.rule, g, out, [pre], (act, ()))
    return terms[0], call


def skips_at_zero(spec: OpSpec) -> bool:
    """Whether the node's backward is skipped at a zero upstream gradient (and finite total).

    Fused neurons and linear n-ary ops (``OpSpec.linear``): every local derivative is 1
    or an input, so with a finite total every term would be a signed zero, which leaves
    a sum unchanged. ``Value.backward``'s sweep skips the same nodes.
    """
    return spec.layout == "neuron" or (spec.linear and not spec.arity)


def needs_grad(order: list[Value]) -> dict[Value, bool]:
    """Whether a node leads to a non-constant leaf; terms for the rest are never used.

    >>> from autograd_engine import Value, constant
    >>> x, c = Value(1.0), constant(2.0)
    >>> y = c * c
    >>> sorted(needs_grad([x, c, y, x * y]).values())
    [False, False, True, True]
    """
    needs: dict[Value, bool] = {}
    for node in order:
        if node._parents:
            needs[node] = any(needs[p] for p in node.parents)
        else:
            needs[node] = node.kind != "constant"
    return needs
