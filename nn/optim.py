"""Optimizers (SGD, Adam, AdamW), learning-rate schedules and gradient clipping.

Optimizers work on plain floats: they read each parameter's ``grad`` and write its
``data``, building no graph. The update formulas follow PyTorch's ``torch.optim`` step
for step (the tests compare the two to 1e-12), so results carry over between them.

A learning rate is a number or a *schedule*: a callable ``schedule(step) -> rate``
called with the number of steps taken so far (0 on the first step). The schedules here
are small frozen dataclasses, so they print their settings.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from autograd_engine import Value

LearningRate = float | Callable[[int], float]


def _parameter_list(parameters: Any) -> list[Value]:
    """Accept a module (anything with ``parameters()``) or an iterable of Values."""
    if hasattr(parameters, "parameters") and callable(parameters.parameters):
        parameters = parameters.parameters()
    items = list(parameters)
    for item in items:
        if not isinstance(item, Value):
            raise TypeError(f"optimizers update Values, got {type(item).__name__}: {item!r}")
    return items


@dataclass(frozen=True)
class LinearSchedule:
    """From ``start`` to ``end`` in a straight line over ``steps`` steps, then ``end``.

    ``LinearSchedule(1.0, 0.1, 100)`` is micrograd's demo: ``1.0 - 0.9 * k / 100``.

    >>> schedule = LinearSchedule(1.0, 0.1, 100)
    >>> schedule(0), schedule(50), schedule(100), schedule(500)
    (1.0, 0.55, 0.1, 0.1)
    """

    start: float
    end: float
    steps: int

    def __call__(self, step: int) -> float:
        if step >= self.steps:
            return self.end
        # Same operation order as micrograd's ``1.0 - 0.9 * k / 100``, so rates match bitwise.
        return self.start - (self.start - self.end) * step / self.steps


@dataclass(frozen=True)
class StepSchedule:
    """``rate`` multiplied by ``gamma`` after every ``step_size`` steps.

    >>> schedule = StepSchedule(0.1, step_size=10, gamma=0.5)
    >>> schedule(9), schedule(10), schedule(25)
    (0.1, 0.05, 0.025)
    """

    rate: float
    step_size: int
    gamma: float = 0.1

    def __call__(self, step: int) -> float:
        return self.rate * self.gamma ** (step // self.step_size)


@dataclass(frozen=True)
class CosineSchedule:
    """Half a cosine from ``rate`` down to ``min_rate`` over ``steps`` steps, then ``min_rate``.

    >>> schedule = CosineSchedule(1.0, steps=10)
    >>> schedule(0), schedule(5), schedule(10)
    (1.0, 0.5, 0.0)
    """

    rate: float
    steps: int
    min_rate: float = 0.0

    def __call__(self, step: int) -> float:
        fraction = min(step, self.steps) / self.steps
        return self.min_rate + (self.rate - self.min_rate) * (1 + math.cos(math.pi * fraction)) / 2


def clip_grad_norm(parameters: Any, max_norm: float) -> float:
    """Scale all gradients down together so their joint L2 norm is at most ``max_norm``.

    Returns the norm before clipping. As in PyTorch, the scale is
    ``max_norm / (norm + 1e-6)`` and gradients already small enough are left alone.

    >>> from autograd_engine import Value
    >>> a, b = Value(0.0), Value(0.0)
    >>> a.grad, b.grad = 3.0, 4.0
    >>> clip_grad_norm([a, b], 1.0)
    5.0
    >>> round(a.grad, 6), round(b.grad, 6)
    (0.6, 0.8)
    """
    items = _parameter_list(parameters)
    _check_number("clip_grad_norm", "max_norm", max_norm, positive=True, infinite=True)
    grads = [p.grad for p in items]
    for index, g in enumerate(grads):
        if not math.isfinite(g):
            name = items[index].label or f"parameter {index}"
            raise ValueError(f"clip_grad_norm: the gradient of {name} is {g!r}, not finite")
    largest = max(map(abs, grads), default=0.0)
    if largest == 0.0:
        return 0.0
    if 1e-150 < largest < 1e150:  # squares neither overflow nor underflow: plain sum
        norm = math.sqrt(math.fsum(g * g for g in grads))
        scale = max_norm / (norm + 1e-6)
        if scale < 1.0:
            for p in items:
                p.grad *= scale
        return norm
    # Scaled by the largest gradient first (as vector norms do), so 1e160 does not
    # overflow to inf nor 1e-170 underflow to 0; the norm itself may still exceed a float.
    root = math.sqrt(math.fsum((g / largest) ** 2 for g in grads))
    norm = largest * root
    if math.isinf(norm):
        for p in items:
            p.grad = (p.grad / largest) * (max_norm / root)
        return norm
    scale = max_norm / (norm + 1e-6)
    if scale < 1.0:
        for p in items:
            p.grad *= scale
    return norm


def _check_number(
    where: str, name: str, value: Any, *, positive: bool = False, infinite: bool = False
) -> None:
    """Refuse a hyperparameter that is not a real number >= 0 (> 0 if ``positive``)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and (math.isnan(value) or (math.isinf(value) and not infinite)):
        ok = False
    if ok and (value <= 0 if positive else value < 0):
        ok = False
    if not ok:
        want = "a positive" if positive else "a non-negative"
        finite = "" if infinite else " finite"
        raise ValueError(f"{where}: {name} must be {want}{finite} number, got {value!r}")


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold a SIGINT that arrives while weights are written; deliver it once they all are.

    Only in the main thread (where Python runs signal handlers) and only when a Python
    handler is installed (the default one raises KeyboardInterrupt; ``fit`` has its own).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield
        return
    caught: list[Any] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        previous(signal.SIGINT, caught[0])


class Optimizer:
    """Shared machinery: the parameter list, the step count, the learning rate, zero_grad.

    A step is all or nothing: subclasses compute every new weight and their new state
    first (``_propose``), and ``step`` then writes them with a Ctrl-C held back until the
    last one is written; any other exception there puts the old weights back. So an
    interrupted step leaves the model at the previous step or the next, never between.
    """

    def __init__(self, parameters: Any, lr: LearningRate) -> None:
        self.parameters = _parameter_list(parameters)
        if not callable(lr):
            _check_number(type(self).__name__, "lr", lr)
        self.lr = lr
        self.steps = 0

    @property
    def learning_rate(self) -> float:
        """The rate the next ``step()`` will use."""
        if not callable(self.lr):
            return float(self.lr)
        rate = self.lr(self.steps)
        _check_number(f"{type(self).__name__} schedule at step {self.steps}", "the rate", rate)
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
        with _interrupts_deferred():
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
        _check_number("SGD", "momentum", momentum)
        _check_number("SGD", "weight_decay", weight_decay)
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
        _check_number(type(self).__name__, "eps", eps)
        _check_number(type(self).__name__, "weight_decay", weight_decay)
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
