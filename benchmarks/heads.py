"""Two heads of autograd-engine side by side in one run, against the same micrograd samples.

``python -m benchmarks.heads --old PATH`` (``make bench-heads OLD=PATH``) measures W1,
W2 (dynamic and replay) and W3 for micrograd and for two checkouts: this one and the
one at ``PATH`` (a ``git worktree`` of an older commit with its own ``.venv``, whose
interpreter and ``benchmarks.workloads`` run its jobs). Each round runs micrograd
once per workload and both heads right after it, the heads' order alternating, every
job in a fresh process as in ``make bench``.

Both heads' speed-ups over micrograd divide the same micrograd median. Two separate
``make bench`` runs each bring their own micrograd median, which moves by up to 20%
between runs of the same binary (its collector scans a heap of reference cycles):
more than the 10% a before/after comparison has to resolve. Here that swing divides
both heads alike, so the change between heads is the old head's median time over the
new one's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.report import environment
from benchmarks.runner import REPO, RESULTS, Job, merge, micrograd_python, run_job

# (row label, workload, engine of the heads, arguments): make bench's, so ratios compare.
ROWS = (
    ("W1 README expression", "W1", "ours", ("--repeats", "3", "--iterations", "3000")),
    ("W2 demo step, dynamic", "W2", "ours", ("--repeats", "1", "--steps", "3")),
    ("W2r demo step, replay", "W2", "replay", ("--repeats", "1", "--steps", "3")),
    (
        "W3 MLP(784, [32, 10])",
        "W3",
        "ours",
        (
            "--repeats",
            "7",
        ),
    ),
)
MICROGRAD_ARGS = {
    "W1": ("--repeats", "3", "--iterations", "3000"),
    "W2": ("--repeats", "1", "--steps", "3"),
    "W3": (
        "--repeats",
        "1",
    ),
}


def jobs(rounds: int) -> list[tuple[str, Job]]:
    """Every (head, job) in running order: per round, micrograd, then both heads."""
    table: list[tuple[str, Job]] = []
    for round_ in range(rounds):
        heads = ("new", "old") if round_ % 2 == 0 else ("old", "new")
        for workload, args in MICROGRAD_ARGS.items():
            table.append(("micrograd", Job(workload, "micrograd", args)))
            for _, row_workload, engine, row_args in ROWS:
                if row_workload == workload:
                    table += [(head, Job(workload, engine, row_args)) for head in heads]
    return table


def run(old: Path, rounds: int, log: Any = sys.stderr) -> dict[str, dict[str, Any]]:
    """``{head: {workload: {engine: pooled result}}}`` for micrograd, ``new`` and ``old``."""
    micrograd = micrograd_python(log)
    if micrograd is None:
        raise SystemExit("benchmarks.heads needs micrograd's environment (PyPI, once)")
    where = {
        "micrograd": (micrograd, REPO),
        "new": (Path(sys.executable), REPO),
        "old": (old / ".venv" / "bin" / "python", old),
    }
    results: dict[str, dict[str, Any]] = {head: {} for head in where}
    for head, job in jobs(rounds):
        print(f"  {head}: {job.describe()} ...", file=log, flush=True)
        python, repo = where[head]
        result = run_job(job, python, repo=repo)
        if "error" in result:
            raise SystemExit(f"{head} {job.describe()} failed: {result['error']}")
        merge(results[head].setdefault(job.workload, {}), job.engine, result)
    return results


def comparison(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per workload: both heads' medians, speed-ups over micrograd, the change."""
    rows = []
    for label, workload, engine, _ in ROWS:
        base = results["micrograd"][workload]["micrograd"]["median"]
        new = results["new"][workload][engine]
        old = results["old"][workload][engine]
        rows.append(
            {
                "workload": label,
                "unit": new["unit"],
                "micrograd": base,
                "new": new["median"],
                "old": old["median"],
                "new_speedup": base / new["median"],
                "old_speedup": base / old["median"],
                "change": old["median"] / new["median"] - 1,
            }
        )
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    """The before/after table: medians, speed-ups over micrograd, change (+ is faster).

    >>> row = {"workload": "W1", "unit": "us/iter", "micrograd": 60.0, "new": 20.0,
    ...        "old": 21.0, "new_speedup": 3.0, "old_speedup": 60 / 21, "change": 0.05}
    >>> print(markdown([row]).splitlines()[-1])
    | W1 | us/iter | 60 | 20 | 21 | 3.00x | 2.86x | +5.0% | yes |
    """
    lines = [
        "| workload | unit | micrograd | new | old | new vs micrograd | old vs micrograd "
        "| change | within 10%? |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        within = "yes" if r["change"] >= -0.10 else "**no**"
        lines.append(
            f"| {r['workload']} | {r['unit']} | {r['micrograd']:.3g} | {r['new']:.3g} "
            f"| {r['old']:.3g} | {r['new_speedup']:.2f}x | {r['old_speedup']:.2f}x "
            f"| {r['change'] * 100:+.1f}% | {within} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run both heads; print the table; write ``benchmarks/results/heads.json``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.heads", description=__doc__)
    parser.add_argument("--old", required=True, type=Path, help="checkout of the old head")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds")
    args = parser.parse_args(argv)
    if not (args.old / ".venv" / "bin" / "python").exists():
        parser.error(f"{args.old} has no .venv: run `make .venv/.installed` there first")
    meta = environment()
    started = time.perf_counter()
    results = run(args.old.resolve(), args.rounds)
    rows = comparison(results)
    print(markdown(rows))
    old_commit = _commit(args.old)
    seconds = time.perf_counter() - started
    print(
        f"\n{meta['date']}: new {_commit(REPO)}, old {old_commit}, {args.rounds} rounds, "
        f"{meta['machine']}, CPU time per process, GC on; whole run {seconds:.0f} s."
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {"meta": {**meta, "old_commit": old_commit}, "rows": rows, "results": results}
    (RESULTS / "heads.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0


def _commit(checkout: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
