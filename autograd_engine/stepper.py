"""Step-through backward: watch backpropagation handle one node at a time.

``backward_steps(root)`` runs the reference sweep (``backprop``) one node at a time, in
the order ``root.backward()`` uses, so it gives backward's gradients to the last bit and stops after
every op node to yield a ``Frame``: the node, the gradient it received, its local
derivatives, what each input got and the input's gradient afterwards, with a one-line
explanation. A frame draws itself like a graph, with the gradients as they were at that
step, the node outlined and its edges labelled with the chain-rule arithmetic.

Drawing is imported only when a frame is drawn, so stepping needs no Graphviz.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from autograd_engine.backprop import IN_NODES, backprop
from autograd_engine.graph import interior_order, reachable
from autograd_engine.value import Value, local_derivatives, to_float

_SHOWN_EDGES = 4  # inputs spelled out in an explanation before "and N more"


class _History:
    """Gradients at the start and what each step changed, so any frame can be redrawn
    later with the gradients of its own moment (frames are often drawn after the loop)."""

    def __init__(self, root: Value) -> None:
        self.root = root
        self.initial = {node: node.grad for node in reachable(root)}
        self.changes: list[list[tuple[Value, float]]] = []

    def grads_at(self, step: int) -> dict[Value, float]:
        grads = dict(self.initial)
        for changes in self.changes[:step]:
            grads.update(changes)
        return grads


@dataclass(frozen=True, eq=False)
class Frame:
    """One step of backward: ``node`` passed ``upstream`` on to its inputs.

    ``local[i]`` is d(node)/d(input i), ``contributions[i] = upstream * local[i]`` what
    input ``i`` received, and ``parent_grads[i]`` its ``.grad`` after this step (a node
    used twice, as in ``x * x``, receives twice). ``step`` counts from 1 to ``total``.
    """

    step: int
    total: int
    node: Value
    upstream: float
    local: tuple[float, ...]
    contributions: tuple[float, ...]
    parent_grads: tuple[float, ...]
    explanation: str
    _history: _History = field(repr=False)

    def __str__(self) -> str:
        return self.explanation

    def grads(self) -> dict[Value, float]:
        """Every node's gradient as it was right after this step."""
        return self._history.grads_at(self.step)

    def draw(self, *, depth: int | None = None, **options: Any) -> Any:
        """Draw the graph at this step; ``depth`` draws only the node's neighbourhood.

        A graph too big to draw whole (over ``max_nodes`` Values) is drawn around the
        node, two hops deep, unless ``depth`` says otherwise. Takes the options of
        ``draw_graph`` and returns its ``Graph``.
        """
        from autograd_engine.viz import DEFAULT_MAX_NODES, draw_graph

        budget = options.get("max_nodes", DEFAULT_MAX_NODES)
        if depth is None and budget is not None and len(self._history.initial) > budget:
            depth = 2
        if depth is not None:
            options.update(focus=self.node, depth=depth)
        options.setdefault("title", self.explanation)
        return draw_graph(
            self._history.root,
            highlight=(self.node,),
            edge_labels={self.node},
            grads=self.grads(),
            **options,
        )

    @cached_property
    def graph(self) -> Any:
        """The default drawing of this frame (a ``Graph``), made once."""
        return self.draw()

    @property
    def source(self) -> str:
        """DOT text of the default drawing."""
        return str(self.graph.source)

    def svg(self) -> str:
        """SVG text of the default drawing."""
        return str(self.graph.svg())

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the default drawing (.svg, .png, .pdf or .dot)."""
        return Path(self.graph.save(path))

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The default drawing's bundle: SVG, PNG (for untrusted notebooks) and text."""
        bundle: dict[str, Any] = self.graph._repr_mimebundle_(include, exclude)
        return bundle


def backward_steps(root: Value, grad: float = 1.0) -> Iterator[Frame]:
    """Run ``root.backward(grad)`` one op node at a time, yielding a ``Frame`` after each.

    Gradients change as the iterator advances, exactly as ``backward`` changes them
    (interior nodes start from zero, leaves accumulate); once it is exhausted they equal
    what ``backward`` gives.

    >>> from autograd_engine import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> y.label = "y"
    >>> for frame in backward_steps(y):
    ...     print(frame)
    1/1 y = * of (x, x), grad 1.0000:
        x.grad += 1.0000 × 3.0000 = 3.0000 → 3.0000; x.grad += 1.0000 × 3.0000 = 3.0000 → 6.0000
    >>> x.grad
    6.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps: root must be a Value, got {type(root).__name__} {root!r}")
    return _steps(root, to_float(grad))


def _steps(root: Value, grad: float) -> Iterator[Frame]:
    """The generator behind ``backward_steps`` (arguments already checked)."""
    order = interior_order(root)
    for node in order:
        node.grad = 0.0
    root.grad += grad
    history = _History(root)
    for step, node in enumerate(order, start=1):
        upstream = node.grad
        before = {parent: parent.grad for parent in node.parents}
        backprop([node], IN_NODES)  # the reference sweep's step: the bits backward() gives
        parents = node.parents
        history.changes.append([(parent, parent.grad) for parent in dict.fromkeys(parents)])
        local = local_derivatives(node)
        contributions = tuple(upstream * d for d in local)
        explanation = _explain(f"{step}/{len(order)}", node, upstream, local, before)
        yield Frame(
            step=step,
            total=len(order),
            node=node,
            upstream=upstream,
            local=local,
            contributions=contributions,
            parent_grads=tuple(parent.grad for parent in parents),
            explanation=explanation,
            _history=history,
        )


def _number(x: float) -> str:
    from autograd_engine.viz.labels import format_number  # string helpers, no Graphviz

    return format_number(x)


def _name(node: Value) -> str:
    """How an explanation names a node: its label, else its op or role and its value."""
    if node.label:
        return node.label
    kind = node.op or node.kind or "input"
    return f"[{kind} {_number(node.data)}]"


def _explain(
    counter: str,
    node: Value,
    upstream: float,
    local: tuple[float, ...],
    before: dict[Value, float],
) -> str:
    """One line: who passes which gradient, and what each input receives."""
    parents = node.parents
    inputs = ", ".join(_name(p) for p in parents[:_SHOWN_EDGES])
    if len(parents) > _SHOWN_EDGES:
        inputs += ", …"
    running = dict(before)  # each input's gradient as the step adds to it, edge by edge
    parts = []
    for i, (parent, d) in enumerate(zip(parents, local, strict=True)):
        contribution = upstream * d
        running[parent] += contribution
        if i < _SHOWN_EDGES:
            parts.append(
                f"{_name(parent)}.grad += {_number(upstream)} × {_number(d)} = "
                f"{_number(contribution)} → {_number(running[parent])}"
            )
    if len(parents) > _SHOWN_EDGES:
        parts.append(f"and {len(parents) - _SHOWN_EDGES} more inputs")
    head = f"{counter} {_name(node)} = {node.op} of ({inputs}), grad {_number(upstream)}"
    return f"{head}: " + "; ".join(parts)
