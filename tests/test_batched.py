"""Batched replay equals a fresh scalar build of the whole batch, and refuses what it cannot batch.

The oracle is the scalar engine itself: the same per-sample code built once per sample with
ordinary Values, the losses summed (or averaged) into one node and ``backward()`` run on it.
Sums may run in another order (layers' matrix products, sums over the batch), so numbers
are compared to 1e-12 of the magnitude of what was summed.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import DOMAINS, param

import autograd_engine as ag
from autograd_engine import OPS, BatchingError, Value, affine_layer, record_batch

OPS_TO_BATCH = sorted(
    name for name, spec in OPS.items() if spec.layout != "neuron" and not spec.chosen_when_built
)


def close(got: float, want: float, scale: float = 1.0) -> bool:
    """Equal to 1e-12 relative, or to 1e-12 of ``scale`` (the magnitude of the terms summed)."""
    if math.isnan(want):
        return math.isnan(got)
    return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12 * scale)


def scalar_reference(build, params, rows, reduction="mean"):
    """Loss, per-sample losses and gradients of a fresh scalar build of the whole batch."""
    for p in params:
        p.grad = 0.0
    losses = [build(x, y) for x, y in rows]
    total = ag.sum(losses)
    total = total / len(losses) if reduction == "mean" else total
    total.backward()
    grads = [p.grad for p in params]
    # The magnitude of what each gradient sums: one sample's gradient at a time.
    scale = [0.0] * len(params)
    for loss in losses:
        for k, g in enumerate(ag.grad(loss, params)):
            scale[k] += abs(g) / (len(losses) if reduction == "mean" else 1)
    for p in params:
        p.grad = 0.0
    return total.data, [loss.data for loss in losses], grads, scale


def assert_batched_equals_scalar(
    build, params, n_inputs, n_targets, rows, reduction="mean", exact=False, recorded=None
):
    recorded = recorded or rows[0]  # the sample whose graph is recorded: the first by default
    xs = [Value(v) for v in recorded[0]]
    ys = [Value(v) for v in recorded[1]]
    tape = record_batch(
        build(xs, ys), params=params, inputs=xs, targets=ys, reduction=reduction, exact=exact
    )
    want, want_losses, want_grads, scale = scalar_reference(
        lambda x, y: build([Value(v) for v in x], [Value(v) for v in y]), params, rows, reduction
    )
    X = np.array([x for x, _ in rows]).reshape(len(rows), n_inputs)
    Y = np.array([y for _, y in rows]).reshape(len(rows), n_targets)
    got = tape.run(X, Y)
    assert close(got, want, max(1.0, abs(want))), (got, want)
    for a, b in zip(tape.losses.tolist(), want_losses, strict=True):
        assert close(a, b), (a, b)
    for p, want_g, s in zip(params, want_grads, scale, strict=True):
        assert close(p.grad, want_g, s), (p.grad, want_g, s, tape.source)


# ---------------------------------------------------------------------------------------
# Every op of the table, operands mixed from inputs, a shared parameter and repeats.


@st.composite
def op_batches(draw, name, n):
    spec = OPS[name]
    arity = spec.arity or draw(st.integers(1, 3)) * (2 if spec.layout == "pairs" else 1)
    domains = spec.domain if spec.arity else spec.domain * arity
    # Each operand: its own input column, the shared parameter, or operand 0 again.
    roles = [draw(st.sampled_from(["input", "param", "repeat"])) for _ in range(arity)]
    roles[0] = "input" if roles[0] == "repeat" else roles[0]
    if domains != tuple(domains[:1]) * arity:  # different domains: no repeats across them
        roles = ["input" if r == "repeat" else r for r in roles]
    # Kinks at exactly 0 (relu, abs, sign, maximum...): then some operands are 0.0 exactly,
    # outside the domains the central-difference tests need; where the scalar build
    # raises there (log(0.0)), the tape must raise too.
    kinks = draw(st.booleans())
    value = (lambda d: st.one_of(st.just(0.0), DOMAINS[d])) if kinks else DOMAINS.__getitem__
    rows = [([draw(value(d)) for d in domains], []) for _ in range(n)]
    recorded = [draw(DOMAINS[d]) for d in domains]  # a sample the scalar build accepts
    p_value = draw(DOMAINS[domains[0]]) if "param" in roles else 0.5
    if "param" in roles:
        # One value for every operand that reads the parameter: keep it in all their domains.
        shared = [d for d, r in zip(domains, roles, strict=True) if r == "param"]
        if len(set(shared)) > 1:
            roles = ["input" if r == "param" else r for r in roles]
        else:
            p_value = draw(DOMAINS[shared[0]])
    params = {k: draw(param(k, v)) for k, v in spec.params.items()}
    return roles, recorded, rows, p_value, params


@pytest.mark.parametrize("n", [1, 2, 7, 100])
@pytest.mark.parametrize("name", OPS_TO_BATCH)
@settings(max_examples=4)  # x 4 batch sizes x 50 ops
@given(data=st.data())
def test_every_op_batched_equals_scalar(name, n, data):
    roles, recorded, rows, p_value, params = data.draw(op_batches(name, n))
    spec = OPS[name]
    p, q = Value(p_value, label="p"), Value(1.5, label="q")
    for v in (p, q):
        v.kind = "parameter"

    def build(xs, ys):
        operands = [
            xs[0] if r == "repeat" else (p if r == "param" else xs[k]) for k, r in enumerate(roles)
        ]
        return spec(*operands, **params) * q

    try:
        scalar_reference(lambda x, y: build([Value(v) for v in x], y), [p, q], rows)
    except (ArithmeticError, ValueError) as exc:
        # The scalar build raises here (a pole of a rule, a domain error at 0.0).
        xs = [Value(v) for v in recorded]
        tape = record_batch(build(xs, []), params=[p, q], inputs=xs)
        X = np.array([x for x, _ in rows])
        if str(exc).startswith("backward of") and "param" not in roles:
            # Only the inputs' gradients meet the pole, and a tape computes no gradient
            # for a per-sample input (no Value holds it): the forward must still agree.
            tape.run(X)
            want = [build([Value(v) for v in x], []).data for x, _ in rows]
            assert all(map(close, tape.losses.tolist(), want))
            return
        with pytest.raises((ArithmeticError, ValueError), match="in sample"):
            tape.run(X)
        return
    assert_batched_equals_scalar(build, [p, q], len(roles), 0, rows, recorded=(recorded, []))


# ---------------------------------------------------------------------------------------
# Random networks: layers of fused neurons (every activation), relu kinks at exactly 0.
# Weights and inputs from a few dyadic numbers give exact zeros (relu kinks at exactly 0)
# and exact cancellations; W @ X adds in BLAS's order, where a sum that cancels to exactly
# 0 in the scalar order may not, so these run with exact=True (the scalar order, the same
# bits) and, with weights drawn from a continuous range, with the default W @ X.

ACTIVATIONS = st.sampled_from(list(ag.AFFINE_ACTIVATIONS))
SMALL = st.sampled_from([0.0, 0.5, -0.5, 1.0, -1.0, 0.25])  # exact zeros: kinks at 0


@pytest.mark.parametrize("n", [1, 2, 7, 100])
@settings(max_examples=15)
@given(
    widths=st.lists(st.integers(1, 3), min_size=1, max_size=2),
    acts=st.lists(ACTIVATIONS, min_size=2, max_size=2),
    seed=st.integers(0, 2**16),
    reduction=st.sampled_from(["mean", "sum"]),
    exact=st.booleans(),
    data=st.data(),
)
def test_random_networks_batched_equal_scalar(n, widths, acts, seed, reduction, exact, data):
    rng = np.random.default_rng(seed)
    sizes = [2, *widths]
    layers = []
    for k, (nin, nout) in enumerate(itertools.pairwise(sizes)):
        rows = [tuple(Value(weight(data, rng, exact)) for _ in range(nin + 1)) for _ in range(nout)]
        for row in rows:
            for v in row:
                v.kind = "parameter"
        layers.append((rows, acts[k % 2] if k < len(sizes) - 2 else "relu"))
    c = Value(1.5, label="c")
    c.kind = "parameter"
    params = [c] + [v for rows, _ in layers for row in rows for v in row]

    def build(xs, ys):
        h = (xs[0], xs[1] * c)  # a computed input tuple: the layer stacks its rows
        first = None
        for rows, act in layers:
            h = tuple(affine_layer(rows, h, act))
            first = first or h
        # The first layer's rows again, reversed, on swapped inputs: parameters shared
        # between layers (a block of P read out of order), inputs stacked from columns.
        twisted = affine_layer(list(reversed(layers[0][0])), (xs[1], xs[0]), "tanh")
        # first[0] is read by the next layer's matrix product and on its own too.
        score = ag.sum(h) + first[0] * 0.5 + ag.sum(twisted) * 0.25
        # A per-sample loss with a kink, a repeated operand and a target.
        return (1 - ys[0] * score).relu() + abs(score - xs[0]) * 0.5 + score * score

    batch = [
        (
            [float(rng.choice([0.0, 1.0, -1.0, 0.5])), float(rng.normal())],
            [float(rng.choice([-1.0, 1.0]))],
        )
        for _ in range(n)
    ]
    assert_batched_equals_scalar(build, params, 2, 1, batch, reduction, exact)


def weight(data, rng, exact):
    """A dyadic weight (exact zeros, exact cancellations) for exact=True, else continuous."""
    return float(data.draw(SMALL)) * 0.5 if exact else float(rng.uniform(-1.0, 1.0))


# ---------------------------------------------------------------------------------------
# What cannot be batched is refused, and domain errors name the op, value and sample.


def test_domain_error_names_op_value_and_sample():
    x = Value(1.0)
    tape = record_batch(x.log(), inputs=[x])
    X = np.ones((10, 1))
    X[7, 0] = -2.0
    with pytest.raises(
        ValueError, match=r"log\(-2.0\): log is defined .* \(in sample 7 of the batch\)"
    ):
        tape.run(X)


def test_backward_pole_raises_like_the_scalar_build():
    w, x = Value(1.0), Value(1.0)
    w.kind = "parameter"
    tape = record_batch((w * x).sqrt(), inputs=[x])
    with pytest.raises(
        ZeroDivisionError, match=r"backward of sqrt .* \(in sample 2 of the batch\)"
    ):
        tape.run([[1.0], [4.0], [0.0]])


def test_where_is_refused_at_recording():
    x = Value(1.0)
    with pytest.raises(BatchingError, match="where"):
        record_batch(ag.where(x > 0, x, -x), inputs=[x])


def test_python_branch_is_caught_by_check_with_the_users_code():
    w = Value(1.0)
    w.kind = "parameter"

    def build(xs, ys):
        return w * xs[0] if xs[0] > 0 else w * w * xs[0]  # a Python if on a Value

    x = Value(1.0)
    tape = record_batch(build([x], []), params=[w], inputs=[x])
    tape.check([[1.0], [2.0]], build=build)  # every sample takes the recorded branch
    with pytest.raises(BatchingError, match="Python branch"):
        tape.check([[1.0], [-2.0]], build=build)


def test_check_passes_on_a_network_and_catches_a_wrong_program():
    model_rows = [(Value(0.3), Value(-0.2), Value(0.1)), (Value(0.5), Value(0.4), Value(-0.3))]
    xs = (Value(0.0), Value(0.0))
    loss = ag.sum(affine_layer(model_rows, xs, "tanh"))
    tape = record_batch(loss, params=[v for r in model_rows for v in r], inputs=xs)
    X = np.random.default_rng(0).normal(size=(9, 2))
    tape.check(X, samples=4)
    tape._program = lambda P, X, Y, n, seed, backward, G: (np.zeros(n), ())  # broken on purpose
    with pytest.raises(BatchingError, match="the tape gives loss"):
        tape.check(X)


def test_shapes_are_checked():
    x, y = Value(0.0), Value(0.0)
    tape = record_batch((x - y) ** 2, inputs=[x], targets=[y])
    with pytest.raises(BatchingError, match="expected"):
        tape.run(np.ones((3, 2)), np.ones(3))
    with pytest.raises(BatchingError, match="rows"):
        tape.run(np.ones((3, 1)), np.ones(4))
    with pytest.raises(BatchingError, match="empty"):
        tape.run(np.ones((0, 1)), np.ones(0))


def test_watched_values_and_sum_reduction():
    w, x = Value(2.0), Value(0.0)
    w.kind = "parameter"
    score = w * x
    tape = record_batch(score * score, inputs=[x], watch=[score], reduction="sum")
    assert tape.run([[1.0], [3.0]]) == 4.0 + 36.0
    assert tape.watched.tolist() == [[2.0], [6.0]]
    assert w.grad == 2 * 2.0 * 1.0 + 2 * 18.0 * 1.0  # sum of 2 w x^2


def test_engine_imports_without_numpy_and_record_batch_says_what_is_missing():
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import autograd_engine as ag\n"
        "x = ag.Value(1.0)\n"
        "try:\n"
        "    ag.record_batch(x * x, inputs=[x])\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "needs NumPy" in result.stdout


def test_ops_without_an_array_form_loop_over_the_batch():
    calls = []

    def forward(x):
        calls.append(x)
        return float(f"{x:.17g}") * 2.0  # formatting needs a real float: no array form

    def rule(g, out, x):
        return (g * (2.0 + 0.0 * len(x.hex())),)  # a float's method: no array form

    double = ag.defop("batched_test_double", forward, rule)
    try:
        w, x = Value(0.5), Value(1.0)
        w.kind = "parameter"
        tape = record_batch(double(w * x), inputs=[x], reduction="sum")
        assert "_loop(" in tape.source and "_loop_rule(" in tape.source
        calls.clear()
        assert tape.run([[1.0], [2.0], [3.0]]) == 2.0 * 0.5 * 6.0
        assert len(calls) == 3 and w.grad == 2.0 * 6.0
    finally:
        OPS.pop("batched_test_double")  # other tests iterate over the table


def test_layer_activation_overflow_names_the_sample():
    rows = [(Value(1.0), Value(0.0))]
    xs = (Value(0.0),)
    tape = record_batch(ag.sum(affine_layer(rows, xs, "exp")), inputs=xs)
    with pytest.raises(OverflowError, match=r"affine_exp.*in sample 1 of the batch"):
        tape.run([[1.0], [1000.0], [2000.0]])


def test_detect_anomaly_stops_at_the_first_nan_with_the_sample():
    w, x = Value(1.0), Value(1.0)
    w.kind = "parameter"
    tape = record_batch(w * x * 0.0 + x.relu(), inputs=[x])
    with ag.detect_anomaly(), pytest.raises(ag.AnomalyError, match="in sample 1"):
        tape.run([[1.0], [math.inf]])


def test_forward_and_kept_parameters_leave_grads_alone():
    w, x = Value(2.0), Value(0.0)
    w.kind = "parameter"
    tape = record_batch((w * x) ** 2, inputs=[x])
    assert tape.forward([[1.0], [2.0]]).tolist() == [4.0, 16.0]
    assert w.grad == 0.0
    loss = tape.run([[1.0], [2.0]], parameters=np.array([3.0]), write=False)
    assert loss == (9.0 + 36.0) / 2 and w.grad == 0.0 and w.data == 2.0
    assert tape.gradients.tolist() == [(2 * 3.0 * 1.0 + 2 * 3.0 * 4.0) / 2]
    assert tape.parameters == [w]


def test_large_fan_in_stays_within_the_parsers_nesting():
    xs = [Value(1.0) for _ in range(600)]
    w = [Value(0.5) for _ in range(601)]
    for v in w:
        v.kind = "parameter"
    loss = ag.sum(xs) + ag.dot(w[:600], xs) + ag.affine([*w[:599], w[0]], xs[:599], "tanh")
    tape = record_batch(loss, inputs=xs)
    X = np.random.default_rng(0).normal(size=(3, 600))
    tape.run(X)
    tape.check(X, samples=2)


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_relu_layers_at_exactly_zero_take_the_scalar_engines_side(n, exact):
    # Inputs at 0.0 and biases at 0.0: every pre-activation is exactly 0 in any order of
    # summation, so W @ X meets the kink where the scalar build does (relu'(0) = 0).
    rows = [tuple(Value(v) for v in (0.5, -1.0, 0.0)), tuple(Value(v) for v in (-0.25, 2.0, 0.0))]
    params = [v for row in rows for v in row]
    for v in params:
        v.kind = "parameter"

    def build(xs, ys):
        hidden = affine_layer(rows, xs, "relu")
        return (ag.sum(hidden) - ys[0]).relu() + ag.sum(hidden) * xs[0]

    rng = np.random.default_rng(n)
    batch = [([0.0, 0.0] if k % 2 == 0 else rng.normal(size=2).tolist(), [0.0]) for k in range(n)]
    assert_batched_equals_scalar(build, params, 2, 1, batch, exact=exact)
