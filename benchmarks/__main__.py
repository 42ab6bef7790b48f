"""``python -m benchmarks`` (``make bench``): run the suite, print the tables, write JSON.

Options: ``--quick`` for a smoke run (fewer repeats, chains up to 10^5), ``--only W2,W3``
to pick workloads (batched replay's are ``W2b,W3b,W6,W6d``), ``--engines ours,floor`` to
leave engines out (``micrograd`` needs PyPI once, to fill its environment),
``--micrograd-full`` to also run micrograd's whole 100-step demo for its final accuracy
(about three minutes).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from benchmarks.report import as_json, environment, notes, table, targets, targets_table
from benchmarks.runner import ALL_ENGINES, BATCHED_WORKLOADS, RESULTS, Plan, run_plan


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    everything = ",".join(["W1", "W2", "W3", "W4", "W5", *BATCHED_WORKLOADS])
    parser.add_argument("--only", default=everything, help="comma-separated workloads")
    parser.add_argument("--engines", default=",".join(ALL_ENGINES), help="comma-separated engines")
    parser.add_argument("--micrograd-full", action="store_true", help="micrograd's 100 steps too")
    parser.add_argument("--json", default=str(RESULTS / "latest.json"), help="where to write")
    args = parser.parse_args(argv)
    engines = tuple(e for e in args.engines.split(",") if e)
    unknown = set(engines) - set(ALL_ENGINES)
    if unknown:
        parser.error(f"unknown engine(s) {sorted(unknown)}; choose from {', '.join(ALL_ENGINES)}")
    plan = Plan(
        quick=args.quick, micrograd_full=args.micrograd_full, only=set(args.only.split(","))
    )
    meta = environment()
    print(f"benchmarks on {meta['machine']}, Python {meta['python']}", file=sys.stderr)
    started = time.perf_counter()
    results = run_plan(plan, engines)
    meta["seconds"] = round(time.perf_counter() - started, 1)
    meta["quick"] = args.quick
    found = targets(results)
    print(table(results))
    print()
    for line in notes(results):
        print(f"- {line}")
    print()
    print(targets_table(found))
    print(
        f"\n{meta['date']}, commit {meta['commit']}, {meta['machine']}, Python {meta['python']}, "
        f"CPU time per process, GC on; whole run {meta['seconds']} s."
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump(as_json(results, found, meta), handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
