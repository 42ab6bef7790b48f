"""What batched replay says when it cannot run: its error type, the NumPy requirement, names.

NumPy is optional for the engine (it imports with the standard library alone), so the
package ``autograd_engine.batched`` imports NumPy only when a tape is recorded, through
``require_numpy``, which says in one sentence what is missing and how to install it.
"""

from __future__ import annotations

from typing import Any

from autograd_engine.backprop import describe
from autograd_engine.value import Value


class BatchingError(ValueError):
    """A graph cannot be run over a batch, or a batch does not fit the recorded graph.

    >>> raise BatchingError("X has 3 columns for 2 inputs")
    Traceback (most recent call last):
    ...
    autograd_engine.batched.errors.BatchingError: X has 3 columns for 2 inputs
    """


def require_numpy() -> Any:
    """The ``numpy`` module, or an ``ImportError`` saying that batched replay needs it.

    >>> import numpy
    >>> require_numpy() is numpy
    True
    """
    try:
        import numpy
    except ImportError:
        raise ImportError(
            "batched replay (record_batch) needs NumPy, which is not installed; "
            "pip install numpy (or the notebooks extra: pip install 'autograd-engine[notebooks]')"
        ) from None
    return numpy


def name_of(node: Value) -> str:
    """How error messages name a node.

    >>> print(name_of(Value(2.0, label="w")))
    Value 'w' (data=2.0, leaf (label 'w'))
    """
    label = f" {node.label!r}" if node.label else ""
    return f"Value{label} (data={node.data!r}, {describe(node)})"
