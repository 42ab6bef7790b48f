"""nn: trainable networks on autograd-engine's scalar Values.

micrograd's API (``MLP(2, [16, 16, 1])``, ``model.parameters()``, ``model.zero_grad()``)
plus what a toy network in a notebook needs next: named parameters, saving, losses,
optimizers, toy data sets and a training loop. Optional libraries (tqdm, matplotlib,
torch, NumPy) are imported only by the functions that use them.

>>> from nn import MLP, SGD, fit, hinge, moons, to_signed
>>> X, y = moons(40, seed=0)
>>> model = MLP(2, [8, 8, 1], seed=0)
>>> history = fit(model, hinge, SGD(model, lr=0.1), (X, to_signed(y)), epochs=5, progress=False)
>>> history.steps, len(model.parameters())
(5, 105)
"""

from autograd_engine import __version__ as __version__  # one version for both packages
from nn.activations import ACTIVATIONS
from nn.clipping import clip_grad_norm
from nn.data import (
    batches,
    bit_parity,
    blobs,
    circles,
    moons,
    spirals,
    to_signed,
    train_test_split,
    xor,
)
from nn.digits import load_digits, one_hot, one_hot_all, split_digits
from nn.history import History, StepRecord
from nn.init import INITS
from nn.inputs import is_batch
from nn.layers import MLP, Layer
from nn.loading import load
from nn.losses import accuracy, bce_with_logits, cross_entropy, hinge, l2_penalty, mse
from nn.metrics import mean_absolute_error, r2_score
from nn.mnist import IDXError, load_mnist, mnist_dir, read_idx
from nn.module import Module
from nn.neuron import Neuron
from nn.optim import SGD, Adam, AdamW, Optimizer
from nn.parity import even_odd
from nn.plots import plot_decision_boundary, plot_history, plot_loss_curves
from nn.saving import StateDictError
from nn.schedules import CosineSchedule, LinearSchedule, StepSchedule
from nn.step import build_loss, train_step
from nn.torch_bridge import from_torch, to_torch
from nn.train import StopTraining, fit

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "CosineSchedule",
    "History",
    "IDXError",
    "Layer",
    "LinearSchedule",
    "Module",
    "Neuron",
    "Optimizer",
    "StateDictError",
    "StepRecord",
    "StepSchedule",
    "StopTraining",
    "accuracy",
    "batches",
    "bce_with_logits",
    "bit_parity",
    "blobs",
    "build_loss",
    "circles",
    "clip_grad_norm",
    "cross_entropy",
    "even_odd",
    "fit",
    "from_torch",
    "hinge",
    "is_batch",
    "l2_penalty",
    "load",
    "load_digits",
    "load_mnist",
    "mean_absolute_error",
    "mnist_dir",
    "moons",
    "mse",
    "one_hot",
    "one_hot_all",
    "plot_decision_boundary",
    "plot_history",
    "plot_loss_curves",
    "r2_score",
    "read_idx",
    "spirals",
    "split_digits",
    "to_signed",
    "to_torch",
    "train_step",
    "train_test_split",
    "xor",
]
