"""The live training view: ``fit(..., live=True)`` redraws one notebook output in place.

The view shows the loss and accuracy so far, the decision boundary for 2-D inputs, and
the graph of one sample (the first point) with its current values and gradients. It is
one output updated through its ``display_id``, so the notebook does not grow a picture
per step.

Cheap by construction: the view takes at most ``budget`` (12%) of the time, the first and
last pictures included, so training slows by at most 1 / (1 - 0.12), about 1.14 times:

- the sample's graph is laid out once, at the first update; later updates run the sample
  forward and backward and only rewrite the ``data``/``grad`` numbers in that SVG's text
  (no drawing, no layout, no Graphviz call), so nothing jumps while it trains;
- the curves and the boundary are small PNGs drawn in plain Python (``nn.live_png``, a
  few milliseconds each, no plotting library); the boundary's 40 x 40 grid is scored by
  one batched forward pass of the model recorded once (``record_batch``, NumPy), or
  under ``no_grad`` point by point (20 x 20) when that cannot be done;
- every picture goes out as an image (a ``data:`` URI), which untrusted notebooks show;
  the last one (the picture a saved notebook keeps) is all PNG, the graph rendered anew,
  so GitHub's viewer shows it too;
- between the first and the last step an update is made only while the view's whole
  cost, the first and the last pictures included, stays within ``budget`` of the
  time (``budget=0.12`` by default), the updates spread evenly over the run
  (``nn.live_budget``).

Outside a notebook (no IPython display) the view keeps its state and shows nothing;
``LiveView.html()`` is what it would show.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Sequence
from typing import Any

from autograd_engine import Value, draw_graph, no_grad, topological_order
from nn.history import StepRecord
from nn.live_budget import ViewBudget
from nn.live_png import Curves, boundary_png
from nn.svg_numbers import number_slots, refill

# The sample's graph shows the Values nearest the output, few enough to read at 8 inches
# (at 24 the summary boxes' edges make a tangle taller than the view).
GRAPH_NODES = 8
# 768 px: its own row of the view, inside a notebook's ~830-px output area; at 6 inches the
# Graphviz layout was scaled down until its texts were 6 px high.
GRAPH_INCHES = 8


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
    >>> view.updates >= 1 and view.html().count('src="data:image/png;base64,') >= 2
    True
    """

    def __init__(
        self,
        model: Callable[[Any], Any],
        data: tuple[Any, Any],
        *,
        budget: float = 0.12,
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
        self._names: list[tuple[int, str]] = []  # the first graph's nodes: (place, name)
        self._slots: list[tuple[str, str]] = []
        self._grid: _Grid | None = None
        self._curves = Curves(steps=total_steps)
        self._sides: tuple[list[list[float]], str] | None = None  # the last boundary drawn
        self._tape: Any = None  # the boundary's batched tape; False: none can be made
        self._handle: Any = None
        self._setup = 0.0  # seconds of the running update that were one-off work
        self._time = ViewBudget(budget, time.perf_counter())

    def __call__(self, record: StepRecord) -> None:
        self.loss.append(record.loss)
        if record.accuracy is not None:
            self.accuracy.append(record.accuracy)
        now = time.perf_counter()
        last = self.total_steps is not None and record.step + 1 >= self.total_steps
        progress = None if self.total_steps is None else (record.step + 1) / self.total_steps
        if self.updates and not last and not self._time.due(now, progress):
            return
        self._setup = 0.0
        self.update(final=last)
        self._time.spent(time.perf_counter() - now, once=self._setup)

    def update(self, final: bool = False) -> None:
        """Redraw now (``fit`` calls this through ``__call__``); ``final``: the last
        picture, the one a saved notebook keeps, with the graph as PNG too."""
        self.updates += 1
        document = self.html(final=final)
        handle = self._display()
        if handle is not None:
            from IPython.display import HTML

            handle.update(HTML(document))

    def html(self, final: bool = False) -> str:
        """The view as HTML: the curves and the boundary as PNG images, the sample's
        graph as an SVG image (as PNG when ``final``); see ``_image``."""
        graph = self._graph_picture(final)
        step = len(self.loss)
        caption = f"step {step}: loss {self.loss[-1]:.4f}" if self.loss else "starting"
        if self.accuracy:
            caption += f", accuracy {self.accuracy[-1]:.0%}"
        top = max(self.loss, default=1.0) or 1.0
        legend = f'<span style="color:#1f77b4">loss</span> (0 to {top:.3g})'
        if self.accuracy:
            legend += ' · <span style="color:#ff7f0e">accuracy</span> (0 to 100%)'
        curves = self._curves.png(self.loss, self.accuracy)
        return (
            '<div style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">'
            f'<div style="font:13px monospace"><div>{caption}</div>'
            f"{_image(curves, 'png', 'training curves', (360, 200))}<div>{legend}</div></div>"
            f"{self._boundary()}"
            f"{graph}</div>"
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

    def _graph_picture(self, final: bool) -> str:
        """The sample's graph: laid out once, at the first update, then only its numbers
        are rewritten; the final picture is drawn anew, as PNG."""
        title = "the first sample: values and gradients"
        point = [Value(float(v), label=f"x[{i}]") for i, v in enumerate(self.X[self.sample])]
        parameters = _parameters(self.model)
        saved = [p.grad for p in parameters]  # the sample's own gradients, then put back
        try:
            for p in parameters:
                p.grad = 0.0
            output = _first(self.model(point))
            output.label = "output"
            output.backward()
            # Drawn (its labels written) or read while the parameters hold its gradients.
            if final or self._svg is None:
                start = time.perf_counter()
                graph = draw_graph(
                    output, max_nodes=GRAPH_NODES, size=GRAPH_INCHES, expand_neurons=False
                )
                self._setup += time.perf_counter() - start  # later updates do not draw
            else:
                numbers = self._numbers(output)
        finally:
            for p, g in zip(parameters, saved, strict=True):
                p.grad = g
        if final:
            return _image(graph.png(), "png", title)
        if self._svg is None:
            return _image(self._lay_out(graph, output).encode("utf-8"), "svg+xml", title)
        return _image(refill(self._svg, self._slots, numbers).encode("utf-8"), "svg+xml", title)

    def _lay_out(self, graph: Any, output: Value) -> str:
        """Lay the first graph out (the view's one layout) and note where its numbers are:
        the text of each ``data``/``grad`` field, and each drawn node's topological place."""
        start = time.perf_counter()
        svg: str = graph.svg()
        self._time.layout = time.perf_counter() - start
        self._setup += self._time.layout
        self._svg, self._slots = svg, number_slots(svg)
        places = {node: place for place, node in enumerate(topological_order(output))}
        self._names = [(places[node], name) for node, name in graph.node_names.items()]
        return svg

    def _numbers(self, output: Value) -> dict[str, tuple[float, float]]:
        """Each drawn node's data and grad in this pass, by its name in the first graph:
        the same model on the same point makes the same graph, node for node, in the
        same topological order."""
        nodes = topological_order(output)
        return {name: (nodes[place].data, nodes[place].grad) for place, name in self._names}

    def _boundary(self) -> str:
        """The sides of the boundary on a 40 x 40 grid (20 x 20 without a batched tape),
        with the points, as a PNG image (nothing for inputs that are not 2-D)."""
        if not self.X or len(self.X[0]) != 2:
            return ""
        if self._grid is None:
            # A batched forward pass scores 1,600 points faster than a graph does 400.
            self._grid = _grid(self.X, points=40 if self._batched() else 20)
        grid_x, grid_y, (x_low, x_high), (y_low, y_high) = self._grid
        scores = self._scores([[gx, gy] for gy in grid_y for gx in grid_x])
        cells = len(grid_x)
        classes = [
            [float(s > 0) for s in scores[j * cells : (j + 1) * cells]] for j in range(cells)
        ]
        if self._sides is None or self._sides[0] != classes:  # else: as last drawn
            points = [
                ((float(p[0]) - x_low) / (x_high - x_low), (float(p[1]) - y_low) / (y_high - y_low))
                for p in self.X
            ]
            picture = boundary_png(classes, points, [float(label) for label in self.y])
            self._sides = classes, _image(picture, "png", "decision boundary", (200, 200))
        return self._sides[1]

    def _scores(self, inputs: list[list[float]]) -> list[float]:
        """The model's score at each input, without building a graph: one batched forward
        pass of a recorded tape (NumPy) when the model can be recorded, else under
        ``no_grad`` one input at a time (the 400 grid points cost a step's time that way)."""
        if self._batched():
            return [float(s) for s in self._tape.forward(inputs)]
        with no_grad():
            return [float(_first(self.model(x)).data) for x in inputs]

    def _batched(self) -> bool:
        """Whether the boundary is scored by a batched tape (recorded on first use)."""
        if self._tape is None:
            start = time.perf_counter()
            checks = [[float(c) for c in x] for x in self.X[:: max(len(self.X) // 5, 1)]]
            self._tape = _score_tape(self.model, checks) or False
            self._setup += time.perf_counter() - start
        return bool(self._tape)


def _score_tape(model: Callable[[Any], Any], inputs: list[list[float]]) -> Any:
    """A batched tape of the model's score on one 2-D input, or None when NumPy is missing
    or the model cannot be batched. A model that branches on its Values in Python
    records one path only, so the tape is checked against the model on ``inputs``."""
    from autograd_engine import BatchingError, record_batch

    point = [Value(0.0), Value(0.0)]
    try:
        tape = record_batch(_first(model(point)), params=_parameters(model), inputs=point)
        batched = [float(s) for s in tape.forward(inputs)]
    except (ImportError, BatchingError):
        return None
    with no_grad():
        single = [float(_first(model(x)).data) for x in inputs]
    close = all(abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(batched, single, strict=True))
    return tape if close else None


def _image(data: bytes, kind: str, title: str, size: tuple[int, int] | None = None) -> str:
    """A picture as an ``<img>`` with a ``data:`` URI (``kind``: ``png`` or ``svg+xml``).
    An untrusted notebook (one opened, not run: JupyterLab, Notebook 7) strips inline
    ``<svg>`` from HTML output and shows its texts as a wall of words, but it shows
    images; GitHub's viewer shows PNG. ``size``: the shown size, for pictures drawn at
    twice it (sharp on high-density screens)."""
    encoded = base64.b64encode(data).decode("ascii")
    shown = f'width="{size[0]}" height="{size[1]}" ' if size else ""
    return (
        f'<img alt="{title}" title="{title}" {shown}style="max-width:100%;height:auto" '
        f'src="data:image/{kind};base64,{encoded}">'
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
