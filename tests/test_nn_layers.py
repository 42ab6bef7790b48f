"""nn.layers: micrograd compatibility, activations vs central differences, initializations."""

from __future__ import annotations

import math
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_engine as ag
from autograd_engine import Value, check_grad
from nn import ACTIVATIONS, MLP, Layer, Neuron

inputs = st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3)


# ---- micrograd compatibility --------------------------------------------------------


def test_mlp_defaults_match_micrograd_layout() -> None:
    model = MLP(2, [16, 16, 1])
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert [(layer.nin, layer.nout) for layer in model.layers] == [(2, 16), (16, 16), (16, 1)]
    assert all(n.nonlin for n in model.layers[0].neurons)
    assert not model.layers[2].neurons[0].nonlin


def test_seeded_weights_are_micrograds_draws() -> None:
    # micrograd draws w from random.uniform(-1, 1), neuron by neuron, with b = 0.
    model = MLP(2, [3, 1], seed=random.Random(1337))
    reference = random.Random(1337)
    for layer in model.layers:
        for neuron in layer.neurons:
            assert [w.data for w in neuron.w] == [reference.uniform(-1, 1) for _ in neuron.w]
            assert neuron.b.data == 0.0


def test_no_seed_uses_the_global_random_module() -> None:
    state = random.getstate()
    try:
        random.seed(1337)
        first = [p.data for p in MLP(2, [4, 1]).parameters()]
        random.seed(1337)
        second = [p.data for p in MLP(2, [4, 1]).parameters()]
    finally:
        random.setstate(state)
    assert first == second
    assert first == [p.data for p in MLP(2, [4, 1], seed=random.Random(1337)).parameters()]


def test_neuron_nonlin_flag_and_positional_form() -> None:
    assert Neuron(3, nonlin=True).activation == "relu"
    assert Neuron(3, nonlin=False).activation == "linear"
    assert Neuron(3, False).activation == "linear"
    assert Neuron(3, True).activation == "relu"
    assert Neuron(3, "tanh", nonlin=False).activation == "linear"
    with pytest.raises(TypeError, match="conflicting"):
        Neuron(3, True, nonlin=False)
    assert Layer(2, 3, nonlin=False).activation == "linear"


def test_neuron_parameter_order_is_weights_then_bias() -> None:
    neuron = Neuron(3, seed=0)
    assert neuron.parameters() == [*neuron.w, neuron.b]


def test_neuron_computes_act_of_dot_plus_bias() -> None:
    neuron = Neuron(3, activation="tanh", seed=0)
    neuron.b.data = 0.25
    x = [0.5, -1.0, 2.0]
    # micrograd's order: the sum starts from the bias and runs left to right.
    expected = math.tanh(sum((w.data * xi for w, xi in zip(neuron.w, x, strict=True)), 0.25))
    out = neuron(x)
    assert out.data == expected
    assert out.op == "affine_tanh"  # the whole neuron is one fused node
    assert out.parents[:4] == (*neuron.w, neuron.b)
    assert [p.data for p in out.parents[4:]] == x


def test_an_activation_affine_cannot_fuse_sits_on_top_of_it() -> None:
    neuron = Neuron(2, activation="softplus", seed=0)
    out = neuron([0.5, -1.0])
    assert out.op == "softplus" and out.parents[0].op == "affine"

    # A callable is never fused, even when it is named like a fusable activation.
    def relu(v: Value) -> Value:
        return v.relu()

    custom = Neuron(2, activation=relu, seed=0)
    assert custom([0.5, -1.0]).op == "relu"


def test_neuron_weights_are_a_tuple_and_assigning_them_refreshes_the_fused_node() -> None:
    neuron = Neuron(2, activation="linear", seed=0)
    assert isinstance(neuron.w, tuple)
    neuron.w = [Value(1.0), Value(2.0)]  # any sequence; stored as a tuple
    neuron.b = Value(0.5)
    assert isinstance(neuron.w, tuple)
    out = neuron([3.0, 4.0])
    assert out.data == 11.5 and out.parents[:3] == (*neuron.w, neuron.b)
    with pytest.raises(TypeError):
        neuron.w[0] = Value(0.0)  # type: ignore[index]


def test_layer_returns_a_value_for_one_neuron_else_a_list() -> None:
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    outputs = Layer(2, 3)([1.0, 2.0])
    assert isinstance(outputs, list)
    assert len(outputs) == 3


def test_mlp_returns_value_for_one_output_else_list() -> None:
    assert isinstance(MLP(2, [4, 1])([1.0, 2.0]), Value)
    assert len(MLP(2, [4, 3])([1.0, 2.0])) == 3


def test_one_neuron_middle_layer_works() -> None:
    # micrograd's Layer hands a bare Value to the next layer here and crashes.
    model = MLP(2, [16, 1, 1], seed=0)
    x = [0.5, -0.5]
    out = model(x)
    assert isinstance(out, Value)
    hidden = [
        max(sum(w.data * xi for w, xi in zip(n.w, x, strict=True)) + n.b.data, 0.0)
        for n in model.layers[0].neurons
    ]
    (middle,) = model.layers[1].neurons
    squeezed = max(
        sum(w.data * h for w, h in zip(middle.w, hidden, strict=True)) + middle.b.data, 0
    )
    (last,) = model.layers[2].neurons
    assert out.data == pytest.approx(last.w[0].data * squeezed + last.b.data, abs=1e-12)
    out.backward()
    smooth = MLP(2, [4, 1, 1], activation="tanh", seed=0)
    check_grad(lambda a, b: smooth([a, b]), x)


def test_inputs_may_be_floats_values_tuples_or_numpy() -> None:
    np = pytest.importorskip("numpy")
    model = MLP(2, [4, 1], seed=0)
    expected = model([0.5, -1.0]).data
    assert model((0.5, -1.0)).data == expected
    assert model([Value(0.5), -1.0]).data == expected
    assert model(np.array([0.5, -1.0])).data == expected
    assert model([np.float64(0.5), np.int64(-1)]).data == expected


def test_input_values_receive_gradients() -> None:
    model = MLP(2, [4, 1], seed=0)
    x = [Value(0.5), Value(-1.0)]
    model(x).backward()
    report = check_grad(lambda a, b: model([a, b]), x)
    assert report.ok
    assert [v.grad for v in x] == pytest.approx([row.analytic for row in report.rows])


def test_wrong_input_count_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"MLP\(2 -> \[1\]\) expects 2 inputs per example, got 3"):
        MLP(2, [1])([1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MLP(0, [1]), "nin must be a positive int"),
        (lambda: MLP(2, []), "at least one layer"),
        (lambda: MLP(2, [3, 0]), "layer size must be a positive int"),
        (lambda: Layer(2, 2.5), "nout must be a positive int"),
        (lambda: Neuron(2, activation="swish"), "unknown activation 'swish'"),
        (lambda: Neuron(2, init="lecun"), "unknown init 'lecun'"),
    ],
)
def test_bad_arguments_raise_value_error(build, message) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_bad_seed_and_activation_types_raise_type_error() -> None:
    with pytest.raises(TypeError, match="seed must be"):
        MLP(2, [1], seed="1337")
    with pytest.raises(TypeError, match="activation must be"):
        Neuron(2, activation=3)


# ---- activations --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@given(x=inputs)
def test_every_activation_in_a_neuron_matches_central_differences(name, x) -> None:
    neuron = Neuron(3, activation=name, seed=4)
    neuron.b.data = 0.1
    # Keep clear of relu's kink, where central differences straddle two slopes.
    pre_activation = sum(w.data * xi for w, xi in zip(neuron.w, x, strict=True)) + 0.1
    if name in ("relu", "leaky_relu") and abs(pre_activation) < 1e-3:
        return
    check_grad(lambda *xs: neuron(list(xs)), x)
    weights = neuron.w

    def by_weights(*ws: Value) -> Value:
        return ACTIVATIONS[name](ag.dot(list(ws), x) + 0.1)

    check_grad(by_weights, [w.data for w in weights])


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "linear"])
def test_activation_values(name) -> None:
    reference = {
        "relu": lambda z: max(z, 0.0),
        "tanh": math.tanh,
        "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
        "linear": lambda z: z,
    }[name]
    for z in (-2.0, -0.5, 0.5, 3.0):
        assert ACTIVATIONS[name](Value(z)).data == pytest.approx(reference(z), rel=1e-15)


def test_callable_activation() -> None:
    def swish(v: Value) -> Value:
        return v * v.sigmoid()

    neuron = Neuron(2, activation=swish, seed=0)
    assert neuron.activation == "swish"
    check_grad(lambda a, b: neuron([a, b]), [0.3, -0.8])
    assert "swish" in repr(MLP(2, [3, 1], activation=swish))


def test_mlp_output_activation() -> None:
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "sigmoid"]
    assert 0 < model([5.0, -5.0]).data < 1


# ---- initializations ----------------------------------------------------------------


def test_seed_makes_models_reproducible_without_global_state() -> None:
    state = random.getstate()
    a = [p.data for p in MLP(2, [8, 1], seed=42).parameters()]
    b = [p.data for p in MLP(2, [8, 1], seed=42).parameters()]
    assert a == b
    assert a != [p.data for p in MLP(2, [8, 1], seed=43).parameters()]
    assert random.getstate() == state


def test_uniform_init_stays_in_unit_interval_with_zero_bias() -> None:
    model = MLP(4, [50, 1], seed=0)
    weights = [w.data for layer in model.layers for n in layer.neurons for w in n.w]
    assert all(-1 <= w <= 1 for w in weights)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_xavier_init_respects_glorot_limit() -> None:
    layer = Layer(30, 10, init="xavier", seed=0)
    limit = math.sqrt(6 / 40)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert all(abs(w) <= limit for w in weights)
    assert max(abs(w) for w in weights) > 0.8 * limit  # spread over the whole range
    assert Layer(30, 10, init="glorot", seed=0).state_dict() == layer.state_dict()


def test_he_init_has_variance_two_over_fan_in() -> None:
    layer = Layer(50, 40, init="he", seed=0)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert statistics.pvariance(weights) == pytest.approx(2 / 50, rel=0.1)
    assert statistics.fmean(weights) == pytest.approx(0.0, abs=0.02)


def test_custom_init_callable() -> None:
    layer = Layer(3, 2, init=lambda rng, fan_in, fan_out: fan_in * 10 + fan_out)
    assert [w.data for w in layer.neurons[0].w] == [32.0, 32.0, 32.0]
