"""The backprop player: a graph you can step, play and scrub, forward then backward.

``play(root)`` returns a ``Player``. In a notebook it shows the graph with controls
(first, back, play/pause, forward, last, a slider): the forward pass fills in each node's
data in topological order, then the backward pass, one op node per step, outlines the
node and its input edges, fills in the gradients as they accumulate and prints the
running ``x.grad += upstream × local = contribution → total`` arithmetic of the step.
``Player.save("player.html")`` writes the same thing as one standalone file.

Why a self-contained HTML document with the SVG inside, and not a widget (anywidget,
ipywidgets): a widget needs a live kernel and the widget manager of each front end,
and shows nothing in a saved file or a notebook opened later. One HTML document with the
Graphviz SVG and thirty lines of plain JavaScript needs neither a kernel nor a network
(no CDN), runs the same in JupyterLab, Notebook 7, VS Code and a browser reading a file,
and is what ``save`` writes. In a notebook it sits in an ``<iframe srcdoc>`` so its
script and styles cannot touch the page. The display bundle also carries the static
picture (PNG and SVG of the final state) for viewers that run no JavaScript.
``tests/test_browser.py`` drives it in JupyterLab, in Notebook 7 and from ``file://``
with the network off. VS Code is not tested (it cannot run on the test machines); its
notebook renderer shows ``text/html`` outputs, scripts included, in a webview, which is
all the player asks for: no kernel messages, no widget manager, nothing fetched.

The steps are recorded in ``player_steps``; the page (HTML, CSS, script) is
``player_page``.

The layout is computed once, for the final state; each step only changes text and
colours in that SVG, so nothing moves while you scrub. Gradients are those
``backward_steps`` gives (the engine's own sweep), computed on zeroed gradients and then
put back: showing the player does not change any ``.grad``.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

from autograd_engine.files import write_atomically
from autograd_engine.graph import reachable
from autograd_engine.value import Value
from autograd_engine.viz.player_page import page
from autograd_engine.viz.player_steps import record, start_state

# The player steps through every op node; beyond this many Values a picture of each
# step is no longer readable (draw a part with draw_graph(focus=...) instead).
MAX_VALUES = 150


class Player:
    """A forward-and-backward step-through of one graph; see ``play``."""

    def __init__(self, root: Value, steps: list[dict[str, Any]], graph: Any) -> None:
        self.root = root
        self.steps = steps
        self.graph = graph

    def __repr__(self) -> str:
        backward = sum(1 for s in self.steps if s["phase"] == "backward")
        return f"<Player: {len(self.steps) - backward} forward and {backward} backward steps>"

    def html(self) -> str:
        """The standalone HTML document (SVG, data and script inline; no network)."""
        return page(self.graph.svg(), self.steps, start_state(self.steps))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the standalone HTML file (atomically); open it in any browser, offline."""
        return write_atomically(Path(path), self.html().encode("utf-8"))

    def _repr_html_(self) -> str:
        document = html.escape(self.html(), quote=True)
        return (
            f'<iframe srcdoc="{document}" style="width:100%;height:{self._height()}px;'
            'border:0" sandbox="allow-scripts" title="backprop player"></iframe>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """HTML where JavaScript runs; the final picture (SVG, PNG) where it does not."""
        bundle: dict[str, Any] = self.graph._repr_mimebundle_(include, exclude)
        bundle["text/html"] = self._repr_html_()
        bundle["text/plain"] = repr(self)
        return bundle

    def _height(self) -> int:
        match = re.search(r'height="([\d.]+)pt"', self.graph.svg())
        picture = float(match.group(1)) * 4 / 3 if match else 400.0
        return int(min(picture, 1400)) + 150


def play(root: Value, **options: Any) -> Player:
    """Step, play and scrub through the forward and the backward pass of ``root``.

    Takes ``draw_graph``'s options for the picture (``rankdir``, ``size``...). Gradients
    are computed as ``root.backward()`` would from zero and put back afterwards.

    >>> from autograd_engine import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x + 1
    >>> player = play(y)
    >>> player
    <Player: 2 forward and 2 backward steps>
    >>> print(player.steps[-1]["text"])
    2/2 t1 = * of (x, x), grad 1.0000: x.grad += 1.0000 × 3.0000 = 3.0000 → 3.0000; ...
    >>> x.grad  # untouched
    0.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"play: root must be a Value, got {type(root).__name__} {root!r}")
    nodes = reachable(root)
    if len(nodes) > MAX_VALUES:
        raise ValueError(
            f"play: the graph has {len(nodes)} values, more than the {MAX_VALUES} a player "
            "can show readably; play a smaller expression, or draw part of this one with "
            "draw_graph(root, focus=node)"
        )
    saved = {node: node.grad for node in nodes}
    try:
        for node in nodes:
            node.grad = 0.0
        steps, graph = record(root, options)
    finally:
        for node, grad in saved.items():
            node.grad = grad
    return Player(root, steps, graph)
