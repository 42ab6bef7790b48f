"""Step-through backward: watch backpropagation handle one node at a time.

``backward_steps(root)`` runs the reference sweep (``backprop``) one node at a time, in
the order ``root.backward()`` uses, so it gives backward's gradients to the last bit and stops after
every op node to yield a ``Frame``: the node, the gradient it received, its local
derivatives, what each input got and the input's gradient afterwards, with a one-line
explanation. A frame draws itself like a graph, with the gradients as they were at that
step, the node outlined and its edges labelled with the chain-rule arithmetic.

A fused neuron (one ``affine`` node) can be stepped as the lecture steps it: the
activation passes its gradient to the sum, the sum to the bias and each product ``w·x``,
each product to its weight and input. Those frames' numbers come from the fused node (the
intermediates are not built), and the leaves end with the fused sweep's own gradients.

Each frame is a ``Frame`` (``frames.py``); drawing is imported only when a frame is drawn,
so stepping needs no Graphviz.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autograd_engine.backprop import IN_NODES, backprop, local_derivatives
from autograd_engine.floats import to_float
from autograd_engine.frames import Frame, History
from autograd_engine.graph import interior_order
from autograd_engine.nary import SUM
from autograd_engine.ops import MUL
from autograd_engine.reading_names import reading_names
from autograd_engine.value import Value

__all__ = ["Frame", "backward_steps"]

_SHOWN_EDGES = 4  # inputs spelled out in an explanation before "and N more"


def backward_steps(
    root: Value, grad: float = 1.0, *, expand_neurons: bool | None = None
) -> Iterator[Frame]:
    """Run ``root.backward(grad)`` one op node at a time, yielding a ``Frame`` after each.

    Gradients change as the iterator advances, exactly as ``backward`` changes them
    (interior nodes start from zero, leaves accumulate); once it is exhausted they equal
    what ``backward`` gives.

    ``expand_neurons`` steps each fused neuron as its chain (activation, sum, products;
    see the module docstring): ``None`` does so when the graph is small enough to read
    drawn that way (as ``draw_graph`` decides), ``True`` or ``False`` forces either.

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

    A neuron stepped as the lecture does: activation, sum, then each product.

    >>> from autograd_engine import affine
    >>> w, b, x = Value(-3.0, label="w"), Value(7.0, label="b"), Value(2.0, label="x")
    >>> o = affine((w, b), (x,), "tanh")
    >>> o.label = "o"
    >>> [frame.part for frame in backward_steps(o, expand_neurons=True)]
    ['tanh', 'b + Σ w·x', 'x·w']
    >>> round(w.grad, 4)
    0.8399
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps: root must be a Value, got {type(root).__name__} {root!r}")
    if expand_neurons is not None and not isinstance(expand_neurons, bool):
        raise TypeError(
            f"backward_steps: expand_neurons must be True, False or None, got {expand_neurons!r}"
        )
    return _steps(root, to_float(grad), expand_neurons)


def _steps(root: Value, grad: float, expand_neurons: bool | None) -> Iterator[Frame]:
    """The generator behind ``backward_steps`` (arguments already checked)."""
    from autograd_engine.viz.expand import EXPAND_LIMIT, expand  # no Graphviz behind it

    order = interior_order(root)
    for node in order:
        node.grad = 0.0
    root.grad += grad
    history = History(root, reading_names(root))
    name = history.names.__getitem__
    chains = {node: expand(node, 0.0) for node in order}
    added = sum(chain.added() for chain in chains.values() if chain is not None)
    wanted = (
        len(history.initial) + added <= EXPAND_LIMIT if expand_neurons is None else expand_neurons
    )
    history.expanded = wanted and added > 0
    if history.expanded:
        history.initial_parts = {node: (0.0, 0.0) for node, c in chains.items() if c is not None}
    total = len(order) + (added if history.expanded else 0)
    step = 0
    for node in order:
        upstream = node.grad
        before = {parent: parent.grad for parent in node.parents}
        backprop([node], IN_NODES)  # the reference sweep's step: the bits backward() gives
        if history.expanded and chains[node] is not None:
            for frame in _neuron_frames(node, upstream, before, step, total, history):
                step += 1
                yield frame
            continue
        step += 1
        parents = node.parents
        history.changes.append([(parent, parent.grad) for parent in dict.fromkeys(parents)])
        history.part_changes.append(None)
        local = local_derivatives(node)
        inputs = [(parent, name(parent)) for parent in parents]
        head = (f"{step}/{total}", name(node), str(node.op))
        yield Frame(
            step=step,
            total=total,
            node=node,
            upstream=upstream,
            local=local,
            contributions=tuple(upstream * d for d in local),
            parent_grads=tuple(parent.grad for parent in parents),
            explanation=_explain(head, inputs, upstream, local, before),
            _history=history,
            inputs=parents,
        )


def _neuron_frames(
    node: Value,
    upstream: float,
    before: dict[Value, float],
    done: int,
    total: int,
    history: History,
) -> Iterator[Frame]:
    """The steps of one fused neuron, already swept: activation, sum, each product.

    Each step's numbers follow from the fused node (``viz.expand``); the leaves' running
    gradients add the same terms the fused rule adds, and after the last step every
    input holds exactly what the sweep gave it.
    """
    from autograd_engine.viz.expand import SUM_LABEL, expand

    chain = expand(node, upstream)
    assert chain is not None  # the caller expanded this node
    name_of = history.names.__getitem__
    n = chain.n
    weights, bias, xs = node.parents[:n], node.parents[n], node.parents[n + 1 :]
    received = upstream * chain.slope  # what the sum and every product receive
    # (output name, op, inputs, local derivatives, upstream) per step
    steps: list[tuple[str, str, list[Value | str], tuple[float, ...], float]] = []
    if chain.total is not None:
        total_name = chain.total.label
        steps.append((name_of(node), chain.activation, [total_name], (chain.slope,), upstream))
    else:
        total_name = name_of(node)  # a linear neuron is its sum
    names: list[Value | str] = [bias, *(part.label for part in chain.products)]
    # Local derivatives from the table's rules at g = 1: the sum's, then each product's.
    operands = [bias.data, *(w.data * x.data for w, x in zip(weights, xs, strict=True))]
    steps.append((total_name, "+", names, _local(SUM.spec, *operands), received))
    for part, w, x in zip(chain.products, weights, xs, strict=True):
        steps.append((part.label, "*", [w, x], _local(MUL.spec, w.data, x.data), received))
    sum_step = 0 if chain.total is None else 1  # the step that reaches the products
    running: dict[Any, float] = dict(before)
    for k, (name, op, inputs, local, up) in enumerate(steps):
        step = done + k + 1
        pairs = [(item, item if isinstance(item, str) else name_of(item)) for item in inputs]
        explanation = _explain((f"{step}/{total}", name, op), pairs, up, local, running)
        for item, d in zip(inputs, local, strict=True):
            running[item] = running.get(item, 0.0) + up * d
        values = [item for item in dict.fromkeys(inputs) if isinstance(item, Value)]
        last = k == len(steps) - 1
        if last:  # the sweep's own bits, whatever order the fused rule added in
            values = list(dict.fromkeys(node.parents))
            running.update((v, v.grad) for v in values)
        history.changes.append([(v, running[v]) for v in values])
        held = (received, received if k >= sum_step else 0.0)
        history.part_changes.append((node, None if last else held))
        yield Frame(
            step=step,
            total=total,
            node=node,
            upstream=up,
            local=local,
            contributions=tuple(up * d for d in local),
            parent_grads=tuple(running[item] for item in inputs),
            explanation=explanation,
            _history=history,
            inputs=tuple(inputs),
            part=chain.activation if k < sum_step else (name if k > sum_step else SUM_LABEL),
        )


def _local(spec: Any, *inputs: float) -> tuple[float, ...]:
    """d(op)/d(input) for each input: ``spec``'s rule at upstream gradient 1."""
    return tuple(spec.rule(1.0, spec.forward(*inputs), *inputs))


def _number(x: float) -> str:
    from autograd_engine.viz.labels import format_number  # string helpers, no Graphviz

    return format_number(x)


def _explain(
    head: tuple[str, str, str],
    inputs: list[tuple[Any, str]],
    upstream: float,
    local: tuple[float, ...],
    before: dict[Any, float],
) -> str:
    """One line: who passes which gradient, and what each input receives.

    ``head`` is (counter, the step's output's name, its op); ``inputs`` pairs each input
    (a Value, or an expanded neuron's intermediate by name) with how it is named.
    """
    counter, name, op = head
    shown = ", ".join(label for _, label in inputs[:_SHOWN_EDGES])
    if len(inputs) > _SHOWN_EDGES:
        shown += ", …"
    running = dict(before)  # each input's gradient as the step adds to it, edge by edge
    parts = []
    for i, ((item, label), d) in enumerate(zip(inputs, local, strict=True)):
        contribution = upstream * d
        running[item] = running.get(item, 0.0) + contribution
        if i < _SHOWN_EDGES:
            parts.append(
                f"{label}.grad += {_number(upstream)} × {_number(d)} = "
                f"{_number(contribution)} → {_number(running[item])}"
            )
    if len(inputs) > _SHOWN_EDGES:
        parts.append(f"and {len(inputs) - _SHOWN_EDGES} more inputs")
    return f"{counter} {name} = {op} of ({shown}), grad {_number(upstream)}: " + "; ".join(parts)
