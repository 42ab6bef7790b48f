"""The fast sweep ``backward()`` runs: the reference sweep plus labelled specialisations.

``Value.backward`` orders the op nodes (``graph.interior_order``) and hands them here,
outputs first. What it computes is exactly ``backprop.backprop(order, IN_NODES)``: each
node asks its rule for one term per parent and the sweep adds them. The specialisations
are "just optimisations", each labelled in the loop below, each held to the reference
sweep's bits by ``tests/test_backward_paths.py``:

1. inline ops (``OpSpec.inline``: ``+`` and ``*``, most nodes of a hand-written
   expression): their terms added without calling the rule. The terms are the rule's
   own, traced once on symbolic stand-ins (``autograd_engine.trace``), so the loop is
   generated: ``a._grad += (g * b._data)`` is what ``*``'s rule says, not a second copy;
2. arity 1 and 2 unrolled: no list per node;
3. linear n-ary ops (``OpSpec.linear``: ``sum``, ``dot``): skipped when their gradient
   is zero and their output finite, as every term is then a signed zero;
4. fused neurons (``affine``): their two parent tuples (parameters, shared inputs) read
   in place by the float form its op registers (``register_shared``), skipped at a zero
   gradient likewise.

Under ``detect_anomaly()`` the reference sweep runs instead, checking every term.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from autograd_engine.backprop import IN_NODES, backprop, backward_error
from autograd_engine.modes import active_mode
from autograd_engine.trace import NAMES, Sym, Untraceable, ref, text, trace

if TYPE_CHECKING:
    from autograd_engine.opspec import OpSpec
    from autograd_engine.value import Rule, Value

# The float form of a fused neuron's rule: accumulate(g, out, params, inputs).
Shared = Callable[[float, float, "tuple[Value, ...]", "tuple[Value, ...]"], None]
_SHARED: dict[Rule, Shared] = {}
# Rules of linear n-ary ops (OpSpec.linear), whose zero-gradient nodes the sweep skips.
_LINEAR: set[Rule] = set()
# Inline ops, in registration order: (rule, traced terms over a, b or a).
_INLINE: list[tuple[Rule, int, list[str]]] = []


def register_op(spec: OpSpec) -> None:
    """Note what the sweep specialises for this op: its traits say, never its name."""
    if spec.linear and not spec.arity:
        _LINEAR.add(spec.rule)
    if spec.inline:
        names = ["a._data", "b._data"][: spec.arity]
        try:
            terms = trace(spec.rule, Sym("g"), Sym("node._data"), *map(Sym, names))
            _INLINE.append((spec.rule, spec.arity, [text(t) for t in terms]))
        except Untraceable:
            return  # a rule that branches in Python is simply called
        _generate()


def register_shared(rule: Rule, accumulate: Shared) -> None:
    """Let the sweep call ``accumulate(g, out, params, inputs)`` for fused neurons.

    The sweep skips such a node whose gradient is exactly zero without calling it:
    register only ops whose every term is then a signed zero, which leaves any sum as it
    was (``affine`` builds a fused node only when every operand is finite). A
    nonzero gradient may still lead to no terms (a closed relu); skipping those is its call.
    """
    _SHARED[rule] = accumulate


# The loop, with one branch per inline op spliced in where the arity fits.
_LOOP = """
def fast_sweep(order):
    shared, linear = _SHARED, _LINEAR
    node = None
    try:
        for node in order:
            parents = node._parents
            if not parents:
                continue
            inputs = node._shared_inputs
            if inputs is not None:  # (4) a fused neuron
                g = node._grad
                if g:  # zero: every term a signed zero (see register_shared)
                    shared[node._rule](g, node._data, parents, inputs)
                continue
            arity = len(parents)
            rule = node._rule
            g = node._grad
            if arity == 2:  # (2) unrolled
                a, b = parents
{binary}
                grad_a, grad_b = rule(g, node._data, a._data, b._data)
                a._grad += grad_a
                b._grad += grad_b
            elif arity == 1:
                (a,) = parents
{unary}
                (grad_a,) = rule(g, node._data, a._data)
                a._grad += grad_a
            else:
                # (3) A zero gradient (a dead relu, a sample past its margin) sends only
                # signed zeros through a linear op, whose local derivatives are 1 or
                # inputs, finite when the output is: no parent's gradient would change.
                if g == 0.0 and rule in linear and _isfinite(node._data):
                    continue
                grads = rule(g, node._data, *[p._data for p in parents])
                for parent, grad in zip(parents, grads, strict=True):
                    parent._grad += grad
    except (ArithmeticError, ValueError) as exc:
        raise _backward_error(node, exc) from exc
"""


def _branches(arity: int) -> str:
    """``if rule is R: <its traced terms>; continue`` for each inline op of ``arity``."""
    lines = []
    for rule, size, terms in _INLINE:
        if size != arity:
            continue
        lines.append(f"if rule is {ref(rule)}:  # (1) inline: the rule's own terms")
        lines += [f"    {p}._grad += {t}" for p, t in zip("ab", terms, strict=False)]
        lines.append("    continue")
    return "".join(f"                {line}\n" for line in lines).rstrip("\n") or " " * 16


_fast: Callable[[list[Any]], None]


def _generate() -> None:
    global _fast
    source = _LOOP.format(binary=_branches(2), unary=_branches(1))  # names the rules first
    namespace: dict[str, Any] = {
        **NAMES,
        "_SHARED": _SHARED,
        "_LINEAR": _LINEAR,
        "_isfinite": math.isfinite,
        "_backward_error": backward_error,
    }
    exec(compile(source, "<autograd_engine.sweep>", "exec"), namespace)
    _fast = namespace["fast_sweep"]


_generate()


def sweep(order: list[Value]) -> None:
    """Push each node's ``.grad`` to its parents, outputs first; floats only.

    ``order`` holds op nodes, outputs first. The result is the reference sweep's, bit for
    bit; the only trace a skip (3, 4) could leave is a leaf gradient a user set to -0.0
    staying -0.0 where adding +0.0 would have made it +0.0 (equal under ``==``).
    """
    mode = active_mode()
    if mode is not None and mode.anomaly:
        backprop(order, IN_NODES, check=True)
        return
    _fast(order)
