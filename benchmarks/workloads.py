"""The measured code: one workload for one engine per process, result printed as JSON.

Run as ``python -m benchmarks.workloads W2 ours`` (the runner does this, with micrograd's
own interpreter for ``micrograd``). Engines: ``micrograd``, ``ours`` (autograd-engine
with ``nn``, dynamic: the graph is built every step), ``replay`` (the graph recorded once
and re-run with ``autograd_engine.record``) and ``floor`` (``benchmarks.floor``).

The micrograd demo (W2) is one text, ``DEMO``, run with only its two import lines
swapped, so both engines execute the very same user code. Imports of an engine happen
inside the functions that need them: micrograd's environment has no autograd-engine.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

IMPORTS = {
    "micrograd": "from micrograd.engine import Value\nfrom micrograd.nn import MLP",
    "ours": "from autograd_engine import Value\nfrom nn import MLP",
}

# micrograd's demo.ipynb, transcribed: data, model, loss and the body of its training loop.
DEMO = """
import random
import numpy as np
from sklearn.datasets import make_moons
{imports}

np.random.seed(1337)
random.seed(1337)
X, y = make_moons(n_samples=100, noise=0.1)
y = y*2 - 1  # make y be -1 or 1
model = MLP(2, [16, 16, 1])  # 2-layer neural network

def loss(batch_size=None):
    # inline DataLoader :)
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = np.random.permutation(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    inputs = [list(map(Value, xrow)) for xrow in Xb]

    # forward the model to get scores
    scores = list(map(model, inputs))

    # svm "max-margin" loss
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss

    # also get accuracy
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

def step(k):
    # forward
    total_loss, acc = loss()

    # backward
    model.zero_grad()
    total_loss.backward()

    # update (sgd)
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return total_loss.data, acc
"""

# The same demo rewritten with graph replay: build once, record, then run the tape. W2r
# times the compiled tape (compile=True: compiled when recorded, as before tapes started
# interpreted); record_seconds includes compiling it.
REPLAY = """
from autograd_engine import record

def build():
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum((p*p for p in model.parameters()))
    return data_loss + reg_loss, scores

total_loss, scores = build()
started = time.process_time()
tape = record(total_loss, params=model.parameters(), watch=scores, compile=True)
record_seconds = time.process_time() - started

def step(k):
    model.zero_grad()
    tape.run()
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    accuracy = [(yi > 0) == (s.data > 0) for yi, s in zip(y, scores)]
    return total_loss.data, sum(accuracy) / len(accuracy)
"""

FLOOR = """
import random
import numpy as np
from sklearn.datasets import make_moons
from benchmarks.floor import init_mlp, moons_step

np.random.seed(1337)
random.seed(1337)
X, y = make_moons(n_samples=100, noise=0.1)
y = y*2 - 1
layers = init_mlp(2, [16, 16, 1])
xs, ys = X.tolist(), [float(v) for v in y]

def step(k):
    return moons_step(layers, xs, ys, 1.0 - 0.9*k/100)
"""


def _demo(engine: str) -> dict[str, Any]:
    """A fresh demo namespace (data, model, ``step``) for one engine."""
    namespace: dict[str, Any] = {"time": time}
    if engine == "floor":
        exec(FLOOR, namespace)
        return namespace
    exec(DEMO.format(imports=IMPORTS["micrograd" if engine == "micrograd" else "ours"]), namespace)
    if engine == "replay":
        exec(REPLAY, namespace)
    return namespace


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """CPU seconds of the call (this process only: other load on the machine is not counted)."""
    started = time.process_time()
    result = function()
    return time.process_time() - started, result


def w2(engine: str, repeats: int, steps: int, full: bool) -> dict[str, Any]:
    """W2: the demo's training step; ms per step over steps 0..steps-1, repeated."""
    samples, losses, record_seconds = [], [], []
    for _ in range(repeats):
        demo = _demo(engine)
        record_seconds.append(demo.get("record_seconds"))
        step = demo["step"]
        # Importing scikit-learn leaves the collector's oldest generation about to be
        # scanned; collect it now, for every engine alike, so that this one-time scan of
        # the setup's objects (~40 ms) is not timed as part of step 0.
        gc.collect()
        for k in range(steps):
            seconds, (loss, _) = _timed(lambda k=k, step=step: step(k))
            samples.append(seconds * 1e3)
            losses.append(float(loss))
    result: dict[str, Any] = {"unit": "ms/step", "samples": samples, "losses": losses[:steps]}
    if record_seconds[0] is not None:
        result["record_s"] = min(record_seconds)
    if full:  # the whole demo: 100 steps, for the final accuracy
        demo = _demo(engine)
        started = time.process_time()
        for k in range(100):
            loss, accuracy = demo["step"](k)
        result["full_ms_per_step"] = (time.process_time() - started) * 10
        result["final_accuracy"] = accuracy
        result["final_loss"] = float(loss)
    return result


def w1(engine: str, repeats: int, iterations: int) -> dict[str, Any]:
    """W1: micrograd's README expression, forward and backward; us per iteration."""
    Value = _value_class(engine)

    def expression() -> None:
        a = Value(-4.0)
        b = Value(2.0)
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
        g.backward()

    samples = []
    for _ in range(repeats):
        seconds, _ = _timed(lambda: [expression() for _ in range(iterations)])
        samples.append(seconds / iterations * 1e6)
    return {"unit": "us/iter", "samples": samples}


def w3(engine: str, repeats: int) -> dict[str, Any]:
    """W3: MLP(784, [32, 10]), forward and backward of one input, loss = sum of outputs."""
    random.seed(0)
    if engine == "floor":
        from benchmarks.floor import init_mlp, sum_loss_grads

        layers = init_mlp(784, [32, 10])
        x = [random.random() for _ in range(784)]

        def sample() -> None:
            sum_loss_grads(layers, x)

    else:
        MLP = _mlp_class(engine)
        model = MLP(784, [32, 10])
        x = [random.random() for _ in range(784)]

        def sample() -> None:
            out = model(x)
            loss = sum(out)
            model.zero_grad()
            loss.backward()

    sample()  # warm-up: first-call costs are not what the workload measures
    samples = [_timed(sample)[0] * 1e3 for _ in range(repeats)]
    return {"unit": "ms/sample", "samples": samples}


# W4 times at least this many nodes per sample: a 10^3 chain alone lasts about a
# millisecond, too short to time on a shared machine, so small depths build several chains.
W4_NODES_PER_SAMPLE = 300_000


def w4(
    engine: str, depth: int, repeats: int = 3, nodes_per_sample: int = W4_NODES_PER_SAMPLE
) -> dict[str, Any]:
    """W4: a chain y = y * 1.0001 of ``depth`` nodes, forward and backward; us per node.

    Each sample builds ``max(1, nodes_per_sample // depth)`` fresh chains one after
    another (each freed before the next); a failure at any point is the result. One more
    sample with the cyclic collector paused gives the cost without its scans
    (``gc_off``): from about 10^5 nodes on, the collector's full scans of the growing
    heap start to show, and this tells the two apart. The ``floor`` engine is
    ``benchmarks.floor.chain``: the least a linked graph of Python objects costs.
    """
    chain = _chain_function(engine)
    chains = max(1, nodes_per_sample // depth)

    def sample() -> float:
        for _ in range(chains):
            grad = chain(depth)
        return grad

    samples = []
    for _ in range(repeats):
        try:
            seconds, grad = _timed(sample)
        except (RecursionError, MemoryError) as exc:
            return {"unit": "us/node", "depth": depth, "error": type(exc).__name__}
        samples.append(seconds / (depth * chains) * 1e6)
    gc.disable()
    try:
        seconds, _ = _timed(sample)
    finally:
        gc.enable()
    return {
        "unit": "us/node",
        "depth": depth,
        "chains": chains,
        "samples": samples,
        "gc_off": seconds / (depth * chains) * 1e6,
        "grad": grad,
    }


def _chain_function(engine: str) -> Callable[[int], float]:
    """W4's chain for one engine: build ``depth`` nodes, backward, return d(y)/d(x)."""
    if engine == "floor":
        from benchmarks.floor import chain as floor_chain

        return floor_chain
    Value = _value_class(engine)

    def chain(depth: int) -> float:
        x = Value(1.0)
        y = x
        for _ in range(depth):
            y = y * 1.0001
        y.backward()
        return float(x.grad)

    return chain


def w5(engine: str, count: int) -> dict[str, Any]:
    """W5: bytes per leaf and per op node (tracemalloc) on a graph of ``count`` op nodes."""
    Value = _value_class(engine)
    leaves: list[Any] = [None] * count
    nodes: list[Any] = [None] * count
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    for i in range(count):
        leaves[i] = Value(i + 0.5)
    after_leaves = tracemalloc.get_traced_memory()[0]
    y = leaves[0]
    for i in range(count):
        y = y * leaves[i]  # a chain: one connected graph of `count` multiplications
        nodes[i] = y
    after_nodes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {
        "unit": "bytes",
        "per_leaf": (after_leaves - start) / count,
        "per_op_node": (after_nodes - after_leaves) / count,
        "nodes": count,
    }


def _value_class(engine: str) -> Any:
    if engine == "micrograd":
        from micrograd.engine import Value
    else:
        from autograd_engine import Value
    return Value


def _mlp_class(engine: str) -> Any:
    if engine == "micrograd":
        from micrograd.nn import MLP
    else:
        from nn import MLP
    return MLP


def summary(samples: list[float]) -> dict[str, float]:
    """Min and median of timing samples.

    >>> summary([3.0, 1.0, 2.0])
    {'min': 1.0, 'median': 2.0}
    """
    return {"min": min(samples), "median": statistics.median(samples)}


BATCHED_WORKLOADS = ("W2b", "W3b", "W6", "W6d")  # as benchmarks.runner names them


def _batched_workload(args: argparse.Namespace) -> dict[str, Any]:
    """Batched replay's workloads and their array bars (``benchmarks.batched``)."""
    from benchmarks import batched

    if args.workload == "W2b":
        return batched.w2b(args.engine, args.repeats, args.steps)
    if args.workload == "W3b":
        return batched.w3b(args.engine, args.repeats)
    if args.workload == "W6":
        return batched.w6(args.engine, args.count)
    return batched.w6_digits(args.engine, args.epochs)


def main(argv: list[str] | None = None) -> int:
    """Run one workload for one engine and print its result as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workloads")
    parser.add_argument("workload", choices=["W1", "W2", "W3", "W4", "W5", *BATCHED_WORKLOADS])
    engines = ["micrograd", "ours", "replay", "floor", "batched", "fit", "numpy", "torch"]
    parser.add_argument("engine", choices=engines)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--depth", type=int, default=1000)
    parser.add_argument("--nodes-per-sample", type=int, default=W4_NODES_PER_SAMPLE)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args(argv)
    if args.workload in BATCHED_WORKLOADS:
        result = _batched_workload(args)
    elif args.workload == "W1":
        result = w1(args.engine, args.repeats, args.iterations)
    elif args.workload == "W2":
        result = w2(args.engine, args.repeats, args.steps, args.full)
    elif args.workload == "W3":
        result = w3(args.engine, args.repeats)
    elif args.workload == "W4":
        result = w4(args.engine, args.depth, args.repeats, args.nodes_per_sample)
    else:
        result = w5(args.engine, args.count)
    if "samples" in result:
        result.update(summary(result["samples"]))
    result["gc_enabled"] = gc.isenabled()
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
