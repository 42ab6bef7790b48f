"""Turning DOT text into SVG, PNG or PDF: which Graphviz to use, and using it safely.

Two layout backends, tried in this order on every call (so a test or a user changing
``PATH`` is honoured at once):

``"dot"``
    the system Graphviz ``dot`` program on ``PATH``, run through the ``graphviz`` package
    in a subprocess. Each call is its own process, so threads need no care.
``"pygraphviz"``
    Graphviz as a library inside this process, from the ``pygraphviz`` wheel, which
    bundles Graphviz: SVG works on a fresh machine with no system package. Graphviz's
    library keeps global state (its parser, its plugin context) and is not thread-safe,
    so every in-process render holds one lock.

Nothing here is imported until a picture is rendered: the engine needs neither library.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass

FORMATS = ("svg", "png", "pdf")

_IN_PROCESS_LOCK = threading.Lock()


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
    """The backend drawings use right now: system ``dot`` if on PATH, else ``pygraphviz``.

    Raises:
        BackendUnavailableError: neither is installed; the message names both ways to
            get one.

    >>> rendering_backend().name in ("dot", "pygraphviz")
    True
    """
    dot = shutil.which("dot")
    if dot is not None and _importable("graphviz"):
        return RenderingBackend("dot", f"system Graphviz dot at {dot}, via the graphviz package")
    if _importable("pygraphviz"):
        import pygraphviz

        return RenderingBackend(
            "pygraphviz",
            f"Graphviz in-process from pygraphviz {pygraphviz.__version__} (bundled library)",
        )
    raise BackendUnavailableError(_missing_message(dot))


def render(source: str, format: str = "svg") -> bytes:
    """Lay out DOT text with Graphviz's ``dot`` and return the picture as bytes.

    >>> render("digraph { a -> b }").startswith(b"<?xml")
    True
    """
    if format not in FORMATS:
        raise ValueError(f"render: format must be one of {FORMATS}, got {format!r}")
    backend = rendering_backend()
    if backend.name == "dot":
        import graphviz

        return graphviz.pipe("dot", format, source.encode("utf-8"), quiet=True)
    import pygraphviz

    with _IN_PROCESS_LOCK:
        graph = pygraphviz.AGraph(string=source)
        return graph.draw(format=format, prog="dot")


def _importable(name: str) -> bool:
    """Whether ``import name`` works; an installed but broken package counts as absent."""
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def _missing_message(dot: str | None) -> str:
    found = (
        f"Graphviz's dot is at {dot}, but the graphviz Python package is missing"
        if dot
        else "Graphviz's dot program is not on PATH and pygraphviz is not installed"
    )
    return (
        f"Drawing needs a Graphviz layout backend: {found}. Either install pygraphviz, "
        "whose wheels bundle Graphviz (pip install pygraphviz, or the draw extra: "
        "pip install 'autograd-engine[draw]'), or install Graphviz's dot program and put it "
        "on PATH (apt install graphviz, brew install graphviz, or https://graphviz.org/download/)"
        " together with the graphviz package (pip install graphviz)."
    )
