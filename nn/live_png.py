"""The live view's two plots as PNG: the loss/accuracy curves and the decision boundary.

They are drawn here, in plain Python on a pixel grid, and written with ``zlib``. PNG
because it shows everywhere a notebook is read: an untrusted JupyterLab or Notebook 7
strips inline ``<svg>``, and GitHub's notebook viewer does not reliably show SVG, but
every one of them shows a PNG image. Drawn by hand because the view must stay cheap:
a few milliseconds a picture here, against about 0.1 s a figure (and over a second to
import) with matplotlib. The texts (axis names, scales) are the view's HTML, not pixels.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Sequence
from itertools import pairwise

Colour = tuple[int, int, int]

WHITE: Colour = (255, 255, 255)
FRAME: Colour = (173, 181, 189)
LOSS: Colour = (31, 119, 180)
ACCURACY: Colour = (255, 127, 14)
# The two sides of the boundary (light) and the two classes of points (dark).
POSITIVE_SIDE: Colour = (158, 202, 225)
NEGATIVE_SIDE: Colour = (253, 174, 107)
POSITIVE_POINT: Colour = (8, 81, 156)
NEGATIVE_POINT: Colour = (166, 54, 3)


class Canvas:
    """A grid of pixels, each an index into a palette, with the few shapes the plots need.

    A palette because the plots have a handful of flat colours: one byte a pixel instead
    of three, so drawing and compressing move a third of the bytes.

    >>> canvas = Canvas(4, 3)
    >>> canvas.fill(1, 1, 3, 2, (0, 0, 0))
    >>> canvas.pixel(1, 1), canvas.pixel(0, 0)
    ((0, 0, 0), (255, 255, 255))
    >>> canvas.png()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """

    def __init__(self, width: int, height: int, background: Colour = WHITE) -> None:
        self.width, self.height = width, height
        self.palette: list[Colour] = [background]
        self.rows = [bytearray(width) for _ in range(height)]

    def ink(self, colour: Colour) -> int:
        """The palette index of ``colour`` (added on first use)."""
        if colour not in self.palette:
            self.palette.append(colour)
        return self.palette.index(colour)

    def pixel(self, x: int, y: int) -> Colour:
        return self.palette[self.rows[y][x]]

    def fill(self, x0: int, y0: int, x1: int, y1: int, colour: Colour) -> None:
        """Fill the pixels with ``x0 <= x < x1`` and ``y0 <= y < y1`` (clipped)."""
        x0, x1 = max(x0, 0), min(x1, self.width)
        run = bytes([self.ink(colour)]) * max(x1 - x0, 0)
        for y in range(max(y0, 0), min(y1, self.height)):
            self.rows[y][x0:x1] = run

    def frame(self, x0: int, y0: int, x1: int, y1: int, colour: Colour, width: int = 1) -> None:
        """The outline of a rectangle, ``width`` pixels thick, inside its edges."""
        self.fill(x0, y0, x1, y0 + width, colour)
        self.fill(x0, y1 - width, x1, y1, colour)
        self.fill(x0, y0, x0 + width, y1, colour)
        self.fill(x1 - width, y0, x1, y1, colour)

    def runs(self, runs: Sequence[tuple[int, int, int]], colour: Colour) -> None:
        """Fill pixel runs, each ``(y, x0, x1)`` (clipped), in one colour."""
        ink = bytes([self.ink(colour)])
        for y, x0, x1 in runs:
            if 0 <= y < self.height:
                x0, x1 = max(x0, 0), min(x1, self.width)
                self.rows[y][x0:x1] = ink * max(x1 - x0, 0)

    def disc(self, cx: float, cy: float, radius: float, colour: Colour) -> None:
        """A filled circle."""
        self.runs(disc_runs(cx, cy, radius), colour)

    def polyline(self, points: Sequence[tuple[float, float]], colour: Colour, width: int) -> None:
        """Straight segments through ``points``, ``width`` pixels thick (a square pen);
        pen positions off the canvas are left out."""
        pen, low = bytes([self.ink(colour)]) * width, width // 2
        segments = list(pairwise(points)) or [(points[0], points[0])] if points else []
        last = (-1, -1)
        for (xa, ya), (xb, yb) in segments:
            steps = max(int(max(abs(xb - xa), abs(yb - ya))), 1)
            for k in range(steps + 1):
                x = round(xa + (xb - xa) * k / steps) - low
                y = round(ya + (yb - ya) * k / steps) - low
                if (x, y) == last or not (
                    0 <= x <= self.width - width and 0 <= y <= self.height - width
                ):
                    continue
                last = (x, y)
                for row in self.rows[y : y + width]:
                    row[x : x + width] = pen

    def png(self) -> bytes:
        """The picture as PNG bytes (8-bit palette, no filter; the fastest compression:
        flat colours compress well anyway)."""
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 3, 0, 0, 0)
        palette = b"".join(bytes(colour) for colour in self.palette)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"PLTE", palette)
            + _chunk(b"IDAT", zlib.compress(raw, 1))
            + _chunk(b"IEND", b"")
        )


def disc_runs(cx: float, cy: float, radius: float) -> list[tuple[int, int, int]]:
    """The pixel runs ``(y, x0, x1)`` of a filled circle.

    >>> disc_runs(5, 5, 1)
    [(4, 5, 6), (5, 4, 7), (6, 5, 6)]
    """
    reach = int(radius) + 1
    runs = []
    for dy in range(-reach, reach + 1):
        if abs(dy) <= radius:
            half = (radius * radius - dy * dy) ** 0.5
            runs.append((round(cy) + dy, round(cx - half), round(cx + half) + 1))
    return runs


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def curves_png(
    loss: Sequence[float],
    accuracy: Sequence[float],
    size: tuple[int, int] = (720, 400),
    steps: int | None = None,
) -> bytes:
    """Loss (blue, scaled to its largest value) and accuracy (orange, 0 to 1) per step,
    across ``steps`` steps (default: the steps so far, so the curves span the picture).

    >>> curves_png([1.0, 0.5, 0.25], [0.5, 0.75, 1.0])[:4] == b"\\x89PNG"
    True
    """
    return Curves(size, steps).png(loss, accuracy)


class Curves:
    """The curves picture of a run, drawn as its steps come.

    While the scales hold (the steps across, which a run that knows its length fixes,
    and the largest loss so far) an update draws only the segments since the last one
    onto the same canvas; when either changes, the picture is drawn again.

    >>> curves = Curves(steps=10)
    >>> first = curves.png([1.0, 0.8], [0.5, 0.6])
    >>> curves.png([1.0, 0.8, 0.7], [0.5, 0.6, 0.7]) != first
    True
    """

    def __init__(self, size: tuple[int, int] = (720, 400), steps: int | None = None) -> None:
        self.size, self.steps = size, steps
        self._canvas = Canvas(*size)
        self._scales: tuple[int, float] | None = None
        self._drawn = 0  # steps drawn onto the canvas

    def png(self, loss: Sequence[float], accuracy: Sequence[float]) -> bytes:
        """The picture with ``loss`` and ``accuracy`` so far (one value a step)."""
        width, height = self.size
        pad = height // 20
        scales = (max((self.steps or len(loss)) - 1, 1), max(loss, default=1.0) or 1.0)
        if scales != self._scales or len(loss) < self._drawn:
            self._canvas = Canvas(width, height)
            self._canvas.frame(pad, pad, width - pad, height - pad, FRAME, width=2)
            self._scales, self._drawn = scales, 0
        steps, top = scales
        start = max(self._drawn - 1, 0)  # the last segment drawn joins the new ones

        def line(values: Sequence[float], scale: float) -> list[tuple[float, float]]:
            inner_w, inner_h = width - 4 * pad, height - 4 * pad
            return [
                (2 * pad + inner_w * k / steps, height - 2 * pad - inner_h * min(v / scale, 1.0))
                for k, v in enumerate(values[start:], start)
            ]

        if accuracy:
            self._canvas.polyline(line(accuracy, 1.0), ACCURACY, width=3)
        if loss:
            self._canvas.polyline(line(loss, top), LOSS, width=3)
        self._drawn = len(loss)
        return self._canvas.png()


def boundary_png(
    classes: Sequence[Sequence[float]],
    points: Sequence[tuple[float, float]],
    labels: Sequence[float],
    size: int = 400,
) -> bytes:
    """The sides of the boundary (``classes[j][i]``: grid row ``j`` from the bottom, column
    ``i``) and the points (``(x, y)`` scaled to 0…1, label > 0 dark blue, else dark red).

    >>> boundary_png([[1.0, 0.0], [0.0, 1.0]], [(0.5, 0.5)], [1])[:4] == b"\\x89PNG"
    True
    """
    canvas = Canvas(size, size)
    rows = len(classes)
    for j, row in enumerate(classes):
        # One grid row is the same run of pixels on each of its pixel rows: built once.
        edges = [round(i * size / len(row)) for i in range(len(row) + 1)]
        inks = (canvas.ink(NEGATIVE_SIDE), canvas.ink(POSITIVE_SIDE))
        run = b"".join(
            bytes([inks[bool(positive)]]) * (edges[i + 1] - edges[i])
            for i, positive in enumerate(row)
        )
        for line in range(round(size - (j + 1) * size / rows), round(size - j * size / rows)):
            canvas.rows[line][:] = run
    positive, negative = _point_runs(tuple(points), tuple(label > 0 for label in labels), size)
    canvas.runs(positive, POSITIVE_POINT)
    canvas.runs(negative, NEGATIVE_POINT)
    return canvas.png()


@functools.lru_cache(maxsize=4)
def _point_runs(
    points: tuple[tuple[float, float], ...], positive: tuple[bool, ...], size: int
) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """The pixel runs of the positive and the negative points' discs, in drawing order
    within each class. The points do not move between a view's updates, so they are
    worked out once (drawing them was most of a boundary picture's time)."""
    runs: tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]] = ([], [])
    for (x, y), is_positive in zip(points, positive, strict=True):
        runs[0 if is_positive else 1].extend(disc_runs(x * size, (1 - y) * size, size / 80))
    return runs
