"""DOT text of drawings: golden output, determinism, roles, escaping, options, errors.

Nothing here renders, so these tests need no Graphviz.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import autograd_engine as ag
from autograd_engine import Value, draw_dot, draw_graph
from autograd_engine.viz import labels

ROOT = Path(__file__).resolve().parents[1]

HEAD_LR = (
    "digraph {\n"
    '\tgraph [fontname="Helvetica,Arial,sans-serif" fontsize=11 nodesep=0.2 rankdir=LR'
    ' ranksep=0.3 size="10,1000"]\n'
    '\tnode [fontname="Helvetica,Arial,sans-serif" fontsize=10 height=0.3 style=filled]\n'
    '\tedge [arrowsize=0.6 color="#495057" fontname="Helvetica,Arial,sans-serif" fontsize=9]\n'
)
OP = (
    'fillcolor="#f1f3f5" fontsize=9 height=0.25 label="{}" margin="0.03,0.01" shape=ellipse'
    " width=0.3"
)


def square() -> Value:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    return y


def diamond() -> Value:
    a = Value(2.0, label="a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    c.backward()
    return c


def test_golden_square_with_edge_labels() -> None:
    OUT = "penwidth=2 shape=record"
    edge = '[label="local 3.0000\\ngrad += 1.0000 × 3.0000\\n= 3.0000"]'
    expected = HEAD_LR + textwrap.dedent(f"""\
        \tv1 [fillcolor="#b2f2bb" label="{{ y | data 9.0000 | grad 1.0000 }}" {OUT}]
        \tv1op [{OP.format("*")}]
        \tv0 [fillcolor="#a5d8ff" label="{{ x | data 3.0000 | grad 6.0000 }}" shape=record]
        \tv0 -> v1op {edge}
        \tv0 -> v1op {edge}
        \tv1op -> v1
        }}
        """)
    labelled = 'arrowsize=0.6 color="#495057" decorate=true fontname'  # labels tied to edges
    expected = expected.replace('arrowsize=0.6 color="#495057" fontname', labelled)
    expected = expected.replace("nodesep=0.2", "nodesep=0.5")  # labels need the room
    assert draw_graph(square(), edge_labels=True).source == expected


def test_golden_diamond_top_to_bottom_without_grads() -> None:
    head = HEAD_LR.replace("rankdir=LR", "rankdir=TB")
    expected = head + textwrap.dedent(f"""\
        \tv0 [fillcolor="#a5d8ff" label="{{ a | data 2.0000 }}" shape=record]
        \tv1 [fillcolor="#ffffff" label="{{ b | data 4.0000 }}" shape=record]
        \tv1op [{OP.format("+")}]
        \tv2 [fillcolor="#b2f2bb" label="{{ c | data 16.0000 }}" penwidth=2 shape=record]
        \tv2op [{OP.format("*")}]
        \tv0 -> v1op
        \tv0 -> v1op
        \tv1 -> v2op
        \tv1 -> v2op
        \tv1op -> v1
        \tv2op -> v2
        }}
        """)
    assert draw_graph(diamond(), rankdir="TB", show_grad=False).source == expected


def test_same_expression_built_twice_gives_identical_text() -> None:
    first = draw_graph(diamond(), edge_labels=True, legend=True).source
    assert draw_graph(diamond(), edge_labels=True, legend=True).source == first
    assert draw_graph(square()).source == draw_graph(square()).source


SCRIPT = """
from autograd_engine import Value, draw_graph, scope
w = Value(0.5, label="w"); w.kind = "parameter"
x = Value(-1.5, label="x")
with scope("block"):
    h = (w * x + 2).tanh()
loss = (h - 1) ** 2 + w * w
loss.backward()
print(draw_graph(loss, edge_labels=True, legend=True).source, end="")
"""


def test_text_is_stable_across_processes() -> None:
    """Hash seeds and object addresses differ between processes; the text must not."""
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert "cluster_0" in outputs.pop()


def test_node_names_come_from_positions_not_ids() -> None:
    y = square()
    names = set(re.findall(r"^\t(\w+) \[", draw_graph(y).source, flags=re.MULTILINE))
    assert names == {"graph", "node", "edge", "v0", "v1", "v1op"}
    assert str(id(y)) not in draw_graph(y).source


def test_operand_order_is_kept() -> None:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    source = draw_graph(b - a).source
    assert source.index("v1 -> v2op") < source.index("v0 -> v2op")  # b is operand 0


def test_fused_ops_draw_one_node_with_every_input() -> None:
    ws = [Value(float(i), label=f"w{i}") for i in range(3)]
    xs = [Value(1.0, label=f"x{i}") for i in range(3)]
    source = draw_graph(ag.dot(ws, xs)).source
    assert source.count("label=dot") == 1
    assert len(re.findall(r"-> v6op", source)) == 6


def test_roles_have_their_colours() -> None:
    w = Value(0.5, label="w")
    w.kind = "parameter"
    x = Value(2.0, label="x")
    y = w * x + 1
    source = draw_graph(y, legend=True).source
    colour = {name: labels.ROLE_COLOURS[name] for name in labels.ROLE_COLOURS}
    assert f'v0 [fillcolor="{colour["parameter"]}" label="{{ w |' in source
    assert f'v1 [fillcolor="{colour["input"]}" label="{{ x |' in source
    assert f'fillcolor="{colour["constant"]}" label="{{ data 1.0000' in source
    assert re.search(rf'fillcolor="{colour["output"]}" label="[^"]*" penwidth=2', source)
    assert "legend [label=<" in source
    for name in ("output", "parameter", "input", "constant"):
        assert labels.ROLE_NAMES[name] in source


def test_several_roots_are_all_outputs() -> None:
    x = Value(1.0, label="x")
    first, second = x + 1, x * 2
    graph = draw_graph([first, second])
    assert graph.source.count(labels.ROLE_COLOURS["output"]) == 2
    assert graph.drawn_values == 5


def test_record_specials_are_escaped() -> None:
    x = Value(1.0, label='odd {label} | <x> "quoted" \\ end')
    source = draw_graph(x * 2).source
    assert r'label="{ odd \{label\} \| \<x\> \"quoted\" \\ end | data' in source


def test_numbers_have_a_fixed_readable_format() -> None:
    assert labels.format_number(2.0) == "2.0000"
    assert labels.format_number(-0.5) == "-0.5000"
    assert labels.format_number(123456.0) == "123456.0000"
    assert labels.format_number(1234567.0) == "1.235e+06"
    assert labels.format_number(1e-9) == "1.000e-09"
    assert labels.format_number(-0.0) == "0.0000"
    assert labels.format_number(float("inf")) == "inf"


def test_draw_dot_is_draw_graph() -> None:
    assert draw_dot(square()).source == draw_graph(square()).source


def test_digraph_has_the_same_source() -> None:
    pytest.importorskip("graphviz")
    graph = draw_graph(diamond(), edge_labels=True, legend=True, title='a "title"')
    assert graph.digraph.source == graph.source


def test_bad_arguments_are_named() -> None:
    with pytest.raises(TypeError, match="roots must be Values, got float"):
        draw_graph([Value(1.0), 2.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="expected a Value or an iterable"):
        draw_graph(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no root"):
        draw_graph([])
    with pytest.raises(ValueError, match="rankdir must be one of"):
        draw_graph(square(), rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes must be an int >= 1"):
        draw_graph(square(), max_nodes=0)
    with pytest.raises(ValueError, match="depth must be an int >= 0"):
        draw_graph(square(), focus=square(), depth=-1)


def test_undefined_local_derivative_is_drawn_not_raised() -> None:
    x = Value(0.0, label="x")
    y = x.sqrt()  # d sqrt / dx is infinite at 0: the rule divides by zero
    assert "local undefined" in draw_graph(y, edge_labels=True).source


def test_the_engine_imports_without_graphviz() -> None:
    """Drawing libraries load only when a picture is rendered."""
    script = (
        "import sys\n"
        "sys.modules['graphviz'] = sys.modules['pygraphviz'] = None  # imports now fail\n"
        "import autograd_engine as ag\n"
        "x = ag.Value(2.0, label='x')\n"
        "print(ag.draw_graph(x * x).source.count('->'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "3\n"
