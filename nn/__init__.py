"""nn: trainable networks on autograd-engine's scalar Values.

micrograd's API (``MLP(2, [16, 16, 1])``, ``model.parameters()``, ``model.zero_grad()``)
plus what a toy network in a notebook needs next: named parameters, saving, losses,
optimizers, toy data sets and a training loop.

>>> from nn import MLP
>>> model = MLP(2, [8, 1], seed=0)
>>> score = model([1.0, -2.0])
>>> score.backward()
>>> len(model.parameters()), type(score).__name__
(33, 'Value')
"""

from nn.layers import ACTIVATIONS, INITS, MLP, Layer, Neuron
from nn.module import Module, StateDictError

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "StateDictError",
]
