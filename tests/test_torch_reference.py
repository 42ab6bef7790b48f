"""Every op, and a few whole expressions, against PyTorch in float64 (skipped without torch).

The counterpart map itself is checked by name on every machine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import op_inputs

from autograd_engine import AFFINE_ACTIVATIONS, OPS, Value, grad

try:  # the map below is checked by name everywhere; the numbers only where torch is
    import torch
    from torch.nn import functional as F
except ImportError:  # pragma: no cover - depends on the machine
    torch = None  # type: ignore[assignment]

needs_torch = pytest.mark.skipif(torch is None, reason="needs the torch extra (PyTorch)")

# PyTorch's version of each op in the table; a new op without an entry fails below, on
# every machine. Fused neurons (affine_<act>) are the activation's entry on the sum.
TORCH_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: torch.div(a, b, rounding_mode="floor"),
    "%": lambda a, b: torch.remainder(a, b),
    "**": lambda a, b: a**b,
    "**n": lambda x, exponent: x**exponent,
    "neg": lambda x: -x,
    "abs": lambda x: torch.abs(x),
    "exp": lambda x: torch.exp(x),
    "log": lambda x: torch.log(x),
    "sqrt": lambda x: torch.sqrt(x),
    "tanh": lambda x: torch.tanh(x),
    "sigmoid": lambda x: torch.sigmoid(x),
    "relu": lambda x: torch.relu(x),
    "leaky_relu": lambda x, slope: F.leaky_relu(x, slope),
    "softplus": lambda x: F.softplus(x),
    "sin": lambda x: torch.sin(x),
    "cos": lambda x: torch.cos(x),
    "sum": lambda *xs: torch.stack(xs).sum(),
    "dot": lambda *xs: torch.dot(torch.stack(xs[: len(xs) // 2]), torch.stack(xs[len(xs) // 2 :])),
    "affine": lambda *xs: _torch_affine(xs),
    "tan": lambda x: torch.tan(x),
    "sinh": lambda x: torch.sinh(x),
    "cosh": lambda x: torch.cosh(x),
    "asin": lambda x: torch.asin(x),
    "acos": lambda x: torch.acos(x),
    "atan": lambda x: torch.atan(x),
    "asinh": lambda x: torch.asinh(x),
    "acosh": lambda x: torch.acosh(x),
    "atanh": lambda x: torch.atanh(x),
    "atan2": lambda y, x: torch.atan2(y, x),
    "hypot": lambda a, b: torch.hypot(a, b),
    "log1p": lambda x: torch.log1p(x),
    "expm1": lambda x: torch.expm1(x),
    "log2": lambda x: torch.log2(x),
    "log10": lambda x: torch.log10(x),
    "exp2": lambda x: torch.exp2(x),
    "erf": lambda x: torch.erf(x),
    "sign": lambda x: torch.sign(x),
    "clamp": lambda x, lo, hi: torch.clamp(x, lo, hi),
    "maximum": lambda a, b: torch.maximum(a, b),
    "minimum": lambda a, b: torch.minimum(a, b),
    "where": lambda a, b, condition: torch.where(torch.tensor(bool(condition)), a, b),
}
for _act in AFFINE_ACTIVATIONS[1:]:
    TORCH_OPS[f"affine_{_act}"] = lambda *xs, _f=TORCH_OPS[_act]: _f(_torch_affine(xs))


def _torch_affine(xs):
    """b + w . x from affine's operands (w1..wn, b, x1..xn)."""
    n = len(xs) // 2
    bias = xs[n]
    if n == 0:
        return bias
    return bias + torch.dot(torch.stack(xs[:n]), torch.stack(xs[n + 1 :]))


def test_every_op_has_a_torch_counterpart() -> None:
    """Checked by name, with or without PyTorch installed."""
    assert set(TORCH_OPS) == set(OPS)


def torch_derivatives(name: str, inputs: list[float], params: dict[str, float]):
    xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    out = TORCH_OPS[name](*xs, **params)
    firsts = torch.autograd.grad(out, xs, create_graph=True, allow_unused=True)
    seconds = []
    for first in firsts:
        if first is None or not first.requires_grad:
            seconds.append([0.0] * len(xs))
            continue
        row = torch.autograd.grad(first, xs, allow_unused=True, retain_graph=True)
        seconds.append([0.0 if r is None else r.item() for r in row])
    return out.item(), [f.item() if f is not None else 0.0 for f in firsts], seconds


@needs_torch
@pytest.mark.parametrize("name", sorted(OPS))
@given(data=st.data())
def test_value_first_and_second_derivatives(name: str, data: st.DataObject) -> None:
    inputs, params = data.draw(op_inputs(OPS[name]))
    expected_out, expected_first, expected_second = torch_derivatives(name, inputs, params)
    leaves = [Value(x) for x in inputs]
    out = OPS[name](*leaves, **params)
    firsts = grad(out, leaves, create_graph=True)
    seconds = [grad(first, leaves) for first in firsts]
    assert out.data == pytest.approx(expected_out, rel=1e-12, abs=1e-12)
    assert [f.data for f in firsts] == pytest.approx(expected_first, rel=1e-12, abs=1e-12)
    if name == "**" and inputs[1] == 0:
        # PyTorch masks d(a^b)/da to 0 where b == 0, which also zeroes its derivative in b;
        # the true mixed derivative is a^-1 (central differences agree with us: test_ops).
        return
    for row, expected_row in zip(seconds, expected_second, strict=True):
        assert row == pytest.approx(expected_row, rel=1e-10, abs=1e-10)


@needs_torch
def test_a_small_network_expression() -> None:
    values = [0.5, -1.5, 2.0, 0.25]
    ours = [Value(v) for v in values]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]

    def build(w1, w2, x, b, lib):
        hidden = lib["tanh"](w1 * x + b)
        return lib["sigmoid"](w2 * hidden) * lib["log"](x * x + 1) + lib["relu"](w1 - w2) ** 2

    mine = build(
        *ours, {"tanh": Value.tanh, "sigmoid": Value.sigmoid, "log": Value.log, "relu": Value.relu}
    )
    ref = build(
        *theirs,
        {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "log": torch.log, "relu": torch.relu},
    )
    mine.backward()
    ref.backward()
    assert mine.data == pytest.approx(ref.item(), rel=1e-14)
    for a, b in zip(ours, theirs, strict=True):
        assert a.grad == pytest.approx(b.grad.item(), rel=1e-13, abs=1e-15)
