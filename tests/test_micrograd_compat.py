"""Code written for micrograd's engine runs unchanged with our Value (only the import changed).

The two expressions are the ones micrograd's own engine tests check against PyTorch; the
README numbers are the ones its README prints.
"""

from __future__ import annotations

import pytest

from autograd_engine import Value


def sanity_expression(value_type):
    x = value_type(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return x, y


def more_ops_expression(value_type):
    a = value_type(-4.0)
    b = value_type(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, g


def test_readme_numbers() -> None:
    a, b, g = more_ops_expression(Value)
    g.backward()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def torch_value(v: float):
    torch = pytest.importorskip("torch")
    return torch.tensor([v], dtype=torch.float64, requires_grad=True)


def test_sanity_check_agrees_with_torch() -> None:
    x, y = sanity_expression(Value)
    y.backward()
    xt, yt = sanity_expression(torch_value)
    yt.backward()
    assert y.data == yt.item()
    assert x.grad == xt.grad.item()


def test_more_ops_agree_with_torch() -> None:
    a, b, g = more_ops_expression(Value)
    g.backward()
    at, bt, gt = more_ops_expression(torch_value)
    gt.backward()
    assert abs(g.data - gt.item()) < 1e-6
    assert abs(a.grad - at.grad.item()) < 1e-6
    assert abs(b.grad - bt.grad.item()) < 1e-6
