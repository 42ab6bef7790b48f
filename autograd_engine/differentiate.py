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

from autograd_engine.graph import topological_order
from autograd_engine.modes import enable_grad
from autograd_engine.sweep import _backward_error
from autograd_engine.value import Value, constant, to_float


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
    """Reverse sweep accumulating into a dict keyed by node (identity hash)."""
    sums: dict[Value, Any] = {output: seed}
    node = None
    try:
        for node in topological_order(output, reverse=True):
            parents = node.parents
            g = sums.get(node)
            if not parents or g is None:
                continue
            if create_graph:
                local = node._rule(g, node, *parents)  # type: ignore[misc]  # op nodes have rules
            else:
                local = node._rule(g, node.data, *[p.data for p in parents])  # type: ignore[misc]
            for parent, contribution in zip(parents, local, strict=True):
                previous = sums.get(parent)
                if previous is None:
                    # Floats start from 0.0 as backward() does (so -0.0 comes out as +0.0,
                    # bit for bit the same); Values start from the contribution itself.
                    previous = None if create_graph else 0.0
                sums[parent] = contribution if previous is None else previous + contribution
    except (ArithmeticError, ValueError) as exc:
        raise _backward_error(node, exc) from exc
    return sums
