"""The backprop player's data and document (the browser tests drive its controls)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from autograd_engine import Value, affine
from autograd_engine.viz import play

pytest.importorskip("pygraphviz", reason="the draw extra is not installed")


def neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    n = x1 * w1 + x2 * w2 + Value(6.8813735870195432, label="b")
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def player_data(document: str) -> dict:
    text = re.search(
        r'<script id="player-data" type="application/json">(.*?)</script>', document, re.S
    ).group(1)
    return json.loads(text)


def test_steps_run_forward_then_backward_with_the_engines_gradients() -> None:
    o = neuron()
    player = play(o)
    phases = [s["phase"] for s in player.steps]
    assert phases == ["forward"] * 5 + ["backward"] * 5
    assert player.steps[0]["text"].startswith("forward: ")
    assert "o.grad" not in player.steps[-1]["text"]
    last_grads = {}
    for step in player.steps:
        last_grads.update(step["grad"])
    o.backward()  # the player left every gradient as it was: zero
    index = player.graph._plan.index
    for node, i in index.items():
        shown = last_grads.get(f"v{i}", "0.0000")
        assert shown == f"{node.grad:.4f}", node


def test_showing_the_player_changes_no_gradient() -> None:
    o = neuron()
    o.backward()
    before = {id(p): p.grad for p in o.parents}
    play(o)
    assert {id(p): p.grad for p in o.parents} == before


def test_document_is_self_contained(tmp_path: Path) -> None:
    player = play(neuron())
    document = player.html()
    assert "<svg" in document and "http://" not in document.replace("http://www.w3.org", "")
    assert "https://" not in document and "src=" not in document  # no CDN, no fetch
    assert player_data(document)["steps"] == player.steps
    path = player.save(tmp_path / "player.html")
    assert path.read_text(encoding="utf-8") == document


def test_bundle_has_html_and_static_pictures() -> None:
    bundle = play(neuron())._repr_mimebundle_()
    assert bundle["text/html"].startswith("<iframe srcdoc=")
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert "<svg" in bundle["image/svg+xml"]
    assert bundle["text/plain"] == "<Player: 5 forward and 5 backward steps>"


def test_labels_cannot_end_the_script() -> None:
    x = Value(1.0, label="</script><b>")
    document = play(x * 2).html()
    assert document.count("</script>") == 2  # the data block's and the code's


def test_bad_arguments_are_named() -> None:
    with pytest.raises(TypeError, match="play: root must be a Value"):
        play(3.0)
    big = Value(0.0)
    for _ in range(200):
        big = big + 1.0
    with pytest.raises(ValueError, match="play: the graph has 401 values"):
        play(big)


def test_a_fused_neuron_plays_as_the_lecture_draws_it() -> None:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = affine((w1, w2, b), (x1, x2), "tanh")
    o.label = "o"
    player = play(o)
    name = {node: f"v{i}" for node, i in player.graph._plan.index.items()}
    names = [s["node"] for s in player.steps]
    # forward: the products, the sum, the neuron; backward: the neuron, sum, products
    assert names == ["v5p0", "v5p1", "v5s", "v5", "v5", "v5s", "v5p0", "v5p1"]
    assert player.steps[2]["text"] == "forward: b + Σ w·x = 0.8814"
    assert player.steps[4]["grad"] == {"v5s": "0.5000", "v5": "1.0000"}
    assert player.steps[5]["grad"] == {name[b]: "0.5000", "v5p0": "0.5000", "v5p1": "0.5000"}
    assert player.steps[6]["grad"] == {name[w1]: "1.0000", name[x1]: "-1.5000"}
    svg_titles = set(re.findall(r"<title>([^<]+)</title>", player.graph.svg()))
    assert {"v5p0", "v5p1", "v5s", "v5", "v5p0op", "v5sop", "v5op"} <= svg_titles
    assert play(o, expand_neurons=False).steps[-1]["node"] == "v5"
    assert len(play(o, expand_neurons=False).steps) == 2


def test_texts_name_unlabelled_nodes_as_the_picture_does() -> None:
    """Every node a step's text speaks of can be found in the picture by that name."""
    from autograd_engine import topological_order
    from autograd_engine.examples import readme_expression

    g, _ = readme_expression()
    player = play(g)
    texts = " ".join(step["text"] for step in player.steps)
    assert "[" not in texts  # no "[+ 0.0000]": that named two different nodes here
    unlabelled = [n for n in topological_order(g) if not n.label and n.kind != "constant"]
    called = re.findall(r"\bt\d+\b", texts)
    assert len(set(called)) == len(unlabelled)  # one name per node, none shared
    on_picture = set(re.findall(r">(t\d+)</text>", player.graph.svg()))
    assert set(called) == on_picture
    forward = {s["node"]: s["text"] for s in player.steps if s["phase"] == "forward"}
    name = player.graph.node_names[g.parents[0]]  # the first term, made from f
    assert re.match(r"forward: (t\d+) = / of \(f, 2\) = 24\.5000$", forward[name])


def test_frames_print_the_names_their_explanations_use() -> None:
    from autograd_engine import backward_steps

    x = Value(3.0, label="x")
    y = x * x + 1
    first, second = backward_steps(y)
    assert first.explanation.startswith("1/2 t2 = + of (t1, 1)")
    assert second.explanation.startswith("2/2 t1 = * of (x, x)")
    assert "{ t1 | data 9.0000" in second.source and "{ t2 | data 10.0000" in second.source
