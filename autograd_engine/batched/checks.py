"""What a batched program calls at run time: shape helpers, loops over the batch, errors.

A risky statement (one that may turn finite numbers into a NaN or infinity where the
float form raises: a division, a power, a ``math`` call, a domain the forward refuses) is
followed by one finiteness check. When it fails, the elements that are not finite are
re-run through the op's float form, sample by sample in batch order, and the first one
that raises raises here: the same type and message a scalar build would give (naming the
op and the value), plus the sample's index. Elements that do not raise are genuine NaN or
infinities (IEEE arithmetic, as a scalar build would have them) and the step goes on.

Ops with no array form run through their float form element by element (``_loop`` and
friends): slower, and the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd_engine.backprop import backward_error

if TYPE_CHECKING:
    from autograd_engine.batched.program import Plan

Array = Any  # a NumPy array or scalar


def in_sample(exc: BaseException, sample: int) -> BaseException:
    """``exc`` retold with the index of the sample it happened in."""
    retold = type(exc)(f"{exc} (in sample {sample} of the batch)")
    retold.sample = sample  # type: ignore[attr-defined]  # so that it is not retold twice
    return retold


def _column(value: Array, n: int) -> Array:
    """``value`` as one number per sample: shape ``(n,)``."""
    array = np.asarray(value, dtype=float)
    return array if array.shape == (n,) else np.broadcast_to(array, (n,))


def _rows(values: Sequence[Array], n: int) -> Array:
    return np.stack([_column(v, n) for v in values])


def _stack(rows: Sequence[Array | None], n: int) -> Array:
    return np.stack([np.zeros(n) if r is None else _column(r, n) for r in rows])


def _total(g: Array, n: int) -> float:
    return float(np.sum(_column(g, n)))


def _fin(value: Array) -> bool:
    return bool(np.isfinite(value).all())


def _grad_block(gu: Array, x: Array) -> Array:
    """A layer's parameter gradients, rows of ``(dW, db)``, summed over the batch."""
    block = np.empty((gu.shape[0], x.shape[0] + 1))
    block[:, :-1] = gu @ x.T
    block[:, -1] = gu.sum(axis=1)
    return block


def _in_order(weights: Array, biases: Array, x: Array) -> Array:
    """``b + w1*x1 + w2*x2 + ...`` added left to right for every row and sample, as the
    scalar engine adds a neuron (``numpy.add.accumulate`` is sequential): the same bits."""
    terms = np.concatenate(
        [
            np.broadcast_to(biases[:, :, None], (len(biases), 1, x.shape[1])),
            weights[:, :, None] * x[None, :, :],
        ],
        axis=1,
    )
    return np.add.accumulate(terms, axis=1)[:, -1, :]


def _scatter(gradients: Array, slots: Array, block: Array) -> None:
    np.add.at(gradients, slots, block)


def runtime_names(plan: Plan) -> dict[str, Callable[..., Any]]:
    """The functions a program written for ``plan`` refers to, by the names it uses."""
    order, specs = plan.order, plan.specs

    def floats(values: Sequence[Array], n: int, j: int) -> list[float]:
        return [float(_column(v, n)[j]) for v in values]

    def evaluate(i: int, values: list[float], j: int) -> float:
        spec, params = specs[order[i]]
        try:
            return spec.evaluate(values, params)
        except (ArithmeticError, ValueError) as exc:
            raise in_sample(exc, j) from None

    def loop(i: int, inputs: Sequence[Array], n: int) -> Array:
        return np.array([evaluate(i, floats(inputs, n, j), j) for j in range(n)])

    def forward_error(i: int, value: Array, inputs: Sequence[Array], n: int) -> None:
        for j in np.flatnonzero(~np.isfinite(_column(value, n))):
            evaluate(i, floats(inputs, n, int(j)), int(j))

    def rule_at(i: int, g_out: list[float], inputs: list[float], j: int) -> Sequence[Any]:
        node, (g, out) = order[i], g_out
        assert node._rule is not None  # op nodes carry their rule
        try:
            return node._rule(g, out, *inputs)
        except (ArithmeticError, ValueError) as exc:
            raise in_sample(backward_error(node, exc, inputs), j) from None

    def loop_rule(i: int, g: Array, out: Array, inputs: Sequence[Array], n: int) -> list[Array]:
        terms = [rule_at(i, floats([g, out], n, j), floats(inputs, n, j), j) for j in range(n)]
        return [np.array([float(t[k]) for t in terms]) for k in range(len(inputs))]

    def backward_error_(
        i: int, k: int, term: Array, g: Array, out: Array, inputs: Sequence[Array], n: int
    ) -> None:
        for j in np.flatnonzero(~np.isfinite(_column(term, n))):
            rule_at(i, floats([g, out], n, int(j)), floats(inputs, n, int(j)), int(j))

    def layer_error(k: int, m: Array, x: Array, weights: Array, biases: Array) -> None:
        layer = plan.layers[k]
        bad_samples, bad_rows = np.nonzero(~np.isfinite(m.T))  # sample by sample
        for j, r in zip(bad_samples.tolist(), bad_rows.tolist(), strict=True):
            values = [*weights[r].tolist(), float(biases[r, 0]), *x[:, j].tolist()]
            try:
                layer.spec.evaluate(values)
            except (ArithmeticError, ValueError) as exc:
                raise in_sample(exc, j) from None

    def loop_layer(k: int, u: Array) -> Array:
        act = plan.layers[k].spec.activation
        assert act is not None  # a linear layer always has an array form
        out = np.empty_like(u)
        for (r, j), total in np.ndenumerate(u):
            try:
                out[r, j] = act.forward(float(total))
            except (ArithmeticError, ValueError) as exc:
                raise in_sample(act.error([float(total)], (), exc), j) from None
        return out

    def loop_slope(act: Any, g: Array, out: Array) -> Array:
        slope = np.frompyfunc(lambda a, b: act.rule(a, b, b)[0], 2, 1)
        return np.asarray(slope(g, out), dtype=float)

    return {
        "_col": _column,
        "_rows": _rows,
        "_stack": _stack,
        "_total": _total,
        "_fin": _fin,
        "_grad_block": _grad_block,
        "_scatter": _scatter,
        "_in_order": _in_order,
        "_contiguous": np.ascontiguousarray,
        "_loop": loop,
        "_loop_rule": loop_rule,
        "_loop_layer": loop_layer,
        "_loop_slope": loop_slope,
        "_forward_error": forward_error,
        "_backward_error": backward_error_,
        "_layer_error": layer_error,
    }
