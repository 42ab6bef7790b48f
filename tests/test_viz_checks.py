"""Drawing entry points refuse bad arguments at once, naming the argument (issue 14.12).

Nothing here renders: every check runs before Graphviz sees anything.
"""

from __future__ import annotations

import pytest

from autograd_engine import Value, backward_steps, draw_graph, scope


def expression() -> Value:
    x = Value(2.0, label="x")
    return (x * 3).tanh()


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"title": 5}, TypeError, "title must be a str, got int 5"),
        ({"title": "a\0b"}, ValueError, "title 'a\\\\x00b' contains a NUL"),
        ({"title": "\ud800"}, ValueError, "title .* lone surrogate"),
        ({"edge_labels": "yes"}, TypeError, "edge_labels must be True or False, got 'yes'"),
        ({"legend": 1}, TypeError, "legend must be True or False, got 1"),
        ({"show_grad": None}, TypeError, "show_grad must be True or False"),
        ({"rankdir": "up"}, ValueError, "rankdir must be one of"),
        ({"max_nodes": 0}, ValueError, "max_nodes must be an int >= 1 or None, got 0"),
        ({"max_nodes": True}, ValueError, "max_nodes must be an int"),
        ({"depth": -1}, ValueError, "depth must be an int >= 0, got -1"),
        ({"highlight": [3]}, TypeError, "highlight must hold Values only, got int 3"),
        ({"grads": [1.0]}, TypeError, "grads must be a mapping"),
        ({"size": "wide"}, ValueError, "size must be a width in inches"),
        ({"size": -2}, ValueError, "size must be"),
        ({"format": "gif"}, ValueError, "format must be one of"),
        ({"focus": 1.0}, TypeError, "focus must be a Value"),
    ],
)
def test_bad_options_name_the_argument(options: dict, error: type, words: str) -> None:
    with pytest.raises(error, match=f"draw_graph: {words}"):
        draw_graph(expression(), **options)


@pytest.mark.parametrize(
    ("label", "error", "words"),
    [
        (5, TypeError, "label of a Value .* must be a str, got int 5"),
        ("a\0b", ValueError, "label of a Value .* contains a NUL"),
        ("\udcff", ValueError, "label of a Value .* lone surrogate"),
    ],
)
def test_a_bad_label_set_after_construction_is_named(label, error: type, words: str) -> None:
    y = expression()
    y.parents[0].label = label
    with pytest.raises(error, match=f"draw_graph: the {words}"):
        draw_graph(y)


def test_scope_needs_a_name_and_steps_need_a_value() -> None:
    with pytest.raises(TypeError, match="scope: name must be a non-empty str, got 123"):
        scope(123)
    with pytest.raises(TypeError, match=r"backward_steps: root must be a Value, got float 3\.0"):
        backward_steps(3.0)


def test_good_options_still_draw() -> None:
    graph = draw_graph(expression(), title="t", size=(4, 3), rankdir="TB", highlight=[])
    assert 'size="4,3"' in graph.source and "rankdir=TB" in graph.source
