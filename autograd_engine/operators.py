"""Python's operators on Values, built from table entries: ``x * y``, ``2 * x``, ``-x``.

``defop(..., operator="mul")`` calls ``bind_operator``, which puts the entry's method and
its reflected form on ``Value`` (``__mul__``, ``__rmul__``); a unary operator
(``"neg"``, ``"abs"``) gets one method. The methods are written out for the hot path:
no generic dispatch, and numbers on either side become constants.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from autograd_engine.nodes import constant
from autograd_engine.value import Value, make_node

if TYPE_CHECKING:
    from autograd_engine.opspec import OpSpec

# The unary operators: what ``help`` says each one is.
_UNARY = {"neg": "``-x``", "abs": "``abs(x)``, the same node as ``x.abs()``"}


def bind_operator(spec: OpSpec, operator: str) -> None:
    """Put ``spec`` on ``Value`` as the operator ``__<operator>__`` (and its reflection)."""
    if operator in _UNARY:
        text = f"{_UNARY[operator]}: the table's ``{spec.name}`` op."
        setattr(Value, f"__{operator}__", unary_method(spec, f"__{operator}__", text))
        return
    method, reflected = binary(spec, operator)
    setattr(Value, f"__{operator}__", method)
    setattr(Value, f"__r{operator}__", reflected)


def unary_method(spec: OpSpec, attribute: str = "", doc: str = "") -> Callable[[Value], Value]:
    """``x.op()`` without the generic dispatch, as activations sit on the hot path.

    ``attribute`` is the name it gets on ``Value`` (``"__neg__"``; the op's name by
    default), so that pickle and ``help`` find it there.
    """
    forward, rule, op = spec.forward, spec.rule, spec.name
    attribute = attribute or op

    def method(self: Value) -> Value:
        try:
            data = forward(self._data)
        except (ArithmeticError, ValueError) as exc:
            raise spec.error([self._data], (), exc) from None
        return make_node(data, (self,), rule, op)

    method.__name__ = attribute
    method.__qualname__ = f"Value.{attribute}"
    method.__module__ = Value.__module__
    method.__doc__ = doc or f"``{op}`` of this value; see ``autograd_engine.{op}``."
    return method


def as_operand(x: object) -> Value | None:
    """A Value for an operator's other side, or None (so Python tries the other type)."""
    if isinstance(x, Value):
        return x
    try:
        return constant(x)  # type: ignore[arg-type]
    except TypeError:
        return None


def binary(spec: OpSpec, name: str = "") -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``a op b`` and its reflected form, built from one table entry.

    ``name`` is the operator's ``Value`` name without underscores (``"add"`` for
    ``__add__`` and ``__radd__``), so that ``help`` and pickle find the methods there.
    """
    forward, rule, op = spec.forward, spec.rule, spec.name

    def method(self: Value, other: object) -> Value:
        # Written out rather than sharing a helper: one Python call less on the most
        # frequent node, and ``as_operand`` inlined for numbers (``x * 2``).
        if not isinstance(other, Value):
            try:
                other = constant(other)  # type: ignore[arg-type]
            except TypeError:
                return NotImplemented  # type: ignore[no-any-return]
            except OverflowError as exc:
                raise OverflowError(f"{op}: {exc}") from None
        try:
            data = forward(self._data, other._data)
        except (ArithmeticError, ValueError) as exc:
            raise spec.error([self._data, other._data], (), exc) from None
        return make_node(data, (self, other), rule, op)

    def reflected(self: Value, other: object) -> Value:
        try:  # ``2 * x``: a number on the left (a Value there would have done the op)
            operand = constant(other)  # type: ignore[arg-type]
        except TypeError:
            return NotImplemented  # type: ignore[no-any-return]
        except OverflowError as exc:
            raise OverflowError(f"{op}: {exc}") from None
        try:
            data = forward(operand._data, self._data)
        except (ArithmeticError, ValueError) as exc:
            raise spec.error([operand._data, self._data], (), exc) from None
        return make_node(data, (operand, self), rule, op)

    if name:
        for function, attribute, text in (
            (method, f"__{name}__", f"``x {op} y``"),
            (reflected, f"__r{name}__", f"``y {op} x`` for a number ``y``"),
        ):
            function.__name__, function.__qualname__ = attribute, f"Value.{attribute}"
            function.__module__ = Value.__module__
            function.__doc__ = f"{text}: the table's ``{op}`` op; numbers become constants."
    return method, reflected
