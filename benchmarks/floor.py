"""The floor: an MLP's training step as plain float loops with manual backprop, no graph.

This is what any pure-Python engine is measured against: the same arithmetic as the
micrograd demo (ReLU hidden layers, a linear output, max-margin loss plus L2, SGD) with
weights in lists of floats, dot products in C (``sum(map(mul, w, x))``), and backprop
written by hand: only samples inside the margin are back-propagated, and only neurons
whose ReLU is open pass a gradient on. No engine that builds or replays a graph of scalar
nodes can do less work than this.

Weights are drawn exactly as ``micrograd.nn.MLP`` draws them (one ``random.uniform(-1, 1)``
per weight, neuron by neuron, bias 0), so after ``random.seed(1337)`` the floor starts
from the demo's very weights.
"""

from __future__ import annotations

import random
from operator import mul

Matrix = list[list[float]]
Layer = tuple[Matrix, list[float]]


def init_mlp(nin: int, nouts: list[int]) -> list[Layer]:
    """Weights ``[(W, b), ...]`` drawn from the global ``random`` in micrograd's order."""
    sizes = [nin, *nouts]
    return [
        ([[random.uniform(-1, 1) for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
         [0.0] * sizes[i + 1])
        for i in range(len(nouts))
    ]  # fmt: skip


def forward(layers: list[Layer], x: list[float]) -> tuple[list[list[float]], list[list[float]]]:
    """Activations (input first) and pre-activations of every layer for one input."""
    activations, pre = [x], []
    last = len(layers) - 1
    for index, (weights, biases) in enumerate(layers):
        a = activations[-1]
        z = [sum(map(mul, w, a)) + b for w, b in zip(weights, biases, strict=True)]
        pre.append(z)
        activations.append(z if index == last else [v if v > 0 else 0.0 for v in z])
    return activations, pre


def backward(
    layers: list[Layer],
    grads: list[tuple[Matrix, list[float]]],
    activations: list[list[float]],
    pre: list[list[float]],
    delta: list[float],
) -> None:
    """Add d(loss)/d(weights) for one input into ``grads``, given d(loss)/d(output)."""
    for index in range(len(layers) - 1, -1, -1):
        weights = layers[index][0]
        grad_w, grad_b = grads[index]
        a = activations[index]
        for j, d in enumerate(delta):
            if d:
                grad_w[j] = [g + d * v for g, v in zip(grad_w[j], a, strict=True)]
                grad_b[j] += d
        if index:
            back = [0.0] * len(a)
            for d, w in zip(delta, weights, strict=True):
                if d:
                    back = [s + d * v for s, v in zip(back, w, strict=True)]
            delta = [s if z > 0 else 0.0 for s, z in zip(back, pre[index - 1], strict=True)]


def zeros_like(layers: list[Layer]) -> list[tuple[Matrix, list[float]]]:
    """Gradient buffers shaped like the weights."""
    return [([[0.0] * len(row) for row in w], [0.0] * len(b)) for w, b in layers]


def sgd(layers: list[Layer], grads: list[tuple[Matrix, list[float]]], rate: float) -> None:
    """``p -= rate * grad`` for every weight and bias."""
    for (weights, biases), (grad_w, grad_b) in zip(layers, grads, strict=True):
        for j, (row, grow) in enumerate(zip(weights, grad_w, strict=True)):
            weights[j] = [p - rate * g for p, g in zip(row, grow, strict=True)]
        biases[:] = [p - rate * g for p, g in zip(biases, grad_b, strict=True)]


def moons_step(
    layers: list[Layer], xs: list[list[float]], ys: list[float], rate: float, alpha: float = 1e-4
) -> tuple[float, float]:
    """One step of the micrograd demo: max-margin loss + alpha * L2, full batch, SGD.

    Returns the loss and the accuracy before the update, as the demo prints them.

    >>> random.seed(0)
    >>> layers = init_mlp(2, [4, 1])
    >>> loss, acc = moons_step(layers, [[1.0, 0.5], [-1.0, -0.5]], [1.0, -1.0], 0.1)
    >>> round(loss, 6), acc
    (1.083583, 0.0)
    """
    n = len(xs)
    grads = zeros_like(layers)
    data_loss, correct = 0.0, 0
    for x, y in zip(xs, ys, strict=True):
        activations, pre = forward(layers, x)
        score = activations[-1][0]
        correct += (y > 0) == (score > 0)
        margin = 1.0 - y * score
        if margin > 0:
            data_loss += margin
            backward(layers, grads, activations, pre, [-y / n])
    squares = 0.0
    for (weights, biases), (grad_w, grad_b) in zip(layers, grads, strict=True):
        for row, grow in zip(weights, grad_w, strict=True):
            squares += sum(map(mul, row, row))
            grow[:] = [g + 2 * alpha * p for g, p in zip(grow, row, strict=True)]
        squares += sum(map(mul, biases, biases))
        grad_b[:] = [g + 2 * alpha * p for g, p in zip(grad_b, biases, strict=True)]
    sgd(layers, grads, rate)
    return data_loss / n + alpha * squares, correct / n


def sum_loss_grads(layers: list[Layer], x: list[float]) -> list[tuple[Matrix, list[float]]]:
    """W3: gradients of sum(outputs) for one input (forward and backward).

    >>> random.seed(0)
    >>> grads = sum_loss_grads(init_mlp(3, [2, 2]), [1.0, 2.0, 3.0])
    >>> [len(w) for w, _ in grads]
    [2, 2]
    """
    activations, pre = forward(layers, x)
    grads = zeros_like(layers)
    backward(layers, grads, activations, pre, [1.0] * len(activations[-1]))
    return grads


class Link:
    """One node of W4's floor chain: its number, its gradient and its parent, nothing else.

    A graph of scalars in Python cannot hold less per node; how this chain's time per node
    grows with depth is the interpreter's own (its allocator, caches and collector), and
    the engine's chain is measured against it.
    """

    __slots__ = ("data", "grad", "parent")

    def __init__(self, data: float, parent: Link | None) -> None:
        self.data = data
        self.grad = 0.0
        self.parent = parent


def chain(depth: int, factor: float = 1.0001) -> float:
    """W4's chain ``y = y * factor`` as linked ``Link``s: build it, walk it back; d(y)/d(x).

    >>> chain(2, factor=3.0)
    9.0
    """
    x = Link(1.0, None)
    y = x
    for _ in range(depth):
        y = Link(y.data * factor, y)
    y.grad = 1.0
    node, parent = y, y.parent
    while parent is not None:
        parent.grad += node.grad * factor
        node, parent = parent, parent.parent
    return x.grad
