"""Weight initializations by name: micrograd's uniform(-1, 1), Xavier/Glorot and He.

An initialization is ``draw(rng, fan_in, fan_out) -> float``, called once per weight with
the neuron's random source (see ``nn.rng``); biases always start at 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from nn.rng import Random

Init = str | Callable[[Random, int, int], float]


def _uniform(rng: Random, fan_in: int, fan_out: int) -> float:
    return rng.uniform(-1.0, 1.0)  # micrograd's choice, whatever the layer size


def _xavier(rng: Random, fan_in: int, fan_out: int) -> float:
    # Glorot & Bengio (2010): keeps activation variance steady for tanh/sigmoid layers.
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit)


def _he(rng: Random, fan_in: int, fan_out: int) -> float:
    # He et al. (2015): variance 2 / fan_in compensates for ReLU zeroing half its inputs.
    return rng.gauss(0.0, math.sqrt(2.0 / fan_in))


INITS: dict[str, Callable[[Random, int, int], float]] = {
    "uniform": _uniform,
    "xavier": _xavier,
    "glorot": _xavier,
    "he": _he,
    "kaiming": _he,
}


def resolve_init(init: Init) -> Callable[[Random, int, int], float]:
    """The weight-drawing function for an initialization name or callable.

    A callable is ``init(rng, fan_in, fan_out) -> float`` and is called once per weight.

    >>> import random
    >>> draw = resolve_init("xavier")
    >>> abs(draw(random.Random(0), 2, 2)) <= math.sqrt(6 / 4)
    True
    """
    if isinstance(init, str):
        try:
            return INITS[init]
        except KeyError:
            choices = ", ".join(sorted(INITS))
            raise ValueError(f"unknown init {init!r}; choose from {choices}") from None
    if callable(init):
        return init
    raise TypeError(f"init must be a name or a callable, got {init!r}")
