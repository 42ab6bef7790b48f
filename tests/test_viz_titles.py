"""Box titles (``layers.0.neurons.8``) are never crossed by an edge in the rendered SVG.

Graphviz routes edges around nodes, not around cluster labels, so a neuron's box is
titled by a text node (``dot_clusters``). The check samples every edge's Bézier curves
and looks for points inside a title's text box (its width estimated from the font size).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from autograd_engine import Value, draw_graph

pytest.importorskip("pygraphviz", reason="the draw extra is not installed")
nn = pytest.importorskip("nn")

SVG = "{http://www.w3.org/2000/svg}"


def title_boxes(root: ET.Element) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every box title: a label or a title node."""
    boxes = []
    for group in root.iter(f"{SVG}g"):
        kind, name = group.get("class"), group.findtext(f"{SVG}title", "")
        if kind == "cluster" or (kind == "node" and re.fullmatch(r"t\d+", name)):
            for text in group.findall(f"{SVG}text"):
                x, y, size = (float(text.get(k, "0")) for k in ("x", "y", "font-size"))
                width = len(text.text or "") * size * 0.55
                anchor = text.get("text-anchor")
                left = {"middle": x - width / 2, "end": x - width}.get(anchor or "", x)
                boxes.append((text.text or "", left, y - size * 0.8, left + width, y + size * 0.2))
    return boxes


def edge_points(root: ET.Element) -> list[tuple[str, float, float]]:
    """Points along every edge's path, 20 per cubic Bézier segment."""
    points = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "edge":
            continue
        name = group.findtext(f"{SVG}title", "")
        for path in group.findall(f"{SVG}path"):
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
            xy = list(zip(numbers[0::2], numbers[1::2], strict=False))
            for i in range(0, len(xy) - 3, 3):
                (x0, y0), (x1, y1), (x2, y2), (x3, y3) = xy[i : i + 4]
                for k in range(21):
                    t = k / 20
                    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
                    points.append(
                        (name, a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)
                    )
    return points


def crossed_titles(svg: str) -> set[tuple[str, str]]:
    root = ET.fromstring(svg)
    boxes = title_boxes(root)
    assert any(".neurons." in box[0] for box in boxes), "no neuron box title found"
    return {
        (title, edge)
        for edge, x, y in edge_points(root)
        for title, left, top, right, bottom in boxes
        if left <= x <= right and top <= y <= bottom
    }


def prediction(sizes: list[int]) -> Value:
    X, _ = nn.moons(10, noise=0.1, seed=1)
    model = nn.MLP(2, sizes, seed=1)
    out = model([Value(X[0][0], label="x[0]"), Value(X[0][1], label="x[1]")])
    out.label = "prediction"
    out.backward()
    return out


@pytest.mark.parametrize(
    ("sizes", "max_nodes", "edge_labels"),
    [([16, 16, 1], 40, False), ([16, 16, 1], 250, False), ([4, 4, 1], None, True)],
)
def test_no_edge_crosses_a_neuron_box_title(sizes, max_nodes, edge_labels) -> None:
    svg = draw_graph(prediction(sizes), max_nodes=max_nodes, edge_labels=edge_labels).svg()
    crossed = {(title, edge) for title, edge in crossed_titles(svg) if ".neurons." in title}
    assert not crossed, sorted(crossed)[:5]


@pytest.mark.parametrize("max_nodes", [8, 24, 40])
def test_no_edge_crosses_a_layer_box_title(max_nodes) -> None:
    # A layer's box holds its summary ("layers.1: affine_relu; 280 more values"); titled by
    # a cluster label, the summary's edges up to the next layer crossed it (1-3 times).
    svg = draw_graph(prediction([16, 16, 1]), max_nodes=max_nodes, edge_labels=True).svg()
    crossed = {(title, edge) for title, edge in crossed_titles(svg) if ".neurons." not in title}
    assert not crossed, sorted(crossed)[:5]


def test_a_neuron_box_is_titled_once_by_its_full_path() -> None:
    source = draw_graph(prediction([3, 1])).source
    for path in ("layers.0.neurons.0", "layers.0.neurons.2", "layers.1.neurons.0"):
        assert source.count(f'label="{path}"') == 1
    assert 'label="layers.1" labeljust=c' in source  # a box of boxes keeps its label
    # layers.0 also holds the inputs x[0], x[1]: titled by a node beside them, once.
    assert source.count('label="layers.0" margin=0 shape=plaintext') == 1
