"""Per-context switches that change how new nodes are built: ``no_grad``, ``scope``, anomaly checks.

All three live in one ``ContextVar`` so that building a node costs a single lookup, and so
that each thread (and each asyncio task) sees only the switches it turned on itself. The
default state is ``None``, which the hot path tests for first.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import NamedTuple


class Mode(NamedTuple):
    """The switches in force; ``None`` in the ContextVar stands for ``Mode()``.

    ``outer`` is the mode to restore when the innermost switch exits (``None`` at the top).
    Keeping it in the mode itself, rather than in the switch object, makes every switch
    re-entrant and shareable between threads: a ``no_grad()`` object holds no state, and
    each thread or task unwinds its own chain.
    """

    grad_enabled: bool = True
    scope: str | None = None
    anomaly: bool = False
    outer: Mode | None = None

    def __repr__(self) -> str:
        return (
            f"Mode(grad_enabled={self.grad_enabled}, scope={self.scope!r}, anomaly={self.anomaly})"
        )


_DEFAULT = Mode()
_MODE: ContextVar[Mode | None] = ContextVar("autograd_engine_mode", default=None)

active_mode = _MODE.get
"""Internal API for the hot paths (building a node, the sweep): the mode in force, or
``None`` when no switch is on, without ``current_mode``'s call and default."""


def current_mode() -> Mode:
    """The switches in force in this thread or task.

    >>> current_mode().grad_enabled
    True
    """
    return _MODE.get() or _DEFAULT


def _enter(key: object, changes: dict[str, object]) -> None:
    """Put ``changes`` in force on top of the current mode, remembering it as ``outer``."""
    mode = _MODE.get()
    entry = _ENTERED.get((id(mode), key))
    if entry is not None and entry[0] is mode:
        _MODE.set(entry[1])
        return
    inner = (mode or _DEFAULT)._replace(outer=mode, **changes)  # type: ignore[arg-type]
    _remember(mode, key, inner)
    _MODE.set(inner)


def _remember(mode: Mode | None, key: object, inner: Mode) -> None:
    # Keyed by the outer mode's identity (its hash would walk the whole chain); the entry
    # keeps that mode alive, so its id cannot be reused while cached.
    if len(_ENTERED) >= _ENTERED_LIMIT:
        _ENTERED.clear()
    _ENTERED[(id(mode), key)] = (mode, inner)


# The mode each (outer mode, switch) pair enters, built once: nn enters a scope per layer
# per sample, and building the mode anew was most of what entering cost.
_ENTERED: dict[tuple[int, object], tuple[Mode | None, Mode]] = {}
_ENTERED_LIMIT = 4096


def _leave() -> None:
    """Restore the mode that was in force before the innermost switch was entered."""
    mode = _MODE.get()
    if mode is None:
        raise RuntimeError("a mode switch (no_grad, scope, ...) exited more often than entered")
    _MODE.set(mode.outer)


class _Switch:
    """Set some fields of the mode on entry, restore the previous mode on exit.

    Stateless, so one object can be entered again while in force (nested) and from many
    threads at once: what to restore travels in ``Mode.outer``. A plain class rather than
    ``@contextmanager``: ``nn`` layers enter a scope on every call, and a generator-based
    context manager costs several times more per entry.
    """

    __slots__ = ("_changes", "_key")

    def __init__(self, **changes: object) -> None:
        self._changes = changes
        self._key = tuple(sorted(changes.items()))

    def __enter__(self) -> None:
        _enter(self._key, self._changes)

    def __exit__(self, *exc: object) -> None:
        mode = _MODE.get()
        if mode is None:
            _leave()  # raises: exited more often than entered
        _MODE.set(mode.outer)  # type: ignore[union-attr]


_NO_GRAD = (("grad_enabled", False),)
_ENABLE_GRAD = (("grad_enabled", True),)


class no_grad(contextlib.ContextDecorator):
    """Inside this block (or decorated function) ops build plain leaves: no parents, no rule.

    Use it for evaluation and for parameter updates, where no gradient is wanted. Each
    thread has its own setting, and one object may be entered again while in force, or
    from several threads at once (it holds no state).

    >>> from autograd_engine import Value
    >>> x = Value(3.0)
    >>> ng = no_grad()
    >>> with ng:
    ...     with ng:
    ...         y = x * x
    ...     inner = is_grad_enabled()
    >>> y.parents, y.data, inner, is_grad_enabled()
    ((), 9.0, False, True)
    """

    def __enter__(self) -> None:
        _enter(_NO_GRAD, {"grad_enabled": False})

    def __exit__(self, *exc: object) -> None:
        mode = _MODE.get()
        if mode is None:
            _leave()  # raises: exited more often than entered
        _MODE.set(mode.outer)  # type: ignore[union-attr]


class enable_grad(contextlib.ContextDecorator):
    """Record graphs again inside a ``no_grad`` block (or decorated function).

    >>> from autograd_engine import Value
    >>> with no_grad(), enable_grad():
    ...     y = Value(2.0) * 3
    >>> y.op
    '*'
    """

    def __enter__(self) -> None:
        _enter(_ENABLE_GRAD, {"grad_enabled": True})

    def __exit__(self, *exc: object) -> None:
        mode = _MODE.get()
        if mode is None:
            _leave()  # raises: exited more often than entered
        _MODE.set(mode.outer)  # type: ignore[union-attr]


def is_grad_enabled() -> bool:
    """Whether ops record a graph here (False inside ``no_grad``).

    >>> is_grad_enabled()
    True
    """
    return current_mode().grad_enabled


def scope(name: str) -> _Switch:
    """Tag every Value created inside with a dotted path, for grouping in drawings.

    Scopes nest: ``scope("a")`` inside ``scope("model")`` tags nodes ``"model.a"``.
    ``nn`` modules enter their own name here when called.

    >>> from autograd_engine import Value
    >>> with scope("layer"), scope("neuron"):
    ...     y = Value(1.0) * 2
    >>> y.scope
    'layer.neuron'
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"scope: name must be a non-empty str, got {name!r}")
    return _Scope(name)


_NOT_ENTERED = object()  # no mode is this: a fresh scope's cache matches nothing


class _Scope(_Switch):
    """``scope(name)``: the path is joined onto the outer one when entered, not when made."""

    __slots__ = ("_last", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        # The last (outer mode, inner mode) pair this scope entered: a layer enters its
        # scope from the same mode sample after sample. One tuple, replaced whole, so
        # threads entering at once can only miss it, never read half of it.
        self._last: tuple[object, Mode | None] = (_NOT_ENTERED, None)

    def __enter__(self) -> None:
        mode = _MODE.get()
        last = self._last
        if last[0] is mode:
            _MODE.set(last[1])
            return
        entry = _ENTERED.get((id(mode), self._name))
        if entry is not None and entry[0] is mode:
            self._last = entry
            _MODE.set(entry[1])
            return
        base = mode or _DEFAULT
        outer, name = base.scope, self._name
        # Modules pass their full path; only bare names are joined onto the outer scope.
        if outer and not name.startswith(outer + "."):
            name = f"{outer}.{name}"
        inner = base._replace(scope=name, outer=mode)
        _remember(mode, self._name, inner)
        _MODE.set(inner)


def detect_anomaly() -> _Switch:
    """Raise ``AnomalyError`` at the first NaN or infinity made in a forward or backward step.

    The error names the op, the node's label and its inputs, so the step that produced a
    non-finite number is found without bisecting a training loop.

    >>> from autograd_engine import Value
    >>> with detect_anomaly():
    ...     Value(1e308) * 10
    Traceback (most recent call last):
    ...
    autograd_engine.errors.AnomalyError: forward of * produced inf from inputs (1e+308, 10.0)
    """
    return _Switch(anomaly=True)
