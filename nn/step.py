"""One training step: ``build_loss`` on a batch, then ``train_step`` updates the weights.

``nn.train.fit`` loops over these steps; ``nn.replayed.ReplayedStep`` records the graph
``build_loss`` builds and replays it. Both import from here, so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd_engine import Value
from nn.clipping import clip_grad_norm
from nn.losses import l2_penalty
from nn.optim import Optimizer

LossFunction = Callable[[Any, Any], Value | float]


def build_loss(
    model: Callable[[Any], Any],
    loss: LossFunction,
    inputs: Sequence[Any],
    targets: Sequence[Any],
    parameters: Sequence[Value],
    l2: float = 0.0,
) -> tuple[Value, list[Any]]:
    """Run ``model`` on each input and ``loss`` on the outputs; add ``l2 * sum(p * p)``.

    Returns the total loss and the model's outputs (for metrics).

    >>> from nn import MLP, mse
    >>> model = MLP(1, [1], seed=0)
    >>> total, outputs = build_loss(model, mse, [[1.0]], [0.0], model.parameters())
    >>> total.data == outputs[0].data ** 2
    True
    """
    outputs = [model(x) for x in inputs]
    total = loss(outputs, targets)
    if not isinstance(total, Value):
        raise TypeError(
            f"the loss gave a {type(total).__name__} ({total!r}), not a Value: there is "
            "nothing to call backward() on; the model's outputs must be Values (an nn "
            "module's are), and the loss must be built from engine ops"
        )
    if l2:
        total = total + l2_penalty(parameters, l2)
        total.label = "loss"  # the sum of the data loss and the penalty, as drawings show
    return total, outputs


def train_step(
    model: Callable[[Any], Any],
    loss: LossFunction,
    optimizer: Optimizer,
    inputs: Sequence[Any],
    targets: Sequence[Any],
    *,
    l2: float = 0.0,
    clip_norm: float | None = None,
) -> tuple[float, list[Any]]:
    """One step: build the loss, zero the gradients, backward, clip, update.

    Returns the loss (before the update) and the model's outputs.

    >>> from nn import MLP, SGD, mse
    >>> model = MLP(1, [1], seed=0)
    >>> optimizer = SGD(model, lr=0.1)
    >>> first, _ = train_step(model, mse, optimizer, [[1.0]], [0.0])
    >>> second, _ = train_step(model, mse, optimizer, [[1.0]], [0.0])
    >>> second < first
    True
    """
    total, outputs = build_loss(model, loss, inputs, targets, optimizer.parameters, l2)
    optimizer.zero_grad()
    total.backward()
    if clip_norm is not None:
        clip_grad_norm(optimizer.parameters, clip_norm)
    optimizer.step()
    return total.data, outputs
