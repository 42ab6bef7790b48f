"""The fused neuron's op table entries, derived from the table: ``affine`` and ``affine_<act>``.

A fused neuron computes ``act(b + w1*x1 + ... + wn*xn)`` from its inputs
``(w1, ..., wn, b, x1, ..., xn)``. Its sum's derivative is the table's own (``*``'s rule
for each product, ``+``'s for the bias), traced once on names and spliced into the
rule and into the fast sweep's float form. Any op whose rule needs only its output
(``OpSpec.from_output``: relu, tanh, sigmoid, exp, ...) can sit on top of the sum in the
same node, since the node stores nothing but its output: each becomes an entry
``affine_<op>`` whose slope is traced from that op's rule. So the generic tests,
``grad(create_graph=True)``, drawings and graph replay treat a neuron like any other op,
and no derivative is written here. ``neuron.py`` builds the nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import autograd_engine.ops_math  # noqa: F401  (imports ops: the table is complete before fusing)
from autograd_engine.ops import ADD, MUL
from autograd_engine.opspec import OPS, OpSpec, defop
from autograd_engine.sweep import Shared, register_shared
from autograd_engine.trace import NAMES, Sym, Untraceable, ref, text, trace
from autograd_engine.value import Rule


def pre_activation(*values: Any) -> Any:
    """``b + w1*x1 + ... + wn*xn`` left to right, from ``(w1..wn, b, x1..xn)``."""
    n = len(values) // 2
    total = values[n]
    for w, x in zip(values[:n], values[n + 1 :], strict=True):
        total += w * x
    return total


# The sum's derivative is the table's: each product's terms are ``*``'s rule (weight, then
# input) and the bias's is ``+``'s, traced once on names (``autograd_engine.trace``) and
# spliced into the rule below and into the sweep's float form, never written here.
def _terms(spec: OpSpec, *names: str) -> list[str]:
    return [text(term) for term in trace(spec.rule, *map(Sym, names))]


def sum_terms(gradient: str, weight: str, input: str) -> tuple[str, str, str]:
    """The sum's terms as source: what one weight, the bias and one input receive.

    Internal API for code that adds a neuron's terms (the rule and the fast sweep here,
    replay's interpreter): ``gradient`` is the gradient reaching the sum, ``weight`` and
    ``input`` one product's operands, each any expression (``w._data``, ``values[w]``).
    The terms are ``*``'s rule (weight, then input) and ``+``'s (the bias), traced.

    >>> sum_terms("gp", "w", "x")
    ('(gp * x)', 'gp', '(gp * w)')
    """
    weight_term, input_term = _terms(MUL.spec, gradient, "p", weight, input)
    bias_term = _terms(ADD.spec, gradient, "s", "b", "p")[0]  # d(b + p)/db
    return weight_term, bias_term, input_term


# The terms over the names gp (the gradient reaching the sum), w, x (one weight and its
# input): internal API, as ``sum_terms``.
WEIGHT_TERM, BIAS_TERM, INPUT_TERM = sum_terms("gp", "w", "x")
_WEIGHT_DATA, _, _INPUT_DATA = sum_terms("gp", "w._data", "x._data")

_RULE = """
def pre_activation_rule(gp, out, *values):
    n = len(values) // 2
    pairs = list(zip(values[:n], values[n + 1 :]))
    return [{weight} for w, x in pairs] + [{bias}] + [{input} for w, x in pairs]
"""

# The sweep's float form of a neuron: the slope traced from the activation's rule, then
# pre_activation_rule's terms added in place, read from the two shared tuples (``zip``
# stops at the inputs, leaving the bias, last of the parameters, to its own line). A
# fused node exists only when its pre-activation sum is finite (``affine`` builds a plain
# node otherwise), so a zero slope sends only signed zeros: skipped, as the sweep skips
# a zero gradient. No ``strict=`` on these zips: it costs ~0.2 us per call, once per neuron.
_ACCUMULATE = """
def accumulate(g, out, params, inputs):
    gp = {slope}
    if gp:
        for w, x in zip(params, inputs):
            w._grad += {weight}
        params[-1]._grad += {bias}
        for w, x in zip(params, inputs):
            x._grad += {input}
"""
_LAYER = """
def layer(totals):
    return [{output} for t in totals]
"""


def compile_template(template: str, name: str, **parts: str) -> Callable[..., Any]:
    r"""The function ``name`` defined by ``template`` with ``parts`` (traced source) filled in.

    Internal API, for code that splices ``sum_terms`` into a loop (replay's interpreter).

    >>> compile_template("def twice(x):\n    return {double}\n", "twice", double="x + x")(4)
    8
    """
    namespace = dict(NAMES)
    exec(compile(template.format(**parts), f"<autograd_engine.fused.{name}>", "exec"), namespace)
    return namespace[name]  # type: ignore[no-any-return]


pre_activation_rule: Rule = compile_template(
    _RULE, "pre_activation_rule", weight=WEIGHT_TERM, bias=BIAS_TERM, input=INPUT_TERM
)
pre_activation_rule.__doc__ = (
    "The sum's terms for the gradient ``gp`` reaching it: weights, bias, then inputs."
)


def _traced(function: Callable[..., Any], *names: str) -> str:
    """``function`` on names as one expression; a call by reference if it branches."""
    try:
        return text(trace(function, *map(Sym, names)))
    except Untraceable:
        return f"{ref(function)}({', '.join(names)})"


class FusedActivation:
    """One fused activation, derived from its table entry (None: the linear neuron)."""

    def __init__(self, act: OpSpec | None) -> None:
        self.act = act
        self.function: Callable[[float], float] = act.forward if act else _identity
        if act is None:
            slope: Callable[[Any, Any], Any] = _pass
            slope_text = "g"
        else:
            act_rule = act.rule
            slope = lambda g, out: act_rule(g, out, out)[0]  # noqa: E731 (x is unused)
            slope_text = _traced(lambda g, out: act_rule(g, out, out)[0], "g", "out")
        self.accumulate: Shared = compile_template(
            _ACCUMULATE,
            "accumulate",
            slope=slope_text,
            weight=_WEIGHT_DATA,
            bias=BIAS_TERM,
            input=_INPUT_DATA,
        )
        self.layer: Callable[[list[float]], list[float]] = compile_template(
            _LAYER, "layer", output=_traced(self.function, "t")
        )
        function = self.function

        def forward(*values: float) -> float:
            return function(pre_activation(*values))

        def rule(g: Any, out: Any, *values: Any) -> Sequence[Any]:
            return pre_activation_rule(slope(g, out), out, *values)

        name = "affine" if act is None else f"affine_{act.name}"
        domain = act.domain if act is not None else ("real",)
        public = defop(name, forward, rule, arity=0, domain=domain, layout="neuron", activation=act)
        self.spec: OpSpec = public.spec
        self.rule: Rule = rule
        self.op = name
        register_shared(rule, self.accumulate)


def _identity(x: float) -> float:
    return x


def _pass(g: Any, out: Any) -> Any:
    return g


FUSED: dict[str, FusedActivation] = {"linear": FusedActivation(None)}
for _spec in list(OPS.values()):
    if _spec.from_output and _spec.arity == 1 and not _spec.params:
        FUSED[_spec.name] = FusedActivation(_spec)

AFFINE_ACTIVATIONS: tuple[str, ...] = tuple(FUSED)
"""The activations ``affine`` fuses into its node: every op whose rule reads only its output."""


def fused_activation(activation: str | None) -> FusedActivation:
    """The fused activation named ``activation``; a clear error if there is none."""
    try:
        return FUSED["linear" if activation is None else activation]
    except (KeyError, TypeError):
        choices = ", ".join(AFFINE_ACTIVATIONS)
        raise ValueError(
            f"affine: unknown activation {activation!r}; choose from {choices}"
        ) from None
