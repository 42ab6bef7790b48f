"""Optimizers: SGD, Adam and AdamW, each step all or nothing.

Optimizers work on plain floats: they read each parameter's ``grad`` and write its
``data``, building no graph. The update formulas follow PyTorch's ``torch.optim`` step
for step (the tests compare the two to 1e-12), so results carry over between them. The
learning rate may be a schedule (``nn.schedules``); ``clip_grad_norm``
(``nn.clipping``) and the schedules are importable from here too.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_engine import Value
from nn.checks import check_number, parameter_list
from nn.clipping import clip_grad_norm
from nn.interrupts import interrupts_deferred
from nn.schedules import CosineSchedule, LearningRate, LinearSchedule, StepSchedule

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineSchedule",
    "LearningRate",
    "LinearSchedule",
    "Optimizer",
    "StepSchedule",
    "clip_grad_norm",
]


class Optimizer:
    """Shared machinery: the parameter list, the step count, the learning rate, zero_grad.

    A step is all or nothing: subclasses compute every new weight and their new state
    first (``_propose``), and ``step`` then writes them with a Ctrl-C held back until the
    last one is written; any other exception there puts the old weights back. So an
    interrupted step leaves the model at the previous step or the next, never between.
    """

    def __init__(self, parameters: Any, lr: LearningRate) -> None:
        self.parameters = parameter_list(parameters)
        if not callable(lr):
            check_number(type(self).__name__, "lr", lr)
        self.lr = lr
        self.steps = 0

    @property
    def learning_rate(self) -> float:
        """The rate the next ``step()`` will use."""
        if not callable(self.lr):
            return float(self.lr)
        rate = self.lr(self.steps)
        check_number(f"{type(self).__name__} schedule at step {self.steps}", "the rate", rate)
        return float(rate)

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0."""
        for p in self.parameters:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``grad``, then count the step (all or nothing)."""
        values, state = self._propose(self.learning_rate)
        parameters = self.parameters
        old = [p.data for p in parameters]
        old_state = {name: getattr(self, name) for name in state}
        with interrupts_deferred():
            try:
                for p, value in zip(parameters, values, strict=True):
                    p.data = value
                self.__dict__.update(state)
                self.steps += 1
            except BaseException:
                for p, value in zip(parameters, old, strict=True):
                    p.data = value
                self.__dict__.update(old_state)
                raise

    def _propose(self, rate: float) -> tuple[list[float], dict[str, Any]]:
        """The new weights, and the new values of the optimizer's state attributes."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.parameters)} parameters, lr={self.lr!r})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay (L2).

    With momentum ``m`` the velocity is ``v = m * v + g`` (``v = g`` on the first step)
    and the step is ``-lr * v``, or ``-lr * (g + m * v)`` with ``nesterov=True``; weight
    decay adds ``weight_decay * p`` to the gradient first. These are PyTorch's formulas.

    >>> from autograd_engine import Value
    >>> p = Value(1.0)
    >>> optimizer = SGD([p], lr=0.1)
    >>> (p * p).backward()
    >>> optimizer.step()
    >>> p.data  # 1 - 0.1 * 2
    0.8
    """

    def __init__(
        self,
        parameters: Any,
        lr: LearningRate = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(parameters, lr)
        check_number("SGD", "momentum", momentum)
        check_number("SGD", "weight_decay", weight_decay)
        if nesterov and momentum == 0:
            raise ValueError("SGD: nesterov momentum needs momentum > 0")
        self.momentum, self.weight_decay, self.nesterov = momentum, weight_decay, nesterov
        self.velocity: list[float] | None = None

    def _propose(self, rate: float) -> tuple[list[float], dict[str, Any]]:
        momentum, decay = self.momentum, self.weight_decay
        if momentum == 0:
            if decay:
                return [p.data - rate * (p.grad + decay * p.data) for p in self.parameters], {}
            return [p.data - rate * p.grad for p in self.parameters], {}
        old = self.velocity
        velocity: list[float] = []
        values: list[float] = []
        for i, p in enumerate(self.parameters):
            g = p.grad + decay * p.data if decay else p.grad
            v = g if old is None else momentum * old[i] + g
            velocity.append(v)
            values.append(p.data - rate * (g + momentum * v if self.nesterov else v))
        return values, {"velocity": velocity}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction; ``weight_decay`` is L2 on the gradient.

    >>> from autograd_engine import Value
    >>> p = Value(1.0)
    >>> optimizer = Adam([p], lr=0.1)
    >>> (p * p).backward()
    >>> optimizer.step()
    >>> round(p.data, 9)  # the first Adam step moves by lr, whatever the gradient's size
    0.9
    """

    def __init__(
        self,
        parameters: Any,
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        beta1, beta2 = betas
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"{type(self).__name__}: betas must lie in [0, 1), got {betas}")
        check_number(type(self).__name__, "eps", eps)
        check_number(type(self).__name__, "weight_decay", weight_decay)
        self.betas, self.eps, self.weight_decay = (beta1, beta2), eps, weight_decay
        self.first_moment = [0.0] * len(self.parameters)
        self.second_moment = [0.0] * len(self.parameters)

    def _gradient(self, p: Value) -> float:
        return p.grad + self.weight_decay * p.data if self.weight_decay else p.grad

    def _propose(self, rate: float) -> tuple[list[float], dict[str, Any]]:
        deltas, state = self._moments(rate)
        return [p.data - d for p, d in zip(self.parameters, deltas, strict=True)], state

    def _moments(self, rate: float) -> tuple[list[float], dict[str, Any]]:
        """Each parameter's step (to subtract), and the new moment lists."""
        beta1, beta2 = self.betas
        t = self.steps + 1
        step_size = rate / (1 - beta1**t)
        root_correction = math.sqrt(1 - beta2**t)
        m, v, eps = list(self.first_moment), list(self.second_moment), self.eps
        deltas = []
        for i, p in enumerate(self.parameters):
            g = self._gradient(p)
            m[i] += (g - m[i]) * (1 - beta1)
            v[i] = v[i] * beta2 + (1 - beta2) * g * g
            deltas.append(step_size * m[i] / (math.sqrt(v[i]) / root_correction + eps))
        return deltas, {"first_moment": m, "second_moment": v}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): ``p *= 1 - lr * wd`` first.

    >>> from autograd_engine import Value
    >>> p = Value(1.0)
    >>> optimizer = AdamW([p], lr=0.1, weight_decay=0.5)
    >>> p.grad = 0.0  # no gradient: only the decay acts
    >>> optimizer.step()
    >>> p.data
    0.95
    """

    def __init__(
        self,
        parameters: Any,
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(parameters, lr, betas, eps, weight_decay)

    def _gradient(self, p: Value) -> float:
        return p.grad  # the decay is applied to the weights, not added to the gradient

    def _propose(self, rate: float) -> tuple[list[float], dict[str, Any]]:
        shrink = 1 - rate * self.weight_decay
        deltas, state = self._moments(rate)
        values = [p.data * shrink - d for p, d in zip(self.parameters, deltas, strict=True)]
        return values, state
