"""The render worker: a separate Python process that lays out DOT with pygraphviz.

Run as a script by ``worker.py`` (never imported by the engine), so it needs only the
standard library and pygraphviz. Why a separate process: Graphviz's layout is C code that
never returns to Python until it is done, so in-process a big layout cannot be stopped by
Ctrl-C or a kernel interrupt, and it cannot be given a time limit. In a worker, the caller
waits on a pipe, which a signal interrupts at once, and kills the worker when it must.

Protocol on stdin/stdout, one request at a time:
``b"<format> <engine> <length>\\n" + DOT bytes`` in (engine ``dot``, or ``nop2`` for DOT
that has its positions already); ``b"ok <n> <m>\\n" + picture + stderr text`` or
``b"error <n> 0\\n" + message`` out.

Fontconfig: the wheel's bundled fontconfig is older than many systems' configuration and
prints ``Fontconfig warning: ... unknown element "reset-dirs"`` for files it cannot read.
The worker points it (``FONTCONFIG_FILE``) at a minimal configuration it understands,
written into the user's cache folder. The bundled library still scans a template folder
compiled into it (``/usr/share/fontconfig/conf.avail``) whatever the configuration says,
so the worker also captures the C library's stderr during each render and drops
fontconfig's lines; Graphviz's own warnings are passed back to the caller.
"""

import os
import signal
import sys
import tempfile
from typing import Any

FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "C:\\Windows\\Fonts",
)

# The system configuration's aliases are what map "Helvetica" or "sans-serif" to an
# installed font; without them the bundled library falls back to a serif face.
_SANS = "".join(
    f"<family>{f}</family>"
    for f in ("Helvetica", "Arial", "Liberation Sans", "DejaVu Sans", "Noto Sans", "FreeSans")
)
ALIASES = "".join(
    f"  <alias><family>{name}</family><prefer>{_SANS}</prefer></alias>\n"
    for name in ("Helvetica", "Arial", "sans-serif")
)


def fontconfig_text(cache: str) -> str:
    """A configuration the bundled fontconfig (2.13) reads without a warning."""
    dirs = "".join(f"  <dir>{d}</dir>\n" for d in FONT_DIRS)
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f'{dirs}  <dir prefix="xdg">fonts</dir>\n  <cachedir>{cache}</cachedir>\n'
        f"{ALIASES}</fontconfig>\n"
    )


def point_fontconfig() -> None:
    """Set ``FONTCONFIG_FILE`` to our configuration (unless the user chose one)."""
    if "FONTCONFIG_FILE" in os.environ:
        return
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(home, "autograd-engine")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        folder = tempfile.mkdtemp(prefix="autograd-engine-fonts-")
    path = os.path.join(folder, "fonts.conf")
    text = fontconfig_text(os.path.join(folder, "fontconfig-cache"))
    try:
        with open(path, encoding="utf-8") as file:
            current = file.read()
    except OSError:
        current = None
    if current != text:
        temporary = f"{path}.{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    os.environ["FONTCONFIG_FILE"] = path


def render(pygraphviz: Any, source: bytes, format: str, engine: str) -> tuple[bytes, bytes]:
    """Lay out ``source``; returns the picture and the C library's stderr, filtered."""
    with tempfile.TemporaryFile() as captured:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            graph = pygraphviz.AGraph(string=source.decode("utf-8"))
            picture = graph.draw(format=format, prog=engine)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        lines = captured.read().splitlines(keepends=True)
    kept = b"".join(line for line in lines if not _noise(line))
    return picture, kept


def _noise(line: bytes) -> bool:
    """Fontconfig's complaints about the system's configuration, and Graphviz's "layout
    may take a long time" (the caller's budget and time limit already see to that)."""
    return line.startswith(b"Fontconfig") or b"layout may take a long time" in line


def serve() -> None:
    """Answer render requests until stdin closes."""
    # The parent handles Ctrl-C (it kills this process when it must); a terminal's SIGINT
    # reaching the whole process group must not print a traceback from here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    point_fontconfig()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        import pygraphviz
    except ImportError as exc:
        pygraphviz, missing = None, f"pygraphviz cannot be imported in the worker: {exc}"
    while True:
        header = stdin.readline()
        if not header:
            return
        format, engine, length = header.decode("ascii").split()
        source = stdin.read(int(length))
        try:
            if pygraphviz is None:
                raise RuntimeError(missing)
            picture, warnings = render(pygraphviz, source, format, engine)
        except Exception as exc:  # every failure goes back to the caller as a message
            message = f"{type(exc).__name__}: {exc}".encode()
            stdout.write(b"error %d 0\n" % len(message) + message)
        else:
            stdout.write(b"ok %d %d\n" % (len(picture), len(warnings)) + picture + warnings)
        stdout.flush()


if __name__ == "__main__":
    serve()
