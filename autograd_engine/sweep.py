"""The reverse sweep that fills ``.grad``, and the fast forms ops register for it.

``Value.backward`` orders the op nodes (``graph.interior_order``) and hands them here,
outputs first. Each node passes its gradient to its parents through its op's rule; the
commonest cases skip the call: ``+`` and ``*`` are applied inline, fused n-ary ops add
straight into their parents (``register_accumulate``), and fused neurons, whose parents
sit in two shared tuples, have their own form (``register_grouped``). Every fast form
gives the bits the rule gives (tests compare them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from autograd_engine.errors import AnomalyError
from autograd_engine.modes import _MODE

if TYPE_CHECKING:
    from autograd_engine.value import Rule, Value

_isfinite = math.isfinite


def describe(node: Value) -> str:
    """How error messages name a node: its op, and its label when it has one."""
    name = node._op or "leaf"
    return f"{name} (label {node.label!r})" if node.label else name


# Float-only forms of n-ary rules, keyed by the rule they replace (see OpSpec.accumulate).
_ACCUMULATE: dict[Rule, Callable[[float, tuple[Value, ...]], None]] = {}
# The same for nodes with a tail: accumulate(g, out, parents, tail).
Grouped = Callable[[float, float, "tuple[Value, ...]", "tuple[Value, ...]"], None]
_ACCUMULATE_GROUPED: dict[Rule, Grouped] = {}


def register_accumulate(rule: Rule, accumulate: Callable[[float, tuple[Value, ...]], None]) -> None:
    """Let the sweep call ``accumulate(g, parents)`` for nodes whose rule is ``rule``."""
    _ACCUMULATE[rule] = accumulate


# The rules of + and *, which the sweep applies without calling them (they are most nodes
# of an expression written by hand); ops.py registers them.
_ADD_RULE: Rule | None = None
_MUL_RULE: Rule | None = None


def register_inline(add_rule: Rule, mul_rule: Rule) -> None:
    """Name the rules of ``+`` and ``*`` (``g, g`` and ``g * b, g * a``) for the sweep."""
    global _ADD_RULE, _MUL_RULE
    _ADD_RULE, _MUL_RULE = add_rule, mul_rule


def register_grouped(rule: Rule, accumulate: Grouped) -> None:
    """Let the sweep call ``accumulate(g, out, parents, tail)`` for tailed nodes of ``rule``.

    The sweep skips a tailed node whose gradient is exactly zero without calling it:
    register only ops whose every term is then a signed zero, which leaves any sum as it
    was (``affine`` builds a tailed node only when every operand is finite). A nonzero
    gradient may still lead to no terms (a closed relu); skipping those is its call.
    """
    _ACCUMULATE_GROUPED[rule] = accumulate


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
        _sweep_checked(order)
        return
    grouped, add_rule, mul_rule = _ACCUMULATE_GROUPED, _ADD_RULE, _MUL_RULE
    node = None
    try:
        for node in order:
            parents = node._parents
            if not parents:
                continue
            tail = node._tail
            if tail is not None:
                g = node._grad
                if g:  # zero: every term a signed zero (see register_grouped)
                    grouped[node._rule](g, node._data, parents, tail)  # type: ignore[index]
                continue
            arity = len(parents)
            if arity == 2:
                a, b = parents
                rule = node._rule
                g = node._grad
                # + and * inline: the same terms their rules return, without the call.
                if rule is add_rule:
                    a._grad += g
                    b._grad += g
                elif rule is mul_rule:
                    a._grad += g * b._data
                    b._grad += g * a._data
                else:
                    grad_a, grad_b = rule(g, node._data, a._data, b._data)  # type: ignore[misc]
                    a._grad += grad_a
                    b._grad += grad_b
            elif arity == 1:
                (a,) = parents
                (grad_a,) = node._rule(node._grad, node._data, a._data)  # type: ignore[misc]
                a._grad += grad_a
            else:
                accumulate = _ACCUMULATE.get(node._rule)  # type: ignore[arg-type]
                if accumulate is not None:
                    g = node._grad
                    # A zero upstream gradient (a dead relu, a sample past its margin: most
                    # dot nodes of a training step) sends only signed zeros through sum and
                    # dot, whose local derivatives are 1 or inputs, finite when the output
                    # is: adding them changes no parent's gradient, so skip the loop.
                    if g == 0.0 and _isfinite(node._data):
                        continue
                    accumulate(g, parents)
                    continue
                grads = node._rule(node._grad, node._data, *[p._data for p in parents])  # type: ignore[misc]
                for parent, grad in zip(parents, grads, strict=True):
                    parent._grad += grad
    except (ArithmeticError, ValueError) as exc:
        raise _backward_error(node, exc) from exc


# The ``type: ignore`` comments above: an op node's rule is never None (only leaves have
# none, and they are skipped); checking it in the hot loop would cost every node.


def _sweep_checked(order: list[Value]) -> None:
    """The sweep under ``detect_anomaly()``: stop at the first non-finite gradient."""
    for node in order:
        if not node._parents:
            continue
        parents = node.parents
        inputs = [p._data for p in parents]
        try:
            grads = node._rule(node._grad, node._data, *inputs)  # type: ignore[misc]
        except (ArithmeticError, ValueError) as exc:
            raise _backward_error(node, exc) from exc
        for index, (parent, grad) in enumerate(zip(parents, grads, strict=True)):
            if not math.isfinite(grad):
                raise AnomalyError(
                    f"backward of {describe(node)} produced gradient {grad!r} for input "
                    f"{index} from inputs ({', '.join(map(repr, inputs))}) and upstream "
                    f"gradient {node.grad!r}"
                )
            parent._grad += grad


def _backward_error(node: Value | None, exc: BaseException) -> BaseException:
    if node is None:
        return exc
    inputs = ", ".join(repr(p._data) for p in node.parents)
    return type(exc)(f"backward of {describe(node)} at inputs ({inputs}): {exc}")
