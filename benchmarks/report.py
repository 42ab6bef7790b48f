"""Reporting: the Markdown table, the issue's targets checked against the numbers, the JSON.

Speed-ups are micrograd's median over ours (so 50x means fifty times faster), from the
same run. Times are CPU seconds of the measuring process: on a shared machine, wall time
mostly measures the neighbours.
"""

from __future__ import annotations

import datetime
import math
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from typing import Any

from benchmarks import batched_report
from benchmarks.runner import REPO


@dataclass
class Target:
    """One line of the issue's targets: what was asked, what was measured, met or not."""

    name: str
    wanted: str
    measured: str
    met: bool | None  # None: not measured in this run


def environment() -> dict[str, Any]:
    """Where and when the numbers were taken."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "commit": commit,
    }


def _get(results: dict[str, Any], workload: str, engine: str) -> dict[str, Any] | None:
    entry = results.get(workload, {}).get(engine)
    return entry if entry and "error" not in entry else None


def _cell(entry: dict[str, Any] | None, digits: int = 1) -> str:
    if entry is None:
        return "—"
    return f"{entry['min']:.{digits}f} / {entry['median']:.{digits}f}"


def speedup(results: dict[str, Any], workload: str, engine: str) -> float | None:
    """micrograd's median over the engine's median for one workload.

    >>> speedup({"W1": {"micrograd": {"median": 9.0}, "ours": {"median": 3.0}}}, "W1", "ours")
    3.0
    """
    slow, fast = _get(results, workload, "micrograd"), _get(results, workload, engine)
    if slow is None or fast is None:
        return None
    return slow["median"] / fast["median"]


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}×" if value >= 10 else f"{value:.2f}×"


def table(results: dict[str, Any]) -> str:
    """The Markdown table of every measured row (min / median, speed-up over micrograd)."""
    rows = [
        "| workload | unit | micrograd min / median | autograd-engine min / median "
        "| speed-up vs micrograd |",
        "|---|---|---|---|---|",
    ]
    plain = [
        ("W1", "ours", "W1 README expression, fwd + bwd", "µs/iter", 1),
        ("W2", "ours", "W2 demo step, dynamic graph", "ms/step", 1),
        ("W2", "replay", "W2r demo step, graph replay", "ms/step", 2),
        ("W2", "floor", "W2 floor (plain floats, manual backprop)", "ms/step", 2),
        ("W3", "ours", "W3 MLP(784, [32, 10]) one sample", "ms/sample", 2),
        ("W3", "floor", "W3 floor (plain floats, manual backprop)", "ms/sample", 2),
    ]
    for workload, engine, name, unit, digits in plain:
        if engine not in results.get(workload, {}):
            continue  # not run (W2b runs micrograd's W2 step alone, for its ratio)
        mg = _cell(_get(results, workload, "micrograd"), digits)
        ours = _cell(_get(results, workload, engine), digits)
        rows.append(
            f"| {name} | {unit} | {mg} | {ours} | {_times(speedup(results, workload, engine))} |"
        )
    depth_rows = _depth_rows(results)
    for depth, mg, ours, _ in depth_rows:
        rows.append(f"| W4 chain, depth {depth:,} | µs/node | {mg} | {ours} | |")
    for depth, _, _, floor in depth_rows:
        if floor != "—":
            rows.append(
                f"| W4 floor chain (plain objects), depth {depth:,} | µs/node | — | {floor} | |"
            )
    memory = results.get("W5", {})
    if memory:
        for key, name in (("per_leaf", "leaf"), ("per_op_node", "op node")):
            cells = [_bytes(memory.get(engine), key) for engine in ("micrograd", "ours")]
            rows.append(f"| W5 memory per {name} | bytes | {cells[0]} | {cells[1]} | |")
    batched = batched_report.table(results)
    return "\n".join(rows) + (f"\n\nBatched replay:\n\n{batched}" if batched else "")


def _bytes(entry: dict[str, Any] | None, key: str) -> str:
    return "—" if not entry or "error" in entry else f"{entry[key]:.0f}"


def _depth_rows(results: dict[str, Any]) -> list[tuple[int, str, str, str]]:
    chains = results.get("W4", {})
    depths = sorted({int(d) for runs in chains.values() for d in runs})

    def cell(engine: str, depth: int) -> str:
        entry = chains.get(engine, {}).get(depth) or chains.get(engine, {}).get(str(depth))
        if entry is None:
            return "not run (a smaller depth failed)" if engine in chains else "—"
        if "error" in entry:
            return f"fails: {entry['error']}"
        if "gc_off" in entry:
            return f"{entry['min']:.2f} ({entry['gc_off']:.2f} GC paused)"
        return f"{entry['min']:.2f}"

    return [(d, cell("micrograd", d), cell("ours", d), cell("floor", d)) for d in depths]


def notes(results: dict[str, Any]) -> list[str]:
    """Lines under the table: accuracy after 100 steps, agreement with micrograd, replay."""
    lines = []
    demo = results.get("W2", {})
    finals = [
        f"{engine} {entry['final_accuracy']:.0%} (loss {entry['final_loss']:.4f}, "
        f"{entry.get('full_ms_per_step', math.nan):.1f} ms/step over the 100 steps)"
        for engine, entry in demo.items()
        if entry and "final_accuracy" in entry
    ]
    if finals:
        lines.append("W2 final accuracy after micrograd's 100 steps: " + "; ".join(finals) + ".")
    whole = demo.get("micrograd") or {}
    if "full_ms_per_step" in whole:
        ratios = [
            f"{engine} {whole['full_ms_per_step'] / entry['full_ms_per_step']:,.0f}×"
            for engine, entry in demo.items()
            if engine != "micrograd" and entry and "full_ms_per_step" in entry
        ]
        lines.append("W2 speed-up over the whole 100-step demo: " + ", ".join(ratios) + ".")
    reference = _get(results, "W2", "micrograd")
    for engine in ("ours", "replay", "floor"):
        entry = _get(results, "W2", engine)
        if reference and entry:
            gap = max(
                abs(a - b) for a, b in zip(reference["losses"], entry["losses"], strict=False)
            )
            lines.append(
                f"W2 {engine}: losses of the timed steps differ from micrograd's by ≤ {gap:.1e}."
            )
    replay = _get(results, "W2", "replay")
    if replay and "record_s" in replay:
        lines.append(f"W2r: recording (compiling) the graph once took {replay['record_s']:.2f} s.")
    return lines + batched_report.notes(results)


def targets(results: dict[str, Any]) -> list[Target]:
    """The issue's targets, each checked against this run."""
    found = []
    w1 = speedup(results, "W1", "ours")
    found.append(Target("W1 vs micrograd", "≥ 2×", _times(w1), None if w1 is None else w1 >= 2))
    w2 = speedup(results, "W2", "ours")
    found.append(
        Target(
            "W2 dynamic vs micrograd",
            "≥ 50× (aim 100×)",
            _times(w2),
            None if w2 is None else w2 >= 50,
        )
    )
    w2r = speedup(results, "W2", "replay")
    found.append(
        Target(
            "W2r replay vs micrograd", "≥ 200×", _times(w2r), None if w2r is None else w2r >= 200
        )
    )
    found.append(_floor_target(results, "W2", "replay", "W2r replay vs floor", 2.0))
    found.extend(_whole_demo_targets(results))
    w3 = speedup(results, "W3", "ours")
    found.append(Target("W3 vs micrograd", "≥ 100×", _times(w3), None if w3 is None else w3 >= 100))
    found.append(_floor_target(results, "W3", "ours", "W3 vs floor (aim)", 1.5))
    found.extend(_chain_targets(results))
    found.append(_memory_target(results))
    return found + batched_report.targets(results, Target)


def _whole_demo_targets(results: dict[str, Any]) -> list[Target]:
    """W2 and W2r over all 100 steps, when micrograd's whole demo was run too."""
    demo = results.get("W2", {})
    whole = (demo.get("micrograd") or {}).get("full_ms_per_step")
    ours, replay = ((demo.get(e) or {}).get("full_ms_per_step") for e in ("ours", "replay"))
    if not whole or not ours or not replay:
        return []
    floor = (demo.get("floor") or {}).get("full_ms_per_step")
    found = [
        Target(
            "W2 dynamic vs micrograd, whole demo", "≥ 50×", _times(whole / ours), whole / ours >= 50
        ),
        Target(
            "W2r replay vs micrograd, whole demo",
            "≥ 200×",
            _times(whole / replay),
            whole / replay >= 200,
        ),
    ]
    if floor:
        ratio = replay / floor
        found.append(
            Target(
                "W2r replay vs floor, whole demo", "≤ 2.0× floor", f"{ratio:.2f}× floor", ratio <= 2
            )
        )
    return found


def _floor_target(
    results: dict[str, Any], workload: str, engine: str, name: str, limit: float
) -> Target:
    ours, floor = _get(results, workload, engine), _get(results, workload, "floor")
    if ours is None or floor is None:
        return Target(name, f"≤ {limit}× floor", "—", None)
    ratio = ours["median"] / floor["median"]
    return Target(name, f"≤ {limit}× floor", f"{ratio:.2f}× floor", ratio <= limit)


def _chain_targets(results: dict[str, Any]) -> list[Target]:
    ours, floor = (_chains(results, engine) for engine in ("ours", "floor"))
    if not ours:
        return [Target("W4 depth 10⁶ works", "yes", "—", None)]
    deepest = max((d for d, r in ours.items() if "error" not in r), default=0)
    worked = {d: r for d, r in ours.items() if "error" not in r}
    spread = _spread([r["min"] for r in worked.values()])
    floor_spread = _spread([r["min"] for r in floor.values() if "error" not in r])
    engine_spread = _spread([r["gc_off"] for r in worked.values() if "gc_off" in r])
    measured = "—" if spread is None else f"{spread:.2f}"
    # The floor chain's own spread: how much of the rise any graph of Python objects shows.
    if spread is not None and floor_spread is not None:
        measured += f" (floor chain {floor_spread:.2f})"
    return [
        Target("W4 largest depth that works", "10⁶", f"{deepest:,}", deepest >= 1_000_000),
        Target(
            "W4 time per node flat, GC on (max / min over depths)",
            "≤ 2",
            measured,
            None if spread is None else spread <= 2,
        ),
        Target(
            "W4 time per node flat, collector paused",
            "≤ 2",
            "—" if engine_spread is None else f"{engine_spread:.2f}",
            None if engine_spread is None else engine_spread <= 2,
        ),
    ]


def _chains(results: dict[str, Any], engine: str) -> dict[int, dict[str, Any]]:
    """One engine's W4 results by depth (JSON keys are strings)."""
    return {int(d): r for d, r in results.get("W4", {}).get(engine, {}).items()}


def _spread(values: list[float]) -> float | None:
    """max / min of per-node times; None when there is nothing to compare.

    >>> _spread([2.0, 3.0, 4.0]), _spread([])
    (2.0, None)
    """
    return max(values) / min(values) if values else None


def _memory_target(results: dict[str, Any]) -> Target:
    memory = results.get("W5", {})
    mg, ours = memory.get("micrograd"), memory.get("ours")
    if not mg or not ours or "error" in mg or "error" in ours:
        return Target("W5 bytes per op node vs micrograd", "≤ 0.5×", "—", None)
    ratio = ours["per_op_node"] / mg["per_op_node"]
    return Target("W5 bytes per op node vs micrograd", "≤ 0.5×", f"{ratio:.2f}×", ratio <= 0.5)


def targets_table(found: list[Target]) -> str:
    """The targets as a Markdown table."""
    rows = ["| target | wanted | measured | met |", "|---|---|---|---|"]
    marks = {True: "yes", False: "**no**", None: "not run"}
    rows += [f"| {t.name} | {t.wanted} | {t.measured} | {marks[t.met]} |" for t in found]
    return "\n".join(rows)


def as_json(results: dict[str, Any], found: list[Target], meta: dict[str, Any]) -> dict[str, Any]:
    """Everything measured, for ``benchmarks/results/latest.json``."""
    return {"meta": meta, "results": results, "targets": [asdict(t) for t in found]}
