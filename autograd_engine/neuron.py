"""The fused neuron: ``act(b + w1*x1 + ... + wn*xn)`` as one node (``affine``).

Built from primitives, a neuron of ``n`` inputs is ``2n`` nodes plus its activation, and
micrograd's demo builds some ten thousand of them per training step. ``affine`` makes it
one node, and one without a parent tuple of its own: the parameters ``(w1, ..., wn, b)``
are a tuple the caller keeps (a neuron's), the inputs a tuple that every neuron of a
layer shares, and the node points at both (``Value._parents`` and ``Value._tail``). A step
then allocates one object per neuron instead of two, and the backward walk reads each
shared tuple once.

The arithmetic is micrograd's neuron to the bit: the sum runs left to right from the
bias, ``((b + w1*x1) + w2*x2) + ...``, and the gradients are those the chain of ``*`` and
``+`` nodes gives (to the bit too, unless one Value appears twice among the operands: its
terms are then added in another order). The activation is fused when its derivative can
be read off the output (linear, relu, tanh, sigmoid), so the node stores nothing else.

Each activation is an entry of the op table (``affine``, ``affine_relu``, ``affine_tanh``,
``affine_sigmoid``) whose inputs are ``(w1, ..., wn, b, x1, ..., xn)``, so the generic
tests, ``grad(create_graph=True)``, drawings and graph replay treat it like any other op.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, cast

from autograd_engine.ops import _sigmoid
from autograd_engine.opspec import FusedActivation, OpSpec, Scalar, defop
from autograd_engine.sweep import register_grouped
from autograd_engine.value import Rule, Value, make_node, make_nodes

_isfinite = math.isfinite
Group = tuple["Value", ...]


def _pre_activation(values: Sequence[float]) -> float:
    """``b + w1*x1 + ... + wn*xn`` left to right, from ``(w1..wn, b, x1..xn)``."""
    n = len(values) // 2
    total = values[n]
    for w, x in zip(values[:n], values[n + 1 :], strict=True):
        total += w * x
    return total


def _push(gp: float, params: Group, inputs: Group) -> None:
    """Add ``gp`` times each local derivative into the parents, in the rule's order.

    ``zip`` stops at the inputs, so ``params`` pairs its weights with them and leaves out
    the bias, which comes last. (No ``strict=`` in this module's hot loops: the keyword
    costs a few tenths of a microsecond per ``zip`` call, once per neuron.)
    """
    for w, x in zip(params, inputs):  # noqa: B905
        w._grad += gp * x._data
    params[-1]._grad += gp
    for w, x in zip(params, inputs):  # noqa: B905
        x._grad += gp * w._data


# A fused node exists only when its pre-activation sum is finite (``affine`` builds a plain
# node otherwise), so every operand is finite: with a zero gradient reaching the sum each
# term would be a signed zero, which changes no sum. The sweep skips nodes whose own
# gradient is zero before calling these (a sample past its margin); they skip the ones
# whose activation stops it (a closed relu, a saturated tanh).


def _linear_accumulate(g: float, out: float, params: Group, inputs: Group) -> None:
    _push(g, params, inputs)


def _relu_accumulate(g: float, out: float, params: Group, inputs: Group) -> None:
    if out > 0:
        _push(g, params, inputs)


def _tanh_accumulate(g: float, out: float, params: Group, inputs: Group) -> None:
    gp = g * (1 - out * out)
    if gp:
        _push(gp, params, inputs)


def _sigmoid_accumulate(g: float, out: float, params: Group, inputs: Group) -> None:
    gp = g * out * (1 - out)
    if gp:
        _push(gp, params, inputs)


class _Activation(NamedTuple):
    """One fused activation: its forward on floats, its slope, and their replay sources."""

    function: Callable[[float], float]
    slope: Callable[[Any, Any], Any]  # (g, out) -> gradient reaching the sum; floats or Values
    accumulate: Callable[[float, float, Group, Group], None]
    source: FusedActivation | None


def _relu(x: float) -> float:
    return 0.0 if x < 0 else x  # NaN and -0.0 pass, as through the relu op


def _identity(x: float) -> float:
    return x


_ACTIVATIONS = {
    "linear": _Activation(
        _identity,
        lambda g, out: g,
        _linear_accumulate,
        FusedActivation(lambda u: u, lambda g, out: g),
    ),
    "relu": _Activation(
        _relu,
        lambda g, out: g if out > 0 else 0.0,
        _relu_accumulate,
        FusedActivation(
            lambda u: f"(0.0 if {u} < 0 else {u})",
            lambda g, out: f"({g} if {out} > 0 else 0.0)",
        ),
    ),
    "tanh": _Activation(
        math.tanh,
        lambda g, out: g * (1 - out * out),
        _tanh_accumulate,
        FusedActivation(lambda u: f"math.tanh({u})", lambda g, out: f"{g} * (1 - {out} * {out})"),
    ),
    # The stable two-branch sigmoid has no one-line source: replay calls the op instead.
    "sigmoid": _Activation(_sigmoid, lambda g, out: g * out * (1 - out), _sigmoid_accumulate, None),
}


def _sum_source(inputs: Sequence[str], out: str, g: str) -> tuple[str, list[str]]:
    """Replay source of the pre-activation sum and its gradients, given the sum's gradient."""
    n = len(inputs) // 2
    weights, bias, xs = inputs[:n], inputs[n], inputs[n + 1 :]
    total = " + ".join([bias, *(f"{w} * {x}" for w, x in zip(weights, xs, strict=True))])
    return total, [f"{g} * {x}" for x in xs] + [g] + [f"{g} * {w}" for w in weights]


def _define(activation: str, parts: _Activation) -> OpSpec:
    """Register ``affine`` (linear) or ``affine_<activation>`` in the op table."""
    function, slope = parts.function, parts.slope

    def forward(*values: float) -> float:
        return function(_pre_activation(values))

    def rule(g: Any, out: Any, *values: Any) -> list[Any]:
        n = len(values) // 2
        gp = slope(g, out)
        return [gp * x for x in values[n + 1 :]] + [gp] + [gp * w for w in values[:n]]

    register_grouped(rule, parts.accumulate)
    public = defop(
        "affine" if activation == "linear" else f"affine_{activation}",
        forward,
        rule,
        arity=0,
        source=_sum_source if parts.source is not None else None,
        activation=parts.source,
    )
    return public.spec


_SPECS: dict[str, OpSpec] = {name: _define(name, parts) for name, parts in _ACTIVATIONS.items()}
_FAST: dict[str | None, tuple[Callable[[float], float], Rule, str]] = {
    name: (_ACTIVATIONS[name].function, spec.rule, spec.name) for name, spec in _SPECS.items()
}
_FAST[None] = _FAST["linear"]

AFFINE_ACTIVATIONS: tuple[str, ...] = tuple(_ACTIVATIONS)
"""The activations ``affine`` fuses into its node."""


def _fast(activation: str | None) -> tuple[Callable[[float], float], Rule, str]:
    """The float activation, rule and op name for ``activation``; a clear error if unknown."""
    try:
        return _FAST[activation]
    except (KeyError, TypeError):
        choices = ", ".join(AFFINE_ACTIVATIONS)
        raise ValueError(
            f"affine: unknown activation {activation!r}; choose from {choices}"
        ) from None


def affine(
    params: Iterable[Scalar], inputs: Iterable[Scalar], activation: str | None = "linear"
) -> Scalar:
    """A neuron as one node: ``act(b + w1*x1 + ... + wn*xn)`` for ``params = (w1, ..., wn, b)``.

    ``params`` lists the weights, then the bias, as ``Neuron.parameters()`` does in
    micrograd; ``inputs`` the ``n`` inputs. ``activation`` is ``"linear"`` (or None),
    ``"relu"``, ``"tanh"`` or ``"sigmoid"``. The result equals the chain micrograd's
    ``Neuron`` builds, value and gradients, bit for bit.

    For speed, pass tuples and keep them: a neuron's parameters as one tuple, and one
    input tuple for every neuron of a layer. The node then stores those very tuples, and
    backward reads each of them once, however many nodes share it.

    >>> w1, w2, b = Value(2.0), Value(-1.0), Value(0.5)
    >>> x = (Value(3.0), Value(4.0))
    >>> y = affine((w1, w2, b), x, "relu")
    >>> y.op, y.data
    ('affine_relu', 2.5)
    >>> y.backward()
    >>> w1.grad, w2.grad, b.grad, x[0].grad
    (3.0, 4.0, 1.0, 2.0)
    """
    ps = params if type(params) is tuple else tuple(params)
    xs = inputs if type(inputs) is tuple else tuple(inputs)
    if len(ps) != len(xs) + 1:
        raise ValueError(
            f"affine: {len(ps)} params for {len(xs)} inputs; give n weights and a bias for n inputs"
        )
    function, rule, op = _fast(activation)
    # The type: ignores below: numbers among the operands raise AttributeError, on purpose.
    try:  # fast path: all Values (the normal case inside a model)
        total = ps[-1]._data  # type: ignore[union-attr]
        for w, x in zip(ps, xs):  # noqa: B905
            total += w._data * x._data  # type: ignore[union-attr]
    except AttributeError:
        total = math.nan  # numbers among them: the table entry wraps them as constants
    if not _isfinite(total):
        # An infinite or NaN sum: a plain node, whose backward adds every term (0 * inf is
        # NaN), as the chain of primitives would.
        return _SPECS["linear" if activation is None else activation](*ps, *xs)
    return make_node(function(total), ps, rule, op, xs)  # type: ignore[arg-type]


def affine_layer(
    rows: Iterable[tuple[Value, ...]], inputs: Iterable[Value], activation: str | None = "linear"
) -> list[Value]:
    """``[affine(row, inputs, activation) for row in rows]``, in one call: a layer.

    Each row holds one neuron's weights and bias. The nodes are the very nodes that list
    would build (same values, parents, gradients and creation order); the layer reads
    each input once and builds its nodes in one go, about a third faster.

    >>> xs = (Value(1.0), Value(2.0))
    >>> rows = [(Value(0.5), Value(-1.0), Value(0.0)), (Value(1.0), Value(1.0), Value(1.0))]
    >>> [(y.op, y.data) for y in affine_layer(rows, xs, "relu")]
    [('affine_relu', 0.0), ('affine_relu', 4.0)]
    """
    shared = inputs if type(inputs) is tuple else tuple(inputs)
    heads = rows if type(rows) is list else list(rows)
    function, rule, op = _fast(activation)
    try:
        xs = [x._data for x in shared]
        size = len(xs) + 1
        totals = []
        for row in heads:
            if type(row) is not tuple or len(row) != size:
                raise TypeError  # not the common case: let affine convert or explain
            total = row[-1]._data
            for w, x in zip(row, xs):  # noqa: B905
                total += w._data * x
            totals.append(total)
    except (AttributeError, TypeError):
        return cast(list[Value], [affine(row, shared, activation) for row in heads])
    if not _isfinite(sum(totals)):  # some sum is infinite or NaN: affine's plain nodes
        return cast(list[Value], [affine(row, shared, activation) for row in heads])
    if function is _relu:  # the common activations without a call per neuron
        outputs = [0.0 if t < 0 else t for t in totals]
    elif function is _identity:
        outputs = totals
    else:
        outputs = list(map(function, totals))
    return make_nodes(outputs, heads, rule, op, shared)
