"""Derivatives of functions, as HIPS autograd and JAX give them: grad, jacobian, hessian...

``autograd_engine.grad(output, inputs)`` differentiates a node already built; these take a
Python function of numbers and return a new function. An argument is a number or a list
of numbers; the function builds its result from engine ops. Each call wraps the chosen
arguments in fresh leaves, builds the graph once and differentiates it. Called with
Values (inside another of these), they differentiate with ``create_graph=True`` and
return Values, so they nest: ``grad(grad(f))`` is the second derivative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd_engine.differentiate import grad as _grad_of_node
from autograd_engine.value import Value

Function = Callable[..., Any]


def value_and_grad(f: Function, argnums: int | Sequence[int] = 0) -> Function:
    """A function returning ``(f(*args), gradient of f in the chosen arguments)``.

    ``f`` must return one Value (a scalar). For one argument number the gradient has the
    argument's shape (a float, or a list for a list); for a sequence of argument numbers
    it is a tuple of those.

    >>> from autograd_engine import exp
    >>> value_and_grad(lambda x, y: x * exp(y), argnums=(0, 1))(2.0, 0.0)
    (2.0, (1.0, 2.0))
    """

    def both(*args: Any) -> tuple[Any, Any]:
        wrapped, chosen, traced = _wrap(args, argnums)
        out = _scalar_output(f(*wrapped), "value_and_grad")
        leaves = [leaf for group in chosen for leaf in _flat(group)]
        firsts = _grad_of_node(out, leaves, create_graph=traced)
        value = out if traced else out.data
        return value, _shape(firsts, chosen, argnums)

    return both


def grad(f: Function, argnums: int | Sequence[int] = 0) -> Function:
    """The gradient of ``f`` as a function of the same arguments.

    >>> square = lambda x: x * x
    >>> grad(square)(3.0)
    6.0
    >>> grad(grad(square))(3.0)  # nested: the second derivative
    2.0
    >>> grad(lambda xs: xs[0] * xs[1])([2.0, 5.0])  # a list argument: a list back
    [5.0, 2.0]
    """
    both = value_and_grad(f, argnums)

    def gradient(*args: Any) -> Any:
        return both(*args)[1]

    return gradient


def jacobian(f: Function, argnum: int = 0) -> Function:
    """``J[i][j] = d f(x)[i] / d x[j]`` for ``f`` returning a Value or a list of Values.

    For a number ``x`` each row has one entry; for a scalar ``f`` there is one row.

    >>> jacobian(lambda v: [v[0] * v[1], v[0] + 3 * v[1]])([2.0, 5.0])
    [[5.0, 2.0], [1.0, 3.0]]
    """

    def rows(*args: Any) -> list[list[Any]]:
        wrapped, chosen, traced = _wrap(args, argnum)
        result = f(*wrapped)
        outputs = list(result) if isinstance(result, list | tuple) else [result]
        leaves = _flat(chosen[0])
        jac: list[list[Any]] = []
        for output in outputs:
            if not isinstance(output, Value):
                jac.append([0.0] * len(leaves))  # a constant output: no dependence
                continue
            row = _grad_of_node(output, leaves, create_graph=traced)
            jac.append(list(row))
        return jac

    return rows


def hessian(f: Function, argnum: int = 0) -> Function:
    """``H[i][j] = d^2 f / dx[i] dx[j]`` for a scalar ``f`` of a list (or number) ``x``.

    >>> hessian(lambda v: v[0] ** 2 * v[1] + v[1] ** 3)([1.0, 2.0])
    [[4.0, 2.0], [2.0, 12.0]]
    """

    def matrix(*args: Any) -> list[list[float]]:
        wrapped, chosen, _ = _wrap(args, argnum)
        out = _scalar_output(f(*wrapped), "hessian")
        leaves = _flat(chosen[0])
        firsts = _grad_of_node(out, leaves, create_graph=True)
        return [[float(d) for d in _grad_of_node(first, leaves)] for first in firsts]

    return matrix


def _wrap(args: tuple[Any, ...], argnums: int | Sequence[int]) -> tuple[list[Any], list[Any], bool]:
    """The arguments with the chosen ones as leaves; those; whether Values came in."""
    numbers = [argnums] if isinstance(argnums, int) else list(argnums)
    wrapped = list(args)
    for n in numbers:
        if not -len(args) <= n < len(args):
            raise IndexError(f"argnums: argument {n} asked for, but f got {len(args)} argument(s)")
    traced = any(isinstance(leaf, Value) for n in numbers for leaf in _flat(args[n]))
    for n in numbers:
        wrapped[n] = _leaves(args[n])
    return wrapped, [wrapped[n] for n in numbers], traced


def _leaves(arg: Any) -> Any:
    if isinstance(arg, Value):
        return arg  # already in an outer graph: differentiate through it
    if isinstance(arg, list | tuple) or getattr(arg, "ndim", 0) == 1:
        return [_leaves(item) for item in arg]
    return Value(arg)


def _flat(group: Any) -> list[Value]:
    return list(group) if isinstance(group, list) else [group]


def _scalar_output(out: Any, name: str) -> Value:
    if not isinstance(out, Value):
        raise TypeError(
            f"{name}: f must return one Value (a scalar built from its arguments), got "
            f"{type(out).__name__}: {out!r}; for a list of outputs use jacobian"
        )
    return out


def _shape(firsts: list[Any], chosen: list[Any], argnums: int | Sequence[int]) -> Any:
    """The flat gradients regrouped like the chosen arguments."""
    grouped: list[Any] = []
    position = 0
    for group in chosen:
        if isinstance(group, list):
            grouped.append(firsts[position : position + len(group)])
            position += len(group)
        else:
            grouped.append(firsts[position])
            position += 1
    return grouped[0] if isinstance(argnums, int) else tuple(grouped)
