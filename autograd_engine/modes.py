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
    """The switches in force; ``None`` in the ContextVar stands for ``Mode()``."""

    grad_enabled: bool = True
    scope: str | None = None
    anomaly: bool = False


_DEFAULT = Mode()
_MODE: ContextVar[Mode | None] = ContextVar("autograd_engine_mode", default=None)


def current_mode() -> Mode:
    """The switches in force in this thread or task.

    >>> current_mode().grad_enabled
    True
    """
    return _MODE.get() or _DEFAULT


class _Switch:
    """Set some fields of the mode on entry, restore the previous mode on exit.

    A plain class rather than ``@contextmanager``: ``nn`` layers enter a scope on every
    call, and a generator-based context manager costs several times more per entry.
    """

    __slots__ = ("_changes", "_token")

    def __init__(self, **changes: object) -> None:
        self._changes = changes

    def __enter__(self) -> None:
        new = (_MODE.get() or _DEFAULT)._replace(**self._changes)  # type: ignore[arg-type]
        self._token = _MODE.set(None if new == _DEFAULT else new)

    def __exit__(self, *exc: object) -> None:
        _MODE.reset(self._token)


class no_grad(contextlib.ContextDecorator):
    """Inside this block (or decorated function) ops build plain leaves: no parents, no rule.

    Use it for evaluation and for parameter updates, where no gradient is wanted. Each
    thread has its own setting.

    >>> from autograd_engine import Value
    >>> x = Value(3.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.parents, y.data
    ((), 9.0)
    """

    def _recreate_cm(self) -> no_grad:
        # A decorated function may run in several threads at once: one instance per call.
        return no_grad()

    def __enter__(self) -> None:
        self._switch = _Switch(grad_enabled=False)
        self._switch.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._switch.__exit__(*exc)


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


class _Scope(_Switch):
    """``scope(name)``: the path is joined onto the outer one when entered, not when made."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __enter__(self) -> None:
        mode = _MODE.get() or _DEFAULT
        key = (mode, self._name)
        inner = _SCOPED.get(key)
        if inner is None:
            outer, name = mode.scope, self._name
            # Modules pass their full path; only bare names are joined onto the outer scope.
            if outer and not name.startswith(outer + "."):
                name = f"{outer}.{name}"
            inner = mode._replace(scope=name)
            if len(_SCOPED) < _SCOPED_LIMIT:
                _SCOPED[key] = inner
        self._token = _MODE.set(inner)


# The mode each (mode, scope name) pair enters, built once: nn enters a scope per layer
# per sample, and building the mode anew was most of what entering cost.
_SCOPED: dict[tuple[Mode, str], Mode] = {}
_SCOPED_LIMIT = 4096


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
