"""The player's page: one HTML document with the SVG, the steps as JSON and the script.

Plain JavaScript and CSS inline, nothing fetched: the page works from ``file://`` with the
network off, in a notebook's ``<iframe srcdoc>`` and in any browser. The script finds the
SVG's nodes by their ``<title>`` (the DOT name), rewrites the ``data``/``grad`` texts for
the step shown and outlines the current node and the edges into it.
"""

from __future__ import annotations

import json
from typing import Any


def page(svg: str, steps: list[dict[str, Any]], start: dict[str, Any]) -> str:
    """The standalone document for ``svg`` (Graphviz's output) and the player's steps.

    >>> text = page("<?xml?><svg></svg>", [], {"unknown": []})
    >>> text.startswith("<!DOCTYPE html>") and "<svg></svg>" in text and "http" not in text
    True
    """
    data = json.dumps({"steps": steps, "start": start})
    data = data.replace("</", "<\\/")  # no "</script>" can end the script early
    return _DOCUMENT.replace("@SVG@", svg[svg.index("<svg") :]).replace("@DATA@", data)


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
