"""``draw_graph``, ``draw_dot`` and ``focus``: the drawing calls, their arguments checked.

The picture is computed in three steps, each in its own module: ``layout_budget`` decides
what to draw (clusters, collapse, budget, focus), ``dot_builder`` writes DOT text, and
``backends`` hands it to Graphviz. Only the last needs a library, and only when a
picture, not text, is asked for: the ``Graph`` returned (``picture.py``) renders on demand.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from autograd_engine.value import Value
from autograd_engine.viz import checks
from autograd_engine.viz.dot_builder import DotOptions, build_dot
from autograd_engine.viz.layout_budget import plan_drawing
from autograd_engine.viz.picture import Graph

__all__ = ["DEFAULT_MAX_NODES", "DEFAULT_SIZE", "Graph", "draw_dot", "draw_graph", "focus"]

# With the layout-cost bound of ``layout_budget`` (6 per node), a drawing at this size
# takes ``dot`` about a second on one core of a shared machine, however tangled it is.
DEFAULT_MAX_NODES = 250
# 10 inches: 960 pixels in a PNG at Graphviz's 96 dpi, about a notebook's output column.
DEFAULT_SIZE = 10.0


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
    names: Mapping[Value, str] | None = None,
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
        names: a name to print on each unlabelled Value (the step-through and the player
            pass theirs, ``reading_names``, so the ``t3`` their texts speak of is on the
            picture); a Value's own label always wins.

    >>> from autograd_engine import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> graph = draw_graph(y, edge_labels=True)
    >>> print(graph.source.splitlines()[6])
    \tv0 [fillcolor="#a5d8ff" label="{ x | data 3.0000 | grad 6.0000 }" shape=record]
    >>> [line.split("[")[1] for line in graph.source.splitlines() if "v0 ->" in line][0]
    'label="local 3.0000\\\\ngrad += 1.0000 × 3.0000\\\\n= 3.0000"]'
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
    if names is not None and not isinstance(names, Mapping):
        raise TypeError(f"draw_graph: names must be a mapping of Values to texts, got {names!r}")
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
        names=names,
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
