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

The layout is computed once, for the final state; each step only changes text and
colours in that SVG, so nothing moves while you scrub. Gradients are those
``backward_steps`` gives (the engine's own sweep), computed on zeroed gradients and then
put back: showing the player does not change any ``.grad``.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from autograd_engine.files import write_atomically
from autograd_engine.graph import interior_order, reachable
from autograd_engine.stepper import Frame, backward_steps
from autograd_engine.value import Value
from autograd_engine.viz.display import draw_graph
from autograd_engine.viz.expand import expand
from autograd_engine.viz.labels import format_number

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
        svg = _strip_xml_header(self.graph.svg())
        data = json.dumps({"steps": self.steps, "start": _start_state(self.steps)})
        data = data.replace("</", "<\\/")  # no "</script>" can end the script early
        return _DOCUMENT.replace("@SVG@", svg).replace("@DATA@", data)

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
    2/2 [* 9.0000] = * of (x, x), grad 1.0000: x.grad += 1.0000 × 3.0000 = 3.0000 → 3.0000; ...
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
        steps, graph = _record(root, options)
    finally:
        for node, grad in saved.items():
            node.grad = grad
    return Player(root, steps, graph)


def _record(root: Value, options: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    """Every step's changes (data, grads, the node and its edges) and the final picture."""
    order = interior_order(root)  # inputs before the nodes made from them
    options.setdefault("max_nodes", None)
    frames = list(backward_steps(root, expand_neurons=options.pop("expand_neurons", None)))
    expanded = frames[0]._history.expanded if frames else False
    graph = draw_graph(root, expand_neurons=expanded, **options)
    names = {node: f"v{graph._plan.index[node]}" for node in graph._plan.index}
    steps = [step for node in reversed(order) for step in _forward_steps(node, names, expanded)]
    products: dict[Value, int] = {}  # an expanded neuron's product steps so far
    for frame in frames:
        node, inputs = _backward_names(frame, names, products)
        shown = {n: format_number(g) for n, g in zip(inputs, frame.parent_grads, strict=True)}
        if frame.step == 1:
            shown[names[root]] = format_number(frame.upstream)
        text = frame.explanation
        steps.append({"phase": "backward", "node": node, "text": text, "data": {}, "grad": shown})
    return steps, graph


def _forward_steps(node: Value, names: dict[Value, str], expanded: bool) -> list[dict[str, Any]]:
    """The forward step of a node; an expanded neuron's products and sum come first."""
    chain = expand(node, node.grad) if expanded else None
    name = names[node]
    inputs = ", ".join(_name(p) for p in node.parents)
    if chain is None:
        text = f"forward: {_name(node)} = {node.op} of ({inputs}) = {format_number(node.data)}"
        return [_forward(name, text, node.data)]
    parts = [(f"{name}p{i}", part) for i, part in enumerate(chain.products)]
    if chain.total is not None:
        parts.append((f"{name}s", chain.total))
    steps = [
        _forward(part_name, f"forward: {part.label} = {format_number(part.data)}", part.data)
        for part_name, part in parts
    ]
    if chain.total is not None:  # the activation of the sum; a linear neuron is its sum
        inputs = chain.total.label
    text = f"forward: {_name(node)} = {chain.activation or '+'} of ({inputs}) = "
    return [*steps, _forward(name, text + format_number(node.data), node.data)]


def _forward(name: str, text: str, data: float) -> dict[str, Any]:
    return {
        "phase": "forward",
        "node": name,
        "text": text,
        "data": {name: format_number(data)},
        "grad": {},
    }


def _backward_names(
    frame: Frame, names: dict[Value, str], products: dict[Value, int]
) -> tuple[str, list[str]]:
    """The DOT names of what a backward step processes and of what it passes to.

    Inside an expanded neuron ``v5`` (``frame.part`` set) the activation passes to the
    sum ``v5s``, the sum to the bias and the products ``v5p0``..., each product to its
    weight and input; a linear neuron is its own sum.
    """
    name = names[frame.node]
    values = [names[item] if isinstance(item, Value) else "" for item in frame.inputs]
    if not frame.part:
        return name, values
    strings = [i for i, item in enumerate(frame.inputs) if isinstance(item, str)]
    if strings == [0] and len(frame.inputs) == 1:  # the activation, passing to the sum
        return name, [f"{name}s"]
    if strings:  # the sum: the bias first, then the products in order
        chain = expand(frame.node, 0.0)
        into = f"{name}s" if chain is not None and chain.total is not None else name
        return into, [values[0], *(f"{name}p{i - 1}" for i in strings)]
    count = products.get(frame.node, 0)
    products[frame.node] = count + 1
    return f"{name}p{count}", values


def _start_state(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Before step 1: interior data unknown, every gradient zero."""
    interior = [s["node"] for s in steps if s["phase"] == "forward"]
    return {"unknown": interior}


def _name(node: Value) -> str:
    if node.label:
        return node.label
    return f"[{node.op or node.kind or 'input'} {format_number(node.data)}]"


def _strip_xml_header(svg: str) -> str:
    return svg[svg.index("<svg") :]


_DOCUMENT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>backprop player</title>
<style>
body { font: 14px Helvetica, Arial, sans-serif; margin: 8px; color: #212529; background: #fff; }
#bar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
button { font: inherit; padding: 2px 10px; }
#scrub { flex: 1; min-width: 160px; }
#text { font: 13px monospace; white-space: pre-wrap; min-height: 3.2em; margin: 4px 0 8px;
        padding: 6px; background: #f8f9fa; border-left: 4px solid #e03131; }
#picture svg { max-width: 100%; height: auto; }
.current polygon, .current ellipse { stroke: #e03131 !important; stroke-width: 3px; }
.current-edge path { stroke: #e03131 !important; stroke-width: 2.5px; }
.current-edge polygon { stroke: #e03131 !important; fill: #e03131 !important; }
.fresh { fill: #c92a2a !important; font-weight: bold; }
</style></head><body>
<div id="bar">
<button id="first" title="first step">&#x2759;&#x25C0;</button>
<button id="back" title="previous step">&#x25C0;</button>
<button id="play" title="play / pause">&#x25B6; play</button>
<button id="next" title="next step">&#x25B6;</button>
<button id="last" title="last step">&#x25B6;&#x2759;</button>
<input id="scrub" type="range" min="0" value="0">
<span id="counter"></span>
</div>
<div id="text"></div>
<div id="picture">@SVG@</div>
<script id="player-data" type="application/json">@DATA@</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("player-data").textContent);
  var steps = data.steps, at = 0, timer = null;
  var nodes = {}, edges = [];
  document.querySelectorAll("g.node").forEach(function (g) {
    var title = g.querySelector("title").textContent;
    var texts = {};
    g.querySelectorAll("text").forEach(function (t) {
      if (t.textContent.indexOf("data ") === 0) texts.data = t;
      if (t.textContent.indexOf("grad ") === 0) texts.grad = t;
    });
    nodes[title] = {g: g, data: texts.data, grad: texts.grad,
                    finalData: texts.data && texts.data.textContent};
  });
  document.querySelectorAll("g.edge").forEach(function (g) {
    var title = g.querySelector("title").textContent.replace("&#45;&gt;", "->");
    edges.push({g: g, head: title.split("->")[1]});
  });
  var scrub = document.getElementById("scrub");
  scrub.max = steps.length;
  function show(k) {
    at = Math.max(0, Math.min(steps.length, k));
    var unknown = {};
    data.start.unknown.forEach(function (n) { unknown[n] = true; });
    var shownData = {}, shownGrad = {};
    for (var i = 0; i < at; i++) {
      var s = steps[i];
      Object.keys(s.data).forEach(function (n) { shownData[n] = s.data[n]; delete unknown[n]; });
      Object.keys(s.grad).forEach(function (n) { shownGrad[n] = s.grad[n]; });
    }
    var current = at > 0 ? steps[at - 1] : null;
    Object.keys(nodes).forEach(function (name) {
      var n = nodes[name];
      n.g.classList.toggle("current", !!current && current.node === name);
      if (n.data) {
        n.data.textContent = unknown[name] ? "data ?"
          : (shownData[name] ? "data " + shownData[name] : n.finalData);
        n.data.classList.toggle("fresh",
          !!current && current.phase === "forward" && current.node === name);
      }
      if (n.grad) {
        n.grad.textContent = "grad " + (shownGrad[name] || "0.0000");
        n.grad.classList.toggle("fresh",
          !!current && current.phase === "backward" && name in current.grad);
      }
    });
    edges.forEach(function (e) {
      e.g.classList.toggle("current-edge", !!current && e.head === current.node + "op");
    });
    scrub.value = at;
    document.getElementById("counter").textContent = "step " + at + " / " + steps.length +
      (current ? " (" + current.phase + ")" : "");
    document.getElementById("text").textContent = current ? current.text :
      "Press play or step: first the forward pass computes each value, " +
      "then backward fills in the gradients.";
    if (at >= steps.length) stop();
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    document.getElementById("play").textContent = "\\u25B6 play";
  }
  document.getElementById("first").onclick = function () { stop(); show(0); };
  document.getElementById("back").onclick = function () { stop(); show(at - 1); };
  document.getElementById("next").onclick = function () { stop(); show(at + 1); };
  document.getElementById("last").onclick = function () { stop(); show(steps.length); };
  document.getElementById("play").onclick = function () {
    if (timer) { stop(); return; }
    if (at >= steps.length) show(0);
    this.textContent = "\\u23F8 pause";
    timer = setInterval(function () { show(at + 1); }, 900);
  };
  scrub.oninput = function () { stop(); show(parseInt(scrub.value, 10)); };
  var start = /step=(\\d+)/.exec(location.hash);  // player.html#step=7 opens at step 7
  show(start ? parseInt(start[1], 10) : 0);
})();
</script></body></html>
"""
