"""Optimisations and refusals read the op table's traits, never an op's name.

``batched.roles`` once refused ``where`` by comparing ``spec.name == "where"``; it now
reads the trait that says why (``chosen_when_built``). It also once read the tape's
private attributes and restated graph replay's node-by-node comparison; it now goes
through ``BatchedTape``'s internal API and ``replay_roles.compare_graphs``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import autograd_engine as ag
from autograd_engine import OPS, BatchingError, Value, record_batch

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted((ROOT / "autograd_engine").rglob("*.py")) + sorted((ROOT / "nn").glob("*.py"))
# Where a name is compared that happens to spell an op: a rendering backend is "dot".
NOT_OPS = {"autograd_engine/viz/backends.py"}
OP_ATTRIBUTES = {"name", "op", "_op", "symbol"}


def op_name_comparisons(source: str) -> list[str]:
    """Comparisons of an ``.name``/``.op`` attribute with an op's name from the table."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if not any(isinstance(s, ast.Attribute) and s.attr in OP_ATTRIBUTES for s in sides):
            continue
        for side in sides:
            items = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
            if any(isinstance(i, ast.Constant) and i.value in OPS for i in items):
                found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize("path", PACKAGES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_code_outside_the_table_picks_an_op_by_name(path: Path) -> None:
    if str(path.relative_to(ROOT)) in NOT_OPS:
        pytest.skip("names there are not ops")
    assert op_name_comparisons(path.read_text()) == []


def test_the_name_check_sees_a_comparison_by_name() -> None:
    source = 'if found[0].name == "where": pass\nif node.op in ("relu", "x"): pass\n'
    assert op_name_comparisons(source) == ["found[0].name == 'where'", "node.op in ('relu', 'x')"]


def test_where_is_the_op_that_picks_by_a_condition_fixed_when_built() -> None:
    assert [name for name, spec in OPS.items() if spec.chosen_when_built] == ["where"]
    x = Value(1.0)
    with pytest.raises(BatchingError, match="where picks by a condition computed in Python"):
        record_batch(ag.where(x > 0, x, -x), inputs=[x])


def test_batched_roles_reads_the_tape_only_through_its_api() -> None:
    tree = ast.parse((ROOT / "autograd_engine" / "batched" / "roles.py").read_text())
    private = [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and isinstance(node.value, ast.Name)
        and node.value.id == "tape"
    ]
    assert private == []


def test_a_batched_check_compares_graphs_as_graph_replay_does() -> None:
    # A constant that differs is what compare_graphs (shared with Tape.check) reports.
    w = Value(0.5, label="w")
    w.kind = "parameter"
    x = Value(0.0)
    tape = record_batch(w * x + 2.0, params=[w], inputs=[x])

    def build(xs: list[Value], ys: list[Value]) -> Value:
        return w * xs[0] + 3.0

    with pytest.raises(BatchingError, match=r"sample 0 .*constant 2\.0 became 3\.0"):
        tape.check(np.array([[1.0], [2.0]]), build=build)
