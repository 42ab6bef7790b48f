"""Activation functions by name: relu, tanh, sigmoid, linear, leaky_relu, softplus.

Each name maps to a function from Value to Value, looked up once when a neuron is built,
never during a forward pass. A callable may stand in for a name.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd_engine import Value

Activation = str | Callable[[Value], Value] | None


def _identity(x: Value) -> Value:
    return x


def _leaky_relu(x: Value) -> Value:
    return x.leaky_relu(slope=0.01)


ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": _identity,
    "leaky_relu": _leaky_relu,
    "softplus": Value.softplus,
}


def resolve_activation(activation: Activation) -> tuple[str, Callable[[Value], Value]]:
    """The display name and function for an activation given by name, callable or None.

    ``None`` means linear. A callable takes a Value and returns a Value.

    >>> resolve_activation("tanh")[0], resolve_activation(None)[0]
    ('tanh', 'linear')
    >>> resolve_activation("swish")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'swish'; choose from leaky_relu, linear, relu, sigmoid, \
softplus, tanh or pass a callable
    """
    if activation is None:
        return "linear", _identity
    if isinstance(activation, str):
        try:
            return activation, ACTIVATIONS[activation]
        except KeyError:
            choices = ", ".join(sorted(ACTIVATIONS))
            raise ValueError(
                f"unknown activation {activation!r}; choose from {choices} or pass a callable"
            ) from None
    if callable(activation):
        return getattr(activation, "__name__", repr(activation)), activation
    raise TypeError(f"activation must be a name, a callable or None, got {activation!r}")
