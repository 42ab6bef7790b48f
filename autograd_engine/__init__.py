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

from collections.abc import Callable as _Callable
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from autograd_engine import nary as _nary
from autograd_engine import ops as _ops
from autograd_engine import ops_math as _ops_math
from autograd_engine.backprop import local_derivatives
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
from autograd_engine.nodes import constant, zero_grad
from autograd_engine.opspec import OPS, OpSpec, defop
from autograd_engine.pickling import reduce_value as _reduce_value  # noqa: F401
from autograd_engine.replay import ReplayError, Tape, record
from autograd_engine.stepper import Frame, backward_steps
from autograd_engine.value import Value
from autograd_engine.viz import draw_dot, draw_graph, focus, rendering_backend

if _TYPE_CHECKING:
    # The op functions as type checkers see them. At run time they are taken from the op
    # table below (``_op_functions``), and tests/test_exports.py holds this list to it.
    from autograd_engine.nary import dot as dot
    from autograd_engine.nary import sum as sum
    from autograd_engine.ops import abs as abs
    from autograd_engine.ops import cos as cos
    from autograd_engine.ops import exp as exp
    from autograd_engine.ops import leaky_relu as leaky_relu
    from autograd_engine.ops import log as log
    from autograd_engine.ops import relu as relu
    from autograd_engine.ops import sigmoid as sigmoid
    from autograd_engine.ops import sin as sin
    from autograd_engine.ops import softplus as softplus
    from autograd_engine.ops import sqrt as sqrt
    from autograd_engine.ops import tanh as tanh
    from autograd_engine.ops_math import acos as acos
    from autograd_engine.ops_math import acosh as acosh
    from autograd_engine.ops_math import asin as asin
    from autograd_engine.ops_math import asinh as asinh
    from autograd_engine.ops_math import atan as atan
    from autograd_engine.ops_math import atan2 as atan2
    from autograd_engine.ops_math import atanh as atanh
    from autograd_engine.ops_math import clamp as clamp
    from autograd_engine.ops_math import cosh as cosh
    from autograd_engine.ops_math import erf as erf
    from autograd_engine.ops_math import exp2 as exp2
    from autograd_engine.ops_math import expm1 as expm1
    from autograd_engine.ops_math import hypot as hypot
    from autograd_engine.ops_math import log1p as log1p
    from autograd_engine.ops_math import log2 as log2
    from autograd_engine.ops_math import log10 as log10
    from autograd_engine.ops_math import maximum as maximum
    from autograd_engine.ops_math import minimum as minimum
    from autograd_engine.ops_math import sign as sign
    from autograd_engine.ops_math import sinh as sinh
    from autograd_engine.ops_math import tan as tan
    from autograd_engine.ops_math import where as where


def _op_functions() -> dict[str, _Callable[..., _Any]]:
    """Each table entry's public function, by the entry's name.

    An entry has one when the module that declares it binds a function of its name
    (``ops.tanh``, ``ops_math.where``, ``nary.sum``); operators (``+``, ``**n``), ``neg``
    and the fused neurons (exported as ``affine``) have none.
    """
    found: dict[str, _Callable[..., _Any]] = {}
    for spec in OPS.values():
        for module in (_ops, _ops_math, _nary):
            function = vars(module).get(spec.name)
            if callable(function):
                found[spec.name] = function
    return found


globals().update(_op_functions())

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
    "affine",
    "affine_layer",
    "backward_steps",
    "check_grad",
    "constant",
    "defop",
    "detect_anomaly",
    "draw_dot",
    "draw_graph",
    "edges",
    "enable_grad",
    "focus",
    "grad",
    "grad_of",
    "hessian",
    "is_grad_enabled",
    "jacobian",
    "local_derivatives",
    "no_grad",
    "reachable",
    "record",
    "record_batch",
    "rendering_backend",
    "scope",
    "topological_order",
    "value_and_grad",
    "write_atomically",
    "zero_grad",
]
# The op functions: every one the table has, but ``sum`` and ``abs`` (see the docstring).
__all__ += [name for name in _op_functions() if name not in ("sum", "abs")]
