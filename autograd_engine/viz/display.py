"""``draw_graph`` and the ``Graph`` it returns: DOT text, SVG, files, Jupyter display.

The picture is computed in three steps, each in its own module: ``layout_budget`` decides
what to draw (clusters, collapse, budget, focus), ``dot_builder`` writes DOT text, and
``backends`` hands it to Graphviz. Only the last needs a library, and only when a
picture, not text, is asked for: ``.source`` works with the standard library alone.
"""

from __future__ import annotations

import base64
import os
import tempfile
import webbrowser
from collections.abc import Collection, Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from autograd_engine.files import write_atomically
from autograd_engine.value import Value
from autograd_engine.viz import checks
from autograd_engine.viz.backends import FORMATS, render
from autograd_engine.viz.dot_builder import DotDocument, DotOptions, build_dot
from autograd_engine.viz.layout_budget import Plan, plan_drawing

# With the layout-cost bound of ``layout_budget`` (6 per node), a drawing at this size
# takes ``dot`` about a second on one core of a shared machine, however tangled it is.
DEFAULT_MAX_NODES = 250
# 10 inches: 960 pixels in a PNG at Graphviz's 96 dpi, about a notebook's output column.
DEFAULT_SIZE = 10.0


class Graph:
    """A drawn computation graph: ``.source`` (DOT), ``.svg()``, ``.save()``, ``.digraph``.

    In Jupyter it displays itself as SVG *and* PNG (JupyterLab shows only the PNG of an
    untrusted notebook, and GitHub shows the PNG). ``render``, ``pipe`` and ``view`` work
    as the ``graphviz`` package's do, but with the embedded Graphviz, so no system
    ``dot`` is needed. ``format`` (``"svg"`` unless ``draw_graph(format=...)`` said
    otherwise) is the default of ``render`` and ``pipe``. The counts say what the budget did:
    ``total_values`` in the graph, ``drawn_values`` drawn one by one, ``collapsed``
    clusters drawn as one node, ``omitted_values`` left out.

    >>> from autograd_engine import Value
    >>> x = Value(3.0, label="x")
    >>> graph = draw_graph(x * x)
    >>> graph
    <Graph: 2 of 2 values drawn, 0 clusters collapsed, 0 values omitted>
    >>> print([line for line in graph.source.splitlines() if "->" in line][0])
    \tv0 -> v1op
    """

    def __init__(self, document: DotDocument, plan: Plan, format: str = "svg") -> None:
        self._document = document
        self._plan = plan
        self._svg: str | None = None
        self._png: bytes | None = None
        self.format = format
        self.total_values = plan.total
        self.drawn_values = plan.drawn_values
        self.collapsed = len(plan.summaries)
        self.omitted_values = plan.omitted + plan.total - plan.considered

    def __repr__(self) -> str:
        return (
            f"<Graph: {self.drawn_values} of {self.total_values} values drawn, "
            f"{self.collapsed} clusters collapsed, {self.omitted_values} values omitted>"
        )

    @cached_property
    def source(self) -> str:
        """The DOT text; the same expression always gives the same bytes."""
        return self._document.source

    @property
    def size_text(self) -> str:
        """How errors name this drawing: its node and edge counts."""
        plan = self._plan
        return f"a graph of {len(plan.units)} nodes and {len(plan.edges)} edges"

    def pipe(self, format: str | None = None, *, timeout: float | None = None) -> bytes:
        """The picture as bytes in ``format`` (``"svg"``, ``"png"`` or ``"pdf"``).

        The layout runs in a worker process: Ctrl-C stops it at once, and after
        ``timeout`` seconds (default ``backends.DEFAULT_TIMEOUT``) it is stopped with a
        ``RenderTimeoutError`` naming the graph's size.
        """
        kind = checks.format_name(self.format if format is None else format, "pipe")
        if kind == "svg" and self._svg is not None:
            return self._svg.encode("utf-8")
        if kind == "png" and self._png is not None:
            return self._png
        data = render(self.source, kind, timeout=timeout, what=self.size_text)
        if kind == "svg":
            self._svg = data.decode("utf-8")
        elif kind == "png":
            self._png = data
        return data

    def svg(self) -> str:
        """The picture as SVG text (rendered once, then cached)."""
        if self._svg is None:
            self.pipe("svg")
        return self._svg  # type: ignore[return-value]

    def png(self) -> bytes:
        """The picture as PNG bytes (rendered once, then cached)."""
        return self.pipe("png")

    def _repr_svg_(self) -> str:
        """Jupyter's SVG hook (``_repr_mimebundle_`` is the one Jupyter uses first)."""
        return self.svg()

    def _repr_png_(self) -> bytes:
        """Jupyter's PNG hook."""
        return self.png()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """SVG and PNG together: a trusted notebook shows the SVG, an untrusted one
        (JupyterLab) and GitHub's viewer the PNG; ``text/plain`` is the summary line."""
        bundle: dict[str, Any] = {"text/plain": repr(self)}
        bundle["image/svg+xml"] = self.svg()
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        return bundle

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *,
        timeout: float | None = None,
    ) -> str:
        """Write the picture to ``filename.format`` (``graphviz.Digraph.render``'s habit).

        Unlike the ``graphviz`` package this needs no system ``dot`` and writes only the
        picture (no DOT file beside it, so ``cleanup`` has nothing to remove).
        ``view=True`` then opens it. Returns the path written, as a string.

        >>> import tempfile
        >>> from autograd_engine import Value
        >>> folder = tempfile.mkdtemp()
        >>> path = draw_graph(Value(2.0) * 3).render("expr", directory=folder, format="png")
        >>> path.endswith("expr.png")
        True
        """
        del cleanup  # accepted for graphviz's signature; no source file is ever written
        kind = checks.format_name(self.format if format is None else format, "render")
        name = Path("graph" if filename is None else filename)
        target = Path(directory) / name if directory is not None else name
        if target.suffix.lstrip(".").lower() != kind:
            target = target.with_name(f"{target.name}.{kind}")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.save(target, kind, timeout=timeout)
        if view:
            _open(target)
        return str(target)

    def view(self, filename: str | os.PathLike[str] | None = None, **options: Any) -> str:
        """Render to a file (a temporary one unless ``filename``) and open it in a viewer."""
        if filename is None:
            filename = Path(tempfile.mkdtemp(prefix="autograd-engine-")) / "graph"
        return self.render(filename, view=True, **options)

    def save(
        self,
        path: str | os.PathLike[str],
        format: str | None = None,
        *,
        timeout: float | None = None,
    ) -> Path:
        """Write the picture; the format comes from the suffix (.svg .png .pdf .dot .gv).

        The file is written atomically: a temporary file beside it, then ``os.replace``.

        Returns:
            The path written.
        """
        target = Path(path)
        kind = (format or target.suffix.lstrip(".")).lower()
        if kind in ("dot", "gv"):
            data = self.source.encode("utf-8")
        elif kind in FORMATS:
            data = self.pipe(kind, timeout=timeout)
        else:
            raise ValueError(
                f"save({str(target)!r}): unknown format {kind!r}; use .svg, .png, .pdf or .dot"
            )
        return write_atomically(target, data)

    @cached_property
    def digraph(self) -> Any:
        """The drawing as a ``graphviz.Digraph`` (its source is exactly ``.source``)."""
        try:
            import graphviz
        except ImportError as exc:
            raise ImportError(
                "Graph.digraph needs the graphviz package: pip install graphviz "
                "(or the draw extra: pip install 'autograd-engine[draw]')"
            ) from exc
        doc = self._document
        return graphviz.Digraph(
            graph_attr=dict(doc.graph_attr),
            node_attr=dict(doc.node_attr),
            edge_attr=dict(doc.edge_attr),
            body=list(doc.body),
        )


def draw_graph(
    roots: Value | Iterable[Value],
    *,
    rankdir: str | None = None,
    show_grad: bool = True,
    edge_labels: bool | Collection[Value] = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    legend: bool = False,
    focus: Value | None = None,
    depth: int = 2,
    title: str | None = None,
    highlight: Collection[Value] = (),
    grads: Mapping[Value, float] | None = None,
    format: str = "svg",
    size: float | tuple[float, float] | str | None = DEFAULT_SIZE,
    expand_neurons: bool | None = None,
    part_grads: Mapping[Value, tuple[float, float]] | None = None,
) -> Graph:
    """Draw the computation graph of one root or several.

    Args:
        roots: the output Value(s); each is drawn with the output colour.
        rankdir: direction of the flow: ``"LR"``, ``"RL"``, ``"TB"`` or ``"BT"``; by
            default left to right unless that would be much wider than a notebook
            column (a long chain), then top to bottom.
        show_grad: show each Value's ``grad`` field.
        edge_labels: label each edge with its local derivative d(out)/d(input) and the
            contribution ``out.grad * local`` it passed back; a collection of Values
            labels only the edges into those.
        max_nodes: the most Values drawn one by one (each with its op node); it also
            bounds Graphviz's work, where long edges count like nodes. Beyond it the
            Values nearest the roots are drawn and the rest of each module is one box
            with its count (an overview of the layers at small budgets, more detail as
            it grows); the picture says what it did. ``None`` means the cap,
            ``layout_budget.MAX_NODES``, above which no layout finishes in seconds.
        legend: add a table naming the colours used.
        focus: draw only the Values within ``depth`` hops of this node (inputs and
            consumers); over the budget, the ones nearest it.
        depth: the neighbourhood size for ``focus``.
        title: a caption at the top of the picture.
        highlight: Values drawn with a red outline (never collapsed into a summary).
        grads: gradients to show instead of ``.grad`` (the step-through frames use this).
        format: the default format of ``render``/``pipe`` (micrograd's ``format="png"``).
        size: the largest picture in inches, as Graphviz's ``size``: a width (the default
            fits a 960-pixel column), a ``(width, height)`` pair, ``"W,H"``, or ``None``
            for the natural size. Larger drawings are scaled down to it.
        expand_neurons: draw each fused neuron (``affine``, one node) as the lecture
            does: its products ``w·x``, their sum and the activation, each with data and
            grad computed from the fused node. ``None`` (the default) expands them when
            the drawing stays small (``expand.EXPAND_LIMIT`` records); ``True`` or
            ``False`` forces either.
        part_grads: for an expanded neuron, the gradients its sum and its products hold
            instead of the finished ones (the step-through frames use this, as ``grads``).

    >>> from autograd_engine import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> graph = draw_graph(y, edge_labels=True)
    >>> print(graph.source.splitlines()[6])
    \tv0 [fillcolor="#a5d8ff" label="{ x | data 3.0000 | grad 6.0000 }" shape=record]
    >>> [line.split("[")[1] for line in graph.source.splitlines() if "v0 ->" in line][0]
    'label="local 3.0000\\\\ngrad += 1.0000 × 3.0000 = 3.0000"]'
    """
    root_list = _as_roots(roots)
    checks.count(max_nodes, "max_nodes", low=1, none=True)
    checks.count(depth, "depth", low=0)
    if focus is not None and not isinstance(focus, Value):
        raise TypeError(f"draw_graph: focus must be a Value, got {type(focus).__name__}")
    if title is not None:
        checks.text(title, "title")
    if grads is not None and not isinstance(grads, Mapping):
        raise TypeError(f"draw_graph: grads must be a mapping of Values to numbers, got {grads!r}")
    marked_nodes = checks.values(highlight, "highlight")
    labelled = checks.edge_labels(edge_labels)
    options = DotOptions(
        rankdir=checks.rankdir(rankdir),
        show_grad=checks.flag(show_grad, "show_grad"),
        edge_labels=labelled,
        legend=checks.flag(legend, "legend"),
        highlight=marked_nodes + ((focus,) if focus is not None else ()),
        grads=grads,
        title=title,
        size=checks.size(size),
        expand=None if expand_neurons is None else checks.flag(expand_neurons, "expand_neurons"),
        part_grads=part_grads,
    )
    kind = checks.format_name(format, "draw_graph")
    plan = plan_drawing(
        root_list,
        max_nodes=max_nodes,
        focus=focus,
        depth=depth,
        edge_labels=labelled is True,
        pinned=marked_nodes,
    )
    checks.labels(plan.units)
    return Graph(build_dot(plan, options), plan, kind)


def draw_dot(roots: Value | Iterable[Value], **options: Any) -> Graph:
    """micrograd's name for ``draw_graph``; takes the same options.

    >>> from autograd_engine import Value
    >>> draw_dot(Value(1.0) + 2).drawn_values
    3
    """
    return draw_graph(roots, **options)


def focus(
    node: Value, depth: int = 2, *, root: Value | Iterable[Value] | None = None, **options: Any
) -> Graph:
    """Draw only the Values within ``depth`` hops of ``node``.

    Without ``root`` only what ``node`` was computed from is known, so the picture shows
    its inputs; pass the graph's ``root`` to also see where ``node`` flows, e.g. every
    contribution a weight makes to a loss.

    >>> from autograd_engine import Value
    >>> w = Value(0.5, label="w")
    >>> loss = ((w * 2).tanh() + 1) ** 2
    >>> focus(w, depth=1, root=loss).drawn_values  # w and the product it feeds
    2
    """
    return draw_graph(node if root is None else root, focus=node, depth=depth, **options)


def _as_roots(roots: Value | Iterable[Value]) -> list[Value]:
    """One root or several, checked to be Values."""
    if isinstance(roots, Value):
        return [roots]
    try:
        items = list(roots)
    except TypeError:
        raise TypeError(
            f"draw_graph: expected a Value or an iterable of Values, got {type(roots).__name__}"
        ) from None
    if not items:
        raise ValueError("draw_graph: no root given; pass a Value or a list of Values")
    for item in items:
        if not isinstance(item, Value):
            raise TypeError(f"draw_graph: roots must be Values, got {type(item).__name__}")
    return items


def _open(path: Path) -> None:
    """Open a rendered file in the system's viewer (a browser reads SVG, PNG and PDF)."""
    if not webbrowser.open(path.resolve().as_uri()):
        raise RuntimeError(f"view: no viewer could be started for {path}; open it yourself")
