"""``fit(..., replay=...)``: replayed training follows the dynamic path.

``replay="graph"`` (the whole full-batch graph recorded once) is bit for bit the dynamic
path. ``replay=True`` (one sample's graph on a batched tape) follows it to rounding, for
mini-batches of any size (the last short batch included) and full batches, every
optimizer under two of the four schedules, L2 and clipping alone and together, on moons
and on scikit-learn's digits: the tests hold every step's loss to 1e-9 relative over 100
steps. A layer of 3,000 inputs records and trains on every path.
"""

from __future__ import annotations

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
    bce_with_logits,
    cross_entropy,
    fit,
    hinge,
    moons,
    mse,
    to_signed,
    xor,
)
from nn.replayed import ReplayedStep
from nn.sample_losses import NotBatchableError

np = pytest.importorskip("numpy", reason="batched replay needs numpy (notebooks extra)")

RELATIVE = 1e-9  # per step, over 100 steps: the batched tape sums in another order


def train(replay, steps: int = 25, **kwargs):
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


def weights(model) -> list[float]:
    return [p.data for p in model.parameters()]


def test_graph_replay_equals_rebuilt_training_exactly() -> None:
    rebuilt_model, rebuilt = train(replay=False)
    replayed_model, replayed = train(replay="graph")
    assert replayed.loss == rebuilt.loss
    assert replayed.accuracy == rebuilt.accuracy
    assert weights(replayed_model) == weights(rebuilt_model)


def test_batched_replay_follows_rebuilt_training_on_a_full_batch() -> None:
    rebuilt_model, rebuilt = train(replay=False)
    replayed_model, replayed = train(replay=True)
    assert replayed.loss == pytest.approx(rebuilt.loss, rel=RELATIVE)
    assert replayed.accuracy == rebuilt.accuracy
    assert weights(replayed_model) == pytest.approx(weights(rebuilt_model), rel=1e-8, abs=1e-12)


def test_replay_with_gradient_clipping_and_several_outputs() -> None:
    X, y = xor()
    targets = [[float(t), 1.0 - t] for t in y]
    results = {}
    for replay in (False, "graph", True):
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
        results[replay] = (history.loss, weights(model))
    assert results["graph"] == results[False]
    assert results[True][0] == pytest.approx(results[False][0], rel=RELATIVE)
    assert results[True][1] == pytest.approx(results[False][1], rel=1e-9, abs=1e-12)


def micrograd_moons():
    sklearn = pytest.importorskip("sklearn.datasets")
    X, y = sklearn.make_moons(n_samples=100, noise=0.1, random_state=np.random.RandomState(1337))
    return X.tolist(), (y * 2 - 1).tolist()


def fit_both(make_model, loss, make_optimizer, data, steps, batch_size, **kwargs):
    """The same training twice, dynamic and batched; both histories and models."""
    per_epoch = -(-len(data[0]) // (batch_size or len(data[0])))
    runs = []
    for replay in (False, True):
        model = make_model()
        history = fit(
            model,
            loss,
            make_optimizer(model),
            data,
            epochs=-(-steps // per_epoch),
            batch_size=batch_size,
            progress=False,
            seed=7,
            replay=replay,
            **kwargs,
        )
        runs.append((history, model))
    (dynamic, dynamic_model), (batched, batched_model) = runs
    assert batched.steps == dynamic.steps >= steps
    return dynamic, batched, dynamic_model, batched_model


@pytest.mark.parametrize("batch_size", [10, 32, None])  # 32: a short last batch of 4
def test_batched_replay_trains_the_moons_demo_as_the_dynamic_path(batch_size) -> None:
    dynamic, batched, dynamic_model, batched_model = fit_both(
        lambda: MLP(2, [16, 16, 1], seed=1337),
        hinge,
        lambda model: SGD(model, lr=LinearSchedule(1.0, 0.1, 100)),
        micrograd_moons(),
        steps=100,
        batch_size=batch_size,
        l2=1e-4,
    )
    assert batched.loss == pytest.approx(dynamic.loss, rel=RELATIVE)
    assert batched.accuracy == dynamic.accuracy
    assert weights(batched_model) == pytest.approx(weights(dynamic_model), rel=1e-8, abs=1e-12)
    assert dynamic.loss[-1] < dynamic.loss[0] / 5  # it trained


def test_an_optimizer_over_some_parameters_leaves_the_rest_as_the_user_sets_them() -> None:
    """The tape lists its parameters in graph order, the optimizer in its own; a frozen
    first layer is read from its Values at every step (a callback may change it)."""

    def nudge_first_layer(record) -> None:
        if record.step == 10:  # user code changes a parameter the optimizer does not train
            model.layers[0].neurons[0].w[0].data += 0.25

    runs = []
    for replay in (False, True):
        model = MLP(2, [8, 8, 1], seed=2)
        frozen = [p.data for p in model.layers[0].parameters()]
        head = [*model.layers[1].parameters(), *model.layers[2].parameters()]
        history = fit(
            model,
            hinge,
            SGD(list(reversed(head)), lr=0.3, momentum=0.5),  # an order the tape does not use
            fifty_moons(),
            epochs=30,
            batch_size=16,
            l2=1e-3,
            seed=3,
            progress=False,
            replay=replay,
            callbacks=[nudge_first_layer],
        )
        frozen[0] += 0.25
        assert [p.data for p in model.layers[0].parameters()] == frozen
        runs.append((history.loss, weights(model)))
    (dynamic, dynamic_weights), (batched, batched_weights) = runs
    assert batched == pytest.approx(dynamic, rel=RELATIVE)
    assert batched_weights == pytest.approx(dynamic_weights, rel=1e-9, abs=1e-12)
    assert dynamic[-1] < dynamic[0]  # it trained


def fifty_moons():
    X, y = moons(50, noise=0.1, seed=5)
    return X, to_signed(y)


def digits_subset(count: int = 150):
    sklearn = pytest.importorskip("sklearn.datasets")
    digits = sklearn.load_digits()
    return (digits.data[:count] / 16.0).tolist(), digits.target[:count].tolist()


@pytest.mark.parametrize(
    ("loss", "batch_size"), [(cross_entropy, 32), (mse, 10)]
)  # 150 images: batches of 32 end with 22, of 10 exactly
def test_batched_replay_trains_digits_as_the_dynamic_path(loss, batch_size) -> None:
    X, labels = digits_subset()
    targets = labels if loss is cross_entropy else [np.eye(10)[k].tolist() for k in labels]
    output = None if loss is cross_entropy else "sigmoid"
    dynamic, batched, dynamic_model, batched_model = fit_both(
        lambda: MLP(64, [16, 10], activation="sigmoid", output_activation=output, seed=0),
        loss,
        lambda model: Adam(model, lr=0.01),
        (X, targets),
        steps=100,
        batch_size=batch_size,
        metric="accuracy" if loss is mse else "auto",
    )
    assert batched.loss == pytest.approx(dynamic.loss, rel=RELATIVE)
    assert batched.accuracy == dynamic.accuracy
    assert weights(batched_model) == pytest.approx(weights(dynamic_model), rel=1e-8, abs=1e-12)
    assert dynamic.loss[-1] < dynamic.loss[0] / 2


# Every optimizer, each under two of the four schedules (one per data set), with L2 and
# clipping on; the four on/off combinations of L2 and clipping on both data sets below.
OPTIMIZERS = {
    "sgd": lambda rate: lambda m: SGD(m, lr=rate(0.3)),
    "sgd momentum": lambda rate: lambda m: SGD(m, lr=rate(0.2), momentum=0.9),
    "sgd nesterov, weight decay": lambda rate: (
        lambda m: SGD(m, lr=rate(0.2), momentum=0.5, nesterov=True, weight_decay=1e-3)
    ),
    "adam": lambda rate: lambda m: Adam(m, lr=rate(0.02)),
    "adamw": lambda rate: lambda m: AdamW(m, lr=rate(0.02), weight_decay=0.1),
}
SCHEDULES = {
    "constant": lambda rate: rate,
    "linear": lambda rate: LinearSchedule(rate, rate / 10, 100),
    "step": lambda rate: StepSchedule(rate, 30, 0.5),
    "cosine": lambda rate: CosineSchedule(rate, 100),
}


def small_moons():
    """40 points, mini-batches of 12: 12, 12, 12 and a short 4 every epoch."""
    X, y = moons(40, noise=0.2, seed=5)
    return lambda: MLP(2, [8, 1], seed=5), bce_with_logits, (X, y), 12


def small_digits():
    """60 images, mini-batches of 16: 16, 16, 16 and a short 12 every epoch."""
    X, labels = digits_subset(60)
    return lambda: MLP(64, [8, 10], seed=3), cross_entropy, (X, labels), 16


DATA = {"moons": small_moons, "digits": small_digits}
CASES = [
    (data, optimizer, list(SCHEDULES)[(k + 2 * d) % len(SCHEDULES)])
    for d, data in enumerate(DATA)
    for k, optimizer in enumerate(OPTIMIZERS)
]


def assert_same_training(make_model, loss, make_optimizer, data, batch_size, **kwargs):
    dynamic, batched, dynamic_model, batched_model = fit_both(
        make_model, loss, make_optimizer, data, steps=100, batch_size=batch_size, **kwargs
    )
    assert batched.loss == pytest.approx(dynamic.loss, rel=RELATIVE)  # per step, 100 steps
    assert batched.learning_rate == dynamic.learning_rate
    assert weights(batched_model) == pytest.approx(weights(dynamic_model), rel=1e-8, abs=1e-12)
    assert len(set(dynamic.loss)) > 50  # the weights moved at (nearly) every step


@pytest.mark.parametrize(("data", "optimizer", "schedule"), CASES)
def test_every_optimizer_and_schedule_with_clipping_and_l2(data, optimizer, schedule) -> None:
    make_model, loss, arrays, batch_size = DATA[data]()
    make_optimizer = OPTIMIZERS[optimizer](SCHEDULES[schedule])
    assert_same_training(make_model, loss, make_optimizer, arrays, batch_size, l2=1e-3,
                         clip_norm=0.5)  # fmt: skip


@pytest.mark.parametrize("data", sorted(DATA))
@pytest.mark.parametrize(("l2", "clip_norm"), [(0.0, None), (1e-3, None), (0.0, 0.5)])
def test_l2_and_clipping_each_on_its_own(data, l2, clip_norm) -> None:
    make_model, loss, arrays, batch_size = DATA[data]()
    make_optimizer = OPTIMIZERS["sgd momentum"](SCHEDULES["linear"])
    assert_same_training(make_model, loss, make_optimizer, arrays, batch_size, l2=l2,
                         clip_norm=clip_norm)  # fmt: skip


def test_a_three_thousand_input_layer_records_and_trains() -> None:
    # A neuron of 3,000 inputs: a generated sum nested once per input used to overflow
    # the compiler (RecursionError), in the batched tape and in graph replay alike.
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, size=(10, 3000)).tolist()
    y = [1 if k % 2 else -1 for k in range(10)]
    runs = {}
    for replay, batch_size in ((False, 4), (True, 4), (False, None), ("graph", None)):
        model = MLP(3000, [2, 1], seed=0)
        history = fit(model, hinge, SGD(model, lr=0.001), (X, y), epochs=2,
                      batch_size=batch_size, progress=False, seed=1, replay=replay)  # fmt: skip
        runs[replay, batch_size] = (history.loss, weights(model))
    assert runs["graph", None] == runs[False, None]
    loss, trained = runs[True, 4]
    assert loss == pytest.approx(runs[False, 4][0], rel=RELATIVE)
    assert trained == pytest.approx(runs[False, 4][1], rel=1e-8, abs=1e-12)


def test_graph_replay_refuses_mini_batches() -> None:
    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="needs full-batch training"):
        fit(model, hinge, SGD(model), (X, to_signed(y)), batch_size=5, replay="graph")
    with pytest.raises(ValueError, match='replay must be True, False or "graph"'):
        fit(model, hinge, SGD(model), (X, to_signed(y)), replay="fast")


def my_loss(outputs, targets):
    """A loss with no per-sample form."""
    return hinge(outputs, targets)


def test_a_loss_without_a_per_sample_form() -> None:
    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(NotBatchableError, match=r"batch_size=5\): the loss my_loss has no"):
        fit(model, my_loss, SGD(model), (X, to_signed(y)), batch_size=5, replay=True)
    # A full batch falls back to the whole-graph tape: bit for bit the dynamic path.
    results = []
    for replay in (False, True):
        model = MLP(2, [4, 1], seed=0)
        history = fit(model, my_loss, SGD(model, lr=0.1), (X, to_signed(y)), epochs=3,
                      progress=False, replay=replay)  # fmt: skip
        results.append((history.loss, weights(model)))
    assert results[0] == results[1]


def test_the_graph_tape_is_recorded_once() -> None:
    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    step = ReplayedStep(model, hinge, SGD(model, lr=0.1))
    step(X, to_signed(y))
    tape = step.tape
    step(X, to_signed(y))
    assert step.tape is tape and len(tape) > 0


def test_inputs_that_are_not_rows_of_numbers_are_refused() -> None:
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="needs every input to be a row of numbers"):
        fit(model, hinge, SGD(model), ([[1.0, 2.0], [1.0]], [1, -1]), batch_size=1, replay=True)
    assert isinstance(model.parameters()[0], Value)


class Branchy:
    """A model whose graph depends on its input: a Python ``if`` on a Value's data."""

    def __init__(self) -> None:
        self.inner = MLP(2, [4, 1], seed=0)

    def parameters(self):
        return self.inner.parameters()

    def __call__(self, x):
        out = self.inner(x)
        first = x[0].data if isinstance(x[0], Value) else x[0]
        return out if first > 0 else out * 2.0


def test_a_python_branch_on_data_is_refused_not_trained_wrong() -> None:
    from autograd_engine import BatchingError

    model = Branchy()
    data = ([[1.0, 0.5], [-1.0, 0.5], [0.5, 0.5]], [1, -1, 1])
    with pytest.raises(BatchingError, match="Python branch on data"):
        fit(model, hinge, SGD(model.parameters()), data, batch_size=2, replay=True)
    fit(model, hinge, SGD(model.parameters()), data, batch_size=2, progress=False)  # dynamic: fine


def test_callbacks_and_stopping_see_the_weights_as_trained_so_far() -> None:
    from nn import StopTraining

    seen = {}
    for replay in (False, True):
        X, y = moons(30, noise=0.1, seed=2)
        model = MLP(2, [6, 1], seed=2)
        snapshots = []

        def watch(record, model=model, snapshots=snapshots):
            snapshots.append(weights(model))
            if record.step == 4:
                raise StopTraining

        optimizer = Adam(model, lr=0.05)
        history = fit(model, hinge, optimizer, (X, to_signed(y)), epochs=5, batch_size=8,
                      callbacks=[watch], progress=False, seed=1, replay=replay)  # fmt: skip
        assert history.stopped and history.steps == 5
        seen[replay] = (snapshots, weights(model), [p.grad for p in model.parameters()])
    for got, want in zip(seen[True], seen[False], strict=True):
        assert np.allclose(got, want, rtol=1e-9, atol=1e-12)
