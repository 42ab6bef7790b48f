"""autograd-engine: a scalar reverse-mode automatic differentiation engine.

Build expressions from ``Value`` nodes, call ``backward()``, read every ``.grad``.
The engine imports with the standard library alone; drawing needs the ``draw`` extra.

>>> from autograd_engine import Value
>>> x = Value(0.5, label="x")
>>> y = (x * x + x.sin()).tanh()
>>> y.backward()
>>> round(y.data, 4), round(x.grad, 4)
(0.6227, 1.1495)

``sum`` and ``abs`` are exported (``autograd_engine.sum``, ``autograd_engine.abs``) but
left out of ``__all__``, so that ``from autograd_engine import *`` does not hide Python's
built-ins of those names.
"""

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it)

from autograd_engine.batched import BatchedTape, BatchingError, record_batch
from autograd_engine.differentiate import grad
from autograd_engine.errors import AnomalyError, GradCheckError
from autograd_engine.files import write_atomically
from autograd_engine.functional import grad as grad_of
from autograd_engine.functional import hessian, jacobian, value_and_grad
from autograd_engine.gradcheck import GradCheckReport, check_grad
from autograd_engine.graph import edges, reachable, topological_order
from autograd_engine.modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad, scope
from autograd_engine.neuron import AFFINE_ACTIVATIONS, affine, affine_layer
from autograd_engine.ops import (
    abs as abs,  # re-exported on purpose; see the module docstring
)
from autograd_engine.ops import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    clamp,
    cos,
    cosh,
    dot,
    erf,
    exp,
    exp2,
    expm1,
    hypot,
    leaky_relu,
    log,
    log1p,
    log2,
    log10,
    maximum,
    minimum,
    relu,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    sqrt,
    tan,
    tanh,
    where,
)
from autograd_engine.ops import (
    sum as sum,  # re-exported on purpose; see the module docstring
)
from autograd_engine.opspec import OPS, OpSpec, defop
from autograd_engine.pickling import reduce_value as _reduce_value  # noqa: F401
from autograd_engine.replay import ReplayError, Tape, record
from autograd_engine.stepper import Frame, backward_steps
from autograd_engine.value import Value, constant, local_derivatives, zero_grad
from autograd_engine.viz import draw_dot, draw_graph, focus, rendering_backend

__all__ = [
    "AFFINE_ACTIVATIONS",
    "OPS",
    "AnomalyError",
    "BatchedTape",
    "BatchingError",
    "Frame",
    "GradCheckError",
    "GradCheckReport",
    "OpSpec",
    "ReplayError",
    "Tape",
    "Value",
    "acos",
    "acosh",
    "affine",
    "affine_layer",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "backward_steps",
    "check_grad",
    "clamp",
    "constant",
    "cos",
    "cosh",
    "defop",
    "detect_anomaly",
    "dot",
    "draw_dot",
    "draw_graph",
    "edges",
    "enable_grad",
    "erf",
    "exp",
    "exp2",
    "expm1",
    "focus",
    "grad",
    "grad_of",
    "hessian",
    "hypot",
    "is_grad_enabled",
    "jacobian",
    "leaky_relu",
    "local_derivatives",
    "log",
    "log1p",
    "log2",
    "log10",
    "maximum",
    "minimum",
    "no_grad",
    "reachable",
    "record",
    "record_batch",
    "relu",
    "rendering_backend",
    "scope",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "tan",
    "tanh",
    "topological_order",
    "value_and_grad",
    "where",
    "write_atomically",
    "zero_grad",
]
