"""The textbook matrix formulation of backpropagation in NumPy: an oracle for the engine.

Test-support code, independent of the engine and of ``nn``. A batch of n inputs is the
rows of ``X``; layer l has a weight matrix ``W_l`` (fan-in x fan-out) and a bias row
``b_l``. With ``Z_0 = X``:

    forward    A_l = Z_{l-1} W_l + b_l,        Z_l = sigma_l(A_l)
    output     delta_L = dL/dZ_L (*) sigma_L'(A_L)
    gradients  dL/dW_l = Z_{l-1}^T delta_l,    dL/db_l = column sums of delta_l
    backward   delta_{l-1} = (delta_l W_l^T) (*) sigma_{l-1}'(A_{l-1})

where (*) is the element-wise product and L sums the per-example losses over the batch.
The engine reaches the same numbers one scalar edge at a time; the tests compare them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

Array = np.ndarray


def _sigmoid(a: Array) -> Array:
    # Two-sided, like the engine's, so large |a| neither overflows nor loses precision.
    out = np.empty_like(a)
    positive = a >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-a[positive]))
    e = np.exp(a[~positive])
    out[~positive] = e / (1.0 + e)
    return out


# name -> (sigma, sigma' expressed through A and Z = sigma(A))
ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]] = {
    "sigmoid": (_sigmoid, lambda a, z: z * (1.0 - z)),
    "tanh": (np.tanh, lambda a, z: 1.0 - z * z),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a, z: (a > 0).astype(float)),
    "linear": (lambda a: a, lambda a, z: np.ones_like(a)),
}


@dataclass
class MatrixNetwork:
    """Weights ``W_l`` (fan-in x fan-out), biases ``b_l`` and one activation name per layer."""

    weights: list[Array]
    biases: list[Array]
    activations: list[str]

    @property
    def sizes(self) -> list[int]:
        return [self.weights[0].shape[0], *(w.shape[1] for w in self.weights)]


def random_network(
    sizes: Sequence[int], activations: Sequence[str], rng: np.random.Generator
) -> MatrixNetwork:
    """A network with weights and biases drawn from N(0, 1)."""
    if len(activations) != len(sizes) - 1:
        raise ValueError("one activation per layer")
    weights = [rng.standard_normal((m, n)) for m, n in pairwise(sizes)]
    biases = [rng.standard_normal(n) for n in sizes[1:]]
    return MatrixNetwork(weights, biases, list(activations))


def forward(net: MatrixNetwork, x: Array) -> tuple[list[Array], list[Array]]:
    """``(As, Zs)``: pre-activations ``A_1..A_L`` and activations ``Z_0 = X, Z_1..Z_L``."""
    pre: list[Array] = []
    post: list[Array] = [x]
    for w, b, name in zip(net.weights, net.biases, net.activations, strict=True):
        a = post[-1] @ w + b
        pre.append(a)
        post.append(ACTIVATIONS[name][0](a))
    return pre, post


# ---- losses: summed over the batch; each returns (L, dL/dZ_L) -------------------------


def squared_error(z: Array, y: Array) -> tuple[float, Array]:
    """Per example, the mean over outputs of (z - y)^2 (``nn``'s ``mse``); summed over rows."""
    k = z.shape[1]
    diff = z - y
    return float(np.sum(diff * diff) / k), 2.0 * diff / k


def softmax_cross_entropy(z: Array, y: Array) -> tuple[float, Array]:
    """Per example, -sum_k y_k log softmax(z)_k on logits ``z``; summed over rows."""
    shifted = z - z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_softmax = shifted - log_norm
    probabilities = np.exp(log_softmax)
    # d/dz of -sum y log softmax(z) is softmax(z) * sum(y) - y (sum(y) = 1 for one-hot).
    grad = probabilities * y.sum(axis=1, keepdims=True) - y
    return float(-np.sum(y * log_softmax)), grad


LOSSES = {"squared_error": squared_error, "softmax_cross_entropy": softmax_cross_entropy}


def backprop(
    net: MatrixNetwork, x: Array, y: Array, loss: str
) -> tuple[float, list[Array], list[Array]]:
    """The loss summed over the batch and its gradient for every ``W_l`` and ``b_l``."""
    pre, post = forward(net, x)
    value, dz = LOSSES[loss](post[-1], y)
    layers = len(net.weights)
    grad_w: list[Array] = [np.empty(0)] * layers
    grad_b: list[Array] = [np.empty(0)] * layers
    derivative = ACTIVATIONS[net.activations[-1]][1]
    delta = dz * derivative(pre[-1], post[-1])
    for l in reversed(range(layers)):  # noqa: E741 - the textbook's layer index
        grad_w[l] = post[l].T @ delta
        grad_b[l] = delta.sum(axis=0)
        if l > 0:
            derivative = ACTIVATIONS[net.activations[l - 1]][1]
            delta = (delta @ net.weights[l].T) * derivative(pre[l - 1], post[l])
    return value, grad_w, grad_b


def sgd_step(
    net: MatrixNetwork, x: Array, y: Array, loss: str, learning_rate: float
) -> MatrixNetwork:
    """One averaged mini-batch step: w <- w - (eta / m) * sum of the m examples' gradients."""
    m = x.shape[0]
    _, grad_w, grad_b = backprop(net, x, y, loss)
    weights = [w - (learning_rate / m) * g for w, g in zip(net.weights, grad_w, strict=True)]
    biases = [b - (learning_rate / m) * g for b, g in zip(net.biases, grad_b, strict=True)]
    return MatrixNetwork(weights, biases, list(net.activations))


# ---- the same numbers in ``nn``'s state-dict layout ------------------------------------
# ``nn.MLP`` names neuron j of layer l's weights "layers.l.neurons.j.w" (one per input
# i, i.e. column j of W_l) and its bias "layers.l.neurons.j.b". These two conversions let
# a test or notebook load the matrices into a model and read its gradients back as
# matrices, without this module importing ``nn``.


def to_state(weights: Sequence[Array], biases: Sequence[Array]) -> dict[str, object]:
    """Matrices as an ``nn.MLP`` state dict (for ``load_state_dict``)."""
    state: dict[str, object] = {}
    for l, (w, b) in enumerate(zip(weights, biases, strict=True)):  # noqa: E741
        for j in range(w.shape[1]):
            state[f"layers.{l}.neurons.{j}.w"] = [float(v) for v in w[:, j]]
            state[f"layers.{l}.neurons.{j}.b"] = float(b[j])
    return state


def from_state(state: dict[str, object], sizes: Sequence[int]) -> tuple[list[Array], list[Array]]:
    """An ``nn.MLP``-layout dict of numbers (weights or gradients) as ``(W_l, b_l)`` lists."""
    weights, biases = [], []
    for l, (m, n) in enumerate(pairwise(sizes)):  # noqa: E741
        columns = [state[f"layers.{l}.neurons.{j}.w"] for j in range(n)]
        weights.append(np.array(columns, dtype=float).reshape(n, m).T)
        biases.append(np.array([state[f"layers.{l}.neurons.{j}.b"] for j in range(n)], dtype=float))
    return weights, biases
