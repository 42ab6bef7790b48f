"""What recording a tape costs, beside what building its graph costs (issue 16 item 5).

``python -m benchmarks.recording`` prints two Markdown tables (CPU time, ``tracemalloc``
peaks; every measurement in a fresh process, so one peak never hides another):

1. per node, for graphs of 10^3 to 10^5 nodes (``--million``: 10^6 too; ~10 minutes
   more) of three shapes: a chain (``y = y * c`` and ``y = y + c`` alternating), a wide
   ``sum(xs) + dot(xs, xs)`` over ``n`` leaves (per leaf), and micrograd's moons loss (W2:
   ``MLP(2, [16, 16, 1])``, max-margin + L2) over as many points as make ``n`` nodes.
   Columns: the graph's own build (time, memory), ``record()`` as it chooses (since
   2026-12-02 every tape starts interpreted; before, one of up to
   ``interpret.EAGER_LINES`` lines compiled at once), and ``record()`` forced to compile;
2. the moons demo itself (100 points): record time (compiled, ``compile=True``), a
   replayed step, a dynamic step (build, ``backward()``) and after how many steps replay
   has paid for its recording.

``--python PATH`` measures another checkout's engine with the same code (its interpreter
and ``PYTHONPATH``): how the "before" numbers in ``benchmarks/README.md`` were taken.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

SHAPES = ("chain", "wide", "moons")
MOONS_NODES_PER_POINT = 48  # the moons loss: 5,118 nodes for 100 points, 674 for L2


Builder = Callable[[], tuple[Any, list[Any]]]


def chain(n: int) -> Builder:
    """A chain of ``n`` op nodes (and ``n`` constants) from one leaf."""
    from autograd_engine import Value

    def build() -> tuple[Any, list[Any]]:
        x = Value(0.5)
        y = x
        for i in range(n):
            y = y * 1.0000001 if i % 2 else y + 0.1
        return y, [x]

    return build


def wide(n: int) -> Builder:
    """``sum(xs) + dot(xs, xs)``: three op nodes over ``n`` leaves."""
    from autograd_engine import Value, dot
    from autograd_engine import sum as vsum

    def build() -> tuple[Any, list[Any]]:
        xs = [Value(0.001 * (i % 1000)) for i in range(n)]
        return vsum(xs) + dot(xs, xs), xs

    return build


def moons_data(points: int) -> tuple[list[list[float]], list[float]]:
    """``make_moons`` points (seeded as in micrograd's demo), labels -1 or 1."""
    import numpy as np
    from sklearn.datasets import make_moons

    np.random.seed(1337)
    features, labels = make_moons(n_samples=points, noise=0.1)
    return features.tolist(), [float(v) * 2 - 1 for v in labels]


def moons_loss(
    model: Any, features: list[list[float]], labels: list[float]
) -> tuple[Any, list[Any]]:
    """micrograd's demo loss, as its notebook writes it (W2)."""
    from autograd_engine import Value

    inputs = [list(map(Value, row)) for row in features]
    scores = list(map(model, inputs))
    losses = [(1 + -y * s).relu() for y, s in zip(labels, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + 1e-4 * sum(p * p for p in model.parameters()), scores


def moons(n: int) -> Builder:
    """The moons loss over as many points as make about ``n`` nodes (model and data ready)."""
    from nn import MLP

    model = MLP(2, [16, 16, 1], seed=1337)
    features, labels = moons_data(max(1, round(n / MOONS_NODES_PER_POINT)))

    def build() -> tuple[Any, list[Any]]:
        loss, _ = moons_loss(model, features, labels)
        return loss, model.parameters()

    return build


BUILDERS: dict[str, Callable[[int], Builder]] = {"chain": chain, "wide": wide, "moons": moons}


def _set_policy(policy: str) -> None:
    """``auto``: record as the engine chooses; ``compile``: compile when recorded."""
    try:
        from autograd_engine import interpret
    except ImportError:  # an engine from before tiers: it always compiles
        return
    if policy == "compile":
        interpret.EAGER_LINES = 10**15


def measure(shape: str, n: int, policy: str, memory: bool) -> dict[str, Any]:
    """Build, record and run once, in this process: CPU seconds, or peak bytes with ``memory``."""
    from autograd_engine import record

    sys.setrecursionlimit(10**6)  # an old engine's compile() may recurse; ours does not
    _set_policy(policy)
    build = BUILDERS[shape](n)
    gc.collect()
    if memory:
        tracemalloc.start()
    started = time.process_time()
    output, _leaves = build()  # the leaves are kept alive: part of the graph
    built = time.process_time()
    result: dict[str, Any] = {"shape": shape, "n": n, "policy": policy}
    if memory:
        result["build_bytes"] = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
    try:
        tape = record(output)
    except (RecursionError, SyntaxError, MemoryError) as exc:
        result["error"] = type(exc).__name__
        return result
    recorded = time.process_time()
    if memory:
        result["record_bytes"] = tracemalloc.get_traced_memory()[1] - before
        tracemalloc.stop()
        return result
    tape.run()
    ran = time.process_time()
    result.update(
        nodes=len(tape),
        build=built - started,
        record=recorded - built,
        run=ran - recorded,
        compiled=getattr(tape, "compiled", True),
    )
    return result


def _record_compiled(record: Callable[..., Any], loss: Any, **roles: Any) -> Any:
    """``record(..., compile=True)``; an engine from before the keyword always compiled."""
    try:
        return record(loss, compile=True, **roles)
    except TypeError:
        return record(loss, **roles)


def measure_moons_demo(repeats: int = 15) -> dict[str, Any]:
    """The W2 demo tape: record, a replayed step, a dynamic step; minimum of ``repeats``."""
    from autograd_engine import record
    from nn import MLP

    model = MLP(2, [16, 16, 1], seed=1337)
    features, labels = moons_data(100)
    loss, scores = moons_loss(model, features, labels)
    started = time.process_time()
    tape = _record_compiled(record, loss, params=model.parameters(), watch=scores)
    record_seconds = time.process_time() - started

    def replayed() -> None:
        model.zero_grad()
        tape.run()

    def dynamic() -> None:
        model.zero_grad()
        moons_loss(model, features, labels)[0].backward()

    first = time.process_time()
    replayed()
    first_run = time.process_time() - first
    return {
        "nodes": len(tape),
        "record": record_seconds,
        "first_run": first_run,
        "replay": _best(replayed, repeats),
        "dynamic": _best(dynamic, repeats),
    }


def _best(function: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return min(times)


def _in_fresh_process(python: str, path: str, task: list[str]) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=path) if path else None
    command = [python, os.path.abspath(__file__), "--one", *task]  # any checkout's engine
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "crashed"}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def per_node_table(shapes: list[str], sizes: list[int], python: str, path: str) -> str:
    """Table 1: build, record (auto), record (compiled), per node, in fresh processes."""
    rows = [
        "| shape | n | nodes | build µs/node | build B/node | record µs/node | record peak B/node "
        "| starts | compiled record µs/node | compiled peak B/node |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for shape in shapes:
        for n in sizes:
            cells = _row(shape, n, python, path)
            rows.append("| " + " | ".join(cells) + " |")
            print(rows[-1], file=sys.stderr, flush=True)
    return "\n".join(rows)


def _row(shape: str, n: int, python: str, path: str) -> list[str]:
    timed = {
        p: _in_fresh_process(python, path, [shape, str(n), p, "time"]) for p in ("auto", "compile")
    }
    memory = {
        p: _in_fresh_process(python, path, [shape, str(n), p, "memory"])
        for p in ("auto", "compile")
    }
    auto, forced = timed["auto"], timed["compile"]
    if "build" not in auto and "build" not in forced:
        return [shape, f"{n:,}", "", "", "", f"fails: {auto.get('error')}", "", "", "", ""]
    base = auto if "build" in auto else forced
    count = n if shape == "wide" else base["nodes"]  # wide: per leaf

    def per(result: dict[str, Any], key: str, scale: float = 1e6, digits: int = 1) -> str:
        if key not in result:
            return f"fails: {result.get('error', '?')}"
        return f"{result[key] / count * scale:,.{digits}f}"

    return [
        shape,
        f"{n:,}",
        f"{base['nodes']:,}",
        per(base, "build"),
        per(memory["auto"], "build_bytes", 1, 0),
        per(auto, "record"),
        per(memory["auto"], "record_bytes", 1, 0),
        ("compiled" if auto.get("compiled") else "interpreted") if "record" in auto else "",
        per(forced, "record"),
        per(memory["compile"], "record_bytes", 1, 0),
    ]


def moons_table(python: str, path: str) -> str:
    """Table 2: the demo's tape, and after how many steps replay has paid for recording."""
    demo = _in_fresh_process(python, path, ["moons-demo", "0", "auto", "time"])
    if "record" not in demo:
        return f"moons demo: fails: {demo.get('error')}"
    saving = demo["dynamic"] - demo["replay"]
    payoff = math.ceil(demo["record"] / saving) if saving > 0 else "never"
    return "\n".join(
        [
            "| nodes | record s | first run ms | replayed step ms | dynamic step ms "
            "| replay pays off after (steps) |",
            "|---|---|---|---|---|---|",
            f"| {demo['nodes']:,} | {demo['record']:.2f} | {demo['first_run'] * 1e3:.1f} "
            f"| {demo['replay'] * 1e3:.2f} | {demo['dynamic'] * 1e3:.2f} | {payoff} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="node counts, comma-separated")
    parser.add_argument("--million", action="store_true", help="also 10^6 nodes (slow)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="some of chain,wide,moons")
    parser.add_argument("--no-demo", action="store_true", help="leave out the moons demo table")
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure")
    parser.add_argument("--path", default="", help="PYTHONPATH for it (another checkout)")
    parser.add_argument(
        "--one", nargs=4, metavar=("SHAPE", "N", "POLICY", "WHAT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.one:
        shape, n, policy, what = args.one
        if shape == "moons-demo":
            print(json.dumps(measure_moons_demo()))
        else:
            print(json.dumps(measure(shape, int(n), policy, what == "memory")))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.million else [])
    print(f"Command: python -m benchmarks.recording {' '.join(argv or sys.argv[1:])}".rstrip())
    print()
    print(per_node_table(args.shapes.split(","), sizes, args.python, args.path))
    if not args.no_demo:
        print()
        print(moons_table(args.python, args.path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
