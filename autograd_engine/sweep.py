"""The fast sweep ``backward()`` runs: the reference sweep plus labelled specialisations.

``Value.backward`` orders the op nodes (``graph.interior_order``) and hands them here,
outputs first. What it computes is exactly ``backprop.backprop(order, IN_NODES)``: each
node asks its rule for one term per parent and the sweep adds them. The specialisations
below are "just optimisations", each labelled where it sits, each held to the reference
sweep's bits by ``tests/test_backward_paths.py``:

1. inline ``+`` and ``*`` (most nodes of a hand-written expression): their terms added
   without calling the rule (``register_inline``);
2. arity 1 and 2 unrolled: no list per node;
3. linear n-ary ops (``OpSpec.linear``: ``sum``, ``dot``): skipped when their gradient
   is zero and their output finite, as every term is then a signed zero;
4. the shared-tuple neuron (``affine``): its two parent tuples read in place by its
   op's float form (``register_shared``), skipped at a zero gradient likewise.

Under ``detect_anomaly()`` the reference sweep runs instead, checking every term.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from autograd_engine.backprop import IN_NODES, backprop, backward_error
from autograd_engine.modes import _MODE

if TYPE_CHECKING:
    from autograd_engine.value import Rule, Value

_isfinite = math.isfinite


# Float-only forms of n-ary rules, keyed by the rule they replace (see OpSpec.accumulate).
_ACCUMULATE: dict[Rule, Callable[[float, tuple[Value, ...]], None]] = {}
# The same for shared-tuple neurons: accumulate(g, out, params, inputs).
Shared = Callable[[float, float, "tuple[Value, ...]", "tuple[Value, ...]"], None]
_ACCUMULATE_SHARED: dict[Rule, Shared] = {}
# Rules of linear n-ary ops (OpSpec.linear), whose zero-gradient nodes the sweep skips.
_LINEAR: set[Rule] = set()


def register_accumulate(
    rule: Rule, accumulate: Callable[[float, tuple[Value, ...]], None] | None, linear: bool
) -> None:
    """Let the sweep call ``accumulate(g, parents)`` for nodes whose rule is ``rule``.

    ``linear`` (the op's trait) lets it skip such a node at a zero gradient.
    """
    if accumulate is not None:
        _ACCUMULATE[rule] = accumulate
    if linear:
        _LINEAR.add(rule)


# The rules of + and *, which the sweep applies without calling them (they are most nodes
# of an expression written by hand); ops.py registers them.
_ADD_RULE: Rule | None = None
_MUL_RULE: Rule | None = None


def register_inline(add_rule: Rule, mul_rule: Rule) -> None:
    """Name the rules of ``+`` and ``*`` (``g, g`` and ``g * b, g * a``) for the sweep."""
    global _ADD_RULE, _MUL_RULE
    _ADD_RULE, _MUL_RULE = add_rule, mul_rule


def register_shared(rule: Rule, accumulate: Shared) -> None:
    """Let the sweep call ``accumulate(g, out, params, inputs)`` for shared-tuple neurons.

    The sweep skips a tailed node whose gradient is exactly zero without calling it:
    register only ops whose every term is then a signed zero, which leaves any sum as it
    was (``affine`` builds a tailed node only when every operand is finite). A nonzero
    gradient may still lead to no terms (a closed relu); skipping those is its call.
    """
    _ACCUMULATE_SHARED[rule] = accumulate


def sweep(order: list[Value]) -> None:
    """Push each node's ``.grad`` to its parents, outputs first; floats only.

    ``order`` holds op nodes, outputs first. Arity 1 and 2 are unrolled because they are
    nearly every node of a real graph; fused n-ary ops use their accumulate form, and are
    skipped when their gradient is zero. The skip gives the plain sum's exact numbers; the
    only trace it could leave is a leaf gradient a user set to -0.0 staying -0.0 where
    adding +0.0 would have made it +0.0 (equal under ``==``).
    """
    mode = _MODE.get()
    if mode is not None and mode.anomaly:
        backprop(order, IN_NODES, check=True)
        return
    shared, linear, add_rule, mul_rule = _ACCUMULATE_SHARED, _LINEAR, _ADD_RULE, _MUL_RULE
    node = None
    try:
        for node in order:
            parents = node._parents
            if not parents:
                continue
            tail = node._tail
            if tail is not None:  # (4) the shared-tuple neuron
                g = node.grad
                if g:  # zero: every term a signed zero (see register_shared)
                    shared[node._rule](g, node.data, parents, tail)
                continue
            arity = len(parents)
            if arity == 2:
                a, b = parents
                rule = node._rule
                g = node.grad
                # (1) + and * inline: the terms their rules return, without the call.
                if rule is add_rule:
                    a._grad += g
                    b._grad += g
                elif rule is mul_rule:
                    a._grad += g * b._data
                    b._grad += g * a._data
                else:
                    grad_a, grad_b = rule(g, node._data, a._data, b._data)
                    a._grad += grad_a
                    b._grad += grad_b
            elif arity == 1:
                (a,) = parents
                (grad_a,) = node._rule(node._grad, node._data, a._data)
                a._grad += grad_a
            else:
                rule = node._rule
                g = node.grad
                # (3) A zero upstream gradient (a dead relu, a sample past its margin)
                # sends only signed zeros through a linear op, whose local derivatives
                # are 1 or inputs, finite when the output is: adding them changes no
                # parent's gradient, so skip the node.
                if g == 0.0 and rule in linear and _isfinite(node.data):
                    continue
                accumulate = _ACCUMULATE.get(rule)
                if accumulate is not None:
                    accumulate(g, parents)
                    continue
                grads = rule(g, node.data, *[p.data for p in parents])
                for parent, grad in zip(parents, grads, strict=True):
                    parent._grad += grad
    except (ArithmeticError, ValueError) as exc:
        raise backward_error(node, exc) from exc
