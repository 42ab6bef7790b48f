"""Learning-rate schedules: ``schedule(step) -> rate`` for an optimizer's ``lr``.

A learning rate is a number or a *schedule*: a callable ``schedule(step) -> rate``
called with the number of steps taken so far (0 on the first step). The schedules here
are small frozen dataclasses, so they print their settings; any callable will do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

LearningRate = float | Callable[[int], float]


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
