"""Carrying an ``MLP`` to PyTorch and back: ``to_torch`` and ``from_torch``.

A user who outgrows scalar graphs keeps the trained weights: ``to_torch(model)`` gives a
``torch.nn.Sequential`` of float64 ``Linear`` layers and activation modules computing
the same function (to rounding), and ``from_torch`` reads such a Sequential back into an
``MLP``. torch is imported only when these functions are called.

The one activation whose PyTorch module differs from the engine's op is softplus:
``torch.nn.Softplus`` returns ``x`` unchanged above ``threshold`` (20 by default), an
error of up to 2e-9. Above 40 the true value differs from ``x`` by less than a float64
rounding step, so the bridge uses ``threshold=40``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nn.layers import MLP

_MISSING = "the PyTorch bridge needs torch: pip install 'autograd-engine[torch]'"
_SOFTPLUS_THRESHOLD = 40.0
_LEAKY_SLOPE = 0.01  # the slope nn's "leaky_relu" activation uses


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(_MISSING) from None
    return torch


# Each nn activation name (a layer's kind) -> its torch module, built from the torch
# package; linear has none (a Linear layer alone computes b + w . x). Every name in
# nn.ACTIVATIONS is here, checked by the tests with or without torch installed.
TORCH_ACTIVATIONS: dict[str, Callable[[Any], Any] | None] = {
    "linear": None,
    "relu": lambda torch: torch.nn.ReLU(),
    "tanh": lambda torch: torch.nn.Tanh(),
    "sigmoid": lambda torch: torch.nn.Sigmoid(),
    "leaky_relu": lambda torch: torch.nn.LeakyReLU(_LEAKY_SLOPE),
    "softplus": lambda torch: torch.nn.Softplus(beta=1.0, threshold=_SOFTPLUS_THRESHOLD),
}


def _torch_activation(torch: Any, name: str) -> Any:
    """The torch module for an nn activation name; None for linear."""
    if name not in TORCH_ACTIVATIONS:
        raise TypeError(f"to_torch: activation {name!r} has no PyTorch equivalent here")
    build = TORCH_ACTIVATIONS[name]
    return None if build is None else build(torch)


def to_torch(model: MLP) -> Any:
    """An equivalent ``torch.nn.Sequential`` (float64 ``Linear`` + activation modules).

    >>> import torch
    >>> from nn import MLP
    >>> model = MLP(2, [3, 1], seed=0)
    >>> net = to_torch(model)
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    >>> x = [0.5, -1.0]
    >>> abs(net(torch.tensor(x, dtype=torch.float64)).item() - model(x).data) < 1e-12
    True
    """
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch converts an nn.MLP, got {type(model).__name__}")
    torch = _torch()
    modules = []
    for layer in model.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        weights = [[w.data for w in neuron.w] for neuron in layer.neurons]
        biases = [neuron.b.data for neuron in layer.neurons]
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        activation = _torch_activation(torch, layer.activation)
        if activation is not None:
            modules.append(activation)
    return torch.nn.Sequential(*modules)


def _activation_name(torch: Any, module: Any) -> str:
    """The nn activation name for a torch activation module, or TypeError naming it."""
    nn = torch.nn
    if isinstance(module, nn.ReLU):
        return "relu"
    if isinstance(module, nn.Tanh):
        return "tanh"
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, nn.LeakyReLU) and module.negative_slope == _LEAKY_SLOPE:
        return "leaky_relu"
    if isinstance(module, nn.Softplus) and module.beta == 1:
        return "softplus"
    raise TypeError(
        f"from_torch: cannot convert {module!r} (supported: Linear, ReLU, Tanh, "
        f"Sigmoid, LeakyReLU({_LEAKY_SLOPE}), Softplus(beta=1), Identity)"
    )


def _read_layers(torch: Any, sequential: Any) -> list[tuple[Any, str]]:
    """``(linear, activation name)`` for each Linear, checking the modules in between."""
    layers: list[tuple[Any, str]] = []
    for module in sequential:
        if isinstance(module, torch.nn.Identity):
            continue
        if isinstance(module, torch.nn.Linear):
            if layers and layers[-1][0].out_features != module.in_features:
                raise ValueError(
                    f"from_torch: {module!r} takes {module.in_features} inputs but the "
                    f"layer before gives {layers[-1][0].out_features}"
                )
            layers.append((module, "linear"))
            continue
        name = _activation_name(torch, module)
        if not layers or layers[-1][1] != "linear":
            raise ValueError(f"from_torch: {module!r} must follow a Linear layer")
        layers[-1] = (layers[-1][0], name)
    if not layers:
        raise ValueError("from_torch: the Sequential holds no Linear layer")
    return layers


def from_torch(sequential: Any) -> MLP:
    """An ``MLP`` with the weights of a Sequential of ``Linear`` and activation modules.

    Hidden layers must share one activation (an MLP has one hidden activation and one
    output activation); a ``Linear`` without bias gets zero biases.

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    >>> model = from_torch(net)
    >>> model
    MLP(2 -> [4, 1])
      (layers.0): Layer(2 -> 4, tanh)
        (neurons.0-3): 4 x Neuron(2, tanh)
      (layers.1): Layer(4 -> 1, linear)
        (neurons.0): Neuron(4, linear)
    """
    torch = _torch()
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(f"from_torch reads a torch.nn.Sequential, got {type(sequential).__name__}")
    layers = _read_layers(torch, sequential)
    hidden = {name for _, name in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"from_torch: hidden layers mix activations {sorted(hidden)}")
    activation = hidden.pop() if hidden else "relu"
    nouts = [linear.out_features for linear, _ in layers]
    model = MLP(layers[0][0].in_features, nouts, activation, layers[-1][1], seed=0)
    state: dict[str, Any] = {}
    for index, (linear, _) in enumerate(layers):
        weights = linear.weight.detach().to(torch.float64).tolist()
        biases = (
            linear.bias.detach().to(torch.float64).tolist()
            if linear.bias is not None
            else [0.0] * linear.out_features
        )
        for unit, (row, bias) in enumerate(zip(weights, biases, strict=True)):
            state[f"layers.{index}.neurons.{unit}.w"] = row
            state[f"layers.{index}.neurons.{unit}.b"] = bias
    model.load_state_dict(state, source="from_torch")
    return model
