"""The live training view: ``fit(..., live=True)`` redraws one notebook output in place.

The view shows the loss and accuracy so far, the decision boundary for 2-D inputs, and
the graph of one sample (the first point) with its current values and gradients. It is
one output updated through its ``display_id``, so the notebook does not grow a picture
per step.

Cheap by construction, so training slows by at most about a fifth:

- the sample's graph is laid out once, by Graphviz in its worker process while training
  goes on; later updates only rewrite the ``data``/``grad`` numbers in that SVG's text
  (no re-layout, no Graphviz call), so nothing jumps while it trains;
- the curves and the boundary are a few hundred SVG elements written as text (a 20 x 20
  grid for the boundary, evaluated under ``no_grad``), with no plotting library; each
  picture goes out as an SVG image (a ``data:`` URI), which untrusted notebooks show;
- an update is made only when the training time since the last one is at least
  ``1 / budget`` times what the last update cost (``budget=0.15`` by default), and at the
  last step: the view's share of the time stays near the budget however fast a step is.

Outside a notebook (no IPython display) the view keeps its state and shows nothing;
``LiveView.html()`` is what it would show.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from autograd_engine import Value, draw_graph, no_grad
from nn.history import StepRecord

# The sample's graph shows the Values nearest the output, few enough to read at 6 inches.
GRAPH_NODES = 24
_NUMBER = re.compile(r">(data|grad) [^<]*<")
_FIELD = re.compile(r">(data|grad) [^<]*<")


class LiveView:
    """A ``fit`` callback that shows training as it goes; see the module docstring.

    Args:
        model: the model being trained.
        data: ``(X, y)``, as given to ``fit``; the boundary is drawn for 2-D inputs.
        budget: the largest share of training time the view may take.
        sample: which input's graph to show (default the first).

    The curves and the boundary are images at once, the graph once its layout (in the
    background) is done:

    >>> from nn import MLP, SGD, fit, hinge, moons, to_signed
    >>> X, y = moons(20, seed=0)
    >>> model = MLP(2, [4, 1], seed=0)
    >>> view = LiveView(model, (X, to_signed(y)))
    >>> history = fit(model, hinge, SGD(model, lr=0.1), (X, to_signed(y)), epochs=3,
    ...               progress=False, callbacks=[view])
    >>> view.updates >= 1 and view.html().count('src="data:image/svg+xml;base64,') >= 2
    True
    """

    def __init__(
        self,
        model: Callable[[Any], Any],
        data: tuple[Any, Any],
        *,
        budget: float = 0.15,
        sample: int = 0,
        total_steps: int | None = None,
    ) -> None:
        if not 0 < budget < 1:
            raise ValueError(f"LiveView: budget must be between 0 and 1, got {budget!r}")
        self.model = model
        self.X, self.y = list(data[0]), list(data[1])
        self.budget = budget
        self.sample = sample
        self.total_steps = total_steps
        self.loss: list[float] = []
        self.accuracy: list[float] = []
        self.updates = 0
        self._svg: str | None = None
        self._layout: threading.Thread | None = None
        self._first: Any = None
        self._slots: list[tuple[str, str]] = []
        self._grid: _Grid | None = None
        self._handle: Any = None
        self._cost = 0.0  # seconds the last update took
        self._since = time.perf_counter()

    def __call__(self, record: StepRecord) -> None:
        self.loss.append(record.loss)
        if record.accuracy is not None:
            self.accuracy.append(record.accuracy)
        now = time.perf_counter()
        last = self.total_steps is not None and record.step + 1 >= self.total_steps
        if self.updates and not last and now - self._since < self._cost / self.budget:
            return
        self.update()
        self._since = time.perf_counter()
        self._cost = self._since - now

    def update(self) -> None:
        """Redraw now (``fit`` calls this through ``__call__``)."""
        self.updates += 1
        document = self.html()
        handle = self._display()
        if handle is not None:
            from IPython.display import HTML

            handle.update(HTML(document))

    def html(self) -> str:
        """The view as HTML: the curves, the boundary and the sample's graph, each an SVG
        image (see ``_image``)."""
        graph = self._graph_svg()
        step = len(self.loss)
        caption = f"step {step}: loss {self.loss[-1]:.4f}" if self.loss else "starting"
        if self.accuracy:
            caption += f", accuracy {self.accuracy[-1]:.0%}"
        return (
            '<div style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">'
            f'<div><div style="font:13px monospace">{caption}</div>'
            f"{_image(self._curves(), 'training curves')}</div>"
            f"{_image(self._boundary_svg(), 'decision boundary')}"
            f"{_image(graph, 'the first sample: values and gradients')}</div>"
        )

    def _display(self) -> Any:
        """The notebook output this view updates (None outside IPython)."""
        if self._handle is None:
            try:
                from IPython import get_ipython
                from IPython.display import HTML, display
            except ImportError:
                return None
            if get_ipython() is None:
                return None
            self._handle = display(HTML(""), display_id=True)
        return self._handle

    def _graph_svg(self) -> str:
        """The sample's graph: laid out once (in the background), then only its numbers
        are rewritten."""
        point = [Value(float(v), label=f"x[{i}]") for i, v in enumerate(self.X[self.sample])]
        parameters = _parameters(self.model)
        saved = [p.grad for p in parameters]  # the sample's own gradients, then put back
        try:
            for p in parameters:
                p.grad = 0.0
            output = self.model(point)
            if isinstance(output, list | tuple):
                output = output[0]
            output.label = "output"
            output.backward()
            graph = draw_graph(output, max_nodes=GRAPH_NODES, size=6, expand_neurons=False)
        finally:
            for p, g in zip(parameters, saved, strict=True):
                p.grad = g
        if self._layout is None:
            # Graphviz runs in its worker process; this thread only waits for it, so the
            # layout costs training almost nothing.
            self._layout = threading.Thread(target=graph.svg, daemon=True)
            self._layout.start()
            self._first = graph
        if self._layout.is_alive():
            return "<p>laying out the sample's graph…</p>"
        if self._svg is None:
            self._svg = self._first.svg()
            self._slots = _number_slots(self._first)
        return _refill(self._svg, self._slots, graph)

    def _curves(self) -> str:
        """Loss (blue, scaled to its largest value) and accuracy (orange, 0 to 1) as SVG."""
        width, height, pad = 360, 200, 30
        steps = max(len(self.loss) - 1, 1)
        top = max(self.loss, default=1.0) or 1.0

        def line(values: list[float], scale: float, colour: str) -> str:
            points = " ".join(
                f"{pad + (width - 2 * pad) * k / steps:.1f},"
                f"{height - pad - (height - 2 * pad) * min(v / scale, 1.0):.1f}"
                for k, v in enumerate(values)
            )
            return f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>'

        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            'font-family="Helvetica,Arial,sans-serif" font-size="11">',
            f'<rect x="{pad}" y="{pad}" width="{width - 2 * pad}" height="{height - 2 * pad}" '
            'fill="none" stroke="#adb5bd"/>',
            line(self.loss, top, "#1f77b4"),
            f'<text x="{pad}" y="{pad - 8}" fill="#1f77b4">loss (top: {top:.3g})</text>',
            f'<text x="{width - pad}" y="{height - 10}" text-anchor="end">'
            f"step {len(self.loss)}</text>",
        ]
        if self.accuracy:
            parts.append(line(self.accuracy, 1.0, "#ff7f0e"))
            parts.append(
                f'<text x="{width - pad}" y="{pad - 8}" text-anchor="end" fill="#ff7f0e">'
                "accuracy (top: 100%)</text>"
            )
        return "".join(parts) + "</svg>"

    def _boundary_svg(self) -> str:
        """The sides of the boundary on a 20 x 20 grid, with the points, as SVG."""
        if not self.X or len(self.X[0]) != 2:
            return ""
        if self._grid is None:
            self._grid = _grid(self.X)
        grid_x, _, (x_low, x_high), (y_low, y_high) = self._grid
        size, cells = 200, len(grid_x)
        cell = size / cells

        def at(x: float, y: float) -> tuple[float, float]:
            return (
                (x - x_low) / (x_high - x_low) * size,
                size - (y - y_low) / (y_high - y_low) * size,
            )

        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">']
        for j, row in enumerate(self._classes()):
            for i, positive in enumerate(row):
                colour = "#9ecae1" if positive else "#fdae6b"
                parts.append(
                    f'<rect x="{i * cell:.1f}" y="{size - (j + 1) * cell:.1f}" '
                    f'width="{cell + 0.5:.1f}" height="{cell + 0.5:.1f}" fill="{colour}"/>'
                )
        for point, label in zip(self.X, self.y, strict=True):
            x, y = at(float(point[0]), float(point[1]))
            colour = "#08519c" if label > 0 else "#a63603"
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
        return "".join(parts) + "</svg>"

    def _classes(self) -> list[list[float]]:
        """Which side of the boundary each grid point is on (scores > 0), under no_grad."""
        assert self._grid is not None  # _boundary made it before asking for classes
        grid_x, grid_y = self._grid[0], self._grid[1]
        with no_grad():
            scores = [[self.model([gx, gy]) for gx in grid_x] for gy in grid_y]
        return [[float(_first(score).data > 0) for score in row] for row in scores]


def _image(svg: str, title: str) -> str:
    """An SVG as an ``<img>`` with a ``data:`` URI. An untrusted notebook (one opened, not
    run: JupyterLab, Notebook 7) strips inline ``<svg>`` from HTML output and shows its
    texts as a wall of words, but it shows images; a trusted one shows either."""
    if not svg.lstrip().startswith(("<svg", "<?xml")):
        return svg  # "laying out the sample's graph…", or no boundary for other inputs
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img alt="{title}" title="{title}" style="max-width:100%" '
        f'src="data:image/svg+xml;base64,{data}">'
    )


def _first(output: Any) -> Any:
    return output[0] if isinstance(output, list | tuple) else output


# (grid xs, grid ys, x range, y range)
_Grid = tuple[list[float], list[float], tuple[float, float], tuple[float, float]]


def _grid(X: Sequence[Sequence[float]], points: int = 20, padding: float = 0.5) -> _Grid:
    xs, ys = [float(p[0]) for p in X], [float(p[1]) for p in X]
    x_range = (min(xs) - padding, max(xs) + padding)
    y_range = (min(ys) - padding, max(ys) + padding)
    step_x = (x_range[1] - x_range[0]) / (points - 1)
    step_y = (y_range[1] - y_range[0]) / (points - 1)
    grid_x = [x_range[0] + step_x * i for i in range(points)]
    grid_y = [y_range[0] + step_y * j for j in range(points)]
    return grid_x, grid_y, x_range, y_range


def _parameters(model: Any) -> Sequence[Value]:
    parameters = getattr(model, "parameters", None)
    return list(parameters()) if callable(parameters) else []


def _number_slots(graph: Any) -> list[tuple[str, str]]:
    """For each ``data``/``grad`` text of the SVG, in order: the field and the node's name."""
    slots: list[tuple[str, str]] = []
    for title, body in re.findall(r"<title>([^<]*)</title>(.*?)</g>", graph.svg(), re.S):
        slots.extend((field, title) for field in _FIELD.findall(body))
    return slots


def _refill(svg: str, slots: list[tuple[str, str]], graph: Any) -> str:
    """The first SVG with today's numbers: the same layout, new text. The same model on
    the same point gives the same graph, so the DOT names (``v7``) match."""
    from autograd_engine.viz import format_number

    by_name = {name: node for node, name in graph.node_names.items()}
    values = iter(slots)

    def number(match: re.Match[str]) -> str:
        field, title = next(values, (match.group(1), ""))
        node = by_name.get(title)
        if node is None:
            return match.group(0)
        return f">{field} {format_number(node.data if field == 'data' else node.grad)}<"

    return _NUMBER.sub(number, svg)
