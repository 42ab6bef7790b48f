"""nn.module: the module tree, dotted names, labels, repr, state dicts and JSON files."""

from __future__ import annotations

import json
import os
import re

import pytest

import autograd_engine as ag
from autograd_engine import Value
from nn import MLP, Layer, Module, Neuron, StateDictError


class Pair(Module):
    """A custom module holding two MLPs and a loose scale parameter."""

    def __init__(self) -> None:
        self.left = MLP(2, [3, 1], seed=1)
        self.right = MLP(2, [2], seed=2)
        self.scale = Value(2.0)

    def forward(self, x: list[float]) -> Value:
        return self.scale * self.left(x) + self.right(x)[0]


def snapshot(model: Module) -> list[float]:
    return [p.data for p in model.parameters()]


# ---- names and the tree ---------------------------------------------------------------


def test_named_parameters_use_dotted_paths_in_micrograd_order() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert len(names) == 337 == len(set(names))
    assert names[:3] == [
        "layers.0.neurons.0.w[0]",
        "layers.0.neurons.0.w[1]",
        "layers.0.neurons.0.b",
    ]
    assert "layers.0.neurons.3.w[1]" in names
    assert names[-1] == "layers.2.neurons.0.b"
    # parameters() is the same list, in the same order (its fast path must not drift).
    assert [v for _, v in model.named_parameters()] == model.parameters()


def test_parameters_carry_their_name_as_label_and_kind() -> None:
    model = MLP(2, [4, 1], seed=0)
    for name, value in model.named_parameters():
        assert value.label == name
        assert value.kind == "parameter"


def test_nesting_renames_the_subtree() -> None:
    pair = Pair()
    names = [name for name, _ in pair.named_parameters()]
    assert names[0] == "left.layers.0.neurons.0.w[0]"
    assert "right.layers.0.neurons.1.b" in names
    assert names[-1] == "scale"
    assert pair.left.layers[0].neurons[1].b.label == "left.layers.0.neurons.1.b"
    assert pair.right.layers[0].path == "right.layers.0"
    assert pair.path == ""


def test_custom_module_forward_and_gradients() -> None:
    pair = Pair()
    out = pair([0.5, -0.25])
    out.backward()
    assert pair.scale.grad == pair.left([0.5, -0.25]).data
    pair.zero_grad()
    assert all(p.grad == 0.0 for p in pair.parameters())


def test_shared_parameter_is_listed_once() -> None:
    class Tied(Module):
        def __init__(self) -> None:
            self.a = Neuron(2, seed=0)
            self.b = Neuron(2, seed=1)
            self.b.w = self.a.w  # tie the weights

    names = [name for name, _ in Tied().named_parameters()]
    assert names == ["a.w[0]", "a.w[1]", "a.b", "b.b"]


def test_named_children() -> None:
    names = [name for name, _ in Pair().named_children()]
    assert names == ["left", "right"]


def test_repr_is_nested_and_collapses_identical_children() -> None:
    text = repr(MLP(2, [16, 16, 1], activation="tanh"))
    assert text.splitlines() == [
        "MLP(2 -> [16, 16, 1])",
        "  (layers.0): Layer(2 -> 16, tanh)",
        "    (neurons.0-15): 16 x Neuron(2, tanh)",
        "  (layers.1): Layer(16 -> 16, tanh)",
        "    (neurons.0-15): 16 x Neuron(16, tanh)",
        "  (layers.2): Layer(16 -> 1, linear)",
        "    (neurons.0): Neuron(16, linear)",
    ]
    assert repr(Pair()).startswith("Pair()\n  (left): MLP(2 -> [3, 1])\n    (layers.0)")


def test_forward_not_implemented_names_the_class() -> None:
    class Empty(Module):
        pass

    with pytest.raises(NotImplementedError, match="Empty"):
        Empty()(1.0)


# ---- scopes -------------------------------------------------------------------------


def test_nodes_are_scoped_by_layer() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model([0.5, -1.0])
    by_op = {}
    for node in ag.topological_order(out):
        if node.op:
            by_op.setdefault(node.scope, set()).add(node.op)
    assert set(by_op) == {"layers.0", "layers.1"}
    assert by_op["layers.0"] == {"affine_relu"}  # one fused node per neuron
    assert by_op["layers.1"] == {"affine"}  # linear output layer
    assert out.scope == "layers.1"


def test_scopes_nest_under_a_user_scope_and_a_parent_module() -> None:
    pair = Pair()
    with ag.scope("model"):
        out = pair([0.5, -1.0])
    scopes = {node.scope for node in ag.topological_order(out) if node.op}
    assert "model.left.layers.0" in scopes
    assert "model.right.layers.0" in scopes
    assert "model" in scopes  # the Pair's own arithmetic


def test_a_neuron_called_alone_is_scoped_by_its_name() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model.layers[0].neurons[2]([1.0, 2.0])
    assert out.scope == "neurons.2"
    assert Neuron(2, seed=0)([1.0, 2.0]).scope is None  # a root module has no scope


# ---- state dicts --------------------------------------------------------------------


def test_state_dict_groups_and_round_trip() -> None:
    model = MLP(2, [3, 1], seed=0)
    state = model.state_dict()
    assert list(state)[:2] == ["layers.0.neurons.0.w", "layers.0.neurons.0.b"]
    assert isinstance(state["layers.0.neurons.0.w"], list)
    assert isinstance(state["layers.1.neurons.0.b"], float)
    other = MLP(2, [3, 1], seed=5)
    assert other.state_dict() != state
    other.load_state_dict(state)
    assert other.state_dict() == state
    assert other([0.3, 0.7]).data == model([0.3, 0.7]).data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.pop("layers.1.neurons.0.b"), "missing key 'layers.1.neurons.0.b'"),
        (lambda s: s.update(extra=1.0), "unexpected key 'extra'"),
        (lambda s: s["layers.0.neurons.2.w"].append(1.0), "'layers.0.neurons.2.w' holds 3"),
        (
            lambda s: s.update({"layers.0.neurons.1.b": [1.0]}),
            "'layers.0.neurons.1.b' holds a list",
        ),
        (lambda s: s.update({"layers.0.neurons.1.w": 1.0}), "expected a list"),
        (lambda s: s["layers.1.neurons.0.w"].__setitem__(2, "x"), "'layers.1.neurons.0.w[2]'"),
        (lambda s: s.update({"layers.1.neurons.0.b": float("nan")}), "not a finite number"),
        (lambda s: s.update({"layers.1.neurons.0.b": True}), "not a finite number"),
    ],
)
def test_bad_state_dict_names_the_key_and_changes_nothing(edit, message) -> None:
    model = MLP(2, [3, 1], seed=0)
    state = MLP(2, [3, 1], seed=9).state_dict()
    edit(state)
    before = snapshot(model)
    with pytest.raises(StateDictError, match=re.escape(message)):
        model.load_state_dict(state)
    assert snapshot(model) == before


# ---- files --------------------------------------------------------------------------


def test_save_load_round_trip_is_exact(tmp_path) -> None:
    model = MLP(3, [5, 2], activation="tanh", seed=0)
    for p in model.parameters():  # awkward floats must survive JSON unchanged
        p.data = p.data / 3 + 1e-300
    path = tmp_path / "model.json"
    model.save(path)
    document = json.loads(path.read_text())
    assert document["format"] == "autograd-engine/nn"
    assert document["version"] == 1
    assert document["architecture"] == {
        "class": "MLP",
        "nin": 3,
        "nouts": [5, 2],
        "activation": "tanh",
        "output_activation": "linear",
    }
    copy = MLP(3, [5, 2], activation="tanh", seed=1)
    copy.load(str(path))
    assert snapshot(copy) == snapshot(model)


def test_save_replaces_atomically_and_leaves_no_temp_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "model.json"
    MLP(2, [2], seed=0).save(path)
    original = path.read_bytes()

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        MLP(2, [2], seed=1).save(path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["model.json"]


def test_save_refuses_non_finite_parameters(tmp_path) -> None:
    model = MLP(2, [2], seed=0)
    model.layers[0].neurons[1].b.data = float("inf")
    with pytest.raises(StateDictError, match=re.escape("'layers.0.neurons.1.b'")):
        model.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def corrupt_files(good: str) -> dict[str, tuple[str, str]]:
    """Broken variants of a good saved file, with a fragment of the error each must give."""
    document = json.loads(good)
    parameters = document["parameters"]
    wrong_shape = {**parameters, "layers.0.neurons.0.w": [1.0]}
    missing = {k: v for k, v in parameters.items() if k != "layers.0.neurons.1.b"}
    nan = {**parameters, "layers.1.neurons.0.b": float("nan")}
    return {
        "truncated": (good[: len(good) // 2], "not valid JSON"),
        "empty": ("", "not valid JSON"),
        "garbage": ("\x00\x01 not json", "not valid JSON"),
        "a list": ("[1, 2, 3]", "not a saved model"),
        "wrong format": (json.dumps({**document, "format": "pickle"}), "not a saved model"),
        "future version": (json.dumps({**document, "version": 2}), "version 2"),
        "no parameters": (
            json.dumps({k: v for k, v in document.items() if k != "parameters"}),
            "missing key 'parameters'",
        ),
        "wrong shape": (
            json.dumps({**document, "parameters": wrong_shape}),
            "'layers.0.neurons.0.w' holds 1",
        ),
        "missing key": (
            json.dumps({**document, "parameters": missing}),
            "missing key 'layers.0.neurons.1.b'",
        ),
        "string number": (good.replace('b": 0.0', 'b": "0.0"', 1), "'layers.0.neurons.0.b' holds"),
        "NaN": (json.dumps({**document, "parameters": nan}), "'layers.1.neurons.0.b' holds nan"),
    }


CASES = list(corrupt_files(json.dumps({"parameters": {}})))


@pytest.mark.parametrize("case", CASES)
def test_bad_files_raise_naming_the_file_and_leave_the_model_unchanged(tmp_path, case) -> None:
    source = tmp_path / "good.json"
    MLP(2, [2, 1], seed=7).save(source)
    text, fragment = corrupt_files(source.read_text())[case]
    path = tmp_path / f"{case.replace(' ', '_')}.json"
    path.write_text(text)
    model = MLP(2, [2, 1], seed=0)
    before = snapshot(model)
    with pytest.raises(StateDictError) as info:
        model.load(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)
    assert snapshot(model) == before


def test_mismatched_architecture_is_refused(tmp_path) -> None:
    path = tmp_path / "wide.json"
    MLP(2, [4, 1], seed=0).save(path)
    for other in (MLP(2, [3, 1], seed=0), MLP(2, [4, 1], activation="tanh", seed=0)):
        before = snapshot(other)
        with pytest.raises(StateDictError, match="key 'architecture' describes"):
            other.load(path)
        assert snapshot(other) == before


def test_without_a_saved_architecture_the_keys_decide(tmp_path) -> None:
    path = tmp_path / "wide.json"
    parameters = MLP(2, [4, 1], seed=0).state_dict()
    path.write_text(
        json.dumps({"format": "autograd-engine/nn", "version": 1, "parameters": parameters})
    )
    model = MLP(2, [3, 1], seed=0)
    before = snapshot(model)
    with pytest.raises(StateDictError, match=re.escape("unexpected key 'layers.0.neurons.3.w'")):
        model.load(path)
    assert snapshot(model) == before
    narrow = Layer(3, 4, seed=0)  # a Layer saves no architecture
    Layer(2, 4, seed=0).save(path)
    with pytest.raises(StateDictError, match=re.escape("'neurons.0.w' holds 2")):
        narrow.load(path)


def test_from_file_rebuilds_shape_and_weights(tmp_path) -> None:
    path = tmp_path / "model.json"
    model = MLP(3, [4, 2], activation="sigmoid", output_activation="tanh", seed=0)
    model.save(path)
    copy = MLP.from_file(path)
    assert repr(copy) == repr(model)
    assert copy.state_dict() == model.state_dict()
    Layer(2, 2).save(path)
    with pytest.raises(StateDictError, match="does not describe an MLP"):
        MLP.from_file(path)
    model.save(path)
    document = json.loads(path.read_text())
    document["architecture"]["activation"] = "swish"
    path.write_text(json.dumps(document))
    with pytest.raises(StateDictError, match="cannot build an MLP: unknown activation 'swish'"):
        MLP.from_file(path)


def test_non_utf8_and_deeply_nested_files(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(StateDictError, match="not valid JSON"):
        MLP(2, [1]).load(path)
    path.write_text("[" * 100_000)
    with pytest.raises(StateDictError, match="not valid JSON"):
        MLP(2, [1]).load(path)


def test_missing_file_raises_os_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        MLP(2, [1]).load(tmp_path / "nope.json")


def test_layer_and_neuron_save_too(tmp_path) -> None:
    layer = Layer(2, 3, seed=0)
    layer.save(tmp_path / "layer.json")
    copy = Layer(2, 3, seed=1)
    copy.load(tmp_path / "layer.json")
    assert snapshot(copy) == snapshot(layer)
    assert json.loads((tmp_path / "layer.json").read_text())["architecture"] is None
