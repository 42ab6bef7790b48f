"""``fit(..., replay=True)``: the same training, bit for bit, as rebuilding every step."""

from __future__ import annotations

import pytest

from nn import MLP, SGD, LinearSchedule, fit, hinge, moons, mse, to_signed, xor
from nn.replayed import ReplayedStep


def train(replay: bool, steps: int = 25, **kwargs):
    X, y = moons(60, noise=0.1, seed=4)
    model = MLP(2, [8, 8, 1], seed=4)
    optimizer = SGD(model, lr=LinearSchedule(1.0, 0.1, steps), momentum=0.5)
    history = fit(
        model,
        hinge,
        optimizer,
        (X, to_signed(y)),
        epochs=steps,
        l2=1e-4,
        progress=False,
        replay=replay,
        **kwargs,
    )
    return model, history


def test_replayed_training_equals_rebuilt_training_exactly() -> None:
    rebuilt_model, rebuilt = train(replay=False)
    replayed_model, replayed = train(replay=True)
    assert replayed.loss == rebuilt.loss
    assert replayed.accuracy == rebuilt.accuracy
    assert [p.data for p in replayed_model.parameters()] == [
        p.data for p in rebuilt_model.parameters()
    ]


def test_replay_with_gradient_clipping_and_several_outputs() -> None:
    X, y = xor()
    targets = [[float(t), 1.0 - t] for t in y]
    results = []
    for replay in (False, True):
        model = MLP(2, [6, 2], activation="tanh", seed=2)
        history = fit(
            model,
            mse,
            SGD(model, lr=0.3),
            (X, targets),
            epochs=15,
            metric=None,
            clip_norm=0.5,
            progress=False,
            replay=replay,
        )
        results.append((history.loss, [p.data for p in model.parameters()]))
    assert results[0] == results[1]


def test_replay_refuses_mini_batches() -> None:
    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="needs full-batch training"):
        fit(model, hinge, SGD(model), (X, to_signed(y)), batch_size=5, replay=True)


def test_the_tape_is_recorded_once() -> None:
    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    step = ReplayedStep(model, hinge, SGD(model, lr=0.1))
    step(X, to_signed(y))
    tape = step.tape
    step(X, to_signed(y))
    assert step.tape is tape and len(tape) > 0
