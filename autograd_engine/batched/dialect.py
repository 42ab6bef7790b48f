"""The array dialect: an op's forward and rule traced once, as NumPy over a batch.

Graph replay traces every op's forward and rule on symbolic stand-ins and gets Python on
floats (``autograd_engine.trace``). Batched replay traces the very same functions in
another ``Dialect``, where each stand-in names a NumPy array holding that value for every
sample of a batch. Arithmetic and comparisons are already element-wise on arrays; what
differs is spelled here, generically, never per op:

- ``select(cond, a, b)`` becomes ``numpy.where(cond, a, b)``;
- a Python branch on a traced value (``if x >= 0:`` in sigmoid's forward, ``max(x, 0.0)``
  in softplus's) runs the function once per side and joins the results with
  ``numpy.where``; a side that raises (``if x <= 0: raise ValueError``) is a domain error
  there, and its elements get NaN, which the batched program's finiteness check sends back
  to the op's float form for the exact error;
- a ``math`` function on a traced value becomes the NumPy function of the same name
  (``math.exp`` → ``numpy.exp``), inside the forward's own code: the forward runs with a
  ``math`` whose functions dispatch on their argument; ``float(x)`` of a stand-in is the
  stand-in;
- another op called inside a rule (``cos(x)`` in sin's rule) becomes that op's forward,
  itself traced in this dialect (or the NumPy function of its name if it cannot be).

A function none of this can express has no array form (``array_form`` returns None) and
the batched program loops over the batch with its float form instead.

Every expression also says whether it is *risky*: whether it may turn finite numbers into
a NaN or infinity where the float form would raise (a division, a power, a remainder, a
``math`` call, a side that raises). Only risky statements are checked, once per step.
"""

from __future__ import annotations

import math
import re
import types
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_engine.trace import Dialect, Sym, Untraceable, in_dialect, ref, text

MAX_PATHS = 32  # branch combinations one function may take; beyond that, loop over the batch
_RISKY = (" / ", " // ", " % ", " ** ")
_NAN = object()  # the result on a side that raises


class ArrayDialect(Dialect):
    """Writes NumPy: ``where`` for a kink, both sides of a Python branch, NumPy math.

    >>> from autograd_engine.trace import select
    >>> with in_dialect(ArrayDialect()):
    ...     expression = select(Sym("x") > 0, Sym("x"), 0.0)
    >>> expression.text == f"{ref(np.where)}((x > 0), x, 0.0)"
    True
    """

    def __init__(self) -> None:
        self.script: list[bool] = []
        self.taken: list[tuple[str, bool]] = []
        self.risky = False

    def select(self, cond: Sym, a: Any, b: Any) -> Sym:
        return Sym(f"{ref(np.where)}({cond.text}, {text(a)}, {text(b)})")

    def call(self, function: Callable[..., Any], arguments: Sequence[Any]) -> Sym:
        form = array_form(function, len(arguments))
        if form is None:
            raise Untraceable(f"{getattr(function, '__name__', function)} has no array form")
        return Sym(f"{ref(form)}({', '.join(map(text, arguments))})")

    def branch(self, cond: Sym) -> bool:
        """Follow the script of decisions; past its end take the true side first."""
        position = len(self.taken)
        choice = self.script[position] if position < len(self.script) else True
        self.taken.append((cond.text, choice))
        return choice


def expression(function: Callable[..., Any], *arguments: Any) -> tuple[Any, bool]:
    """``function`` on traced arguments, every branch explored: (result, risky).

    The result is what ``function`` returns (a ``Sym``, a number, or a tuple of them),
    each side of each branch joined by ``numpy.where``. Raises ``Untraceable`` when the
    function needs what arrays cannot give (a real float, too many branches).

    >>> def f(x):
    ...     if x >= 0:
    ...         return x
    ...     return 2 * x
    >>> result, risky = expression(f, Sym("v"))
    >>> result.text == f"{ref(np.where)}((v >= 0), v, (2 * v))", risky
    (True, False)
    """
    dialect = ArrayDialect()
    run = _with_array_math(function)
    paths: list[tuple[list[tuple[str, bool]], Any]] = []
    pending: list[list[bool]] = [[]]
    with in_dialect(dialect):
        while pending:
            dialect.script, dialect.taken = pending.pop(), []
            try:
                result = run(*arguments)
            except Untraceable:
                raise
            except (ArithmeticError, ValueError):
                result = _NAN  # this side raises: a domain error for its elements
                dialect.risky = True
            except (TypeError, AttributeError) as exc:  # a method floats have, Syms not
                raise Untraceable(str(exc)) from exc
            taken = dialect.taken
            for position in range(len(dialect.script), len(taken)):
                pending.append([choice for _, choice in taken[:position]] + [False])
            paths.append((taken, result))
            if len(paths) > MAX_PATHS:
                raise Untraceable(f"more than {MAX_PATHS} branch combinations")
    joined = _join(paths, 0)
    if joined is _NAN:
        raise Untraceable("every side raises")
    risky = dialect.risky or any(is_risky(t) for t in _flat(joined))
    return joined, risky


def _join(paths: list[tuple[list[tuple[str, bool]], Any]], depth: int) -> Any:
    """The paths that agree on their first ``depth`` decisions, as one result."""
    for taken, result in paths:
        if len(taken) == depth:
            return result
    condition = paths[0][0][depth][0]
    yes = _join([p for p in paths if p[0][depth][1]], depth + 1)
    no = _join([p for p in paths if not p[0][depth][1]], depth + 1)
    return _where(condition, yes, no)


def _where(condition: str, yes: Any, no: Any) -> Any:
    if yes is _NAN and no is _NAN:
        return _NAN
    if isinstance(yes, list | tuple) or isinstance(no, list | tuple):
        size = len(no) if yes is _NAN else len(yes)
        yes = (_NAN,) * size if yes is _NAN else yes
        no = (_NAN,) * size if no is _NAN else no
        if len(yes) != len(no):
            raise Untraceable("the sides of a branch return different numbers of results")
        return tuple(_where(condition, a, b) for a, b in zip(yes, no, strict=True))
    a = ref(math.nan) if yes is _NAN else text(yes)
    b = ref(math.nan) if no is _NAN else text(no)
    return Sym(a) if a == b else Sym(f"{ref(np.where)}({condition}, {a}, {b})")


def _flat(result: Any) -> list[str]:
    items = result if isinstance(result, list | tuple) else [result]
    return [text(item) for item in items]


def is_risky(source: str) -> bool:
    """A division, power or remainder, a side that raises, or a call other than ``where``."""
    if any(symbol in source for symbol in _RISKY) or ref(math.nan) in source:
        return True
    where = ref(np.where)
    return any(name != where for name in re.findall(r"\b(_r\d+)\(", source))


# ---------------------------------------------------------------------------------------
# Array forms of whole functions (what a traced call refers to), and math on stand-ins.

_FORMS: dict[tuple[int, int], tuple[Callable[..., Any], Callable[..., Any] | None]] = {}


def array_form(function: Callable[..., Any], arity: int) -> Callable[..., Any] | None:
    """``function`` (a float forward) on arrays: traced, else NumPy's of its name, else None.

    >>> array_form(math.cos, 1) is np.cos
    True
    >>> square = array_form(lambda x: x * x, 1)
    >>> square(np.array([2.0, 3.0])).tolist()
    [4.0, 9.0]
    """
    key = (id(function), arity)
    cached = _FORMS.get(key)
    if cached is not None and cached[0] is function:
        return cached[1]
    form = _derive(function, arity)
    _FORMS[key] = (function, form)  # the function is kept, so its id stays its own
    return form


def _derive(function: Callable[..., Any], arity: int) -> Callable[..., Any] | None:
    if isinstance(function, types.FunctionType):
        names = [f"x{i}" for i in range(arity)]
        try:
            result, _ = expression(function, *map(Sym, names))
            if isinstance(result, list | tuple):
                return None
            source = f"def form({', '.join(names)}):\n    return {text(result)}\n"
        except Untraceable:
            return _numpy_named(getattr(function, "__name__", "").lstrip("_"))
        from autograd_engine.trace import NAMES

        namespace = dict(NAMES)
        exec(compile(source, "<autograd_engine.batched.dialect>", "exec"), namespace)
        return namespace["form"]  # type: ignore[no-any-return]
    return _numpy_named(getattr(function, "__name__", ""))


def _numpy_named(name: str) -> Callable[..., Any] | None:
    found = getattr(np, name, None) if name else None
    return found if isinstance(found, np.ufunc) else None


def _math_function(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """``math.<name>``, or on a stand-in the NumPy function of the same name."""

    def dispatch(*arguments: Any) -> Any:
        if not any(isinstance(a, Sym) for a in arguments):
            return original(*arguments)
        counterpart = _numpy_named(name)
        if counterpart is None:
            raise Untraceable(f"math.{name} has no NumPy function of the same name")
        return Sym(f"{ref(counterpart)}({', '.join(map(text, arguments))})")

    return dispatch


_ARRAY_MATH = types.SimpleNamespace(
    **{
        name: _math_function(name, value) if callable(value) else value
        for name, value in vars(math).items()
        if not name.startswith("_")
    }
)


def _float(x: Any) -> Any:
    return x if isinstance(x, Sym) else float(x)


def _with_array_math(function: Callable[..., Any], depth: int = 0) -> Callable[..., Any]:
    """``function`` with ``math`` and ``float`` (globals, closure cells) dispatching on arrays.

    Each traced call of a ``math`` function marks the expression risky (it is a call).
    """
    if not isinstance(function, types.FunctionType):
        return function
    scope = dict(function.__globals__)
    if scope.get("math") is math:
        scope["math"] = _ARRAY_MATH
    scope["float"] = _float
    cells = None
    if function.__closure__ is not None:
        cells = tuple(_cell(c, depth) for c in function.__closure__)
    return types.FunctionType(
        function.__code__, scope, function.__name__, function.__defaults__, cells
    )


def _cell(cell: types.CellType, depth: int) -> types.CellType:
    try:
        return types.CellType(_array_math_of(cell.cell_contents, depth))
    except ValueError:  # an empty cell (a name not bound yet)
        return cell


def _array_math_of(value: Any, depth: int) -> Any:
    """A closure's function in array math too: ``_checked``'s ``math.asin``, a fused
    neuron's activation forward (``_sigmoid``), a level or two deep."""
    if getattr(value, "__module__", None) == "math" and callable(value):
        return getattr(_ARRAY_MATH, value.__name__, value)
    if isinstance(value, types.FunctionType) and depth < 3:
        return _with_array_math(value, depth + 1)
    return value
