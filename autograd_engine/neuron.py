"""The fused neuron: ``act(b + w1*x1 + ... + wn*xn)`` as one node (``affine``).

Built from primitives, a neuron of ``n`` inputs is ``2n`` nodes plus its activation, and
micrograd's demo builds some ten thousand of them per training step. ``affine`` makes it
one node, and one without a parent tuple of its own: the parameters ``(w1, ..., wn, b)``
are a tuple the caller keeps (a neuron's), the inputs a tuple that every neuron of a
layer shares, and the node points at both (``Value._parents`` and
``Value._shared_inputs``). A step then allocates one object per neuron instead of two,
and the backward walk reads each shared tuple once.

The arithmetic is micrograd's neuron to the bit: the sum runs left to right from the
bias, ``((b + w1*x1) + w2*x2) + ...``, and the gradients are those the chain of ``*`` and
``+`` nodes gives (to the bit too, unless one Value appears twice among the operands: its
terms are then added in another order). The op entries behind it, ``affine`` and
``affine_<act>``, are derived from the table in ``fused.py``; this module builds nodes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, cast

from autograd_engine.errors import AnomalyError
from autograd_engine.fused import (
    AFFINE_ACTIVATIONS,
    fused_activation,
    pre_activation,
    pre_activation_rule,
)
from autograd_engine.modes import current_mode
from autograd_engine.nodes import make_nodes, value_data
from autograd_engine.opspec import Scalar
from autograd_engine.value import Value, make_node

# pre_activation and its rule are read here by the replay and batch compilers too.
__all__ = ["AFFINE_ACTIVATIONS", "affine", "affine_layer", "pre_activation", "pre_activation_rule"]

_isfinite = math.isfinite
Group = tuple["Value", ...]


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


def _input_data(inputs: Group) -> list[float]:
    """The inputs' numbers; TypeError for anything that is not a Value (``value_data``).

    The comprehension reads a Value's slot in bytecode, so only other types pay for
    ``value_data``'s call: a layer's inputs are Values, read 34 times a sample in the demo.
    """
    return [x._data if type(x) is Value else value_data(x) for x in inputs]


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
    fused = fused_activation(activation)
    try:  # fast path: all Values (the normal case inside a model)
        data = _input_data(xs)
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
    fused = fused_activation(activation)
    try:
        xs = _input_data(shared)
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
    return make_nodes(outputs, param_rows, fused.rule, fused.op, shared)
