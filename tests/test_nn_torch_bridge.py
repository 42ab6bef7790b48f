"""nn.torch_bridge: to_torch gives the same function to 1e-12, from_torch reads it back."""

from __future__ import annotations

import random
import sys

import pytest

from autograd_engine import Value, grad
from nn import ACTIVATIONS, MLP, Neuron, from_torch, to_torch

torch = pytest.importorskip("torch")

BRIDGED = ["relu", "tanh", "sigmoid", "linear", "leaky_relu", "softplus"]


def test_every_named_activation_is_bridged() -> None:
    assert sorted(BRIDGED) == sorted(ACTIVATIONS)


def points(count: int, nin: int, seed: int = 0) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-3, 3) for _ in range(nin)] for _ in range(count)]


@pytest.mark.parametrize("activation", BRIDGED)
@pytest.mark.parametrize("output_activation", ["linear", "sigmoid"])
def test_to_torch_computes_the_same_function(activation, output_activation) -> None:
    model = MLP(3, [6, 5, 2], activation, output_activation, init="xavier", seed=1)
    for p in model.parameters():
        p.data += 0.1  # non-zero biases too
    net = to_torch(model)
    xs = points(20, 3)
    theirs = net(torch.tensor(xs, dtype=torch.float64)).tolist()
    ours = [[v.data for v in model(x)] for x in xs]
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine == pytest.approx(reference, rel=1e-12, abs=1e-12)


def test_softplus_agrees_where_torch_default_threshold_would_not() -> None:
    model = MLP(1, [1, 1], "softplus", seed=0)
    model.layers[0].neurons[0].w[0].data = 1.0
    model.layers[1].neurons[0].w[0].data = 1.0
    net = to_torch(model)
    for x in (21.0, 30.0, 39.0, 45.0, 800.0, -800.0):
        reference = net(torch.tensor([x], dtype=torch.float64)).item()
        assert model([x]).data == pytest.approx(reference, rel=1e-15, abs=1e-300)


def test_gradients_agree_too() -> None:
    model = MLP(2, [4, 1], "tanh", seed=0)
    net = to_torch(model)
    x = [0.3, -1.2]
    out = model(x)
    ours = grad(out, model.parameters())
    net(torch.tensor(x, dtype=torch.float64)).sum().backward()
    theirs = []
    for layer in (net[0], net[2]):
        for row, bias in zip(layer.weight.grad.tolist(), layer.bias.grad.tolist(), strict=True):
            theirs += [*row, bias]  # micrograd's order: a neuron's weights, then its bias
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_round_trip_is_exact() -> None:
    model = MLP(2, [5, 3, 1], "tanh", "sigmoid", seed=3)
    back = from_torch(to_torch(model))
    assert back.state_dict() == model.state_dict()
    assert back.architecture() == model.architecture()


def test_from_torch_reads_a_trained_torch_model() -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
    ).double()
    model = from_torch(net)
    assert model.architecture()["nouts"] == [8, 3]
    for x in points(10, 2):
        reference = net(torch.tensor(x, dtype=torch.float64)).tolist()
        assert [v.data for v in model(x)] == pytest.approx(reference, rel=1e-12, abs=1e-12)


def test_from_torch_float32_and_no_bias_and_identity() -> None:
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 3, bias=False), torch.nn.Identity(), torch.nn.Linear(3, 1)
    )
    model = from_torch(net)
    assert [n.b.data for n in model.layers[0].neurons] == [0.0, 0.0, 0.0]
    assert model.layers[0].activation == "linear"
    weight = net[0].weight.detach().double().tolist()
    assert [[w.data for w in n.w] for n in model.layers[0].neurons] == weight


@pytest.mark.parametrize(
    ("modules", "error", "message"),
    [
        (lambda: [torch.nn.Linear(2, 3), torch.nn.GELU()], TypeError, "cannot convert GELU"),
        (lambda: [torch.nn.ReLU(), torch.nn.Linear(2, 3)], ValueError, "must follow a Linear"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)], ValueError, "takes 4 inputs"),
        (
            lambda: [
                torch.nn.Linear(2, 3),
                torch.nn.ReLU(),
                torch.nn.Linear(3, 3),
                torch.nn.Tanh(),
                torch.nn.Linear(3, 1),
            ],
            ValueError,
            "mix activations",
        ),
        (lambda: [], ValueError, "no Linear layer"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.2)], TypeError, "LeakyReLU"),
    ],
)
def test_from_torch_refuses_what_an_mlp_cannot_hold(modules, error, message) -> None:
    with pytest.raises(error, match=message):
        from_torch(torch.nn.Sequential(*modules()))


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match=r"converts an nn\.MLP, got Neuron"):
        to_torch(Neuron(2))
    with pytest.raises(TypeError, match=r"reads a torch\.nn\.Sequential, got Linear"):
        from_torch(torch.nn.Linear(2, 1))
    custom = MLP(2, [1], activation=lambda v: v * Value(2.0), seed=0)
    custom_hidden = MLP(2, [2, 1], activation=lambda v: v, seed=0)
    assert to_torch(custom)  # a linear output layer needs no activation module
    with pytest.raises(TypeError, match="has no PyTorch equivalent"):
        to_torch(custom_hidden)


def test_missing_torch_gives_a_clear_message(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"needs torch: pip install 'autograd-engine\[torch\]'"):
        to_torch(MLP(2, [1]))
