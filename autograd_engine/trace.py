"""Running an op on names instead of numbers: how graph replay's statements are derived.

A ``Sym`` stands for a variable of the generated code (``v12``, ``g3``). Arithmetic on
it returns another ``Sym`` holding the expression, so running an op's rule once on
``Sym("g12"), Sym("v12"), Sym("v3"), Sym("v7")`` yields exactly the terms the rule would
compute, as Python source, operation for operation: ``(g12 * v7)``. The same goes for
forwards built from arithmetic. Kinks are written with ``select(cond, a, b)``, which
traces as ``(a if cond else b)``; a rule that branches in Python (``if x > 0:``) or
calls a function that needs a real float cannot be traced, and replay calls it instead.

Functions and non-finite constants that an expression needs are named through ``ref``:
the generated code finds them in ``NAMES``.

What a trace may write is its ``Dialect``: the default one writes plain Python on floats
(graph replay, the fast sweep). ``in_dialect`` swaps it for the duration of a trace, so
that the same rules spell ``select``, a call of another op and a Python branch in
another vocabulary (``autograd_engine.batched.dialect``: NumPy arrays over a batch).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


class Untraceable(Exception):
    """The op cannot be written as one expression (a Python branch on a traced value)."""


NAMES: dict[str, Any] = {}
_IDS: dict[int, str] = {}


def ref(obj: Any) -> str:
    """A name for ``obj`` in generated code, the same every time (``NAMES`` holds it)."""
    name = _IDS.get(id(obj))
    if name is None:
        name = f"_r{len(_IDS)}"
        _IDS[id(obj)] = name
        NAMES[name] = obj
    return name


def text(x: Any) -> str:
    """The source of a traced value or a number (non-finite numbers by reference)."""
    if isinstance(x, Sym):
        return x.text
    if type(x) in (int, float):
        return repr(x) if math.isfinite(x) else ref(float(x))
    raise Untraceable(f"cannot trace {type(x).__name__} {x!r}")


def _binary(symbol: str) -> tuple[Callable[[Any, Any], Sym], Callable[[Any, Any], Sym]]:
    def forward(a: Any, b: Any) -> Sym:
        return Sym(f"({text(a)} {symbol} {text(b)})")

    def reflected(a: Any, b: Any) -> Sym:
        return Sym(f"({text(b)} {symbol} {text(a)})")

    return forward, reflected


class Sym:
    """A named value of generated code; operators build the expression they would run.

    >>> g, b = Sym("g"), Sym("b")
    >>> (g * b).text, (1 - g).text, select(b > 0, g, 0.0).text
    ('(g * b)', '(1 - g)', '(g if (b > 0) else 0.0)')
    """

    __slots__ = ("text",)

    def __init__(self, source: str) -> None:
        self.text = source

    def __bool__(self) -> bool:
        return _DIALECT.get().branch(self)

    __add__, __radd__ = _binary("+")
    __sub__, __rsub__ = _binary("-")
    __mul__, __rmul__ = _binary("*")
    __truediv__, __rtruediv__ = _binary("/")
    __floordiv__, __rfloordiv__ = _binary("//")
    __mod__, __rmod__ = _binary("%")
    __pow__, __rpow__ = _binary("**")
    __lt__ = _binary("<")[0]
    __le__ = _binary("<=")[0]
    __gt__ = _binary(">")[0]
    __ge__ = _binary(">=")[0]
    __eq__ = _binary("==")[0]  # type: ignore[assignment]
    __ne__ = _binary("!=")[0]  # type: ignore[assignment]
    __hash__ = object.__hash__

    def __neg__(self) -> Sym:
        return Sym(f"(-{self.text})")

    def __abs__(self) -> Sym:
        return Sym(f"abs({self.text})")

    def __float__(self) -> float:
        raise Untraceable("a function that needs a real float")


class Dialect:
    """How a trace spells what has no operator: a kink, a call of another op, a branch.

    This one writes Python on floats; a subclass may write another (arrays over a batch).

    >>> Dialect().select(Sym("c"), 1.0, Sym("x")).text
    '(1.0 if c else x)'
    """

    def select(self, cond: Sym, a: Any, b: Any) -> Sym:
        """``a`` where ``cond`` holds, else ``b``."""
        return Sym(f"({text(a)} if {cond.text} else {text(b)})")

    def call(self, function: Callable[..., Any], arguments: Sequence[Any]) -> Sym:
        """``function`` (an op's forward on floats) called on the arguments."""
        return Sym(f"{ref(function)}({', '.join(map(text, arguments))})")

    def branch(self, cond: Sym) -> bool:
        """A Python ``if`` on a traced value: one expression cannot hold it."""
        raise Untraceable("a Python branch on a traced value")


_PYTHON = Dialect()  # stateless, so one default serves every thread
_DIALECT: ContextVar[Dialect] = ContextVar("autograd_engine_dialect", default=_PYTHON)


@contextmanager
def in_dialect(dialect: Dialect) -> Iterator[Dialect]:
    """Trace in ``dialect`` inside the block (per thread and task, as a ``ContextVar``).

    >>> with in_dialect(Dialect()) as d:
    ...     select(Sym("x") > 0, Sym("x"), 0.0).text
    '(x if (x > 0) else 0.0)'
    """
    token = _DIALECT.set(dialect)
    try:
        yield dialect
    finally:
        _DIALECT.reset(token)


def select(cond: Any, a: Any, b: Any) -> Any:
    """``a if cond else b``, the engine's way to write a kink into a rule or a forward.

    On numbers and Values it is that expression; traced it stays one expression.

    >>> select(2.0 > 0, "yes", "no")
    'yes'
    """
    if isinstance(cond, Sym):
        return _DIALECT.get().select(cond, a, b)
    return a if cond else b


def call(function: Callable[..., Any], arguments: Sequence[Any]) -> Sym:
    """A traced call of ``function`` (an op used inside another op's rule: ``cos(x)``)."""
    return _DIALECT.get().call(function, arguments)


def trace(function: Callable[..., Any], *arguments: Any) -> Any:
    """``function`` run on traced arguments: its result(s) as source, or Untraceable."""
    try:
        return function(*arguments)
    except Untraceable:
        raise
    except (TypeError, ArithmeticError, ValueError) as exc:
        raise Untraceable(str(exc)) from exc
