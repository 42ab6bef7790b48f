"""The op table: every primitive once, with its forward, its derivative rule and its domain.

Adding an op is one ``defop`` call here (``opspec.py`` says what an entry holds). The call
registers the op in ``OPS`` (which tests and docs iterate over), returns the public
function (which takes floats or Values), and gives ``Value`` a method of the same name.
Operators (``+ - * / // % **``, unary ``-`` and ``+``, ``abs``) are bound to their table
entries at the bottom of the file.

Rules (``rule(g, out, *inputs, *params)``) use plain arithmetic and the public functions
below, so the same rule runs on floats (the normal backward) and on Values
(``grad(..., create_graph=True)``), which is what makes higher derivatives work.
Comparisons in rules (``x > 0``) work on both, as Values compare by ``data``; equality
must go through ``number`` since ``==`` on Values is identity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import reduce
from operator import add, mul, sub
from typing import Any, cast

from autograd_engine.opspec import (
    OPS,
    OpFunction,
    Scalar,
    as_operand,
    binary,
    defop,
    number,
    unary_method,
)
from autograd_engine.trace import select
from autograd_engine.value import Value, make_node, to_float, value_data

# ---------------------------------------------------------------------------------------
# Forwards on floats that need more than ``math``: explicit domains and stable formulas.


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError("division by zero")
    return a / b


def _floor_divide(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError("division by zero")
    return a // b


def _remainder(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError("division by zero")
    return a % b


def _power(a: float, b: float) -> float:
    if a == 0 and b < 0:
        raise ZeroDivisionError("zero cannot be raised to a negative power")
    if a < 0 and not float(b).is_integer():
        raise ValueError("a negative base needs an integer exponent")
    return float(a**b)


def _log(x: float) -> float:
    if x <= 0:
        raise ValueError("log is defined for positive numbers only")
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0:
        raise ValueError("sqrt is defined for non-negative numbers only")
    return math.sqrt(x)


def _sigmoid(x: float) -> float:
    # Two branches so that exp never sees a large positive argument.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss for small.
    return max(x, 0.0) + math.log1p(math.exp(-math.fabs(x)))


def _sum(*values: float) -> float:
    # Left to right, as the chain x1 + x2 + ... adds: the same bits, inf and nan included.
    total: float = reduce(add, values)
    return total


def _dot(*values: float) -> float:
    half = len(values) // 2
    total: float = reduce(add, map(mul, values[:half], values[half:]))
    return total


# ---------------------------------------------------------------------------------------
# Derivative rules that do not fit on one line.


def _zero_base_slope(b: Any) -> float:
    """d/da a**b at a = 0 for 0 <= b < 1, where ``0.0 ** (b - 1)`` would raise.

    Raising there would abort the exponent's derivative with the base's; the limit is
    0 for b = 0 (a**0 is flat) and infinite for 0 < b < 1, as in PyTorch.
    """
    return 0.0 if number(b) == 0 else math.inf


def _power_rule(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    # g times the local derivative, never (g * b) times it: a huge g and an underflowed
    # power must give 0, not inf * 0 = nan.
    if number(a) == 0 and number(b) < 1:
        grad_a = g * (b * _zero_base_slope(b))
    else:
        grad_a = g * (b * a ** (b - 1))
    if a > 0:
        return grad_a, g * (out * log(a))
    if number(a) == 0:
        return grad_a, 0.0  # 0**b is flat in b for b >= 0 (forward refused b < 0)
    return grad_a, math.nan  # a real power of a negative base has no derivative in b


def _remainder_rule(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    # a % b = a - b * (a // b), and a // b is a step function (derivative 0 between the
    # jumps, as PyTorch's remainder takes it): d/da = 1, d/db = -(a // b).
    return g, -g * (number(a) // number(b))


def _power_const_rule(g: Any, out: Any, x: Any, n: float) -> tuple[Any]:
    if n == 0:
        return (0.0,)
    if number(x) == 0 and n < 1:
        return (g * (n * _zero_base_slope(n)),)
    return (g * (n * x ** (n - 1)),)


def _dot_rule(g: Any, out: Any, *values: Any) -> list[Any]:
    half = len(values) // 2
    weights, inputs = values[:half], values[half:]
    return [g * x for x in inputs] + [g * w for w in weights]


def _sum_rule(g: Any, out: Any, *values: Any) -> tuple[Any, ...]:
    return (g,) * len(values)


# ---------------------------------------------------------------------------------------
# The table.
# fmt: off

defop("+", add, lambda g, out, a, b: (g, g), arity=2, infix=True, linear=True, inline=True)
defop("-", sub, lambda g, out, a, b: (g, -g), arity=2, infix=True, linear=True)
defop("*", mul, lambda g, out, a, b: (g * b, g * a), arity=2, infix=True, inline=True)
defop("/", _divide, lambda g, out, a, b: (g / b, -g * out / b), arity=2,
      domain=("real", "nonzero"), infix=True)
# Floor division is a step function: its derivative is 0 wherever it exists (as in
# PyTorch's div(rounding_mode="floor")); the jumps sit where a / b is an integer.
defop("//", _floor_divide, lambda g, out, a, b: (0.0, 0.0), arity=2,
      domain=("real", "nonzero"), infix=True)
defop("%", _remainder, _remainder_rule, arity=2, domain=("real", "nonzero"), infix=True)
defop("**", _power, _power_rule, arity=2, domain=("positive", "real"), infix=True)
defop("**n", _power, _power_const_rule, domain=("positive",), params={"exponent": 2.0},
      infix=True, symbol="**")
defop("neg", lambda x: -x, lambda g, out, x: (-g,), linear=True)
# abs'(0) = 0 by convention (the subgradient PyTorch also picks). The name shadows the
# built-in inside this module, as ``sum`` below does; the forward is math.fabs.
abs = defop("abs", math.fabs, lambda g, out, x: (select(x > 0, g, select(x < 0, -g, 0.0)),),
            domain=("nonzero",), doc="""Absolute value ``|x|``; its derivative at 0 is taken as 0.

    ``abs(v)`` (Python's built-in) and ``v.abs()`` give the same node.

    >>> abs(-2.5)
    2.5
    >>> x = Value(-3.0)
    >>> y = x.abs()
    >>> y.backward()
    >>> y.data, x.grad
    (3.0, -1.0)
    """)

exp = defop("exp", math.exp, lambda g, out, x: (g * out,), from_output=True,
            doc="""e to the power ``x``.

    >>> exp(0.0)
    1.0
    >>> exp(Value(1.0)).data
    2.718281828459045
    """)

log = defop("log", _log, lambda g, out, x: (g / x,), domain=("positive",), doc="""Natural logarithm.

    Raises ``ValueError`` for ``x <= 0``, naming the value.

    >>> log(1.0)
    0.0
    >>> log(-2.0)
    Traceback (most recent call last):
    ...
    ValueError: log(-2.0): log is defined for positive numbers only
    """)

# sqrt's rule reads only its output, yet it is not marked from_output: it raises at 0,
# which a fused neuron's zero-gradient skip would hide.
sqrt = defop("sqrt", _sqrt, lambda g, out, x: (g / (2 * out),), domain=("positive",),
             doc="""Square root; its derivative at 0 is infinite, so backward there raises.

    >>> sqrt(9.0)
    3.0
    """)

tanh = defop("tanh", math.tanh, lambda g, out, x: (g * (1 - out * out),), from_output=True,
             doc="""Hyperbolic tangent.

    >>> tanh(0.0)
    0.0
    """)

sigmoid = defop("sigmoid", _sigmoid, lambda g, out, x: (g * out * (1 - out),), from_output=True,
                doc="""Logistic function 1 / (1 + e^-x), stable for large |x|.

    >>> sigmoid(0.0), sigmoid(-1000.0)
    (0.5, 0.0)
    """)

# relu'(0) = 0 by convention, as in micrograd and PyTorch. Like them, relu passes NaN and
# -0.0 through: a NaN reaching a relu must stay visible, not become a quiet 0.
# The rule reads the output (out > 0 exactly when x > 0, NaN included), so relu fuses.
relu = defop("relu", lambda x: select(x < 0, 0.0, x), lambda g, out, x: (select(out > 0, g, 0.0),),
             domain=("nonzero",), from_output=True,
             doc="""max(x, 0); its derivative at 0 is taken as 0.

    >>> relu(-3.0), relu(2.0)
    (0.0, 2.0)
    """)

# leaky_relu'(0) = slope: the kink belongs to the negative side, as relu's does.
leaky_relu = defop("leaky_relu", lambda x, slope: select(x > 0, x, slope * x),
                   lambda g, out, x, slope: (select(x > 0, g, g * slope),),
                   domain=("nonzero",), params={"slope": 0.01},
                   doc="""x for x > 0, else slope * x (``slope`` defaults to 0.01).

    >>> leaky_relu(-2.0, slope=0.1)
    -0.2
    """)

softplus = defop("softplus", _softplus, lambda g, out, x: (g * sigmoid(x),),
                 doc="""log(1 + e^x), computed without overflow.

    >>> softplus(0.0) == math.log(2.0)
    True
    >>> softplus(1000.0)
    1000.0
    """)

cos: OpFunction  # defined below; sin's rule calls it

sin = defop("sin", math.sin, lambda g, out, x: (g * cos(x),), doc="""Sine.

    >>> sin(0.0)
    0.0
    """)

cos = defop("cos", math.cos, lambda g, out, x: (-g * sin(x),), doc="""Cosine.

    >>> cos(0.0)
    1.0
    """)

_sum_op = defop("sum", _sum, _sum_rule, arity=0, linear=True, layout="any")
_dot_op = defop("dot", _dot, _dot_rule, arity=0, linear=True, layout="pairs")

# ---------------------------------------------------------------------------------------
# More scalar math: each op one entry, with its convention where the derivative does not
# exist (a kink: the ``kink`` trait tells tests how far away to sample) and a domain error
# naming the op and the value.


def _checked(
    name: str, function: Callable[[float], float], where: str, inside: Callable[[float], bool]
) -> Callable[[float], float]:
    """``function`` refusing inputs outside its domain, saying where it is defined."""

    def forward(x: float) -> float:
        if not inside(x):
            raise ValueError(f"{name} is defined for {where} only")
        return function(x)

    forward.__name__ = f"_{name}"
    return forward


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

tan = defop("tan", math.tan, lambda g, out, x: (g * (1 + out * out),), domain=("unit",),
            from_output=True, doc="""Tangent.

    >>> tan(0.0)
    0.0
    """)

cosh: OpFunction  # defined below; sinh's rule calls it
sinh = defop("sinh", math.sinh, lambda g, out, x: (g * cosh(x),), doc="""Hyperbolic sine.

    >>> sinh(0.0)
    0.0
    """)

cosh = defop("cosh", math.cosh, lambda g, out, x: (g * sinh(x),), doc="""Hyperbolic cosine.

    >>> cosh(0.0)
    1.0
    """)

asin = defop("asin", _checked("asin", math.asin, "-1 <= x <= 1", lambda x: -1 <= x <= 1),
             lambda g, out, x: (g / sqrt(1 - x * x),), domain=("unit",),
             doc="""Arcsine; backward at ±1 (an infinite slope) raises.

    >>> asin(0.0)
    0.0
    >>> asin(2.0)
    Traceback (most recent call last):
    ...
    ValueError: asin(2.0): asin is defined for -1 <= x <= 1 only
    """)

acos = defop("acos", _checked("acos", math.acos, "-1 <= x <= 1", lambda x: -1 <= x <= 1),
             lambda g, out, x: (-g / sqrt(1 - x * x),), domain=("unit",),
             doc="""Arccosine; backward at ±1 raises.

    >>> acos(1.0)
    0.0
    """)

atan = defop("atan", math.atan, lambda g, out, x: (g / (1 + x * x),), doc="""Arctangent.

    >>> atan(0.0)
    0.0
    """)

asinh = defop("asinh", math.asinh, lambda g, out, x: (g / sqrt(x * x + 1),),
              doc="""Inverse hyperbolic sine.

    >>> asinh(0.0)
    0.0
    """)

acosh = defop("acosh", _checked("acosh", math.acosh, "x >= 1", lambda x: x >= 1),
              lambda g, out, x: (g / sqrt(x * x - 1),), domain=("above_one",),
              doc="""Inverse hyperbolic cosine; backward at 1 raises.

    >>> acosh(1.0)
    0.0
    """)

atanh = defop("atanh", _checked("atanh", math.atanh, "-1 < x < 1", lambda x: -1 < x < 1),
              lambda g, out, x: (g / (1 - x * x),), domain=("unit",),
              doc="""Inverse hyperbolic tangent.

    >>> atanh(0.0)
    0.0
    """)

# atan2 jumps by 2 pi across y = 0 for x < 0 and has no derivative at the origin: tests
# keep y away from 0, which avoids both.
atan2 = defop("atan2", math.atan2,
              lambda g, out, y, x: (g * x / (x * x + y * y), -g * y / (x * x + y * y)),
              arity=2, domain=("nonzero", "real"),
              doc="""The angle of the point (x, y): ``atan2(y, x)``.

    >>> atan2(1.0, 1.0) == math.pi / 4
    True
    """)

hypot = defop("hypot", math.hypot, lambda g, out, a, b: (g * a / out, g * b / out), arity=2,
              domain=("nonzero", "real"),
              doc="""sqrt(a*a + b*b) without overflow; backward at the origin raises.

    >>> hypot(3.0, 4.0)
    5.0
    """)

log1p = defop("log1p", _checked("log1p", math.log1p, "x > -1", lambda x: x > -1),
              lambda g, out, x: (g / (1 + x),), domain=("above_minus_one",),
              doc="""log(1 + x), accurate for small x.

    >>> log1p(0.0)
    0.0
    """)

expm1 = defop("expm1", math.expm1, lambda g, out, x: (g * (out + 1),), from_output=True,
              doc="""e**x - 1, accurate for small x.

    >>> expm1(0.0)
    0.0
    """)

log2 = defop("log2", _checked("log2", math.log2, "x > 0", lambda x: x > 0),
             lambda g, out, x: (g / (x * _LN2),), domain=("positive",), doc="""Base-2 logarithm.

    >>> log2(8.0)
    3.0
    """)

log10 = defop("log10", _checked("log10", math.log10, "x > 0", lambda x: x > 0),
              lambda g, out, x: (g / (x * _LN10),), domain=("positive",), doc="""Base-10 logarithm.

    >>> log10(1000.0)
    3.0
    """)

exp2 = defop("exp2", lambda x: 2.0**x, lambda g, out, x: (g * (out * _LN2),), from_output=True,
             doc="""2 to the power ``x``.

    >>> exp2(3.0)
    8.0
    """)

erf = defop("erf", math.erf, lambda g, out, x: (g * (_TWO_OVER_SQRT_PI * exp(-x * x)),),
            doc="""The error function.

    >>> erf(0.0)
    0.0
    """)

# sign is flat on each side; at 0 (its jump) the derivative is taken as 0, as in PyTorch.
sign = defop("sign", lambda x: select(x > 0, 1.0, select(x < 0, -1.0, x * 0.0)),
             lambda g, out, x: (0.0,), domain=("nonzero",),
             doc="""-1, 0 or 1 (NaN stays NaN; the sign of a zero is kept).

    >>> sign(-2.5), sign(0.0), sign(3.0)
    (-1.0, 0.0, 1.0)
    """)

# clamp's derivative is 1 on [lo, hi], the ends included, and 0 outside, as in PyTorch.
clamp = defop("clamp", lambda x, lo, hi: select(x < lo, lo, select(x > hi, hi, x)),
              lambda g, out, x, lo, hi: (select(x < lo, 0.0, select(x > hi, 0.0, g)),),
              params={"lo": -1.0, "hi": 1.0}, kink=lambda x, lo, hi: min(abs(x - lo), abs(x - hi)),
              doc="""x limited to [lo, hi] (defaults -1 and 1).

    >>> clamp(5.0, lo=0.0, hi=2.0), clamp(-5.0), clamp(0.5)
    (2.0, -1.0, 0.5)
    """)

# At a tie, minimum and maximum split the gradient evenly between a and b, as PyTorch
# does; NaN in either input gives NaN.
maximum = defop("maximum", lambda a, b: select(a > b, a, select(b > a, b, a + 0.0 * b)),
                lambda g, out, a, b: (select(a > b, g, select(b > a, 0.0, g / 2)),
                                      select(b > a, g, select(a > b, 0.0, g / 2))),
                arity=2, kink=lambda a, b: abs(a - b), doc="""The larger of a and b.

    >>> maximum(1.0, 2.0)
    2.0
    """)

minimum = defop("minimum", lambda a, b: select(a < b, a, select(b < a, b, a + 0.0 * b)),
                lambda g, out, a, b: (select(a < b, g, select(b < a, 0.0, g / 2)),
                                      select(b < a, g, select(a < b, 0.0, g / 2))),
                arity=2, kink=lambda a, b: abs(a - b), doc="""The smaller of a and b.

    >>> minimum(1.0, 2.0)
    1.0
    """)

_where = defop("where", lambda a, b, condition: select(condition, a, b),
               lambda g, out, a, b, condition: (select(condition, g, 0.0),
                                                select(condition, 0.0, g)),
               arity=2, params={"condition": 1.0})


def where(condition: object, a: Scalar, b: Scalar) -> Scalar:
    """``a`` where ``condition`` holds, else ``b``; the gradient flows to the one picked.

    ``condition`` is a bool (``x > 0`` on Values gives one); ``a`` and ``b`` are Values or
    numbers. The node keeps both as parents, so the graph is the same either way.

    >>> x = Value(-2.0)
    >>> y = where(x > 0, x, 0.5 * x)
    >>> y.backward()
    >>> y.data, x.grad
    (-1.0, 0.5)
    """
    return _where(a, b, condition=1.0 if condition else 0.0)

# fmt: on


def sum(values: Iterable[Scalar]) -> Scalar:
    """Sum of many values as one node (one fused op instead of a chain of ``+``).

    Value and gradients are exactly those of the chain ``x1 + x2 + ...`` (added left to
    right, so infinities and NaN come out as IEEE arithmetic says). Operands must be
    Values or real numbers; plain numbers alone give a float.

    >>> import autograd_engine as ag
    >>> xs = [Value(1.0), Value(2.0), 3.0]
    >>> total = ag.sum(xs)
    >>> total.op, total.data, len(total.parents)
    ('sum', 6.0, 3)
    >>> ag.sum([0.5, 0.25])
    0.75
    """
    items = values if type(values) is list else list(values)
    if not items:
        return 0.0
    try:  # fast path: all Values (the normal case inside a model)
        data: float = reduce(add, map(value_data, items))
    except TypeError:
        return _sum_op(*items)  # numbers among them (wrapped or summed), or refused
    return make_node(data, cast("tuple[Value, ...]", tuple(items)), _sum_rule, "sum")


def dot(weights: Iterable[Scalar], inputs: Iterable[Scalar]) -> Scalar:
    """Inner product sum(w * x) as one node whose parents are the weights, then the inputs.

    Value and gradients are exactly those of ``w1*x1 + w2*x2 + ...`` built from ``*`` and
    ``+`` (a Value listed twice receives the same terms, added in another order).

    >>> w = [Value(2.0), Value(-1.0)]
    >>> y = dot(w, [3.0, 4.0])
    >>> y.data
    2.0
    >>> y.backward()
    >>> [wi.grad for wi in w]
    [3.0, 4.0]
    """
    ws = weights if type(weights) is list else list(weights)
    xs = inputs if type(inputs) is list else list(inputs)
    if len(ws) != len(xs):
        raise ValueError(f"dot: {len(ws)} weights but {len(xs)} inputs; they must match")
    if not ws:
        return 0.0
    parents = (*ws, *xs)
    try:  # fast path: all Values (the normal case inside a model)
        data: float = reduce(add, map(mul, map(value_data, ws), map(value_data, xs)))
    except TypeError:
        return cast(Scalar, _dot_op(*parents))  # numbers among them, or refused
    return make_node(data, cast("tuple[Value, ...]", parents), _dot_rule, "dot")


# ---------------------------------------------------------------------------------------
# Operator bindings: Python's operators on Values call the table entries above.


def _pow(self: Value, exponent: object) -> Value:
    """``x ** n``: a number exponent is the table's ``**n`` (``x ** 2`` shows as ``**2``);
    a Value exponent is ``**``, differentiable in both."""
    if isinstance(exponent, Value):
        return OPS["**"](self, exponent)  # type: ignore[return-value]
    try:
        n = to_float(exponent)
    except TypeError:
        return NotImplemented  # type: ignore[no-any-return]
    except OverflowError as exc:
        raise OverflowError(f"**: {exc}") from None
    # OpSpec.__call__ without its keyword handling (4x slower): x**2 is in every loss.
    spec, params = OPS["**n"], (n,)
    try:
        data = _power(self._data, n)
    except (ArithmeticError, ValueError) as exc:
        raise spec.error([self._data], params, exc) from None
    rule = spec.bind(params)
    return make_node(data, (self,), rule, rule.op_display)  # type: ignore[attr-defined]


def _rpow(self: Value, base: object) -> Value:
    """``2 ** x``: the table's ``**`` with a constant base."""
    try:
        operand = as_operand(base)
    except OverflowError as exc:
        raise OverflowError(f"**: {exc}") from None
    return NotImplemented if operand is None else OPS["**"](operand, self)  # type: ignore[return-value]


Value.__add__, Value.__radd__ = binary(OPS["+"], "add")  # type: ignore[method-assign]
Value.__sub__, Value.__rsub__ = binary(OPS["-"], "sub")  # type: ignore[method-assign]
Value.__mul__, Value.__rmul__ = binary(OPS["*"], "mul")  # type: ignore[method-assign]
Value.__truediv__, Value.__rtruediv__ = binary(OPS["/"], "truediv")  # type: ignore[method-assign]
for _function, _attribute in ((_pow, "__pow__"), (_rpow, "__rpow__")):
    _function.__name__, _function.__qualname__ = _attribute, f"Value.{_attribute}"
    _function.__module__ = Value.__module__
Value.__pow__, Value.__rpow__ = _pow, _rpow  # type: ignore[method-assign]
Value.__floordiv__, Value.__rfloordiv__ = binary(OPS["//"], "floordiv")  # type: ignore[method-assign]
Value.__mod__, Value.__rmod__ = binary(OPS["%"], "mod")  # type: ignore[method-assign]
Value.__neg__ = unary_method(  # type: ignore[method-assign]
    OPS["neg"], "__neg__", "``-x``: the table's ``neg`` op (derivative -1)."
)
Value.__abs__ = unary_method(  # type: ignore[method-assign]
    OPS["abs"], "__abs__", "``abs(x)``: the same node as ``x.abs()``; see ``autograd_engine.abs``."
)


def _positive(self: Value) -> Value:
    """``+x`` is ``x`` itself: no node, as unary plus changes no number."""
    return self


_positive.__name__, _positive.__qualname__ = "__pos__", "Value.__pos__"
_positive.__module__ = Value.__module__
Value.__pos__ = _positive  # type: ignore[method-assign]
