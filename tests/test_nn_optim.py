"""nn.optim: optimizers vs closed form and vs PyTorch, schedules, gradient clipping."""

from __future__ import annotations

import math
import random

import pytest

from autograd_engine import Value
from nn import (
    MLP,
    SGD,
    Adam,
    AdamW,
    CosineSchedule,
    LinearSchedule,
    StepSchedule,
    clip_grad_norm,
)


def quadratic_step(optimizer, params, curvature=(1.0, 3.0)) -> None:
    """Gradient of sum(c_i * p_i^2 / 2): g_i = c_i * p_i, set by hand."""
    optimizer.zero_grad()
    for p, c in zip(params, curvature, strict=True):
        p.grad = c * p.data
    optimizer.step()


# ---- closed form --------------------------------------------------------------------


def test_sgd_plain_step() -> None:
    p = Value(2.0)
    optimizer = SGD([p], lr=0.1)
    p.grad = 4.0
    optimizer.step()
    assert p.data == pytest.approx(2.0 - 0.4)
    assert optimizer.steps == 1


def test_sgd_momentum_closed_form() -> None:
    # constant gradient g: velocities g, (1 + m) g, (1 + m + m^2) g
    p = Value(0.0)
    optimizer = SGD([p], lr=0.5, momentum=0.9)
    for _ in range(3):
        p.grad = 1.0
        optimizer.step()
    assert p.data == pytest.approx(-0.5 * (1 + 1.9 + 2.71), rel=1e-14)


def test_sgd_weight_decay_and_nesterov_closed_form() -> None:
    p = Value(1.0)
    optimizer = SGD([p], lr=0.1, momentum=0.5, weight_decay=0.2, nesterov=True)
    p.grad = 0.0
    optimizer.step()
    # g = 0.2, v = 0.2, step = g + 0.5 v = 0.3
    assert p.data == pytest.approx(1.0 - 0.03, rel=1e-15)


def test_adam_first_steps_closed_form() -> None:
    # With a constant gradient, bias correction makes every step exactly lr * g/(|g| + eps').
    p = Value(0.0)
    optimizer = Adam([p], lr=0.01, eps=0.0)
    for step in range(1, 4):
        p.grad = -3.0
        optimizer.step()
        assert p.data == pytest.approx(0.01 * step, rel=1e-12)


def test_adam_l2_and_adamw_decoupled_decay_differ_as_documented() -> None:
    a, b = Value(1.0), Value(1.0)
    adam = Adam([a], lr=0.1, weight_decay=0.5)
    adamw = AdamW([b], lr=0.1, weight_decay=0.5)
    a.grad = b.grad = 0.0
    adam.step()
    adamw.step()
    # Adam adds 0.5 * p to the gradient: a first step of lr in its direction.
    assert a.data == pytest.approx(0.9, rel=1e-7)
    # AdamW shrinks p by lr * wd and sees a zero gradient: no Adam move at all.
    assert b.data == pytest.approx(0.95, rel=1e-15)


def test_zero_grad_and_module_argument() -> None:
    model = MLP(2, [3, 1], seed=0)
    optimizer = SGD(model, lr=0.1)
    assert optimizer.parameters == model.parameters()
    model([1.0, 2.0]).backward()
    optimizer.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_optimizers_descend_a_quadratic() -> None:
    for make in (
        lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: Adam(ps, lr=0.1),
        lambda ps: AdamW(ps, lr=0.1),
    ):
        params = [Value(1.0), Value(-2.0)]
        optimizer = make(params)
        for _ in range(300):
            quadratic_step(optimizer, params)
        assert all(abs(p.data) < 1e-2 for p in params), type(optimizer).__name__


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: SGD([Value(1.0)], lr=-1.0), "lr must be"),
        (lambda: SGD([Value(1.0)], momentum=-0.5), "momentum"),
        (lambda: SGD([Value(1.0)], nesterov=True), "nesterov"),
        (lambda: Adam([Value(1.0)], betas=(1.0, 0.9)), "betas"),
    ],
)
def test_bad_settings_raise(build, message) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_non_values_are_refused() -> None:
    with pytest.raises(TypeError, match="optimizers update Values, got float"):
        SGD([1.0])


# ---- schedules ----------------------------------------------------------------------


def test_linear_schedule_is_micrograds_bit_for_bit() -> None:
    schedule = LinearSchedule(1.0, 0.1, 100)
    assert [schedule(k) for k in range(100)] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert schedule(100) == schedule(1000) == 0.1


def test_step_and_cosine_schedules() -> None:
    step = StepSchedule(1.0, step_size=3, gamma=0.5)
    assert [step(k) for k in range(7)] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    cosine = CosineSchedule(2.0, steps=4, min_rate=1.0)
    assert cosine(0) == 2.0
    assert cosine(2) == pytest.approx(1.5)
    assert cosine(4) == cosine(40) == 1.0
    assert cosine(1) == pytest.approx(1.0 + 0.5 * (1 + math.cos(math.pi / 4)))


def test_optimizer_follows_its_schedule() -> None:
    p = Value(0.0)
    optimizer = SGD([p], lr=LinearSchedule(1.0, 0.0, 4))
    rates = []
    for _ in range(5):
        rates.append(optimizer.learning_rate)
        p.grad = -1.0
        optimizer.step()
    assert rates == [1.0, 0.75, 0.5, 0.25, 0.0]
    assert p.data == pytest.approx(2.5)


# ---- clipping -----------------------------------------------------------------------


def test_clip_grad_norm_scales_only_when_needed() -> None:
    params = [Value(0.0), Value(0.0)]
    params[0].grad, params[1].grad = 0.3, 0.4
    assert clip_grad_norm(params, 1.0) == pytest.approx(0.5)
    assert [p.grad for p in params] == [0.3, 0.4]
    params[0].grad, params[1].grad = 30.0, 40.0
    assert clip_grad_norm(params, 1.0) == pytest.approx(50.0)
    norm = math.hypot(params[0].grad, params[1].grad)
    assert norm == pytest.approx(1.0, rel=1e-6)
    params[0].grad = math.inf
    with pytest.raises(ValueError, match="not finite"):
        clip_grad_norm(params, 1.0)


# ---- PyTorch as the second oracle ---------------------------------------------------


def run_both(torch, ours_factory, torch_factory, steps=5, size=6, seed=0):
    """Run our optimizer and PyTorch's on the same parameters and gradients."""
    rng = random.Random(seed)
    start = [rng.uniform(-2, 2) for _ in range(size)]
    grads = [[rng.uniform(-3, 3) for _ in range(size)] for _ in range(steps)]
    ours = [Value(x) for x in start]
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer, reference = ours_factory(ours), torch_factory([theirs])
    for step_grads in grads:
        for p, g in zip(ours, step_grads, strict=True):
            p.grad = g
        optimizer.step()
        theirs.grad = torch.tensor(step_grads, dtype=torch.float64)
        reference.step()
    return [p.data for p in ours], theirs.detach().tolist()


@pytest.mark.parametrize(
    ("torch_name", "ours", "settings"),
    [
        ("SGD", lambda ps: SGD(ps, lr=0.1), dict(lr=0.1)),
        ("SGD", lambda ps: SGD(ps, lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9)),
        (
            "SGD",
            lambda ps: SGD(ps, lr=0.05, momentum=0.8, weight_decay=0.1, nesterov=True),
            dict(lr=0.05, momentum=0.8, weight_decay=0.1, nesterov=True),
        ),
        ("Adam", lambda ps: Adam(ps, lr=0.01), dict(lr=0.01)),
        (
            "Adam",
            lambda ps: Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
            dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
        ),
        (
            "AdamW",
            lambda ps: AdamW(ps, lr=0.01, weight_decay=0.05),
            dict(lr=0.01, weight_decay=0.05),
        ),
    ],
)
def test_steps_match_pytorch(torch_name, ours, settings) -> None:
    torch = pytest.importorskip("torch")
    reference = getattr(torch.optim, torch_name)
    ours_result, torch_result = run_both(torch, ours, lambda ps: reference(ps, **settings))
    assert ours_result == pytest.approx(torch_result, rel=1e-12, abs=1e-12)


def test_clip_grad_norm_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    grads = [3.0, -4.0, 12.0]
    params = [Value(0.0) for _ in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad = g
    tensor = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    tensor.grad = torch.tensor(grads, dtype=torch.float64)
    assert clip_grad_norm(params, 2.0) == pytest.approx(
        torch.nn.utils.clip_grad_norm_([tensor], 2.0).item(), rel=1e-15
    )
    assert [p.grad for p in params] == pytest.approx(tensor.grad.tolist(), rel=1e-14)
