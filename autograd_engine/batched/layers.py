"""Layers: fused neurons that share one input tuple and one activation, as matrix products.

An ``affine_layer`` builds neurons whose parameters are leaves and whose inputs are one
shared tuple. In the batched program they become one layer: their parameter rows are one
block of the parameter array ``P`` (contiguous when each leaf appears once, read as a
matrix without copying), ``X`` is ``(n_in, batch)`` (an earlier layer's output matrix,
input columns, or rows stacked), and the layer is ``act(W @ X + b)`` forward,
``GU @ X.T`` and ``GU.sum(1)`` for the parameters and ``W.T @ GU`` for the inputs backward,
``GU`` being the activation's rule traced on the gradient matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from autograd_engine.batched.writer import Writer, apply, slope
from autograd_engine.opspec import OpSpec
from autograd_engine.trace import ref
from autograd_engine.value import Value

if TYPE_CHECKING:
    from autograd_engine.batched.program import Plan


@dataclass
class Layer:
    """Fused neurons with one input tuple and one activation: one matrix product."""

    number: int
    spec: OpSpec
    members: list[Value]
    inputs: tuple[Value, ...]
    slots: list[list[int]] = field(default_factory=list)  # P's index of each row's params
    source: str = ""  # the expression of X (n_in, batch), set when writing

    @property
    def contiguous(self) -> tuple[int, int, int] | None:
        """``(start, middle, stop)`` when ``P[start:middle]`` holds the weights row after
        row and ``P[middle:stop]`` the biases: both read without a copy."""
        weights = [s for row in self.slots for s in row[:-1]]
        biases = [row[-1] for row in self.slots]
        start, middle = self.slots[0][0], self.slots[0][0] + len(weights)
        if weights + biases == list(range(start, middle + len(biases))):
            return start, middle, middle + len(biases)
        return None


def matrix_source(plan: Plan, layer: Layer) -> str | None:
    """``X`` of a layer without stacking: an earlier layer's outputs, or input columns."""
    inputs = list(layer.inputs)
    for other in plan.layers[: layer.number]:
        if other.members == inputs:
            return f"M{other.number}"
    rows = [plan.columns.get(x, "") for x in inputs]
    if all(r.startswith("X[") for r in rows):
        first = int(rows[0][2:-1])
        if rows == [f"X[{first + k}]" for k in range(len(rows))]:
            return f"X[{first}:{first + len(rows)}]"
    return None


def forward_layer(w: Writer, layer: Layer, alone: set[Value], exact: bool) -> None:
    k = layer.number
    rows, width = len(layer.members), len(layer.inputs) + 1
    span = layer.contiguous
    if span is None:  # rows shared with another layer: gathered (BLAS wants W contiguous)
        w.lines.append(f"T{k} = P[{ref(np.array(layer.slots))}]")
        w.lines.append(f"W{k} = _contiguous(T{k}[:, :-1])")
        w.lines.append(f"B{k} = T{k}[:, -1:]")
    else:
        w.lines.append(f"W{k} = P[{span[0]}:{span[1]}].reshape({rows}, {width - 1})")
        w.lines.append(f"B{k} = P[{span[1]}:{span[2]}].reshape({rows}, 1)")
    layer.source = matrix_source(w.plan, layer) or (
        f"_rows(({', '.join(w.v(x) for x in layer.inputs)},), n)"
    )
    w.lines.append(f"X{k} = {layer.source}")
    if exact:  # the scalar engine's order, b + w1*x1 + w2*x2 + ...: the same bits
        w.lines.append(f"U{k} = _in_order(W{k}, B{k}, X{k})")
    else:
        w.lines.append(f"U{k} = W{k} @ X{k} + B{k}")
    act = layer.spec.activation
    applied = apply(act.forward, [f"U{k}"], ()) if act is not None else (f"U{k}", False)
    if applied is None:
        w.lines.append(f"M{k} = _loop_layer({k}, U{k})")
    else:
        w.lines.append(f"M{k} = {applied[0]}")
        if applied[1]:
            w.lines.append(f"if not _fin(M{k}): _layer_error({k}, M{k}, X{k}, W{k}, B{k})")
    for r, member in enumerate(layer.members):
        if member in alone:
            w.lines.append(f"{w.v(member)} = M{k}[{r}]")


def backward_layer(w: Writer, layer: Layer) -> None:
    k, plan = layer.number, w.plan
    parts = [f"GX{k}"] if k in w.matrices else []
    rows = [f"g{plan.index[m]}" if m in w.assigned else "None" for m in layer.members]
    if any(r != "None" for r in rows):
        parts.append(f"_stack(({', '.join(rows)},), n)")
    if not parts:
        return
    w.lines.append(f"GM{k} = {' + '.join(parts)}")
    slope(w, layer.spec.activation, f"GM{k}", f"M{k}", f"GU{k}")
    if any(plan.needs[plan.shared[s]] for row in layer.slots for s in row):
        span = layer.contiguous
        if span is None:
            w.lines.append(f"_scatter(G, {ref(np.array(layer.slots))}, _grad_block(GU{k}, X{k}))")
        else:
            w.lines.append(f"G[{span[0]}:{span[1]}] += (GU{k} @ X{k}.T).ravel()")
            w.lines.append(f"G[{span[1]}:{span[2]}] += GU{k}.sum(axis=1)")
    if not any(plan.needs[x] for x in layer.inputs):
        return
    w.lines.append(f"DX{k} = W{k}.T @ GU{k}")
    source = next((o for o in plan.layers[:k] if f"M{o.number}" == layer.source), None)
    if source is not None:
        j = source.number
        w.lines.append(f"GX{j} = GX{j} + DX{k}" if j in w.matrices else f"GX{j} = DX{k}")
        w.matrices.add(j)
        return
    for r, x in enumerate(layer.inputs):
        if plan.needs[x]:
            w.add_to(x, f"DX{k}[{r}]")
