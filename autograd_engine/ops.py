"""The op table, first part: arithmetic, powers and the activations, each op once.

Adding an op is one ``defop`` call (``opspec.py`` says what an entry holds), here or in
``ops_math.py`` (the rest of the scalar math); ``nary.py`` holds the n-ary ``sum`` and
``dot``. The call registers the op in ``OPS`` (which tests, docs and the package's
exports iterate over), returns the public function (which takes floats or Values), gives
``Value`` a method of the same name and, with ``operator=``, a Python operator
(``+ - * / // %``, unary ``-``, ``abs``). ``**`` is bound at the bottom of this file: a
number exponent picks ``**n``, a Value exponent ``**``.

Rules (``rule(g, out, *inputs, *params)``) use plain arithmetic and the public functions
below, so the same rule runs on floats (the normal backward) and on Values
(``grad(..., create_graph=True)``), which is what makes higher derivatives work.
Comparisons in rules (``x > 0``) work on both, as Values compare by ``data``; equality
must go through ``number`` since ``==`` on Values is identity.
"""

from __future__ import annotations

import math
from operator import add, mul, sub
from typing import Any

from autograd_engine.floats import to_float
from autograd_engine.operators import as_operand
from autograd_engine.opspec import OPS as OPS  # the registry this table fills
from autograd_engine.opspec import OpFunction, defop, number
from autograd_engine.trace import select
from autograd_engine.value import Value, make_node

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


# ---------------------------------------------------------------------------------------
# The table.
# fmt: off

ADD = defop("+", add, lambda g, out, a, b: (g, g), arity=2, infix=True, linear=True, inline=True,
            operator="add")
defop("-", sub, lambda g, out, a, b: (g, -g), arity=2, infix=True, linear=True, operator="sub")
MUL = defop("*", mul, lambda g, out, a, b: (g * b, g * a), arity=2, infix=True, inline=True,
            operator="mul")
defop("/", _divide, lambda g, out, a, b: (g / b, -g * out / b), arity=2,
      domain=("real", "nonzero"), infix=True, operator="truediv")
# Floor division is a step function: its derivative is 0 wherever it exists (as in
# PyTorch's div(rounding_mode="floor")); the jumps sit where a / b is an integer.
defop("//", _floor_divide, lambda g, out, a, b: (0.0, 0.0), arity=2,
      domain=("real", "nonzero"), infix=True, operator="floordiv")
defop("%", _remainder, _remainder_rule, arity=2, domain=("real", "nonzero"), infix=True,
      operator="mod")
_power_op = defop("**", _power, _power_rule, arity=2, domain=("positive", "real"), infix=True)
_power_const = defop("**n", _power, _power_const_rule, domain=("positive",),
                     params={"exponent": 2.0}, infix=True, symbol="**")
defop("neg", lambda x: -x, lambda g, out, x: (-g,), linear=True, operator="neg")
# abs'(0) = 0 by convention (the subgradient PyTorch also picks). The name shadows the
# built-in inside this module (``nary.sum`` does the same); the forward is math.fabs.
abs = defop("abs", math.fabs, lambda g, out, x: (select(x > 0, g, select(x < 0, -g, 0.0)),),
            domain=("nonzero",), operator="abs",
            doc="""Absolute value ``|x|``; its derivative at 0 is taken as 0.

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

# fmt: on

# ---------------------------------------------------------------------------------------
# ``**``: one operator, two entries.


def _pow(self: Value, exponent: object) -> Value:
    """``x ** n``: a number exponent is the table's ``**n`` (``x ** 2`` shows as ``**2``);
    a Value exponent is ``**``, differentiable in both."""
    if isinstance(exponent, Value):
        return _power_op(self, exponent)
    try:
        n = to_float(exponent)
    except TypeError:
        return NotImplemented  # type: ignore[no-any-return]
    except OverflowError as exc:
        raise OverflowError(f"**: {exc}") from None
    # OpSpec.__call__ without its keyword handling (4x slower): x**2 is in every loss.
    spec, params = _power_const.spec, (n,)
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
    return NotImplemented if operand is None else _power_op(operand, self)


for _function, _attribute in ((_pow, "__pow__"), (_rpow, "__rpow__")):
    _function.__name__, _function.__qualname__ = _attribute, f"Value.{_attribute}"
    _function.__module__ = Value.__module__
Value.__pow__, Value.__rpow__ = _pow, _rpow  # type: ignore[method-assign]
