"""nn.train: fit reaches 100% on moons and xor, the micrograd demo trains, Ctrl-C, callbacks."""

from __future__ import annotations

import gc
import math
import random
import signal
import sys

import pytest

from autograd_engine import Value, no_grad
from nn import (
    MLP,
    SGD,
    Adam,
    History,
    LinearSchedule,
    StopTraining,
    accuracy,
    build_loss,
    fit,
    hinge,
    moons,
    mse,
    to_signed,
    train_step,
    xor,
)


def evaluate(model, X, y) -> float:
    with no_grad():
        return accuracy([model(x) for x in X], y)


def weights(model) -> list[float]:
    return [p.data for p in model.parameters()]


# ---- reaching 100% ------------------------------------------------------------------


def test_fit_reaches_full_accuracy_on_moons() -> None:
    X, y = moons(100, noise=0.1, seed=3)
    y = to_signed(y)
    model = MLP(2, [16, 16, 1], seed=1)
    history = fit(model, hinge, Adam(model, lr=0.05), (X, y), epochs=20, batch_size=10, seed=1)
    assert history.steps == 200
    assert history.loss[-1] < history.loss[0]
    assert evaluate(model, X, y) == 1.0


def test_fit_reaches_full_accuracy_on_xor() -> None:
    X, y = xor()
    y = to_signed(y)
    model = MLP(2, [8, 1], activation="tanh", seed=0)
    history = fit(model, hinge, Adam(model, lr=0.05), (X, y), epochs=150, progress=False)
    assert evaluate(model, X, y) == 1.0
    assert history.accuracy[-1] == 1.0


def micrograd_demo_data():
    sklearn = pytest.importorskip("sklearn.datasets")
    np = pytest.importorskip("numpy")
    # micrograd's demo seeds NumPy's global generator with 1337 before make_moons.
    X, y = sklearn.make_moons(n_samples=100, noise=0.1, random_state=np.random.RandomState(1337))
    return X.tolist(), (y * 2 - 1).tolist()


def test_micrograd_demo_loop_trains_to_full_accuracy() -> None:
    X, y = micrograd_demo_data()
    # micrograd's `random.seed(1337)` then `MLP(2, [16, 16, 1])`, without global state.
    model = MLP(2, [16, 16, 1], seed=random.Random(1337))

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores, strict=True)]
        return total_loss, sum(accuracy) / len(accuracy)

    first_loss = None
    # The cyclic collector only costs time here (the engine makes no cycles); pausing it
    # changes no number and keeps the suite fast, as fit() does.
    gc.disable()
    try:
        for k in range(100):
            total_loss, acc = loss()
            first_loss = first_loss or total_loss.data
            model.zero_grad()
            total_loss.backward()
            learning_rate = 1.0 - 0.9 * k / 100
            for p in model.parameters():
                p.data -= learning_rate * p.grad
    finally:
        gc.enable()
    assert total_loss.data < first_loss / 10
    assert acc == 1.0
    assert evaluate(model, X, y) == 1.0


def test_fit_replays_the_micrograd_demo_step_for_step() -> None:
    X, y = micrograd_demo_data()
    literal = MLP(2, [16, 16, 1], seed=random.Random(1337))
    fitted = MLP(2, [16, 16, 1], seed=random.Random(1337))
    losses = []
    for k in range(3):
        scores = [literal(x) for x in X]
        data_loss = sum((1 + -yi * s).relu() for yi, s in zip(y, scores, strict=True)) * 0.01
        total = data_loss + 1e-4 * sum(p * p for p in literal.parameters())
        literal.zero_grad()
        total.backward()
        for p in literal.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        losses.append(total.data)
    optimizer = SGD(fitted, lr=LinearSchedule(1.0, 0.1, 100))
    history = fit(fitted, hinge, optimizer, (X, y), epochs=3, l2=1e-4, progress=False)
    assert history.loss == pytest.approx(losses, rel=1e-12)
    assert weights(fitted) == pytest.approx(weights(literal), rel=1e-10, abs=1e-12)


# ---- the loop's pieces --------------------------------------------------------------


def test_build_loss_and_train_step() -> None:
    model = MLP(2, [3, 1], seed=0)
    X, y = [[1.0, 2.0], [0.5, -1.0]], [1.0, -1.0]
    total, outputs = build_loss(model, mse, X, y, model.parameters(), l2=0.1)
    expected = mse([o.data for o in outputs], y) + 0.1 * sum(p.data**2 for p in model.parameters())
    assert total.data == pytest.approx(expected, rel=1e-12)
    before = weights(model)
    value, _ = train_step(model, mse, SGD(model, lr=0.01), X, y, l2=0.1)
    assert value == pytest.approx(expected, rel=1e-12)
    assert weights(model) != before


def test_callbacks_see_every_step() -> None:
    X, y = xor(8)
    model = MLP(2, [4, 1], seed=0)
    records = []
    optimizer = SGD(model, lr=LinearSchedule(0.1, 0.0, 6))
    history = fit(
        model,
        hinge,
        optimizer,
        (X, to_signed(y)),
        epochs=3,
        batch_size=4,
        callbacks=[records.append],
        progress=False,
        seed=0,
    )
    assert [r.step for r in records] == list(range(6))
    assert [r.epoch for r in records] == [0, 0, 1, 1, 2, 2]
    assert [r.learning_rate for r in records] == pytest.approx(
        [0.1 * (1 - k / 6) for k in range(6)]
    )
    assert history.loss == [r.loss for r in records]
    assert history.accuracy == [r.accuracy for r in records]
    assert history.epoch == [0, 0, 1, 1, 2, 2]


def test_metric_none_records_no_accuracy() -> None:
    model = MLP(1, [2, 1], seed=0)
    history = fit(model, mse, SGD(model), ([[0.5]], [1.0]), epochs=2, metric=None, progress=False)
    assert history.accuracy == [] and history.steps == 2


def test_clip_norm_bounds_each_update() -> None:
    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    before = weights(model)
    fit(model, hinge, SGD(model, lr=1.0), (X, to_signed(y)), clip_norm=1e-3, progress=False)
    moved = math.sqrt(sum((a - b) ** 2 for a, b in zip(weights(model), before, strict=True)))
    assert 0 < moved <= 1e-3 * (1 + 1e-9)


def test_fit_accepts_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    X, y = xor()
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, hinge, SGD(model, lr=0.1), (np.array(X), np.array(to_signed(y))), epochs=2)
    assert history.steps == 2


def test_mismatched_data_is_refused() -> None:
    model = MLP(2, [1])
    with pytest.raises(ValueError, match="fit: 4 inputs but 3 targets"):
        fit(model, hinge, SGD(model), (xor()[0], [1, -1, 1]))


# ---- stopping -----------------------------------------------------------------------


def test_ctrl_c_in_a_callback_keeps_the_trained_weights() -> None:
    X, y = xor()
    y = to_signed(y)
    model = MLP(2, [4, 1], seed=0)
    twin = MLP(2, [4, 1], seed=0)

    def interrupt(record) -> None:
        if record.step == 2:
            raise KeyboardInterrupt

    history = fit(model, hinge, SGD(model, lr=0.1), (X, y), epochs=10, callbacks=[interrupt])
    assert history.interrupted and not history.stopped
    assert history.steps == 3
    optimizer = SGD(twin, lr=0.1)
    for _ in range(3):
        train_step(twin, hinge, optimizer, X, y)
    assert weights(model) == weights(twin)
    assert gc.isenabled()


def test_ctrl_c_during_a_step_keeps_the_finished_steps() -> None:
    X, y = xor()
    y = to_signed(y)
    model = MLP(2, [4, 1], seed=0)
    calls = []

    def loss(outputs, targets):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as if Ctrl-C arrived while building the graph
        return hinge(outputs, targets)

    history = fit(model, loss, SGD(model, lr=0.1), (X, y), epochs=10, progress=False)
    twin = MLP(2, [4, 1], seed=0)
    optimizer = SGD(twin, lr=0.1)
    for _ in range(2):
        train_step(twin, hinge, optimizer, X, y)
    assert history.interrupted and history.steps == 2
    assert weights(model) == weights(twin)


def test_a_real_ctrl_c_mid_step_lets_the_step_finish() -> None:
    X, y = xor()
    y = to_signed(y)
    model = MLP(2, [4, 1], seed=0)
    calls = []

    def loss(outputs, targets):
        calls.append(1)
        if len(calls) == 3:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C while the graph is being built
        return hinge(outputs, targets)

    handler = signal.getsignal(signal.SIGINT)
    history = fit(model, loss, SGD(model, lr=0.1), (X, y), epochs=10, progress=False)
    assert signal.getsignal(signal.SIGINT) is handler  # restored
    assert history.interrupted and history.steps == 3  # the third step was completed
    twin = MLP(2, [4, 1], seed=0)
    optimizer = SGD(twin, lr=0.1)
    for _ in range(3):
        train_step(twin, hinge, optimizer, X, y)
    assert weights(model) == weights(twin)


def test_a_second_ctrl_c_interrupts_the_step_itself() -> None:
    X, y = xor()
    model = MLP(2, [4, 1], seed=0)

    def loss(outputs, targets):
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        return hinge(outputs, targets)

    before = weights(model)
    history = fit(model, loss, SGD(model, lr=0.1), (X, to_signed(y)), epochs=3, progress=False)
    assert history.interrupted and history.steps == 0
    assert weights(model) == before


def test_stop_training_from_a_callback() -> None:
    model = MLP(2, [4, 1], seed=0)

    def stop(record) -> None:
        if record.step == 1:
            raise StopTraining

    X, y = xor()
    history = fit(model, hinge, SGD(model), (X, to_signed(y)), epochs=5, callbacks=[stop])
    assert history.stopped and not history.interrupted and history.steps == 2


def test_collector_state_is_restored() -> None:
    model = MLP(1, [1], seed=0)
    gc.disable()
    try:
        fit(model, mse, SGD(model), ([[1.0]], [0.0]), progress=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


# ---- progress and plotting ----------------------------------------------------------


def test_progress_bar_shows_running_loss_and_accuracy(capsys) -> None:
    pytest.importorskip("tqdm")
    model = MLP(2, [4, 1], seed=0)
    X, y = xor()
    fit(model, hinge, SGD(model, lr=0.1), (X, to_signed(y)), epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "3/3" in err
    assert "loss=" in err and "acc=" in err
    fit(model, hinge, SGD(model, lr=0.1), (X, to_signed(y)), epochs=3, progress=False)
    assert capsys.readouterr().err == ""


def test_missing_tqdm_gives_a_clear_message(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    model = MLP(1, [1], seed=0)
    with pytest.raises(ImportError, match=r"needs tqdm: pip install .*progress=False"):
        fit(model, mse, SGD(model), ([[1.0]], [0.0]), progress=True)
    assert fit(model, mse, SGD(model), ([[1.0]], [0.0])).steps == 1  # default: no bar


def test_history_plots_itself(tmp_path) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    history = History(loss=[1.0, 0.5, 0.25], accuracy=[0.5, 0.75, 1.0])
    ax = history.plot()
    path = tmp_path / "history.png"
    ax.figure.savefig(path)
    plt.close(ax.figure)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class TestMetricsFollowTheTask:
    """Issue 12 item 5: accuracy only for classification losses; regression reports the loss."""

    @staticmethod
    def _regression():
        from nn import MLP, SGD, mse

        X = [[x / 10] for x in range(-10, 11)]
        y = [2.0 * x[0] + 0.5 for x in X]
        model = MLP(1, [8, 1], activation="tanh", seed=0)
        return model, mse, SGD(model, lr=0.05), (X, y)

    def test_mse_reports_the_loss_alone(self) -> None:
        from nn import fit

        model, loss, optimizer, data = self._regression()
        history = fit(model, loss, optimizer, data, epochs=3, progress=False)
        assert history.accuracy == [] and "accuracy" not in repr(history)

    def test_r2_and_mae_when_asked(self) -> None:
        from nn import fit

        for name in ("r2", "mae"):
            model, loss, optimizer, data = self._regression()
            history = fit(model, loss, optimizer, data, epochs=40, metric=name, progress=False)
            assert len(history.accuracy) == 40 and f"final {name}" in repr(history)
        model, loss, optimizer, data = self._regression()
        history = fit(model, loss, optimizer, data, epochs=200, metric="r2", progress=False)
        assert history.accuracy[-1] > 0.9  # a line is easy to fit

    def test_classification_losses_still_report_accuracy(self) -> None:
        from nn import MLP, SGD, fit, hinge, to_signed, xor

        X, y = xor()
        model = MLP(2, [4, 1], seed=0)
        history = fit(model, hinge, SGD(model, lr=0.1), (X, to_signed(y)), progress=False)
        assert history.metric_name == "accuracy" and len(history.accuracy) == 1

    def test_an_unknown_metric_name_lists_the_choices(self) -> None:
        import pytest

        from nn import fit

        model, loss, optimizer, data = self._regression()
        with pytest.raises(
            ValueError, match=r"unknown metric 'rmse'; choose from accuracy, mae, r2"
        ):
            fit(model, loss, optimizer, data, metric="rmse", progress=False)
