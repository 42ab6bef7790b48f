"""DOT for the boxes of a drawing: their order, their look and their titles.

A box with Values of its own (a neuron, ``layers.0.neurons.8``) is titled by a text node
inside it, on the rank of its last Value (the neuron's output), not by a cluster label.
Graphviz routes edges around nodes but not around cluster labels, so a label at the top
of a box is crossed by every edge that runs between the boxes stacked above and below it
(inputs fanning out to sixteen neurons cross all their titles); a node is never crossed.
A box that also holds Values of its own, or the summary of the Values left out of it
(``layers.1: affine_relu; 280 more values``), is titled the same way, by a node beside
that summary: with a label, the edges from the summary up to the next layer crossed it
(1-3 crossings in 3 of 40 renders). A box that holds only other boxes keeps a label,
centred: a title node would land among its children.
"""

from __future__ import annotations

from autograd_engine.viz import labels
from autograd_engine.viz.clusters import Summary
from autograd_engine.viz.labels import attributes
from autograd_engine.viz.layout_budget import Plan, Unit


def cluster_keys(plan: Plan, members: dict[str | None, list[Unit]]) -> dict[str, tuple[int, str]]:
    """Sort key per cluster: the position of the first unit drawn in it or below it."""
    first: dict[str, int] = {}
    starts = []
    for path, units in members.items():
        unit = units[0]
        starts.append((unit.position if isinstance(unit, Summary) else plan.index[unit], path))
    # Earliest first: once a cluster has a position, so do all that enclose it, and the
    # walk up stops there (linear however deep the clusters nest).
    for position, path in sorted(starts, key=lambda s: s[0]):
        up = path
        while up is not None and up not in first:
            first[up] = position
            up = plan.cluster_parent[up]
    return {path: (first.get(path, 0), path) for path in plan.cluster_parent}


def cluster_attributes(path: str, *, titled_by_node: bool) -> str:
    """The attribute line of a box: dashed, rounded, and its label unless a node titles it.

    >>> cluster_attributes("layers.0", titled_by_node=False)
    'color="#868e96" fontcolor="#868e96" label="layers.0" labeljust=c style="dashed,rounded"'
    """
    attrs = {"color": labels.CLUSTER_COLOUR, "style": "dashed,rounded"}
    if titled_by_node:
        attrs["label"] = ""  # a box inherits its parent's label unless it says otherwise
    else:
        # Centred: a box inherits the caption's labeljust=l otherwise, and its top-left
        # corner is where edges from the left come in.
        attrs.update(fontcolor=labels.CLUSTER_COLOUR, label=labels.escape_text(path))
        attrs["labeljust"] = "c"
    return attributes(attrs)


def title_lines(number: int, path: str, anchor: str) -> list[str]:
    """The title node of box ``number`` and the rank it shares with node ``anchor``.

    >>> node, rank = title_lines(3, "layers.0.neurons.8", "v12")
    >>> node.split(" label=")[1]
    '"layers.0.neurons.8" margin=0 shape=plaintext style=solid]\\n'
    >>> rank
    '{rank=same; t3; v12}\\n'

    """
    attrs = {"fontcolor": labels.CLUSTER_COLOUR, "fontsize": "11", "height": "0.2"}
    attrs.update(label=labels.escape_text(path), margin="0", shape="plaintext", style="solid")
    return [f"t{number} [{attributes(attrs)}]\n", f"{{rank=same; t{number}; {anchor}}}\n"]
