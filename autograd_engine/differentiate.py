"""``grad()``: gradients returned instead of stored, optionally as differentiable Values.

``Value.backward`` writes into ``.grad`` and works on floats only. ``grad`` keeps its
running sums in a dictionary, so it leaves every ``.grad`` as it was, and with
``create_graph=True`` it runs the very same derivative rules on Values: the gradients it
returns are graph nodes themselves and can be differentiated again (second and third
derivatives, Hessians, Newton steps).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd_engine.backprop import Sums, backprop
from autograd_engine.floats import to_float
from autograd_engine.graph import topological_order
from autograd_engine.modes import enable_grad
from autograd_engine.nodes import constant
from autograd_engine.value import Value


def grad(
    output: Value | Callable[..., Any],
    inputs: Value | Sequence[Value] | None = None,
    create_graph: bool = False,
    grad_output: float = 1.0,
) -> Any:
    """d(output)/d(input) for each input, without touching any ``.grad``.

    Given a function instead of a node, ``grad(f)`` is the function's gradient as HIPS
    autograd and JAX give it (``autograd_engine.functional.grad``): ``grad(f)(3.0)``.

    Args:
        output: the Value to differentiate.
        inputs: one Value or a sequence of them; inputs the output does not depend on get 0.
        create_graph: return Values that carry their own graph, for higher derivatives.
            Honoured inside ``no_grad()`` too, as PyTorch does: asking for a graph of the
            derivative is explicit, so the derivative's graph is recorded whatever the
            mode (the rest of the ``no_grad`` block still records nothing).
        grad_output: the seed, d(loss)/d(output) when ``output`` feeds a larger loss.

    Returns:
        A float (or Value) for a single input; a list for a sequence.

    >>> from autograd_engine import Value
    >>> x = Value(3.0)
    >>> y = x ** 3
    >>> dy = grad(y, x, create_graph=True)   # 3x^2
    >>> d2y = grad(dy, x, create_graph=True) # 6x
    >>> dy.data, d2y.data, grad(d2y, x)  # the third derivative is 6
    (27.0, 18.0, 6.0)
    >>> x.grad  # untouched
    0.0
    """
    if callable(output) and not isinstance(output, Value) and inputs is None:
        from autograd_engine.functional import grad as grad_of_function

        return grad_of_function(output)
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    if inputs is None:
        raise TypeError("grad(output, inputs): name the Values to differentiate with respect to")
    single = isinstance(inputs, Value)
    wanted: list[Value] = [inputs] if isinstance(inputs, Value) else list(inputs)
    for item in wanted:
        if not isinstance(item, Value):
            raise TypeError(f"grad: inputs must be Values, got {type(item).__name__}")
    if create_graph:
        with enable_grad():
            sums = _sweep(output, to_float(grad_output), create_graph)
    else:
        sums = _sweep(output, to_float(grad_output), create_graph)
    zero: Any = 0.0
    results: list[Any] = [sums.get(item, zero) for item in wanted]
    if create_graph:
        # A float here means the gradient does not depend on any input: a constant.
        results = [r if isinstance(r, Value) else constant(r) for r in results]
    return results[0] if single else results


def _sweep(output: Value, seed: float, create_graph: bool) -> dict[Value, Any]:
    """The reference sweep into a dictionary; on Values (nodes) for ``create_graph``."""
    sums = Sums({output: seed}, symbolic=create_graph)
    order = topological_order(output, reverse=True)
    backprop(order, sums, value=_itself if create_graph else _data)
    return sums


def _itself(node: Value) -> Value:
    return node


def _data(node: Value) -> float:
    return node._data
