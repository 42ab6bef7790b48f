"""nn.sample_losses: each loss per sample, targets as leaves, equals the dynamic loss."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_engine as ag
from autograd_engine import Value, grad
from nn import bce_with_logits, cross_entropy, hinge, mse
from nn.sample_losses import NotBatchableError, PerSample, per_sample_form

values = st.floats(-30.0, 30.0)


def per_sample_mean(loss, outputs, targets):
    """The batch's loss rebuilt from the per-sample form: one graph per sample, then mean."""
    form = per_sample_form(loss)
    width = len(outputs[0])
    rows = form.encode(targets, width)
    terms = []
    for out, row in zip(outputs, rows, strict=True):
        leaves = [Value(t) for t in row]
        terms.append(form.build(out, leaves))
    assert form.reduction == "mean"
    return ag.sum(terms) * (1.0 / len(terms))


def dynamic_outputs(outputs):
    """What the dynamic loss is given: one Value per sample, or a list for several outputs."""
    return [out[0] if len(out) == 1 else out for out in outputs]


def agree(loss, rows, targets, rel):
    outputs = [[Value(z) for z in row] for row in rows]
    flat = [v for out in outputs for v in out]
    dynamic = loss(dynamic_outputs(outputs), targets)
    batched = per_sample_mean(loss, outputs, targets)
    assert batched.data == pytest.approx(dynamic.data, rel=rel, abs=1e-300)
    want, got = grad(dynamic, flat), grad(batched, flat)
    for w, g in zip(want, got, strict=True):
        assert g == pytest.approx(w, rel=rel, abs=1e-15)


@given(data=st.data(), n=st.integers(1, 5), width=st.integers(1, 3))
def test_mse_per_sample_equals_the_dynamic_loss(data, n, width) -> None:
    rows = [data.draw(st.lists(values, min_size=width, max_size=width)) for _ in range(n)]
    targets = [data.draw(st.lists(values, min_size=width, max_size=width)) for _ in range(n)]
    agree(mse, rows, targets if width > 1 else [t[0] for t in targets], 1e-13)


@given(data=st.data(), n=st.integers(1, 5))
def test_hinge_per_sample_equals_the_dynamic_loss(data, n) -> None:
    rows = [[data.draw(values)] for _ in range(n)]
    labels = data.draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n))
    agree(hinge, rows, labels, 1e-13)


@given(data=st.data(), n=st.integers(1, 5))
def test_bce_per_sample_equals_the_dynamic_loss(data, n) -> None:
    rows = [[data.draw(values)] for _ in range(n)]
    labels = data.draw(st.lists(st.sampled_from([0, 1, 0.25]), min_size=n, max_size=n))
    agree(bce_with_logits, rows, labels, 1e-13)


@given(data=st.data(), n=st.integers(1, 5), classes=st.integers(2, 5))
def test_cross_entropy_per_sample_equals_the_dynamic_loss(data, n, classes) -> None:
    rows = [data.draw(st.lists(values, min_size=classes, max_size=classes)) for _ in range(n)]
    labels = [data.draw(st.integers(0, classes - 1)) for _ in range(n)]
    agree(cross_entropy, rows, labels, 1e-12)


def test_cross_entropy_per_sample_is_stable_for_huge_logits_and_ties() -> None:
    agree(cross_entropy, [[1000.0, -1000.0], [0.0, 2000.0], [3.0, 3.0]], [0, 1, 1], 1e-12)
    loss = per_sample_mean(cross_entropy, [[Value(800.0), Value(-800.0)]], [0])
    assert loss.data == 0.0 and math.isfinite(loss.data)


def test_bad_targets_are_refused_with_the_loss_name() -> None:
    with pytest.raises(ValueError, match="hinge: labels must be"):
        per_sample_form(hinge).encode([1, 0], 1)
    with pytest.raises(ValueError, match="bce_with_logits: labels must lie"):
        per_sample_form(bce_with_logits).encode([2], 1)
    with pytest.raises(ValueError, match="cross_entropy: label 3 is not a class index"):
        per_sample_form(cross_entropy).encode([3], 3)
    with pytest.raises(ValueError, match=r"mse: example 0 has 2 output\(s\)"):
        per_sample_form(mse).encode([[1.0]], 2)


def test_a_loss_without_a_form_is_refused_by_name_and_a_carried_form_is_used() -> None:
    def my_loss(outputs, targets):
        return mse(outputs, targets)

    with pytest.raises(NotBatchableError, match="the loss my_loss has no per-sample form"):
        per_sample_form(my_loss)
    my_loss.per_sample = PerSample("mine", per_sample_form(mse).build, per_sample_form(mse).encode)
    assert per_sample_form(my_loss).name == "mine"
