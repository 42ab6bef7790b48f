"""The fused neuron: ``act(b + w1*x1 + ... + wn*xn)`` as one node (``affine``).

Built from primitives, a neuron of ``n`` inputs is ``2n`` nodes plus its activation, and
micrograd's demo builds some ten thousand of them per training step. ``affine`` makes it
one node, and one without a parent tuple of its own: the parameters ``(w1, ..., wn, b)``
are a tuple the caller keeps (a neuron's), the inputs a tuple that every neuron of a
layer shares, and the node points at both (``Value._parents`` and ``Value._shared_inputs``). A step
then allocates one object per neuron instead of two, and the backward walk reads each
shared tuple once.

The arithmetic is micrograd's neuron to the bit: the sum runs left to right from the
bias, ``((b + w1*x1) + w2*x2) + ...``, and the gradients are those the chain of ``*`` and
``+`` nodes gives (to the bit too, unless one Value appears twice among the operands: its
terms are then added in another order).

Any op of the table whose rule needs only its output (``OpSpec.from_output``: relu, tanh,
sigmoid, exp, sqrt) can sit on top of the sum in the same node, since the node stores
nothing but its output. Each becomes a table entry, ``affine_<op>`` (and ``affine`` for
none), whose inputs are ``(w1, ..., wn, b, x1, ..., xn)``; its forward, rule and the
sweep's float form are all derived here from the activation's own entry, so the generic
tests, ``grad(create_graph=True)``, drawings and graph replay treat it like any other op.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, cast

import autograd_engine.ops  # noqa: F401  (the table is complete before fusing from it)
from autograd_engine.errors import AnomalyError
from autograd_engine.modes import current_mode
from autograd_engine.opspec import OPS, OpSpec, Scalar, defop
from autograd_engine.sweep import Shared, register_shared
from autograd_engine.trace import NAMES, Sym, Untraceable, ref, text, trace
from autograd_engine.value import Rule, Value, make_node, make_nodes, value_data

_isfinite = math.isfinite
Group = tuple["Value", ...]


def pre_activation(*values: Any) -> Any:
    """``b + w1*x1 + ... + wn*xn`` left to right, from ``(w1..wn, b, x1..xn)``."""
    n = len(values) // 2
    total = values[n]
    for w, x in zip(values[:n], values[n + 1 :], strict=True):
        total += w * x
    return total


def pre_activation_rule(gp: Any, out: Any, *values: Any) -> list[Any]:
    """The sum's terms for the gradient ``gp`` reaching it: weights, bias, then inputs."""
    n = len(values) // 2
    return [gp * x for x in values[n + 1 :]] + [gp] + [gp * w for w in values[:n]]


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
            w._grad += gp * x._data
        params[-1]._grad += gp
        for w, x in zip(params, inputs):
            x._grad += gp * w._data
"""
_LAYER = """
def layer(totals):
    return [{output} for t in totals]
"""


def _compile(template: str, name: str, **parts: str) -> Callable[..., Any]:
    namespace = dict(NAMES)
    exec(compile(template.format(**parts), f"<autograd_engine.neuron.{name}>", "exec"), namespace)
    return namespace[name]  # type: ignore[no-any-return]


def _traced(function: Callable[..., Any], *names: str) -> str:
    """``function`` on names as one expression; a call by reference if it branches."""
    try:
        return text(trace(function, *map(Sym, names)))
    except Untraceable:
        return f"{ref(function)}({', '.join(names)})"


class _Fused:
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
        self.accumulate: Shared = _compile(_ACCUMULATE, "accumulate", slope=slope_text)
        self.layer: Callable[[list[float]], list[float]] = _compile(
            _LAYER, "layer", output=_traced(self.function, "t")
        )
        function = self.function

        def forward(*values: float) -> float:
            return function(pre_activation(*values))

        def rule(g: Any, out: Any, *values: Any) -> list[Any]:
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


_FUSED: dict[str, _Fused] = {"linear": _Fused(None)}
for _spec in list(OPS.values()):
    if _spec.from_output and _spec.arity == 1 and not _spec.params:
        _FUSED[_spec.name] = _Fused(_spec)

AFFINE_ACTIVATIONS: tuple[str, ...] = tuple(_FUSED)
"""The activations ``affine`` fuses into its node: every op whose rule reads only its output."""


def _fast(activation: str | None) -> _Fused:
    """The fused activation named ``activation``; a clear error if there is none."""
    try:
        return _FUSED["linear" if activation is None else activation]
    except (KeyError, TypeError):
        choices = ", ".join(AFFINE_ACTIVATIONS)
        raise ValueError(
            f"affine: unknown activation {activation!r}; choose from {choices}"
        ) from None


# Parameter tuples already checked to hold Values only (tuples are immutable): a model's
# neurons pass the same tuples every step, so each is checked once, not once per sample.
# Only tuples of leaves are kept, so that no graph outlives its last name here.
_CHECKED: dict[int, tuple[Any, ...]] = {}
_CHECKED_LIMIT = 4096


def _check_params(params: Group) -> None:
    """TypeError unless every element is a Value (``value_data`` refuses the rest)."""
    if _CHECKED.get(id(params)) is params:
        return
    for _ in map(value_data, params):
        pass
    if not any(p._parents for p in params):
        if len(_CHECKED) >= _CHECKED_LIMIT:
            _CHECKED.clear()
        _CHECKED[id(params)] = params


def _remember_rows(rows: tuple[Group, ...]) -> None:
    """Keep a tuple of rows as checked when each of its rows is (tuples of leaves only)."""
    if all(_CHECKED.get(id(row)) is row for row in rows):
        if len(_CHECKED) >= _CHECKED_LIMIT:
            _CHECKED.clear()
        _CHECKED[id(rows)] = rows


def affine(
    params: Iterable[Scalar], inputs: Iterable[Scalar], activation: str | None = "linear"
) -> Scalar:
    """A neuron as one node: ``act(b + w1*x1 + ... + wn*xn)`` for ``params = (w1, ..., wn, b)``.

    ``params`` lists the weights, then the bias, as ``Neuron.parameters()`` does in
    micrograd; ``inputs`` the ``n`` inputs. ``activation`` is ``"linear"`` (or None) or
    any name in ``AFFINE_ACTIVATIONS`` (``"relu"``, ``"tanh"``, ``"sigmoid"``, ...). The
    result equals the chain micrograd's ``Neuron`` builds, value and gradients, bit for
    bit. Operands must be Values or real numbers (numbers become constants).

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
    # Typed as Values for the fast path, which value_data and _check_params verify.
    ps = cast(Group, params if type(params) is tuple else tuple(params))
    xs = cast(Group, inputs if type(inputs) is tuple else tuple(inputs))
    if len(ps) != len(xs) + 1:
        raise ValueError(
            f"affine: {len(ps)} params for {len(xs)} inputs; give n weights and a bias for n inputs"
        )
    fused = _fast(activation)
    try:  # fast path: all Values (the normal case inside a model)
        data = list(map(value_data, xs))
        _check_params(ps)
        total = ps[-1]._data
        for w, x in zip(ps, data):  # noqa: B905
            total += w._data * x
    except TypeError:
        # Numbers among them: the table entry wraps them as constants, or names the
        # operand that is neither a Value nor a real number.
        total = math.nan
    if not _isfinite(total):
        # An infinite or NaN sum: a plain node, whose backward adds every term (0 * inf is
        # NaN), as the chain of primitives would.
        node = fused.spec(*ps, *xs)
        if isinstance(node, Value) and node._parents and current_mode().anomaly:
            _check_pre_activation(node)
        return node
    try:
        out = fused.function(total)
    except (ArithmeticError, ValueError) as exc:
        raise fused.spec.error([p._data for p in (*ps, *xs)], (), exc) from None
    return make_node(out, ps, fused.rule, fused.op, xs)


def _check_pre_activation(node: Value) -> None:
    """Under ``detect_anomaly()``: the chain of ``+`` would stop at a non-finite sum, so
    a fused neuron does too, even when its activation maps it back (sigmoid(inf) = 1)."""
    inputs = [p.data for p in node.parents]
    total = pre_activation(*inputs)
    if not _isfinite(total):
        shown = ", ".join(map(repr, inputs))
        raise AnomalyError(
            f"forward of {node.op} produced the pre-activation sum {total!r} from inputs ({shown})"
        )


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
    param_rows = rows if type(rows) is list or type(rows) is tuple else list(rows)
    fused = _fast(activation)
    try:
        xs = list(map(value_data, shared))
        size = len(xs) + 1
        # A tuple of rows checked before (nn's layers pass the same one each call) is
        # looked up once, not once per row.
        checked = _CHECKED.get(id(param_rows)) is param_rows
        totals = []
        for row in param_rows:
            if type(row) is not tuple or len(row) != size:
                raise TypeError  # not the common case: let affine convert or explain
            if not checked and _CHECKED.get(id(row)) is not row:
                _check_params(row)
            total = row[-1]._data
            for w, x in zip(row, xs):  # noqa: B905
                total += w._data * x
            totals.append(total)
        if not _isfinite(sum(totals)):  # some sum is infinite or NaN: affine's plain nodes
            raise TypeError
        # The activation's traced forward over the layer: relu without a call per neuron.
        outputs = fused.layer(totals)
    except (TypeError, ArithmeticError, ValueError):
        return [cast(Value, affine(row, shared, activation)) for row in param_rows]
    if not checked and type(param_rows) is tuple:
        _remember_rows(param_rows)
    return list(make_nodes(outputs, param_rows, fused.rule, fused.op, shared))
