"""The ``Graph`` a drawing returns: its DOT text, the picture in each format, files, Jupyter.

``draw_graph`` (``display.py``) plans and writes the DOT; a ``Graph`` holds it and turns it
into pictures on demand through ``backends`` (rendered once per format, then cached), so
``.source`` works with the standard library alone.
"""

from __future__ import annotations

import base64
import os
import tempfile
import time
import webbrowser
from functools import cached_property
from pathlib import Path
from typing import Any

from autograd_engine.files import write_atomically
from autograd_engine.value import Value
from autograd_engine.viz import checks, reading_order
from autograd_engine.viz.backends import DEFAULT_TIMEOUT, FORMATS, check_timeout, render
from autograd_engine.viz.dot_builder import unit_name
from autograd_engine.viz.dot_document import DotDocument
from autograd_engine.viz.layout_budget import Plan


class Graph:
    """A drawn computation graph: ``.source`` (DOT), ``.svg()``, ``.save()``, ``.digraph``.

    In Jupyter it displays itself as SVG *and* PNG (JupyterLab shows only the PNG of an
    untrusted notebook, and GitHub shows the PNG). ``render``, ``pipe`` and ``view`` work
    as the ``graphviz`` package's do, but with the embedded Graphviz, so no system
    ``dot`` is needed. ``format`` (``"svg"`` unless ``draw_graph(format=...)`` said
    otherwise) is the default of ``render`` and ``pipe``. The counts say what the budget did:
    ``total_values`` in the graph, ``drawn_values`` drawn one by one, ``collapsed``
    clusters drawn as one node, ``omitted_values`` left out.

    >>> from autograd_engine import Value, draw_graph
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
        self._layout: reading_order.Layout | None = None
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
    def node_names(self) -> dict[Value, str]:
        """The DOT name of each Value drawn one by one, in topological order.

        These are the node names in ``.source`` and the ``<title>`` of each node in the
        SVG (``v0``, ``v1``, ...): a caller that restyles or refills a rendered picture
        finds a Value's node by them. The same expression always gets the same names.

        >>> from autograd_engine import Value, draw_graph
        >>> x = Value(3.0, label="x")
        >>> y = x * x
        >>> draw_graph(y).node_names == {x: "v0", y: "v1"}
        True
        """
        plan = self._plan
        return {unit: unit_name(plan, unit) for unit in plan.units if isinstance(unit, Value)}

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
        limit = DEFAULT_TIMEOUT if timeout is None else check_timeout(timeout)
        deadline = time.monotonic() + limit

        def lay_out(source: str, format: str, engine: str) -> bytes:
            left = max(deadline - time.monotonic(), 1e-3)  # past it: the render times out
            return render(source, format, timeout=left, what=self.size_text, engine=engine)

        layout = self._chosen_layout(lay_out)
        data = lay_out(layout.source, kind, layout.engine)
        if kind == "svg":
            self._svg = data.decode("utf-8")
        elif kind == "png":
            self._png = data
        return data

    def _chosen_layout(self, lay_out: reading_order.LayOut) -> reading_order.Layout:
        """What the pictures are drawn from: ``.source``, or the same graph declared in
        another order when that reads in index order (``reading_order``), or for a
        drawing too costly to search its one layout or that layout's mirror image;
        chosen once."""
        if self._layout is None:
            layouts = reading_order.layouts_for(self._document.cost)
            if layouts == 0:
                self._layout = reading_order.one_layout(self._document, lay_out)
            else:
                self._layout = reading_order.choose(self._document, lay_out, layouts)
        return self._layout

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
        >>> from autograd_engine import Value, draw_graph
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


def _open(path: Path) -> None:
    """Open a rendered file in the system's viewer (a browser reads SVG, PNG and PDF)."""
    if not webbrowser.open(path.resolve().as_uri()):
        raise RuntimeError(f"view: no viewer could be started for {path}; open it yourself")
