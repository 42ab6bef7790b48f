"""The op table, second part: the scalar math users of peer engines expect.

Trigonometric and hyperbolic functions and their inverses, ``atan2``, ``hypot``, the
logarithms and exponentials for small arguments and other bases, ``erf``, ``sign``,
``clamp``, ``minimum``/``maximum`` and ``where``. Each op is one ``defop`` entry, with its
convention where the derivative does not exist (a kink: the ``kink`` trait tells tests
how far away to sample) and a domain error naming the op and the value.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from autograd_engine.ops import exp, sqrt
from autograd_engine.opspec import OpFunction, Scalar, defop
from autograd_engine.trace import select

# fmt: off


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
               arity=2, params={"condition": 1.0}, chosen_when_built=True)


def where(condition: object, a: Scalar, b: Scalar) -> Scalar:
    """``a`` where ``condition`` holds, else ``b``; the gradient flows to the one picked.

    ``condition`` is a bool (``x > 0`` on Values gives one); ``a`` and ``b`` are Values or
    numbers. The node keeps both as parents, so the graph is the same either way.

    >>> from autograd_engine import Value
    >>> x = Value(-2.0)
    >>> y = where(x > 0, x, 0.5 * x)
    >>> y.backward()
    >>> y.data, x.grad
    (-1.0, 0.5)
    """
    return _where(a, b, condition=1.0 if condition else 0.0)

# fmt: on
