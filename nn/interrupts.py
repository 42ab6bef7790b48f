"""Ctrl-C while training: never between two weights of one update.

A SIGINT that lands halfway through writing the weights would leave some updated and
others not. ``interrupts_between_steps`` (used by ``fit``) notes the first Ctrl-C and
lets the loop stop after the step; ``interrupts_deferred`` (used by ``Optimizer.step``)
holds one back until the last weight is written. Signal handlers can only be set in the
main thread: elsewhere both change nothing.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def interrupts_between_steps() -> Iterator[Callable[[], bool]]:
    """Hold a Ctrl-C until the current step ends; yields "was Ctrl-C pressed?".

    A step interrupted halfway would leave some weights updated and others not. So the
    first SIGINT is only noted, and the loop stops cleanly after the step; a second one
    raises at once, for a step that takes too long. Signal handlers can only be set in
    the main thread: elsewhere (and when SIGINT is ignored) nothing changes.
    """
    pressed: list[bool] = []
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is signal.SIG_IGN:
        yield lambda: False
        return

    def note(signum: int, frame: Any) -> None:
        if pressed:
            raise KeyboardInterrupt
        pressed.append(True)

    signal.signal(signal.SIGINT, note)
    try:
        yield lambda: bool(pressed)
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold a SIGINT that arrives while weights are written; deliver it once they all are.

    Only in the main thread (where Python runs signal handlers) and only when a Python
    handler is installed (the default one raises KeyboardInterrupt; ``fit`` has its own).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield
        return
    caught: list[Any] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        previous(signal.SIGINT, caught[0])
