"""Python's operators on Values, built from table entries: ``x * y``, ``2 * x``, ``-x``.

``defop(..., operator="mul")`` calls ``bind_operator``, which puts the entry's method and
its reflected form on ``Value`` (``__mul__``, ``__rmul__``); a unary operator
(``"neg"``, ``"abs"``) gets one method. Every method does what ``OpSpec.__call__`` does
(numbers on either side become constants; evaluate, naming the op and the values in an
error; build the node), without its generic dispatch, as they sit on the hot path.

An optimisation of that one mechanism, derived from the table: each method is generated
from its op's entry with the forward traced once on the operands' names
(``autograd_engine.trace``), so ``x + y`` runs ``(a + b)`` in place of a call of
``operator.add`` and relu's ``select`` becomes a conditional expression. A forward that
cannot be traced (a domain check, a ``math`` function) is called by reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from autograd_engine.nodes import constant
from autograd_engine.trace import NAMES, Sym, Untraceable, text, trace
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


def forward_source(spec: OpSpec, names: list[str]) -> str:
    """The op's forward on the variables ``names`` as one expression: traced, else a call.

    >>> from autograd_engine.ops import OPS
    >>> forward_source(OPS["*"], ["a", "b"]), forward_source(OPS["relu"], ["x"])
    ('(a * b)', '(0.0 if (x < 0) else x)')
    """
    try:
        return text(trace(spec.forward, *map(Sym, names)))
    except Untraceable:
        return f"forward({', '.join(names)})"


_UNARY_METHOD = """
def method(self):
    x = self._data
    try:
        data = {forward}
    except (ArithmeticError, ValueError) as exc:
        raise spec.error([x], (), exc) from None
    return make_node(data, (self,), rule, op)
"""


def _generated(template: str, spec: OpSpec, **texts: str) -> Callable[..., Any]:
    """The function ``template`` defines, with the entry's parts as its globals."""
    namespace = {
        **NAMES,
        "Value": Value,
        "constant": constant,
        "make_node": make_node,
        "spec": spec,
        "forward": spec.forward,
        "rule": spec.rule,
        "op": spec.name,
    }
    source = template.format(**texts)
    exec(compile(source, f"<autograd_engine.operators {spec.name}>", "exec"), namespace)
    return namespace["method"]  # type: ignore[no-any-return]


def unary_method(spec: OpSpec, attribute: str = "", doc: str = "") -> Callable[[Value], Value]:
    """``x.op()`` without the generic dispatch, as activations sit on the hot path.

    ``attribute`` is the name it gets on ``Value`` (``"__neg__"``; the op's name by
    default), so that pickle and ``help`` find it there.
    """
    method = _generated(_UNARY_METHOD, spec, forward=forward_source(spec, ["x"]))
    attribute = attribute or spec.name
    method.__name__ = attribute
    method.__qualname__ = f"Value.{attribute}"
    method.__module__ = Value.__module__
    method.__doc__ = doc or f"``{spec.name}`` of this value; see ``autograd_engine.{spec.name}``."
    return method


def as_operand(x: object) -> Value | None:
    """A Value for an operator's other side, or None (so Python tries the other type)."""
    if isinstance(x, Value):
        return x
    try:
        return constant(x)  # type: ignore[arg-type]
    except TypeError:
        return None


# ``a op b``, and with the operands swapped the reflected ``b op a`` for a number ``b``:
# the other side becomes a constant (or, for a type that is no number, Python is told to
# try that type's method).
_BINARY_METHOD = """
def method(self, other):
    if not isinstance(other, Value):
        try:
            other = constant(other)
        except TypeError:
            return NotImplemented
        except OverflowError as exc:
            raise OverflowError(f"{{op}}: {{exc}}") from None
    a = {left}._data
    b = {right}._data
    try:
        data = {forward}
    except (ArithmeticError, ValueError) as exc:
        raise spec.error([a, b], (), exc) from None
    return make_node(data, ({left}, {right}), rule, op)
"""


def binary(spec: OpSpec, name: str = "") -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``a op b`` and its reflected form, built from one table entry.

    ``name`` is the operator's ``Value`` name without underscores (``"add"`` for
    ``__add__`` and ``__radd__``), so that ``help`` and pickle find the methods there.
    """
    op = spec.name
    forward = forward_source(spec, ["a", "b"])
    method = _generated(_BINARY_METHOD, spec, forward=forward, left="self", right="other")
    reflected = _generated(_BINARY_METHOD, spec, forward=forward, left="other", right="self")
    if name:
        for function, attribute, text in (
            (method, f"__{name}__", f"``x {op} y``"),
            (reflected, f"__r{name}__", f"``y {op} x`` for a number ``y``"),
        ):
            function.__name__, function.__qualname__ = attribute, f"Value.{attribute}"
            function.__module__ = Value.__module__
            function.__doc__ = f"{text}: the table's ``{op}`` op; numbers become constants."
    return method, reflected
