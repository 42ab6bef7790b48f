"""Array baselines: the benchmark workloads written by hand in NumPy and PyTorch.

Batched replay (a scalar graph recorded once and run over a whole batch as arrays) is
measured against what array code does with the same arithmetic, so these are the bars:

- ``numpy_moons_step`` / ``torch_moons_step``: one step of micrograd's demo (100 moons
  points, ``MLP(2, [16, 16, 1])``, max-margin loss + L2, SGD), full batch, float64; the
  PyTorch one runs on one thread;
- ``numpy_mlp_gradients``: forward and backward of ``sum(outputs)`` over a batch, the
  W3-shaped floor for a batch of MNIST-sized inputs;
- ``network_epoch``: one epoch of the textbook MNIST recipe (``[784, 30, 10]``, sigmoid,
  quadratic cost, SGD on mini-batches of 10, rate 3.0) with per-sample backprop, as the
  well-known NumPy ``network.py`` runs it; ``synthetic_mnist`` makes MNIST-shaped data.

Weights start from ``benchmarks.floor.init_mlp`` (micrograd's draw), so every baseline
can be checked against the floor and the engine on the very same numbers (the tests do).
NumPy and PyTorch are imported inside the functions: the engine itself never needs them.
"""

from __future__ import annotations

import itertools
from typing import Any

from benchmarks.floor import Layer


def numpy_layers(layers: list[Layer]) -> list[tuple[Any, Any]]:
    """The floor's list-of-lists weights as float64 arrays ``(W of shape (out, in), b)``."""
    import numpy as np

    return [(np.array(w, dtype=np.float64), np.array(b, dtype=np.float64)) for w, b in layers]


def numpy_moons_step(
    layers: list[tuple[Any, Any]], X: Any, y: Any, rate: float, alpha: float = 1e-4
) -> tuple[float, float]:
    """One full-batch step of the micrograd demo on arrays; updates ``layers`` in place.

    ``X`` has shape ``(n, 2)``, ``y`` holds labels of +-1. Returns the loss and accuracy
    before the update, as ``benchmarks.floor.moons_step`` does.

    >>> import random; from benchmarks.floor import init_mlp
    >>> import numpy as np
    >>> random.seed(0)
    >>> layers = numpy_layers(init_mlp(2, [4, 1]))
    >>> loss, acc = numpy_moons_step(layers, np.array([[1.0, 0.5], [-1.0, -0.5]]),
    ...                              np.array([1.0, -1.0]), 0.1)
    >>> round(loss, 6), acc
    (1.083583, 0.0)
    """
    import numpy as np

    activations, pre = [X], []
    for index, (w, b) in enumerate(layers):
        z = activations[-1] @ w.T + b
        pre.append(z)
        activations.append(z if index == len(layers) - 1 else np.maximum(z, 0.0))
    scores = activations[-1][:, 0]
    margins = 1.0 - y * scores
    n = len(y)
    squares = sum(float(np.sum(w * w) + np.sum(b * b)) for w, b in layers)
    loss = float(np.sum(np.maximum(margins, 0.0))) / n + alpha * squares
    accuracy = float(np.mean((y > 0) == (scores > 0)))
    delta = np.where(margins > 0, -y / n, 0.0)[:, None]
    for index in range(len(layers) - 1, -1, -1):
        w, b = layers[index]
        grad_w = delta.T @ activations[index] + 2 * alpha * w
        grad_b = delta.sum(axis=0) + 2 * alpha * b
        if index:
            delta = (delta @ w) * (pre[index - 1] > 0)
        w -= rate * grad_w
        b -= rate * grad_b
    return loss, accuracy


def torch_moons_step(
    net: Any, X: Any, y: Any, rate: float, alpha: float = 1e-4
) -> tuple[float, float]:
    """The same step in PyTorch (float64, autograd); ``net`` is ``torch_net``'s Sequential."""
    import torch

    scores = net(X)[:, 0]
    margins = 1.0 - y * scores
    squares = sum((p * p).sum() for p in net.parameters())
    loss = torch.relu(margins).mean() + alpha * squares
    net.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in net.parameters():
            p -= rate * p.grad
    accuracy = ((y > 0) == (scores > 0)).double().mean()
    return loss.item(), accuracy.item()


def torch_net(layers: list[Layer]) -> Any:
    """A float64 ``Sequential`` of Linear + ReLU layers (linear output) with these weights."""
    import torch

    modules: list[Any] = []
    for index, (w, b) in enumerate(layers):
        linear = torch.nn.Linear(len(w[0]), len(w), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(w, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
        modules.append(linear)
        if index < len(layers) - 1:
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


def numpy_mlp_gradients(layers: list[tuple[Any, Any]], X: Any) -> list[tuple[Any, Any]]:
    """d(sum of all outputs over the batch)/d(weights) of a ReLU MLP (linear output).

    >>> import random; from benchmarks.floor import init_mlp, sum_loss_grads
    >>> import numpy as np
    >>> random.seed(0)
    >>> floor = init_mlp(3, [2, 2])
    >>> grads = numpy_mlp_gradients(numpy_layers(floor), np.array([[1.0, 2.0, 3.0]]))
    >>> expected = sum_loss_grads(floor, [1.0, 2.0, 3.0])
    >>> all(np.allclose(g, e, rtol=1e-12) for (g, _), (e, _) in zip(grads, expected))
    True
    """
    import numpy as np

    activations, pre = [X], []
    for index, (w, b) in enumerate(layers):
        z = activations[-1] @ w.T + b
        pre.append(z)
        activations.append(z if index == len(layers) - 1 else np.maximum(z, 0.0))
    delta = np.ones_like(activations[-1])
    grads: list[tuple[Any, Any]] = []
    for index in range(len(layers) - 1, -1, -1):
        w, _ = layers[index]
        grads.append((delta.T @ activations[index], delta.sum(axis=0)))
        if index:
            delta = (delta @ w) * (pre[index - 1] > 0)
    return grads[::-1]


def synthetic_mnist(count: int, seed: int = 0) -> tuple[Any, Any]:
    """``count`` MNIST-shaped samples: 784 pixels in [0, 1] and a label 0-9, learnable.

    Each class is a fixed random prototype image; a sample is its prototype with noise,
    so the classic network learns it (no download: MNIST itself is not shipped).

    >>> X, labels = synthetic_mnist(5)
    >>> X.shape, labels.shape, float(X.min()) >= 0.0, float(X.max()) <= 1.0
    ((5, 784), (5,), True, True)
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    prototypes = rng.random((10, 784)) < 0.2  # about 150 lit pixels, as in a digit
    labels = rng.integers(0, 10, size=count)
    # Each lit pixel at a random intensity, and 5% of the pixels flipped: sparse, as ink is.
    flipped = rng.random((count, 784)) < 0.05
    X = (prototypes[labels] ^ flipped) * rng.uniform(0.5, 1.0, size=(count, 784))
    return X, labels


def network_init(sizes: list[int], seed: int = 0) -> tuple[list[Any], list[Any]]:
    """network.py's initialisation: standard normal weights and biases, one array each."""
    import numpy as np

    rng = np.random.default_rng(seed)
    biases = [rng.standard_normal((n, 1)) for n in sizes[1:]]
    weights = [rng.standard_normal((n, m)) for m, n in itertools.pairwise(sizes)]
    return weights, biases


def network_backprop(
    weights: list[Any], biases: list[Any], x: Any, target: Any
) -> tuple[list[Any], list[Any]]:
    """Gradients of the quadratic cost ``|a - target|^2 / 2`` for one column sample ``x``."""
    import numpy as np

    activation, activations, pres = x, [x], []
    for w, b in zip(weights, biases, strict=True):
        z = w @ activation + b
        pres.append(z)
        activation = 1.0 / (1.0 + np.exp(-z))
        activations.append(activation)
    delta = (activations[-1] - target) * activations[-1] * (1 - activations[-1])
    grad_w, grad_b = [delta @ activations[-2].T], [delta]
    for layer in range(2, len(weights) + 1):
        s = activations[-layer]
        delta = (weights[-layer + 1].T @ delta) * s * (1 - s)
        grad_w.insert(0, delta @ activations[-layer - 1].T)
        grad_b.insert(0, delta)
    return grad_w, grad_b


def network_epoch(
    weights: list[Any], biases: list[Any], X: Any, labels: Any, batch: int = 10, rate: float = 3.0
) -> None:
    """One epoch of network.py's SGD (in order; no shuffle, for reproducible timing)."""
    import numpy as np

    targets = np.eye(10)[labels][:, :, None]
    columns = X[:, :, None]
    for start in range(0, len(X), batch):
        sum_w = [np.zeros_like(w) for w in weights]
        sum_b = [np.zeros_like(b) for b in biases]
        stop = min(start + batch, len(X))
        for i in range(start, stop):
            grad_w, grad_b = network_backprop(weights, biases, columns[i], targets[i])
            sum_w = [s + g for s, g in zip(sum_w, grad_w, strict=True)]
            sum_b = [s + g for s, g in zip(sum_b, grad_b, strict=True)]
        scale = rate / (stop - start)
        for w, s in zip(weights, sum_w, strict=True):
            w -= scale * s
        for b, s in zip(biases, sum_b, strict=True):
            b -= scale * s


def network_accuracy(weights: list[Any], biases: list[Any], X: Any, labels: Any) -> float:
    """The share of samples whose largest output is their label."""
    import numpy as np

    activation = X.T
    for w, b in zip(weights, biases, strict=True):
        activation = 1.0 / (1.0 + np.exp(-(w @ activation + b)))
    return float(np.mean(np.argmax(activation, axis=0) == labels))
