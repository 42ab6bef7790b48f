"""Gradient clipping: ``clip_grad_norm`` scales all gradients together, as PyTorch does.

It reads and writes ``grad`` on plain floats between ``backward()`` and the optimizer's
step, building no graph; the norm is computed without overflow or underflow for
gradients of any size.
"""

from __future__ import annotations

import math
from typing import Any

from nn.checks import check_number, parameter_list


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
    items = parameter_list(parameters)
    check_number("clip_grad_norm", "max_norm", max_norm, positive=True, infinite=True)
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
