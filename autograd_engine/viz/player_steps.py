"""The player's steps: what each forward and backward step changes in the picture.

A step is a plain dict, as the page's script reads it from JSON: ``phase`` (forward or
backward), ``node`` (the DOT name of the node outlined), ``text`` (the arithmetic shown),
``data`` and ``grad`` (the numbers, by DOT name, that the step sets). Backward steps come
from ``backward_steps`` (the engine's own sweep); inside an expanded neuron its parts are
named as ``dot_chain`` names them (``v5p0`` a product, ``v5s`` the sum).
"""

from __future__ import annotations

from typing import Any

from autograd_engine.graph import interior_order
from autograd_engine.reading_names import generated, reading_names
from autograd_engine.stepper import Frame, backward_steps
from autograd_engine.value import Value
from autograd_engine.viz.display import draw_graph
from autograd_engine.viz.expand import expand
from autograd_engine.viz.labels import format_number


def record(root: Value, options: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    """Every step's changes (data, grads, the node and its edges) and the final picture."""
    order = interior_order(root)  # inputs before the nodes made from them
    options.setdefault("max_nodes", None)
    frames = list(backward_steps(root, expand_neurons=options.pop("expand_neurons", None)))
    expanded = frames[0]._history.expanded if frames else False
    called = reading_names(root)  # the texts' names, the same as the frames' explanations
    options.setdefault("names", generated(called))
    graph = draw_graph(root, expand_neurons=expanded, **options)
    names = graph.node_names
    steps = [
        step for node in reversed(order) for step in _forward_steps(node, names, called, expanded)
    ]
    products: dict[Value, int] = {}  # an expanded neuron's product steps so far
    for frame in frames:
        node, inputs = _backward_names(frame, names, products)
        shown = {n: format_number(g) for n, g in zip(inputs, frame.parent_grads, strict=True)}
        if frame.step == 1:
            shown[names[root]] = format_number(frame.upstream)
        text = frame.explanation
        steps.append({"phase": "backward", "node": node, "text": text, "data": {}, "grad": shown})
    return steps, graph


def _forward_steps(
    node: Value, names: dict[Value, str], called: dict[Value, str], expanded: bool
) -> list[dict[str, Any]]:
    """The forward step of a node; an expanded neuron's products and sum come first.

    ``names`` are the DOT names (what the page's script finds nodes by), ``called`` what
    the text calls each node (``reading_names``).
    """
    chain = expand(node, node.grad) if expanded else None
    name = names[node]
    inputs = ", ".join(called[p] for p in node.parents)
    if chain is None:
        text = f"forward: {called[node]} = {node.op} of ({inputs}) = {format_number(node.data)}"
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
    text = f"forward: {called[node]} = {chain.activation or '+'} of ({inputs}) = "
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


def start_state(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Before step 1: interior data unknown, every gradient zero."""
    interior = [s["node"] for s in steps if s["phase"] == "forward"]
    return {"unknown": interior}
