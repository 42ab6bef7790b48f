"""Random sources for initializations and data sets: a seed, a ``random.Random`` or none.

``None`` means Python's global ``random`` module, which is what micrograd uses, so
``random.seed(1337)`` reproduces micrograd's weights exactly. An int seeds a private
``random.Random``; passing a ``random.Random`` shares one stream between several calls.
Either way no global state is touched.
"""

from __future__ import annotations

import random
from types import ModuleType

Random = random.Random | ModuleType
Seed = int | Random | None


def make_rng(seed: Seed) -> Random:
    """A random source: ``None`` is the global ``random`` module, an int a new seeded one.

    >>> make_rng(3).random() == make_rng(3).random()
    True
    >>> shared = random.Random(0)
    >>> make_rng(shared) is shared
    True
    """
    if seed is None:
        return random
    if seed is random or isinstance(seed, random.Random):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    raise TypeError(f"seed must be an int, a random.Random or None, got {seed!r}")
