"""Batched replay's workloads (W2b, W3b, W6) beside their NumPy and PyTorch bars.

Run as ``python -m benchmarks.workloads W2b batched`` (the runner does, one process per
pair, as for every workload). Engines:

- ``batched``: the per-sample graph written with the ordinary API, recorded once with
  ``autograd_engine.record_batch`` and run over the batch as arrays;
- ``fit``: the same through ``nn.fit(..., replay=True)``, what a user writes;
- ``numpy`` / ``torch``: the hand-written array code of ``benchmarks.arrays`` (PyTorch on
  one thread, float64).

- **W2b** micrograd's demo step (100 moons points, ``MLP(2, [16, 16, 1])``, max-margin loss
  plus 1e-4·L2, SGD with the demo's rate): ms per step; the batched tape's record time.
- **W3b** ``MLP(784, [32, 10])``, forward and backward of ``sum(outputs)`` over a batch of
  100: ms per sample; the tape's record time (the MNIST-size tape).
- **W6** the textbook MNIST recipe (``[784, 30, 10]``, sigmoid, quadratic cost, SGD on
  mini-batches of 10, rate 3.0) for one epoch of 60,000 generated MNIST-shaped samples:
  seconds per epoch; both start from network.py's initial weights and visit the samples
  in the same order, so their weights after the epoch must agree (reported).
- **W6d** the same recipe on scikit-learn's digits (``[64, 30, 10]``, 30 epochs, ``nn.digits``'
  stratified split: 1,437 training and 360 held-out images): held-out accuracy.

``nn.mse`` averages over the 10 outputs where network.py's cost ``|a - y|^2 / 2`` sums
them, so ``nn``'s rate 15 is network.py's 3.0 (the same step, exactly).
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from typing import Any

DIGITS_EPOCHS = 30
W6_RATE = 3.0
NN_RATE = 5 * W6_RATE  # nn.mse: mean over 10 outputs, times 2 from the square: 2/10 = 1/5


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    result = function()
    return time.process_time() - started, result


def _moons() -> tuple[Any, Any]:
    """The demo's data after its seeding (``random`` is seeded too: weights come next)."""
    import numpy as np
    from sklearn.datasets import make_moons

    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    return X, y * 2 - 1


def _rate(k: int) -> float:
    return 1.0 - 0.9 * k / 100


def w2b(engine: str, repeats: int, steps: int) -> dict[str, Any]:
    """W2b: the demo's step on arrays; ms per step over steps 0..steps-1, repeated."""
    if engine == "fit":
        return _fit_demo(repeats, steps)
    samples, losses, record_seconds = [], [], []
    for _ in range(repeats):
        step, recorded = _demo_step(engine)
        record_seconds.append(recorded)
        for k in range(steps):
            seconds, loss = _timed(lambda k=k, step=step: step(k))
            samples.append(seconds * 1e3)
            losses.append(float(loss))
    result: dict[str, Any] = {"unit": "ms/step", "samples": samples, "losses": losses[:steps]}
    if record_seconds[0] is not None:
        result["record_s"] = min(record_seconds)
    return result


def _demo_step(engine: str) -> tuple[Callable[[int], float], float | None]:
    """A fresh demo (data, weights) and its step function; the tape's record time."""
    X, y = _moons()
    if engine == "numpy":
        from benchmarks.arrays import numpy_layers, numpy_moons_step
        from benchmarks.floor import init_mlp

        layers = numpy_layers(init_mlp(2, [16, 16, 1]))
        return (lambda k: numpy_moons_step(layers, X, y, _rate(k))[0]), None
    if engine == "torch":
        import torch

        from benchmarks.arrays import torch_moons_step, torch_net
        from benchmarks.floor import init_mlp

        torch.set_num_threads(1)
        net = torch_net(init_mlp(2, [16, 16, 1]))
        tx, ty = (torch.tensor(a, dtype=torch.float64) for a in (X, y))
        return (lambda k: torch_moons_step(net, tx, ty, _rate(k))[0]), None
    return _batched_demo_step(X, y)


def _batched_demo_step(X: Any, y: Any) -> tuple[Callable[[int], float], float]:
    """The demo's step with a batched tape, written as a user would (Values updated)."""
    import numpy as np

    from autograd_engine import Value, record_batch
    from nn import MLP

    model = MLP(2, [16, 16, 1])
    x, label = [Value(0.0), Value(0.0)], Value(0.0)
    score = model(x)
    sample_loss = (1 + -label * score).relu()
    params = model.parameters()
    started = time.process_time()
    tape = record_batch(
        sample_loss, params=params, inputs=x, targets=[label], watch=[score], reduction="mean"
    )
    record_seconds = time.process_time() - started
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def step(k: int) -> float:
        model.zero_grad()
        data_loss = tape.run(X, y)
        squares = 0.0
        for p in params:  # the L2 term on floats: 1e-4 * sum(p * p), gradient 2e-4 * p
            value = p.data
            squares += value * value
            p.grad += 2e-4 * value
        rate = _rate(k)
        for p in params:
            p.data -= rate * p.grad
        return float(data_loss + 1e-4 * squares)

    return step, record_seconds


def _fit_demo(repeats: int, steps: int) -> dict[str, Any]:
    """W2b through ``nn.fit(replay=True)``: the demo's 100 steps in one ``fit`` call.

    A callback reads the CPU clock after every step; steps 1..steps are the samples, and
    step 0, which records the tape, is reported apart (its excess over the median step).
    """
    import statistics

    from nn import MLP, SGD, LinearSchedule, fit, hinge

    samples, losses, record_seconds = [], [], []
    for _ in range(repeats):
        X, y = _moons()
        model = MLP(2, [16, 16, 1])
        clock = [time.process_time()]
        history = fit(
            model,
            hinge,
            SGD(model, lr=LinearSchedule(1.0, 0.1, 100)),
            (X.tolist(), [int(v) for v in y]),
            epochs=100,
            l2=1e-4,
            progress=False,
            replay=True,
            callbacks=[lambda record, clock=clock: clock.append(time.process_time())],
        )
        durations = [(b - a) * 1e3 for a, b in itertools.pairwise(clock)]
        samples += durations[1 : steps + 1]
        record_seconds.append((durations[0] - statistics.median(durations[1:])) / 1e3)
        losses = history.loss[:steps]
    return {
        "unit": "ms/step",
        "samples": samples,
        "losses": losses,
        "record_s": min(record_seconds),
        "final_accuracy": history.accuracy[-1],
        "final_loss": history.loss[-1],
    }


def w3b(engine: str, repeats: int, batch: int = 100) -> dict[str, Any]:
    """W3b: MLP(784, [32, 10]) over a batch, loss = sum of outputs; ms per sample.

    The batched tape runs as ``fit`` runs it, on parameters kept in an array
    (``run(parameters=, write=False)``); ``synced`` is the same run reading the weights
    from the Values and adding the gradients into ``.grad`` (after ``zero_grad``), which
    is what keeping 25,450 Values in sync every step costs.
    """
    import numpy as np

    random.seed(0)
    rng = np.random.default_rng(0)
    X = rng.random((batch, 784))
    result: dict[str, Any] = {"unit": "ms/sample", "batch": batch}
    if engine == "numpy":
        from benchmarks.arrays import numpy_layers, numpy_mlp_gradients
        from benchmarks.floor import init_mlp

        layers = numpy_layers(init_mlp(784, [32, 10]))

        def sample() -> None:
            numpy_mlp_gradients(layers, X)

    else:
        sample, synced, result["record_s"] = _batched_sum_of_outputs(784, 32, X)
        synced()
        result["synced"] = [_timed(synced)[0] / batch * 1e3 for _ in range(repeats)]
    sample()  # warm-up
    result["samples"] = [_timed(sample)[0] / batch * 1e3 for _ in range(repeats)]
    return result


def _batched_sum_of_outputs(
    nin: int, width: int, X: Any
) -> tuple[Callable[[], None], Callable[[], None], float]:
    """A batched tape of ``sum(MLP(nin, [width, 10])(x))``: runs on arrays and synced."""
    import numpy as np

    import autograd_engine as ag
    from autograd_engine import Value, record_batch
    from nn import MLP

    model = MLP(nin, [width, 10])
    x = [Value(0.0) for _ in range(nin)]
    total = ag.sum(model(x))
    params = model.parameters()
    started = time.process_time()
    tape = record_batch(total, params=params, inputs=x, targets=[], reduction="sum")
    record_seconds = time.process_time() - started
    theta = np.array([p.data for p in tape.parameters])

    def on_arrays() -> None:
        tape.run(X, None, parameters=theta, write=False)

    def synced() -> None:
        model.zero_grad()
        tape.run(X, None)

    return on_arrays, synced, record_seconds


def w6(engine: str, count: int = 60_000) -> dict[str, Any]:
    """W6: one epoch of network.py's recipe on ``count`` generated samples; s per epoch."""
    import numpy as np

    from benchmarks.arrays import network_epoch, network_init, synthetic_mnist

    X, labels = synthetic_mnist(count, seed=0)
    weights, biases = network_init([784, 30, 10], seed=0)
    result: dict[str, Any] = {"unit": "s/epoch", "samples_per_epoch": count}
    if engine == "numpy":
        seconds, _ = _timed(lambda: network_epoch(weights, biases, X, labels))
        final = weights
    else:
        result["record_s"] = _record_seconds(_network_model(weights, biases))
        model = _network_model(weights, biases)
        seconds, _ = _timed(lambda: _fit_epochs(model, X, np.eye(10)[labels], 1))
        final = _model_weights(model)
    result["samples"] = [seconds]
    result["checksum"] = float(sum(np.sum(w) for w in final))
    return result


def _record_seconds(model: Any) -> float:
    """CPU seconds to record the batched tape of one sample's ``mse`` through ``model``."""
    from autograd_engine import Value, record_batch
    from nn import mse
    from nn.sample_losses import per_sample_form

    x = [Value(0.0) for _ in range(model.nin)]
    outputs = model(x)
    targets = [Value(0.0) for _ in outputs]
    loss = per_sample_form(mse).build(outputs, targets)
    started = time.process_time()
    record_batch(loss, params=model.parameters(), inputs=x, targets=targets, reduction="mean")
    return time.process_time() - started


def _network_model(weights: list[Any], biases: list[Any]) -> Any:
    """An ``nn.MLP`` of network.py's shape holding network.py's initial weights."""
    from nn import MLP

    sizes = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    model = MLP(sizes[0], sizes[1:], activation="sigmoid", output_activation="sigmoid", seed=0)
    for layer, w, b in zip(model.layers, weights, biases, strict=True):
        for neuron, row, bias in zip(layer.neurons, w.tolist(), b[:, 0].tolist(), strict=True):
            for p, value in zip(neuron.w, row, strict=True):
                p.data = value
            neuron.b.data = bias
    return model


def _model_weights(model: Any) -> list[Any]:
    import numpy as np

    return [np.array([[p.data for p in n.w] for n in layer.neurons]) for layer in model.layers]


def _fit_epochs(model: Any, X: Any, targets: Any, epochs: int) -> Any:
    """network.py's SGD through ``nn.fit``: mini-batches of 10, in order, batched replay."""
    from nn import SGD, fit, mse

    return fit(
        model,
        mse,
        SGD(model, lr=NN_RATE),
        (X, targets),
        epochs=epochs,
        batch_size=10,
        metric=None,
        progress=False,
        shuffle=False,
        replay=True,
    )


def w6_digits(engine: str, epochs: int = DIGITS_EPOCHS) -> dict[str, Any]:
    """W6d: network.py's recipe on scikit-learn's digits ([64, 30, 10]); held-out accuracy."""
    import numpy as np

    from benchmarks.arrays import network_accuracy, network_epoch, network_init
    from nn.digits import split_digits

    # nn's stratified split (1,437 training and 360 held-out images), visited in order.
    x_train, y_train, x_test, y_test = (np.array(a) for a in split_digits(0.2, seed=0))
    weights, biases = network_init([64, 30, 10], seed=0)
    if engine == "numpy":
        started = time.process_time()
        for _ in range(epochs):
            network_epoch(weights, biases, x_train, y_train)
        seconds = time.process_time() - started
    else:
        model = _network_model(weights, biases)
        started = time.process_time()
        _fit_epochs(model, x_train, np.eye(10)[y_train], epochs)
        seconds = time.process_time() - started
        weights, biases = _model_weights(model), _model_biases(model)
    accuracy = network_accuracy(weights, biases, x_test, y_test)
    return {"unit": "accuracy", "accuracy": accuracy, "seconds": seconds, "epochs": epochs}


def _model_biases(model: Any) -> list[Any]:
    import numpy as np

    return [np.array([[n.b.data] for n in layer.neurons]) for layer in model.layers]
