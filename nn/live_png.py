"""The live view's two plots as PNG: the loss/accuracy curves and the decision boundary.

They are drawn here, in plain Python on a pixel grid, and written with ``zlib``. PNG
because it shows everywhere a notebook is read: an untrusted JupyterLab or Notebook 7
strips inline ``<svg>``, and GitHub's notebook viewer does not reliably show SVG, but
every one of them shows a PNG image. Drawn by hand because the view must stay cheap:
a few milliseconds a picture here, against about 0.1 s a figure (and over a second to
import) with matplotlib. The texts (axis names, scales) are the view's HTML, not pixels.
"""

from __future__ import annotations

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
    """A grid of RGB pixels with the few shapes the plots need.

    >>> canvas = Canvas(4, 3)
    >>> canvas.fill(1, 1, 3, 2, (0, 0, 0))
    >>> canvas.pixel(1, 1), canvas.pixel(0, 0)
    ((0, 0, 0), (255, 255, 255))
    >>> canvas.png()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """

    def __init__(self, width: int, height: int, background: Colour = WHITE) -> None:
        self.width, self.height = width, height
        self.rows = [bytearray(bytes(background) * width) for _ in range(height)]

    def pixel(self, x: int, y: int) -> Colour:
        r, g, b = self.rows[y][3 * x : 3 * x + 3]
        return (r, g, b)

    def fill(self, x0: int, y0: int, x1: int, y1: int, colour: Colour) -> None:
        """Fill the pixels with ``x0 <= x < x1`` and ``y0 <= y < y1`` (clipped)."""
        x0, x1 = max(x0, 0), min(x1, self.width)
        run = bytes(colour) * max(x1 - x0, 0)
        for y in range(max(y0, 0), min(y1, self.height)):
            self.rows[y][3 * x0 : 3 * x1] = run

    def frame(self, x0: int, y0: int, x1: int, y1: int, colour: Colour, width: int = 1) -> None:
        """The outline of a rectangle, ``width`` pixels thick, inside its edges."""
        self.fill(x0, y0, x1, y0 + width, colour)
        self.fill(x0, y1 - width, x1, y1, colour)
        self.fill(x0, y0, x0 + width, y1, colour)
        self.fill(x1 - width, y0, x1, y1, colour)

    def disc(self, cx: float, cy: float, radius: float, colour: Colour) -> None:
        """A filled circle."""
        reach = int(radius) + 1
        for dy in range(-reach, reach + 1):
            half = (radius * radius - dy * dy) ** 0.5 if abs(dy) <= radius else -1.0
            if half >= 0:
                y = round(cy) + dy
                self.fill(round(cx - half), y, round(cx + half) + 1, y + 1, colour)

    def polyline(self, points: Sequence[tuple[float, float]], colour: Colour, width: int) -> None:
        """Straight segments through ``points``, ``width`` pixels thick (a square pen);
        pen positions off the canvas are left out."""
        pen, low = bytes(colour) * width, width // 2
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
                    row[3 * x : 3 * (x + width)] = pen

    def png(self) -> bytes:
        """The picture as PNG bytes (8-bit RGB, no filter; the fastest compression: flat
        colours compress well anyway)."""
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 1))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def curves_png(
    loss: Sequence[float], accuracy: Sequence[float], size: tuple[int, int] = (720, 400)
) -> bytes:
    """Loss (blue, scaled to its largest value) and accuracy (orange, 0 to 1) per step.

    >>> curves_png([1.0, 0.5, 0.25], [0.5, 0.75, 1.0])[:4] == b"\\x89PNG"
    True
    """
    width, height = size
    pad = height // 20
    canvas = Canvas(width, height)
    canvas.frame(pad, pad, width - pad, height - pad, FRAME, width=2)
    steps = max(len(loss) - 1, 1)
    top = max(loss, default=1.0) or 1.0

    def line(values: Sequence[float], scale: float) -> list[tuple[float, float]]:
        inner_w, inner_h = width - 4 * pad, height - 4 * pad
        return [
            (2 * pad + inner_w * k / steps, height - 2 * pad - inner_h * min(v / scale, 1.0))
            for k, v in enumerate(values)
        ]

    if accuracy:
        canvas.polyline(line(accuracy, 1.0), ACCURACY, width=3)
    if loss:
        canvas.polyline(line(loss, top), LOSS, width=3)
    return canvas.png()


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
        run = b"".join(
            bytes(POSITIVE_SIDE if positive else NEGATIVE_SIDE) * (edges[i + 1] - edges[i])
            for i, positive in enumerate(row)
        )
        for line in range(round(size - (j + 1) * size / rows), round(size - j * size / rows)):
            canvas.rows[line][:] = run
    radius = size / 80
    for (x, y), label in zip(points, labels, strict=True):
        colour = POSITIVE_POINT if label > 0 else NEGATIVE_POINT
        canvas.disc(x * size, (1 - y) * size, radius, colour)
    return canvas.png()
