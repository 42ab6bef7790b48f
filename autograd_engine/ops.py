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
from collections.abc import Iterable, Sequence
from operator import add, mul, sub
from typing import Any

from autograd_engine.opspec import (
    OPS,
    OpFunction,
    Scalar,
    Source,
    as_operand,
    binary,
    defop,
    number,
    unary_method,
)
from autograd_engine.sweep import register_inline
from autograd_engine.value import Value, make_node, to_float

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


def _dot(*values: float) -> float:
    half = len(values) // 2
    return math.fsum(map(mul, values[:half], values[half:]))


# ---------------------------------------------------------------------------------------
# Derivative rules that do not fit on one line.


def _power_rule(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    # d/da = b*a^(b-1). At a = b = 0 the formula would divide by zero, yet a^0 is flat in
    # a; elsewhere keep the formula even for b = 0, as its derivative in b is not zero.
    grad_a = 0.0 if number(b) == 0 == number(a) else g * b * a ** (b - 1)
    if a > 0:
        grad_b = g * out * log(a)
    elif number(out) == 0:
        grad_b = 0.0  # 0^b is flat in b for b > 0
    else:
        grad_b = math.nan  # a real power of a negative base has no derivative in b
    return grad_a, grad_b


def _remainder_rule(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    # a % b = a - b * (a // b), and a // b is a step function (derivative 0 between the
    # jumps, as PyTorch's remainder takes it): d/da = 1, d/db = -(a // b).
    return g, -g * (number(a) // number(b))


def _power_const_rule(g: Any, out: Any, x: Any, n: float) -> tuple[Any]:
    return (0.0,) if n == 0 else (g * n * x ** (n - 1),)


def _dot_rule(g: Any, out: Any, *values: Any) -> list[Any]:
    half = len(values) // 2
    weights, inputs = values[:half], values[half:]
    return [g * x for x in inputs] + [g * w for w in weights]


def _dot_accumulate(g: float, parents: tuple[Value, ...]) -> None:
    # Same order as _dot_rule (all weights, then all inputs), so that a node listed twice
    # (dot([a, b], [b, a])) receives its terms in the same order and the same rounding.
    # zip stops at the shorter sequence: the pairs are (w_i, x_i).
    pairs = parents[len(parents) // 2 :]
    for w, x in zip(parents, pairs, strict=False):
        w._grad += g * x._data
    for w, x in zip(parents, pairs, strict=False):
        x._grad += g * w._data


def _sum_rule(g: Any, out: Any, *values: Any) -> tuple[Any, ...]:
    return (g,) * len(values)


def _sum_accumulate(g: float, parents: tuple[Value, ...]) -> None:
    for parent in parents:
        parent._grad += g


# ---------------------------------------------------------------------------------------
# Float sources for graph replay (see OpSpec.source): the same arithmetic, as text.


def _template(forward: str, *grads: str) -> Source:
    """A fixed-arity ``source`` from format strings: ``{0}`` ``{1}`` inputs, ``{out}``, ``{g}``."""

    def source(inputs: Sequence[str], out: str, g: str) -> tuple[str, list[str]]:
        names = {"out": out, "g": g}
        return forward.format(*inputs, **names), [t.format(*inputs, **names) for t in grads]

    return source


def _dot_source(inputs: Sequence[str], out: str, g: str) -> tuple[str, list[str]]:
    half = len(inputs) // 2
    weights, xs = inputs[:half], inputs[half:]
    products = ", ".join(f"{w} * {x}" for w, x in zip(weights, xs, strict=True))
    return f"math.fsum([{products}])", [f"{g} * {x}" for x in xs] + [f"{g} * {w}" for w in weights]


def _sum_source(inputs: Sequence[str], out: str, g: str) -> tuple[str, list[str]]:
    return f"math.fsum([{', '.join(inputs)}])", [g] * len(inputs)


# ---------------------------------------------------------------------------------------
# The table.
# fmt: off

defop("+", add, lambda g, out, a, b: (g, g), arity=2, infix=True,
      source=_template("{0} + {1}", "{g}", "{g}"))
defop("-", sub, lambda g, out, a, b: (g, -g), arity=2, infix=True,
      source=_template("{0} - {1}", "{g}", "-{g}"))
defop("*", mul, lambda g, out, a, b: (g * b, g * a), arity=2, infix=True,
      source=_template("{0} * {1}", "{g} * {1}", "{g} * {0}"))
defop("/", _divide, lambda g, out, a, b: (g / b, -g * out / b), arity=2,
      domain=("real", "nonzero"), infix=True,
      source=_template("{0} / {1}", "{g} / {1}", "-{g} * {out} / {1}"))
# Floor division is a step function: its derivative is 0 wherever it exists (as in
# PyTorch's div(rounding_mode="floor")); the jumps sit where a / b is an integer.
defop("//", _floor_divide, lambda g, out, a, b: (0.0, 0.0), arity=2,
      domain=("real", "nonzero"), infix=True)
defop("%", _remainder, _remainder_rule, arity=2, domain=("real", "nonzero"), infix=True)
defop("**", _power, _power_rule, arity=2, domain=("positive", "real"), infix=True)
defop("**n", _power, _power_const_rule, domain=("positive",), params={"exponent": 2.0})
defop("neg", lambda x: -x, lambda g, out, x: (-g,), source=_template("-{0}", "-{g}"))
# abs'(0) = 0 by convention (the subgradient PyTorch also picks). The name shadows the
# built-in inside this module, as ``sum`` below does; the forward is math.fabs.
abs = defop("abs", math.fabs, lambda g, out, x: (g if x > 0 else -g if x < 0 else 0.0,),
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

exp = defop("exp", math.exp, lambda g, out, x: (g * out,), doc="""e to the power ``x``.

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

sqrt = defop("sqrt", _sqrt, lambda g, out, x: (g / (2 * out),), domain=("positive",),
             doc="""Square root; its derivative at 0 is infinite, so backward there raises.

    >>> sqrt(9.0)
    3.0
    """)

tanh = defop("tanh", math.tanh, lambda g, out, x: (g * (1 - out * out),), doc="""Hyperbolic tangent.

    >>> tanh(0.0)
    0.0
    """)

sigmoid = defop("sigmoid", _sigmoid, lambda g, out, x: (g * out * (1 - out),),
                doc="""Logistic function 1 / (1 + e^-x), stable for large |x|.

    >>> sigmoid(0.0), sigmoid(-1000.0)
    (0.5, 0.0)
    """)

# relu'(0) = 0 by convention, as in micrograd and PyTorch. Like them, relu passes NaN and
# -0.0 through: a NaN reaching a relu must stay visible, not become a quiet 0.
relu = defop("relu", lambda x: 0.0 if x < 0 else x, lambda g, out, x: (g if x > 0 else 0.0,),
             domain=("nonzero",),
             source=_template("(0.0 if {0} < 0 else {0})", "({g} if {0} > 0 else 0.0)"),
             doc="""max(x, 0); its derivative at 0 is taken as 0.

    >>> relu(-3.0), relu(2.0)
    (0.0, 2.0)
    """)

# leaky_relu'(0) = slope: the kink belongs to the negative side, as relu's does.
leaky_relu = defop("leaky_relu", lambda x, slope: x if x > 0 else slope * x,
                   lambda g, out, x, slope: (g if x > 0 else g * slope,),
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

_sum_op = defop("sum", lambda *xs: math.fsum(xs), _sum_rule, arity=0, accumulate=_sum_accumulate,
                source=_sum_source)
_dot_op = defop("dot", _dot, _dot_rule, arity=0, accumulate=_dot_accumulate, source=_dot_source)

# fmt: on


def sum(values: Iterable[Scalar]) -> Scalar:
    """Sum of many values as one node (one fused op instead of a chain of ``+``).

    Plain numbers give a float. The sum is computed with ``math.fsum`` (correctly rounded).

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
        data = math.fsum([v._data for v in items])  # type: ignore[union-attr]
    except (AttributeError, TypeError):
        return _sum_op(*items)  # numbers among them: wrap them, or sum plain floats
    return make_node(data, tuple(items), _sum_rule, "sum")  # type: ignore[arg-type]


def dot(weights: Iterable[Scalar], inputs: Iterable[Scalar]) -> Scalar:
    """Inner product sum(w * x) as one node whose parents are the weights, then the inputs.

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
        data = math.fsum([w._data * x._data for w, x in zip(ws, xs, strict=True)])
    except (AttributeError, TypeError):
        return _dot_op(*parents)  # type: ignore[no-any-return]  # numbers among them
    return make_node(data, parents, _dot_rule, "dot")


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


register_inline(OPS["+"].rule, OPS["*"].rule)
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

# defop builds the public functions inside opspec.py, so doctest would not look for their
# examples here on its own: list them for it.
__test__ = {
    function.__name__: function  # type: ignore[attr-defined]
    for function in (abs, exp, log, sqrt, tanh, sigmoid, relu, leaky_relu, softplus, sin, cos)
}
