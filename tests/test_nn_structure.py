"""nn on one footing: one training step module, one neuron forward, one parameter tuple.

Layer and MLP reuse what Neuron and Module define instead of restating it; ``train`` and
``replayed`` share ``nn.step`` instead of importing each other; ``Module`` keeps the flat
parameter tuple (rebuilt after any assignment in the tree) and PyTorch's training flag.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograd_engine import Value
from nn import MLP, SGD, Layer, Neuron, fit, hinge, moons, mse, to_signed
from nn.layers import neurons_forward

NN = Path(__file__).resolve().parent.parent / "nn"


def imported_modules(name: str) -> set[str]:
    tree = ast.parse((NN / f"{name}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_train_and_replayed_do_not_import_each_other():
    assert "nn.replayed" not in imported_modules("step")
    assert "nn.train" not in imported_modules("replayed")
    assert "nn.train" not in imported_modules("step")
    assert "nn.step" in imported_modules("train") and "nn.step" in imported_modules("replayed")


def test_layer_and_mlp_define_no_forward_or_parameters_of_their_own_kind():
    # The neuron's computation lives in one function; parameters in Module.
    for cls in (Neuron, Layer, MLP):
        assert "parameters" not in vars(cls), cls
    source = (NN / "layers.py").read_text()
    assert source.count("affine_layer(") == 1 and source.count("_activation(affine(") == 1


@pytest.mark.parametrize("activations", [["tanh"] * 3, ["relu", "tanh", "softplus"], ["sigmoid"]])
def test_a_layer_gives_what_each_neuron_gives(activations):
    layer = Layer(3, len(activations), seed=1)
    layer.neurons = [Neuron(3, name, seed=i) for i, name in enumerate(activations)]
    xs = [Value(0.3), Value(-1.2), Value(2.0)]
    got = layer(xs)
    got = got if isinstance(got, list) else [got]
    want = [neuron(xs) for neuron in layer.neurons]
    assert [v.data for v in got] == [v.data for v in want]
    assert [v.op for v in got] == [v.op for v in want]
    assert [v.data for v in neurons_forward(layer.neurons, xs)] == [v.data for v in want]


def test_mlp_is_its_layers_called_in_turn_even_with_a_one_neuron_middle_layer():
    model = MLP(2, [3, 1, 2], activation="tanh", seed=4)
    x = [0.5, -0.25]
    h = model.layers[0](x)
    h = model.layers[1](h)  # a single Value
    assert isinstance(h, Value)
    want = model.layers[2](h)
    assert [v.data for v in model(x)] == [v.data for v in want]
    assert model(x)[0].scope == "layers.2"


def test_parameters_follow_assignments_deep_in_the_tree():
    model = MLP(2, [3, 1], seed=0)
    before = model.parameters()
    assert len(before) == 13
    neuron = model.layers[0].neurons[1]
    neuron.w = (Value(1.0), Value(2.0))  # a new tuple of weights, deep inside
    after = model.parameters()
    assert after[3:5] == list(neuron.w) and after[3] is not before[3]
    output = Neuron(3, "linear", seed=9)
    model.layers[1].neurons = [output]
    assert model.parameters()[-4:] == [*output.w, output.b]
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_a_parameter_shared_by_two_modules_is_listed_once():
    shared = Neuron(2, seed=0)
    layer = Layer(2, 2, seed=1)
    layer.neurons = [shared, shared]
    assert len(layer.parameters()) == 3


def test_train_and_eval_set_the_flag_on_every_module():
    model = MLP(2, [3, 1], seed=0)
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(TypeError, match="mode must be a bool"):
        model.train("no")
    # The flag is no parameter and no child: state and names are unchanged by it.
    assert len(model.named_parameters()) == 13 and "training" not in model.state_dict()


def test_fit_trains_in_training_mode_and_restores_each_module_mode():
    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0).eval()
    model.layers[0].train()  # one sub-module in another mode than the rest
    seen = []
    fit(
        model, hinge, SGD(model, lr=0.1), (X, to_signed(y)), epochs=2, progress=False,
        callbacks=[lambda record: seen.append(all(m.training for m in model.modules()))],
    )  # fmt: skip
    assert seen == [True, True]
    assert [m.training for m in model.modules()] == [
        False,
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_fit_accepts_a_plain_callable_model():
    w = Value(0.0)
    fit(lambda x: w * x[0], mse, SGD([w], lr=0.1), ([[1.0]], [2.0]), epochs=3, progress=False)
    assert w.data > 0


def test_a_layer_follows_its_neuron_list_changed_in_place():
    # Layer keeps its parameter rows between calls; replacing a neuron in the list (no
    # assignment to a module attribute) must still be seen by the next call.
    layer = Layer(2, 2, activation="tanh", seed=1)
    xs = [Value(0.5), Value(-1.0)]
    first = [v.data for v in layer(xs)]
    layer.neurons[1] = Neuron(2, "tanh", seed=7)
    second = [v.data for v in layer(xs)]
    assert second[0] == first[0] and second[1] == layer.neurons[1](xs).data != first[1]
