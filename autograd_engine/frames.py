"""A step of ``backward_steps``: the ``Frame`` and the gradient history it is drawn from.

A frame records one step (the node, the gradient it passed on, each input's share) and
draws itself like a graph with the gradients of its own moment: ``History`` keeps the
gradients at the start and what each step changed, so a frame drawn after the loop still
shows its step. Drawing is imported only when a frame is drawn (no Graphviz needed to step).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from autograd_engine.graph import reachable
from autograd_engine.reading_names import generated
from autograd_engine.value import Value


class History:
    """Gradients at the start and what each step changed, so any frame can be redrawn
    later with the gradients of its own moment (frames are often drawn after the loop)."""

    def __init__(self, root: Value, names: dict[Value, str] | None = None) -> None:
        self.root = root
        self.names = names or {}  # how the explanations call each node (``reading_names``)
        self.initial = {node: node.grad for node in reachable(root)}
        self.changes: list[list[tuple[Value, float]]] = []
        self.expanded = False
        # Per step, what an expanded neuron's sum and products held (None: computed from
        # the neuron's gradient, as once it is done); a neuron not yet reached holds zeros.
        self.initial_parts: dict[Value, tuple[float, float] | None] = {}
        self.part_changes: list[tuple[Value, tuple[float, float] | None] | None] = []

    def grads_at(self, step: int) -> dict[Value, float]:
        grads = dict(self.initial)
        for changes in self.changes[:step]:
            grads.update(changes)
        return grads

    def parts_at(self, step: int) -> dict[Value, tuple[float, float]]:
        """The (sum, product) gradients of expanded neurons not finished by ``step``."""
        parts = dict(self.initial_parts)
        for change in self.part_changes[:step]:
            if change is not None:
                parts[change[0]] = change[1]
        return {node: held for node, held in parts.items() if held is not None}


@dataclass(frozen=True, eq=False)
class Frame:
    """One step of backward: ``node`` passed ``upstream`` on to its inputs.

    ``inputs`` are what received gradient: ``node.parents``, or for a step inside an
    expanded neuron (``part`` names it: the activation, ``"b + Σ w·x"`` or a product
    ``"x[0]·w[0]"``) the Values and the names of the intermediates it passes to.
    ``local[i]`` is d(step's output)/d(input i), ``contributions[i] = upstream * local[i]``
    what input ``i`` received, and ``parent_grads[i]`` its gradient after this step (a
    node used twice, as in ``x * x``, receives twice). ``step`` counts from 1 to ``total``.
    """

    step: int
    total: int
    node: Value
    upstream: float
    local: tuple[float, ...]
    contributions: tuple[float, ...]
    parent_grads: tuple[float, ...]
    explanation: str
    _history: History = field(repr=False)
    inputs: tuple[Value | str, ...] = ()
    part: str = ""

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
        options.setdefault("expand_neurons", self._history.expanded)
        options.setdefault("names", generated(self._history.names))
        return draw_graph(
            self._history.root,
            highlight=(self.node,),
            edge_labels={self.node},
            grads=self.grads(),
            part_grads=self._history.parts_at(self.step),
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
