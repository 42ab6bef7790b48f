"""The array baselines compute what the floor and the engine compute.

``benchmarks/arrays.py`` is the bar batched replay is measured against; a wrong baseline
would make every ratio meaningless, so each is held to the floor or the engine here.
"""

from __future__ import annotations

import doctest
import random

import pytest

np = pytest.importorskip("numpy", reason="the array baselines need numpy (notebooks extra)")

import benchmarks.arrays  # noqa: E402
from autograd_engine import Value  # noqa: E402
from benchmarks.arrays import (  # noqa: E402
    network_accuracy,
    network_backprop,
    network_epoch,
    network_init,
    numpy_layers,
    numpy_mlp_gradients,
    numpy_moons_step,
    synthetic_mnist,
    torch_moons_step,
    torch_net,
)
from benchmarks.floor import init_mlp, moons_step, sum_loss_grads  # noqa: E402


def test_doctests() -> None:
    assert doctest.testmod(benchmarks.arrays).failed == 0


def moons_batch(seed: int, n: int = 30) -> tuple[list[list[float]], list[float]]:
    rng = random.Random(seed)
    xs = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(n)]
    return xs, [rng.choice([-1.0, 1.0]) for _ in range(n)]


def flat(layers) -> list[float]:
    return [
        float(v) for w, b in layers for row, bias in zip(w, b, strict=True) for v in [*row, bias]
    ]


def test_numpy_moons_steps_follow_the_floor() -> None:
    random.seed(3)
    floor = init_mlp(2, [8, 8, 1])
    arrays = numpy_layers(floor)
    xs, ys = moons_batch(1)
    for k in range(5):
        want = moons_step(floor, xs, ys, 1.0 - 0.1 * k)
        got = numpy_moons_step(arrays, np.array(xs), np.array(ys), 1.0 - 0.1 * k)
        assert got == pytest.approx(want, rel=1e-12)
    assert flat(arrays) == pytest.approx(flat(floor), rel=1e-11, abs=1e-14)


def test_torch_moons_steps_follow_numpy() -> None:
    torch = pytest.importorskip("torch", reason="needs the torch extra")
    random.seed(5)
    floor = init_mlp(2, [8, 8, 1])
    arrays, net = numpy_layers(floor), torch_net(floor)
    xs, ys = moons_batch(2)
    for k in range(5):
        want = numpy_moons_step(arrays, np.array(xs), np.array(ys), 0.5)
        got = torch_moons_step(
            net, torch.tensor(xs, dtype=torch.float64), torch.tensor(ys, dtype=torch.float64), 0.5
        )
        assert got == pytest.approx(want, rel=1e-12), k
    weights = [(layer.weight.detach().numpy(), layer.bias.detach().numpy()) for layer in net[::2]]
    assert flat(weights) == pytest.approx(flat(arrays), rel=1e-11, abs=1e-14)


def test_batch_gradients_are_the_sum_of_per_sample_floor_gradients() -> None:
    random.seed(6)
    floor = init_mlp(5, [4, 3])
    batch = [[random.uniform(-1, 1) for _ in range(5)] for _ in range(7)]
    got = numpy_mlp_gradients(numpy_layers(floor), np.array(batch))
    per_sample = [sum_loss_grads(floor, x) for x in batch]
    for layer, (grad_w, grad_b) in enumerate(got):
        assert grad_w == pytest.approx(sum(np.array(g[layer][0]) for g in per_sample), rel=1e-12)
        assert grad_b == pytest.approx(sum(np.array(g[layer][1]) for g in per_sample), rel=1e-12)


def test_network_backprop_matches_the_engine() -> None:
    weights, biases = network_init([6, 4, 3], seed=1)
    x = np.random.default_rng(2).random((6, 1))
    target = np.eye(3)[1][:, None]
    grad_w, grad_b = network_backprop(weights, biases, x, target)
    ws = [[[Value(v) for v in row] for row in w] for w in weights]
    bs = [[Value(v) for v in b[:, 0]] for b in biases]
    activation: list = [float(v) for v in x[:, 0]]
    for w, b in zip(ws, bs, strict=True):
        activation = [
            (bias + sum(wi * a for wi, a in zip(row, activation, strict=True))).sigmoid()
            for row, bias in zip(w, b, strict=True)
        ]
    cost = sum((a - t) ** 2 for a, t in zip(activation, target[:, 0], strict=True)) * 0.5
    cost.backward()
    for layer in range(2):
        assert grad_w[layer] == pytest.approx(
            np.array([[v.grad for v in row] for row in ws[layer]]), rel=1e-12
        )
        assert grad_b[layer][:, 0] == pytest.approx([v.grad for v in bs[layer]], rel=1e-12)


def test_network_recipe_learns_synthetic_mnist() -> None:
    X, labels = synthetic_mnist(1000, seed=3)
    weights, biases = network_init([784, 30, 10], seed=4)
    before = network_accuracy(weights, biases, X, labels)
    network_epoch(weights, biases, X, labels)
    after = network_accuracy(weights, biases, X, labels)
    assert after > before + 0.3  # from chance (~0.1) to well above it in one epoch
