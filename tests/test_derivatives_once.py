"""Each op's derivative is written once, in its table entry; the rest of the engine derives it.

Code that adds a gradient (a sweep, replay's interpreter, a generated program) takes its
terms from the rules, traced (``autograd_engine.trace``): a product written by hand into
a gradient (``gradients[w] += g * values[x]``) is ``*``'s rule restated, and the copy
would not follow a change to the rule. Drawings label edges from the rules too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograd_engine import Value, affine, draw_graph
from autograd_engine.fused import pre_activation_rule

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "autograd_engine").rglob("*.py")) + sorted((ROOT / "nn").glob("*.py"))
ARITHMETIC = (ast.Mult, ast.Div, ast.Sub, ast.Pow)


def hand_written_terms(source: str) -> list[str]:
    """Each ``<gradient> += <arithmetic>`` statement: a derivative term written by hand."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            if "grad" not in ast.unparse(node.target).lower():
                continue
            parts = ast.walk(node.value)
            if any(isinstance(n, ast.BinOp) and isinstance(n.op, ARITHMETIC) for n in parts):
                found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_gradient_term_is_written_by_hand(path: Path) -> None:
    assert hand_written_terms(path.read_text()) == []


def test_the_check_finds_a_hand_written_neuron_term() -> None:
    source = "for w, x in pairs:\n    gradients[w] += g * values[x]\n    total += w * x\n"
    assert hand_written_terms(source) == ["gradients[w] += g * values[x]"]


def test_the_interpreter_adds_the_sums_terms_as_its_rule_gives_them() -> None:
    from autograd_engine import interpret

    values = [2.0, -3.0, 0.5, 4.0, 7.0, 0.0]  # w1, w2, b, x1, x2, then the sum's slot
    gradients = [0.0] * 6
    interpret.add_sum_terms(gradients, values, 1.5, (0, 1, 2, 3, 4))
    assert gradients[:5] == list(pre_activation_rule(1.5, 0.0, *values[:5]))


def test_an_expanded_neurons_edges_are_labelled_by_the_rules() -> None:
    w1, w2, b = Value(-3.0, label="w1"), Value(0.25, label="w2"), Value(1.0, label="b")
    x1, x2 = Value(2.0, label="x1"), Value(-8.0, label="x2")
    out = affine((w1, w2, b), (x1, x2), "tanh")
    out.backward()
    source = draw_graph(out, expand_neurons=True, edge_labels=True).source
    # d(w·x)/dw = x and d(w·x)/dx = w, from *'s rule; d(sum)/db = 1, from +'s.
    for local in ("2.0000", "-8.0000", "-3.0000", "0.2500", "1.0000"):
        assert f"local {local}" in source, local
