"""The optimizers' updates on arrays, for training that keeps its parameters in one array.

Batched replay (``nn.batched_step``) runs a whole step on arrays; writing 24,000 weights
back into their Values and reading them out again every step would cost more than the
step itself. So while ``fit`` runs, the parameters live in one float array and each
update is the optimizer's own formula on arrays: the same IEEE operations in the same
order as ``nn.optim`` applies to each float (NumPy's element-wise ``+ - * /`` and
``sqrt`` round exactly as Python's do), so the weights are bit for bit those of
``optimizer.step()`` on the same gradients (``tests/test_nn_array_optim.py``).

``ArrayUpdate.write_back()`` puts the weights, the last gradients and the optimizer's
state (its step count, SGD's velocity, Adam's moments) back into the Values and the
optimizer, so that afterwards the optimizer continues exactly as if it had taken every
step itself. Only the library's ``SGD``, ``Adam`` and ``AdamW`` have an array form; for any
other optimizer ``array_update`` returns None and the step runs on the Values.
"""

from __future__ import annotations

import math
from typing import Any

from nn.optim import SGD, Adam, AdamW, Optimizer


def array_update(optimizer: Optimizer) -> ArrayUpdate | None:
    """The array form of ``optimizer``'s update, or None when it has none.

    >>> from autograd_engine import Value
    >>> p = Value(1.0)
    >>> update = array_update(SGD([p], lr=0.1))
    >>> import numpy as np
    >>> update.step(np.array([2.0]))
    >>> p.data, update.weights.tolist()  # the Value is written back on request only
    (1.0, [0.8])
    >>> update.write_back()
    >>> p.data, p.grad
    (0.8, 2.0)
    """
    if type(optimizer) not in (SGD, Adam, AdamW):
        return None  # a subclass may change the formula: its own step() must run
    return ArrayUpdate(optimizer)


class ArrayUpdate:
    """The parameters of one optimizer as an array, updated by its formula."""

    def __init__(self, optimizer: Optimizer) -> None:
        import numpy as np

        self._np = np
        self.optimizer = optimizer
        self.weights: Any = np.array([p.data for p in optimizer.parameters], dtype=np.float64)
        self._gradients: Any = None
        self._state = self._read_state()
        self.dirty = False  # the Values are behind the array

    def _read_state(self) -> dict[str, Any]:
        np, optimizer = self._np, self.optimizer
        if isinstance(optimizer, SGD):
            velocity = optimizer.velocity
            return {"velocity": None if velocity is None else np.array(velocity, dtype=float)}
        assert isinstance(optimizer, Adam)
        return {
            "first_moment": np.array(optimizer.first_moment, dtype=float),
            "second_moment": np.array(optimizer.second_moment, dtype=float),
        }

    def step(self, gradients: Any) -> None:
        """One update from ``gradients`` (aligned with the optimizer's parameters)."""
        optimizer = self.optimizer
        rate = optimizer.learning_rate
        if isinstance(optimizer, SGD):
            self.weights = self._sgd(optimizer, gradients, rate)
        else:
            assert isinstance(optimizer, Adam)
            self.weights = self._adam(optimizer, gradients, rate)
        self._gradients = gradients
        optimizer.steps += 1
        self.dirty = True

    def _sgd(self, optimizer: SGD, g: Any, rate: float) -> Any:
        p, momentum, decay = self.weights, optimizer.momentum, optimizer.weight_decay
        if momentum == 0:
            return p - rate * (g + decay * p) if decay else p - rate * g
        if decay:
            g = g + decay * p
        old = self._state["velocity"]
        v = g if old is None else momentum * old + g
        self._state["velocity"] = v
        return p - rate * (g + momentum * v if optimizer.nesterov else v)

    def _adam(self, optimizer: Adam, grad: Any, rate: float) -> Any:
        np, p = self._np, self.weights
        decoupled = isinstance(optimizer, AdamW)
        decay = optimizer.weight_decay
        g = grad + decay * p if decay and not decoupled else grad
        beta1, beta2 = optimizer.betas
        t = optimizer.steps + 1
        step_size = rate / (1 - beta1**t)
        root_correction = math.sqrt(1 - beta2**t)
        m, v = self._state["first_moment"], self._state["second_moment"]
        m = m + (g - m) * (1 - beta1)
        v = v * beta2 + (1 - beta2) * g * g
        self._state["first_moment"], self._state["second_moment"] = m, v
        deltas = step_size * m / (np.sqrt(v) / root_correction + optimizer.eps)
        return p * (1 - rate * decay) - deltas if decoupled else p - deltas

    def write_back(self) -> None:
        """Weights, last gradients and state into the Values and the optimizer."""
        if not self.dirty:
            return
        optimizer = self.optimizer
        for p, value in zip(optimizer.parameters, self.weights.tolist(), strict=True):
            p.data = value
        if self._gradients is not None:
            for p, g in zip(optimizer.parameters, self._gradients.tolist(), strict=True):
                p.grad = g
        for name, array in self._state.items():
            setattr(optimizer, name, None if array is None else array.tolist())
        self.dirty = False
