"""Turning DOT text into SVG, PNG or PDF: which Graphviz to use, and using it safely.

Two layout backends, chosen on every call (so a test or a user changing ``PATH`` or the
setting below is honoured at once):

``"pygraphviz"``
    Graphviz as a library from the ``pygraphviz`` wheel, which bundles Graphviz: SVG and
    PNG work on a fresh machine with no system package. The library runs in a worker
    process (``_render_worker.py``), kept alive between renders and used by one thread at
    a time (Graphviz's library is not thread-safe).
``"dot"``
    the system Graphviz ``dot`` program on ``PATH``, run through the ``graphviz`` package
    in a subprocess. Each call is its own process, so threads need no care.

The bundled Graphviz comes first when it is installed: it is one known version, so every
machine draws the same picture (the README's, the tests'), and drawings are put in
reading order for it (``reading_order``; all 54 surveyed drawings read in index order
with the bundled 14.1, 50 of them with Debian's Graphviz 2.43). The system ``dot`` is
used when pygraphviz is not installed, or when the environment variable
``AUTOGRAD_ENGINE_GRAPHVIZ`` is ``system`` (``bundled`` insists on pygraphviz).

Either way the layout runs in another process, so a render can always be stopped: Ctrl-C
(or a kernel interrupt) reaches Python at once while it waits on the pipe, and the child
is killed; a render past its ``timeout`` is killed too and raises ``RenderTimeoutError``
naming the graph's size. In-process, Graphviz's C layout would ignore both.

Nothing here is imported until a picture is rendered: the engine needs neither library.
"""

from __future__ import annotations

import atexit
import os
import select
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("svg", "png", "pdf")
# What ``reading_order`` asks for besides pictures: a layout as JSON (to read where things
# landed) and as DOT with positions (to draw it again from them).
LAYOUT_FORMATS = ("json0", "dot")
# Graphviz's layout engines used here: ``dot`` lays out; ``nop2`` draws a graph at the
# positions its DOT already gives (edges included), laying out nothing.
ENGINES = ("dot", "nop2")

# Seconds a render may take before it is stopped. The planner's layout-cost bound keeps
# every default drawing to a few seconds; this is the guard for the rest.
DEFAULT_TIMEOUT = 60.0

_WORKER_SCRIPT = Path(__file__).with_name("_render_worker.py")

# The environment variable that picks a backend, and what it may say.
CHOICE = "AUTOGRAD_ENGINE_GRAPHVIZ"
CHOICES = ("bundled", "system")


class RenderError(RuntimeError):
    """Graphviz could not render the DOT text; the message has Graphviz's own words.

    >>> raise RenderError("syntax error in line 1")
    Traceback (most recent call last):
    ...
    autograd_engine.viz.backends.RenderError: syntax error in line 1
    """


class RenderTimeoutError(RenderError, TimeoutError):
    """A render took longer than its ``timeout``; the worker was stopped.

    >>> issubclass(RenderTimeoutError, TimeoutError)
    True
    """


class BackendUnavailableError(RuntimeError):
    """No Graphviz layout backend is installed; the message says how to get one.

    >>> raise BackendUnavailableError("no Graphviz")
    Traceback (most recent call last):
    ...
    autograd_engine.viz.backends.BackendUnavailableError: no Graphviz
    """


@dataclass(frozen=True)
class RenderingBackend:
    """The layout backend in use: ``name`` is ``"dot"`` or ``"pygraphviz"``.

    >>> str(RenderingBackend("dot", "system Graphviz dot at /usr/bin/dot"))
    'dot: system Graphviz dot at /usr/bin/dot'
    """

    name: str
    description: str

    def __str__(self) -> str:
        return f"{self.name}: {self.description}"


def rendering_backend() -> RenderingBackend:
    """The backend drawings use right now: the Graphviz bundled in ``pygraphviz`` when it
    is installed, else the system ``dot`` on PATH; ``AUTOGRAD_ENGINE_GRAPHVIZ=system``
    (or ``bundled``) insists on one.

    Raises:
        BackendUnavailableError: the backend asked for, or both, are missing; the message
            names both ways to get one.

    >>> rendering_backend().name in ("dot", "pygraphviz")
    True
    """
    wanted = os.environ.get(CHOICE, "").strip().lower()
    if wanted not in ("", *CHOICES):
        raise BackendUnavailableError(
            f"{CHOICE}={wanted!r}: say 'bundled' (pygraphviz) or 'system' (dot on PATH)"
        )
    dot = shutil.which("dot")
    if wanted != "system" and _importable("pygraphviz"):
        import pygraphviz

        return RenderingBackend(
            "pygraphviz",
            f"Graphviz in-process from pygraphviz {pygraphviz.__version__} (bundled library)",
        )
    if wanted != "bundled" and dot is not None and _importable("graphviz"):
        return RenderingBackend("dot", f"system Graphviz dot at {dot}, via the graphviz package")
    raise BackendUnavailableError(_missing_message(dot, wanted))


def render(
    source: str,
    format: str = "svg",
    *,
    timeout: float | None = None,
    what: str = "a graph",
    engine: str = "dot",
) -> bytes:
    """Lay out DOT text with Graphviz's ``dot`` and return the picture as bytes.

    Args:
        source: DOT text.
        format: ``"svg"``, ``"png"`` or ``"pdf"`` (or one of ``LAYOUT_FORMATS``).
        timeout: seconds before the render is stopped (default ``DEFAULT_TIMEOUT``).
        what: how an error names the graph, e.g. ``"a graph of 812 nodes and 1530 edges"``.
        engine: ``"dot"``, or ``"nop2"`` for DOT that already has positions.

    Raises:
        RenderTimeoutError: the layout took longer than ``timeout``.
        RenderError: Graphviz refused the text.

    >>> render("digraph { a -> b }").startswith(b"<?xml")
    True
    """
    if format not in FORMATS + LAYOUT_FORMATS:
        raise ValueError(f"render: format must be one of {FORMATS}, got {format!r}")
    if engine not in ENGINES:
        raise ValueError(f"render: engine must be one of {ENGINES}, got {engine!r}")
    limit = DEFAULT_TIMEOUT if timeout is None else check_timeout(timeout)
    backend = rendering_backend()
    data = source.encode("utf-8")
    if backend.name == "dot":
        return _render_with_dot(data, format, engine, limit, what)
    return _WORKER.render(data, f"{format} {engine}", limit, what)


def check_timeout(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(f"render: timeout must be a positive number of seconds, got {timeout!r}")
    return float(timeout)


def _too_slow(what: str, limit: float) -> RenderTimeoutError:
    return RenderTimeoutError(
        f"Graphviz did not finish laying out {what} within {limit:g} s and was stopped; "
        "draw less (a smaller max_nodes=, or focus= on one node) or pass a larger timeout="
    )


def _render_with_dot(data: bytes, format: str, engine: str, limit: float, what: str) -> bytes:
    """The system ``dot`` in a subprocess; ``subprocess.run`` kills it on any exception."""
    command = [shutil.which("dot") or "dot", f"-K{engine}", f"-T{format}"]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=limit)
    except subprocess.TimeoutExpired:
        raise _too_slow(what, limit) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz's dot failed on {what}: {message}")
    return done.stdout


class _Worker:
    """One long-lived ``_render_worker.py`` process, restarted after it is stopped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0  # the pid that started it: a forked child starts its own

    def render(self, data: bytes, request: str, limit: float, what: str) -> bytes:
        """``request`` is ``"<format> <engine>"``, e.g. ``"svg dot"``."""
        with self._lock:
            process = self._started()
            assert process.stdin is not None and process.stdout is not None  # opened as PIPE
            try:
                process.stdin.write(b"%s %d\n" % (request.encode("ascii"), len(data)) + data)
                process.stdin.flush()
                reply = _Reply(process.stdout.fileno(), time.monotonic() + limit)
                status, size, extra = reply.line().split()
                picture = reply.exactly(int(size))
                warnings = reply.exactly(int(extra))
            except _Expired:
                self.stop()
                raise _too_slow(what, limit) from None
            except BaseException:  # Ctrl-C, a broken pipe: the worker's state is unknown
                self.stop()
                raise
        if status == b"error":
            raise RenderError(f"Graphviz failed on {what}: {picture.decode('utf-8', 'replace')}")
        if warnings:
            sys.stderr.write(warnings.decode("utf-8", "replace"))
        return picture

    def _started(self) -> subprocess.Popen[bytes]:
        process = self._process
        if process is None or process.poll() is not None or self._owner != os.getpid():
            process = subprocess.Popen(
                [sys.executable, str(_WORKER_SCRIPT)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            self._process, self._owner = process, os.getpid()
        return process

    def stop(self) -> None:
        """Kill the worker (the next render starts a new one)."""
        process, self._process = self._process, None
        if process is not None and self._owner == os.getpid():
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()


class _Expired(Exception):
    """The deadline passed while waiting for the worker."""


class _Reply:
    """Reads the worker's answer from a pipe, giving up at a deadline."""

    def __init__(self, fd: int, deadline: float) -> None:
        self.fd = fd
        self.deadline = deadline
        self.buffer = b""

    def _more(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _Expired
        # A signal interrupts select at once: Ctrl-C raises KeyboardInterrupt right here.
        ready, _, _ = select.select([self.fd], [], [], left)
        if not ready:
            raise _Expired
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise RenderError("the Graphviz worker process ended unexpectedly")
        self.buffer += chunk

    def line(self) -> bytes:
        while b"\n" not in self.buffer:
            self._more()
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self._more()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data


_WORKER = _Worker()
atexit.register(_WORKER.stop)


def _importable(name: str) -> bool:
    """Whether ``import name`` works; an installed but broken package counts as absent."""
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def _missing_message(dot: str | None, wanted: str = "") -> str:
    if wanted == "bundled":
        found = f"{CHOICE}=bundled, but pygraphviz is not installed"
    elif dot:
        found = f"Graphviz's dot is at {dot}, but the graphviz Python package is missing"
    elif wanted == "system":
        found = f"{CHOICE}=system, but Graphviz's dot program is not on PATH"
    else:
        found = "Graphviz's dot program is not on PATH and pygraphviz is not installed"
    return (
        f"Drawing needs a Graphviz layout backend: {found}. Either install pygraphviz, "
        "whose wheels bundle Graphviz (pip install pygraphviz, or the draw extra: "
        "pip install 'autograd-engine[draw]'), or install Graphviz's dot program and put it "
        "on PATH (apt install graphviz, brew install graphviz, or https://graphviz.org/download/)"
        " together with the graphviz package (pip install graphviz)."
    )
