"""nn.losses: every loss vs central differences (and PyTorch), stability, metrics."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_engine import Value, check_grad, grad
from nn import accuracy, bce_with_logits, cross_entropy, hinge, l2_penalty, mse

values = st.floats(-3.0, 3.0)
batch = st.integers(1, 4)


@given(data=st.data(), n=batch)
def test_mse_matches_central_differences(data, n) -> None:
    predictions = data.draw(st.lists(values, min_size=n, max_size=n))
    targets = data.draw(st.lists(values, min_size=n, max_size=n))
    check_grad(lambda *ps: mse(list(ps), targets), predictions)
    expected = math.fsum((p - t) ** 2 for p, t in zip(predictions, targets, strict=True)) / n
    assert mse(predictions, targets) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_mse_with_several_outputs_averages_over_all() -> None:
    loss = mse([[Value(1.0), Value(2.0)], [Value(0.0), Value(0.0)]], [[0.0, 0.0], [1.0, 1.0]])
    assert loss.data == pytest.approx((1 + 4 + 1 + 1) / 4)
    with pytest.raises(ValueError, match=r"2 output\(s\) but its target holds 1 number\(s\)"):
        mse([[1.0, 2.0]], [[1.0]])


@given(data=st.data(), n=batch)
def test_hinge_matches_central_differences(data, n) -> None:
    scores = data.draw(st.lists(values, min_size=n, max_size=n))
    labels = data.draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n))
    if any(abs(1 - y * s) < 1e-3 for s, y in zip(scores, labels, strict=True)):
        return  # the kink of max(0, 1 - ys): central differences straddle it
    check_grad(lambda *ss: hinge(list(ss), labels), scores)
    expected = sum(max(0.0, 1 - y * s) for s, y in zip(scores, labels, strict=True)) / n
    assert hinge(scores, labels) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@given(data=st.data(), n=batch)
def test_bce_with_logits_matches_central_differences(data, n) -> None:
    logits = data.draw(st.lists(values, min_size=n, max_size=n))
    labels = data.draw(st.lists(st.sampled_from([0, 1, 0.3]), min_size=n, max_size=n))
    check_grad(lambda *zs: bce_with_logits(list(zs), labels), logits)
    naive = [
        -(y * math.log(1 / (1 + math.exp(-z))) + (1 - y) * math.log(1 - 1 / (1 + math.exp(-z))))
        for z, y in zip(logits, labels, strict=True)
    ]
    assert bce_with_logits(logits, labels) == pytest.approx(sum(naive) / n, rel=1e-9)


@given(data=st.data(), n=batch, classes=st.integers(2, 4))
def test_cross_entropy_matches_central_differences(data, n, classes) -> None:
    rows = [data.draw(st.lists(values, min_size=classes, max_size=classes)) for _ in range(n)]
    labels = [data.draw(st.integers(0, classes - 1)) for _ in range(n)]
    flat = [z for row in rows for z in row]

    def loss(*zs: Value) -> Value:
        logits = [list(zs[i * classes : (i + 1) * classes]) for i in range(n)]
        return cross_entropy(logits, labels)

    check_grad(loss, flat)
    naive = [
        -math.log(math.exp(row[y]) / sum(math.exp(z) for z in row))
        for row, y in zip(rows, labels, strict=True)
    ]
    assert cross_entropy(rows, labels) == pytest.approx(sum(naive) / n, rel=1e-12)


def test_cross_entropy_single_example_form() -> None:
    assert cross_entropy([1.0, 2.0, 3.0], 2) == cross_entropy([[1.0, 2.0, 3.0]], [2])


@pytest.mark.parametrize("logit", [1000.0, -1000.0, 710.0, -745.0])
@pytest.mark.parametrize("label", [0, 1])
def test_bce_is_stable_for_huge_logits(logit, label) -> None:
    z = Value(logit)
    loss = bce_with_logits(z, label)
    loss.backward()
    wrong = (logit > 0) != (label == 1)
    assert loss.data == pytest.approx(abs(logit) if wrong else 0.0, rel=1e-15, abs=1e-300)
    # d/dz = sigmoid(z) - y: -1, 0 or 1 here (to rounding), never NaN.
    expected = 0.0 if not wrong else (1.0 if logit > 0 else -1.0)
    assert z.grad == pytest.approx(expected, rel=1e-15, abs=1e-300)


def test_cross_entropy_is_stable_for_huge_logits() -> None:
    logits = [Value(1000.0), Value(-1000.0), Value(999.0)]
    loss = cross_entropy(logits, 2)
    loss.backward()
    assert loss.data == pytest.approx(1 + math.log1p(math.exp(-1)), rel=1e-14)
    softmax = [1 / (1 + math.exp(-1)), 0.0, math.exp(-1) / (1 + math.exp(-1))]
    assert [z.grad for z in logits] == pytest.approx([softmax[0], softmax[1], softmax[2] - 1])
    assert cross_entropy([[1000.0, -1000.0]], [1]) == 2000.0


def test_losses_agree_with_pytorch() -> None:
    torch = pytest.importorskip("torch")
    f = torch.nn.functional
    logits = [0.3, -2.0, 5.0, 40.0]
    labels = [1.0, 0.0, 0.0, 1.0]
    z = [Value(v) for v in logits]
    ours = bce_with_logits(z, labels)
    tz = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    theirs = f.binary_cross_entropy_with_logits(tz, torch.tensor(labels, dtype=torch.float64))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-13)
    assert grad(ours, z) == pytest.approx(tz.grad.tolist(), rel=1e-12, abs=1e-15)

    rows = [[0.1, 2.0, -1.0], [30.0, -30.0, 0.0]]
    classes = [2, 0]
    zs = [[Value(v) for v in row] for row in rows]
    ours = cross_entropy(zs, classes)
    tz = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    theirs = f.cross_entropy(tz, torch.tensor(classes))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-13)
    flat = [v for row in zs for v in row]
    assert grad(ours, flat) == pytest.approx(tz.grad.flatten().tolist(), rel=1e-12, abs=1e-15)

    p = [Value(0.5), Value(-1.5)]
    ours = mse(p, [1.0, 2.0])
    tp = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)
    theirs = f.mse_loss(tp, torch.tensor([1.0, 2.0], dtype=torch.float64))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-15)
    assert grad(ours, p) == pytest.approx(tp.grad.tolist(), rel=1e-15)


@given(st.lists(values, min_size=1, max_size=5), st.floats(0.0, 1.0))
def test_l2_penalty_matches_central_differences(weights, alpha) -> None:
    check_grad(lambda *ws: l2_penalty(list(ws), alpha), weights)
    penalty = l2_penalty([Value(w) for w in weights], alpha)
    assert penalty.data == pytest.approx(alpha * sum(w * w for w in weights), rel=1e-12, abs=1e-300)
    assert penalty.op in ("*",)  # alpha times a single fused dot node
    assert penalty.parents[1].op == "dot"


def test_losses_on_plain_floats_give_floats() -> None:
    assert isinstance(mse([1.0], [0.0]), float)
    assert isinstance(hinge([0.5], [1]), float)
    assert isinstance(bce_with_logits([0.5], [1]), float)
    assert isinstance(cross_entropy([[0.5, 1.0]], [1]), float)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mse([1.0, 2.0], [1.0]), "2 predictions but 1 targets"),
        (lambda: mse([], []), "no predictions"),
        (lambda: hinge([1.0], [0]), "labels must be \\+1 or -1, got 0"),
        (lambda: bce_with_logits([1.0], [2]), "labels must lie in \\[0, 1\\], got 2"),
        (lambda: cross_entropy([[1.0, 2.0]], [2]), "label 2 is not a class index for 2"),
    ],
)
def test_bad_inputs_raise_naming_the_loss(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_accuracy_for_scores_probabilities_and_logits() -> None:
    assert accuracy([Value(0.3), Value(-2.0), 1.5], [1, -1, -1]) == pytest.approx(2 / 3)
    assert accuracy([0.3, -2.0], [1, 0]) == 1.0  # 0/1 labels with logits
    assert accuracy([0.7, 0.2, 0.6], [1, 0, 0], threshold=0.5) == pytest.approx(2 / 3)
    assert accuracy([[0.1, 0.9, 0.0], [2.0, 1.0, 3.0]], [1, 0]) == 0.5
    assert accuracy(Value(1.0), 1) == 1.0
