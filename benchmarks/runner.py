"""Running the workloads: micrograd's own environment, one fresh process per measurement.

Each (workload, engine) pair runs in a new interpreter (``python -m benchmarks.workloads``)
so that no engine inherits another's heap, caches or garbage-collector state; micrograd
runs under the interpreter of ``benchmarks/results/venv-micrograd`` (git-ignored), which is
created and filled from PyPI on first use.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
MICROGRAD_ENV = RESULTS / "venv-micrograd"
MICROGRAD_PACKAGES = ["micrograd==0.1.0", "scikit-learn"]
ENGINES = ("micrograd", "ours", "replay", "floor")
# Batched replay (the tape itself, and through nn.fit) and its array bars.
ARRAY_ENGINES = ("batched", "fit", "torch", "numpy")
ALL_ENGINES = ENGINES + ARRAY_ENGINES
BATCHED_WORKLOADS = ("W2b", "W3b", "W6", "W6d")
# Every array library on one thread, as PyTorch is set (torch.set_num_threads(1)): on a
# shared 2-core machine OpenBLAS's threads spin against the neighbours (a 32x784 @ 784x100
# product measured 0.2 ms of CPU on one thread and 1-3 ms with its default threads).
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
W4_DEPTHS = (1_000, 10_000, 100_000, 1_000_000)


@dataclass(frozen=True)
class Job:
    """One process to run: a workload, an engine, and the workload's arguments."""

    workload: str
    engine: str
    args: tuple[str, ...] = ()

    def describe(self) -> str:
        """How progress lines name the job.

        >>> Job("W4", "ours", ("--depth", "1000")).describe()
        'W4 ours --depth 1000'
        """
        return " ".join([self.workload, self.engine, *self.args])


@dataclass
class Plan:
    """Repeats and sizes of every workload; ``quick`` shrinks them for a smoke run.

    Timed workloads run in ``rounds`` interleaved rounds (micrograd, ours, replay, floor,
    then again), so that a burst of load on a shared machine lands on every engine alike
    instead of on whichever ran during it; samples of all rounds are pooled.
    """

    quick: bool = False
    micrograd_full: bool = False
    only: set[str] = field(
        default_factory=lambda: {"W1", "W2", "W3", "W4", "W5", *BATCHED_WORKLOADS}
    )

    @property
    def rounds(self) -> int:
        """How many interleaved rounds the timed workloads get."""
        return 1 if self.quick else 3

    def jobs(self, engines: tuple[str, ...]) -> list[Job]:
        """Every job in running order: timed workloads round by round, then W5 and W4."""
        table: list[Job] = []
        for round_ in range(self.rounds):
            table += self._timed_round(first=round_ == 0)
        if "W5" in self.only:
            table += [Job("W5", e, ("--count", "100000")) for e in ("micrograd", "ours")]
        jobs = [job for job in table if job.engine in engines]
        if "W4" in self.only:
            jobs += self.depth_jobs(engines)
        return jobs

    def _timed_round(self, first: bool) -> list[Job]:
        q = self.quick
        table: list[Job] = []
        if "W1" in self.only:
            args = ("--repeats", "3", "--iterations", "500" if q else "3000")
            table += [Job("W1", e, args) for e in ("micrograd", "ours")]
        if "W2" in self.only:
            steps = ("--steps", "2" if q else "3")
            table.append(Job("W2", "micrograd", ("--repeats", "1", *steps)))
            full = ("--full",) if first else ()
            table += [Job("W2", e, ("--repeats", "1", *steps, *full)) for e in ENGINES[1:]]
            if first and self.micrograd_full:
                table.append(Job("W2", "micrograd", ("--repeats", "1", "--steps", "1", "--full")))
        if "W3" in self.only:
            table.append(Job("W3", "micrograd", ("--repeats", "1")))
            table += [Job("W3", e, ("--repeats", "5" if q else "7")) for e in ("ours", "floor")]
        return table + self._batched_round(first)

    def _batched_round(self, first: bool) -> list[Job]:
        """Batched replay beside PyTorch and NumPy; micrograd's W2 step for W2b's ratio."""
        q = self.quick
        table: list[Job] = []
        if "W2b" in self.only:
            if "W2" not in self.only:
                table.append(Job("W2", "micrograd", ("--repeats", "1", "--steps", "2")))
            args = ("--repeats", "3", "--steps", "5" if q else "20")
            table += [Job("W2b", e, args) for e in ARRAY_ENGINES]
        if "W3b" in self.only:
            table += [Job("W3b", e, ("--repeats", "5" if q else "9")) for e in ("batched", "numpy")]
        if "W6" in self.only:
            count = ("--count", "6000" if q else "60000")
            table += [Job("W6", e, count) for e in ("batched", "numpy")]
        if "W6d" in self.only and first:
            epochs = ("--epochs", "3" if q else "30")
            table += [Job("W6d", e, epochs) for e in ("batched", "numpy")]
        return table

    def depth_jobs(self, engines: tuple[str, ...]) -> list[Job]:
        """W4 jobs, depth by depth, each depth for micrograd, ours and the floor chain.

        Depths interleave engines for the reason rounds do; the runner stops an engine at
        its first failure.
        """
        depths = W4_DEPTHS[:-1] if self.quick else W4_DEPTHS
        return [
            Job("W4", e, ("--depth", str(d)))
            for d in depths
            for e in ("micrograd", "ours", "floor")
            if e in engines
        ]


def micrograd_python(log: Any = sys.stderr) -> Path | None:
    """The interpreter of micrograd's environment, created on first use; None if impossible."""
    python = MICROGRAD_ENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = MICROGRAD_ENV / ".installed"
    if stamp.exists() and python.exists():
        return python
    print(f"creating {MICROGRAD_ENV.relative_to(REPO)} with {MICROGRAD_PACKAGES}", file=log)
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(MICROGRAD_ENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *MICROGRAD_PACKAGES], check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"cannot install micrograd ({exc}); its columns stay empty", file=log)
        return None
    stamp.write_text(" ".join(MICROGRAD_PACKAGES) + "\n")
    return python


def run_job(job: Job, python: Path, timeout: float = 1800, repo: Path = REPO) -> dict[str, Any]:
    """Run one job in a fresh interpreter and return its JSON result (or an error entry).

    ``repo`` is the checkout whose ``benchmarks.workloads`` and engine run (another
    head's, for ``benchmarks.heads``).
    """
    command = [str(python), "-m", "benchmarks.workloads", job.workload, job.engine, *job.args]
    env = {**os.environ, "PYTHONPATH": str(repo), **ONE_THREAD}
    try:
        done = subprocess.run(
            command, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no output"]
        return {"error": lines[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_plan(plan: Plan, engines: tuple[str, ...], log: Any = sys.stderr) -> dict[str, Any]:
    """Run every job of the plan; results as ``{workload: {engine: result}}``.

    W4 results are keyed ``{"W4": {engine: {depth: result}}}``; an engine's deeper chains
    are skipped once one depth fails.
    """
    pythons = {engine: Path(sys.executable) for engine in engines}
    if "micrograd" in engines:
        python = micrograd_python(log)
        if python is None:
            engines = tuple(e for e in engines if e != "micrograd")
        else:
            pythons["micrograd"] = python
    results: dict[str, Any] = {}
    failed: set[str] = set()
    for job in plan.jobs(engines):
        if job.workload == "W4" and job.engine in failed:
            continue
        print(f"  {job.describe()} ...", file=log, flush=True)
        result = run_job(job, pythons[job.engine])
        slot = results.setdefault(job.workload, {})
        if job.workload == "W4":
            slot.setdefault(job.engine, {})[int(job.args[1])] = result
            if "error" in result:
                failed.add(job.engine)
        else:
            merge(slot, job.engine, result)
    return results


def merge(slot: dict[str, Any], engine: str, result: dict[str, Any]) -> None:
    """Pool a round's samples with the earlier rounds'; keep the first round's extras.

    >>> slot = {}
    >>> merge(slot, "ours", {"samples": [3.0], "min": 3.0, "median": 3.0, "losses": [1.0]})
    >>> merge(slot, "ours", {"samples": [1.0, 2.0], "min": 1.0, "median": 1.5})
    >>> slot["ours"]["samples"], slot["ours"]["min"], slot["ours"]["median"]
    ([3.0, 1.0, 2.0], 1.0, 2.0)
    """
    earlier = slot.get(engine)
    if earlier is None or "error" in earlier:
        slot[engine] = result
        return
    if "error" in result:
        return
    for key, value in result.items():
        if key in ("samples", "synced"):
            earlier[key] = earlier.get(key, []) + value
        elif key == "record_s":
            earlier[key] = min(earlier.get(key, value), value)
        elif key not in earlier:
            earlier[key] = value
    earlier["min"] = min(earlier["samples"])
    earlier["median"] = statistics.median(earlier["samples"])
