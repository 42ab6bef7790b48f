"""Issue 14: hostile input gets a typed error naming the op, argument or file, or the right number.

One section per item of the issue (the numbers are the issue's), so a regression points
at the item it reopens.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from autograd_engine import Value

np = pytest.importorskip("numpy")


# -- item 4: .data / .grad assignment meets the constructor's rule -----------------------


@pytest.mark.parametrize("attribute", ["data", "grad"])
@pytest.mark.parametrize("bad", ["abc", None, 1 + 2j, [1.0], Value(1.0)])
def test_assigning_a_non_number_raises_naming_the_attribute(attribute: str, bad: object) -> None:
    v = Value(1.0)
    # grad = None has its own message (PyTorch's way to clear a gradient): test_error_table.
    expected = " = None: " if bad is None and attribute == "grad" else " must be a real number"
    with pytest.raises(TypeError, match=rf"Value\.{attribute}{re.escape(expected)}"):
        setattr(v, attribute, bad)
    assert getattr(v, attribute) == (1.0 if attribute == "data" else 0.0)  # unchanged


@pytest.mark.parametrize("attribute", ["data", "grad"])
@pytest.mark.parametrize(
    "number, expected",
    [(np.float32(2.5), 2.5), (np.float64(0.1), 0.1), (np.int64(3), 3.0), (True, 1.0), (7, 7.0)],
)
def test_assigned_numbers_become_plain_floats(
    attribute: str, number: object, expected: float
) -> None:
    v = Value(1.0)
    setattr(v, attribute, number)
    assert type(getattr(v, attribute)) is float
    assert getattr(v, attribute) == expected


def test_a_float32_weight_no_longer_breaks_save(tmp_path) -> None:
    from nn import MLP

    model = MLP(2, [1], seed=0)
    model.parameters()[0].data = np.float32(0.5)
    model.save(tmp_path / "m.json")
    saved = json.loads((tmp_path / "m.json").read_text())
    assert 0.5 in [x for row in saved["parameters"].values() for x in _flat(row)]


def _flat(item: object) -> list[float]:
    if isinstance(item, list):
        return [x for sub in item for x in _flat(sub)]
    return [item]  # type: ignore[list-item]


def test_gradients_still_accumulate_through_the_properties() -> None:
    x = Value(3.0)
    (x * x).backward()
    x.grad += 1
    assert x.grad == 7.0 and type(x.grad) is float
    assert not math.isnan(x.data)


# -- item 1: grad(create_graph=True) inside no_grad() records the derivative's graph -----


def test_create_graph_is_honoured_inside_no_grad() -> None:
    from autograd_engine import grad, no_grad

    x = Value(0.7)
    y = x.sin()
    with no_grad():
        d1 = grad(y, x, create_graph=True)
        plain = x * 2  # the rest of the block still records nothing
    assert d1.data == pytest.approx(math.cos(0.7), abs=1e-15)
    assert grad(d1, x) == pytest.approx(-math.sin(0.7), abs=1e-15)  # PyTorch: -0.644
    assert plain.parents == ()


# -- item 5: a small file cannot make from_file build a huge model ------------------------


def _envelope(architecture: object, parameters: object) -> str:
    return json.dumps(
        {
            "format": "autograd-engine/nn",
            "version": 1,
            "architecture": architecture,
            "parameters": parameters,
        }
    )


def _mlp_shape(nin: object, nouts: object) -> dict[str, object]:
    return {
        "class": "MLP",
        "nin": nin,
        "nouts": nouts,
        "activation": "relu",
        "output_activation": "linear",
    }


def test_a_tiny_file_describing_a_huge_mlp_is_refused_before_building(tmp_path) -> None:
    from nn import MLP, StateDictError

    path = tmp_path / "huge.json"
    path.write_text(_envelope(_mlp_shape(30000, [30000]), {}))
    assert path.stat().st_size < 300
    with pytest.raises(StateDictError, match=r"huge\.json: key 'architecture' describes 900030000"):
        MLP.from_file(path)


def test_the_architecture_must_match_the_parameter_count_in_the_file(tmp_path) -> None:
    from nn import MLP, StateDictError

    path = tmp_path / "short.json"
    path.write_text(_envelope(_mlp_shape(50, [50]), {"layers.0.w": [0.0]}))
    with pytest.raises(StateDictError, match=r"short\.json: .*2550 parameters, .* holds 1"):
        MLP.from_file(path)


def test_the_architecture_limit_is_overridable(tmp_path) -> None:
    from nn import MLP, StateDictError

    model = MLP(3, [4, 2], seed=0)  # 26 parameters
    model.save(tmp_path / "m.json")
    with pytest.raises(StateDictError, match="more than the limit of 10"):
        MLP.from_file(tmp_path / "m.json", max_parameters=10)
    assert MLP.from_file(tmp_path / "m.json", max_parameters=26).state_dict() == model.state_dict()


# -- item 6: bounded file size, truncated values in messages -----------------------------


def test_a_file_over_the_size_limit_is_refused_without_reading(tmp_path) -> None:
    from nn import MLP, StateDictError

    model = MLP(2, [1], seed=0)
    model.save(tmp_path / "m.json")
    size = (tmp_path / "m.json").stat().st_size
    before = model.state_dict()
    with pytest.raises(StateDictError, match=rf"m\.json: {size} bytes is more than the 10"):
        model.load(tmp_path / "m.json", max_bytes=10)
    with pytest.raises(StateDictError, match="max_bytes="):
        MLP.from_file(tmp_path / "m.json", max_bytes=10)
    model.load(tmp_path / "m.json", max_bytes=size)
    assert model.state_dict() == before


def test_the_default_size_limit_is_documented_and_used(tmp_path, monkeypatch) -> None:
    import nn.saving
    from nn import MLP, StateDictError

    assert nn.saving.MAX_FILE_BYTES == 64 * 2**20
    MLP(2, [1], seed=0).save(tmp_path / "m.json")
    monkeypatch.setattr(nn.saving, "MAX_FILE_BYTES", 10)
    with pytest.raises(StateDictError, match="more than the 10"):
        MLP(2, [1]).load(tmp_path / "m.json")


@pytest.mark.parametrize(
    "parameters",
    [
        {"w": "x" * 1_000_000, "b": 0.0},
        {"w": [0.0, "x" * 1_000_000], "b": 0.0},
        {"w": [0.0, 0.0], "b": 0.0, "y" * 1_000_000: 1.0},
    ],
)
def test_a_huge_value_in_a_file_gives_a_short_message(tmp_path, parameters) -> None:
    from nn import Neuron, StateDictError

    path = tmp_path / "big.json"
    path.write_text(_envelope(None, parameters))
    with pytest.raises(StateDictError, match=r"big\.json: ") as caught:
        Neuron(2, seed=0).load(path)
    assert len(str(caught.value)) < len(str(path)) + 300
    assert "chars)" in str(caught.value)


# -- item 11: huge integers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "build, names",
    [
        (lambda: Value(10**400), "Value data"),
        (lambda: Value(1.0) * 10**400, r"\*: "),
        (lambda: 10**400 * Value(1.0), r"\*: "),
        (lambda: Value(1.0) + 10**400, r"\+: "),
        (lambda: Value(1.0) ** 10**400, r"\*\*: "),
        (lambda: __import__("autograd_engine").exp(10**400), "exp: "),
        (lambda: Value(10**5000), "Value data"),
    ],
)
def test_huge_integers_are_refused_naming_the_op(build, names: str) -> None:
    with pytest.raises(OverflowError, match=rf"{names}.*must fit a float.*an int of .*digits"):
        build()


def test_assigning_a_huge_integer_names_the_attribute() -> None:
    v = Value(1.0)
    with pytest.raises(OverflowError, match=r"Value\.data must fit a float"):
        v.data = 10**400
    assert v.data == 1.0


def test_comparing_with_a_huge_integer_is_exact() -> None:
    assert Value(1e308) < 10**400 and not Value(1e308) > 10**400


@pytest.mark.parametrize("digits", [400, 5000])
def test_a_huge_integer_in_a_model_file_names_the_file_and_key(tmp_path, digits: int) -> None:
    from nn import Neuron, StateDictError

    path = tmp_path / "m.json"
    text = _envelope(None, {"w": [0.0, 0.0], "b": 0.0}).replace('"b": 0.0', '"b": 1' + "0" * digits)
    path.write_text(text)
    model = Neuron(2, seed=0)
    before = model.state_dict()
    with pytest.raises(StateDictError, match=rf"m\.json: key 'b' holds an integer of {digits + 1}"):
        model.load(path)
    assert model.state_dict() == before


def test_a_huge_integer_in_the_architecture_names_the_file(tmp_path) -> None:
    from nn import MLP, StateDictError

    path = tmp_path / "m.json"
    path.write_text(_envelope(_mlp_shape(2, [1]), {}).replace('"nin": 2', '"nin": 1' + "0" * 5000))
    with pytest.raises(StateDictError, match=r"m\.json: key 'architecture' cannot build"):
        MLP.from_file(path)


# -- item 9: clip_grad_norm where clipping is needed --------------------------------------


@pytest.mark.parametrize("size", [1.2e154, 1e160, 1e300, 1e-170])
def test_clip_grad_norm_scales_huge_and_tiny_gradients(size: float) -> None:
    from nn import clip_grad_norm

    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 3 * size, 4 * size
    norm = clip_grad_norm([a, b], 1.0)
    assert norm == pytest.approx(5 * size, rel=1e-15)
    if 5 * size > 1.0:
        assert (a.grad, b.grad) == (pytest.approx(0.6, rel=1e-12), pytest.approx(0.8, rel=1e-12))
    else:
        assert (a.grad, b.grad) == (3 * size, 4 * size)


def test_clip_grad_norm_when_the_norm_itself_exceeds_a_float() -> None:
    from nn import clip_grad_norm

    params = [Value(0.0) for _ in range(4)]
    for p in params:
        p.grad = 1e308
    assert clip_grad_norm(params, 2.0) == math.inf
    assert [p.grad for p in params] == [pytest.approx(1.0)] * 4


def test_clip_grad_norm_names_a_non_finite_gradient_and_a_bad_max_norm() -> None:
    from nn import clip_grad_norm

    a = Value(0.0, label="w")
    a.grad = math.nan
    with pytest.raises(ValueError, match="clip_grad_norm: the gradient of w is nan"):
        clip_grad_norm([a], 1.0)
    with pytest.raises(ValueError, match="clip_grad_norm: max_norm must be a positive"):
        clip_grad_norm([Value(0.0)], math.nan)


# -- item 10: cross_entropy with NumPy labels ----------------------------------------------


def test_cross_entropy_takes_numpy_integer_labels() -> None:
    from nn import cross_entropy

    logits = [[0.0, 1.0, 2.0], [2.0, 0.0, 0.0]]
    expected = cross_entropy(logits, [2, 0])
    assert cross_entropy(logits, np.array([2, 0])) == expected
    assert cross_entropy(logits, [np.int64(2), np.int64(0)]) == expected
    assert cross_entropy(logits[0], np.int64(2)) == cross_entropy(logits[0], 2)


@pytest.mark.parametrize("label", [2.0, np.float64(2.0), True, 3, -1])
def test_cross_entropy_refuses_non_indices_naming_the_label(label: object) -> None:
    from nn import cross_entropy

    with pytest.raises(ValueError, match=r"cross_entropy: label .* is not a class index for 3"):
        cross_entropy([0.0, 1.0, 2.0], label)


# -- item 13: optimizer and fit arguments ---------------------------------------------------


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda p: __import__("nn").SGD(p, momentum=math.nan), "SGD: momentum must be"),
        (lambda p: __import__("nn").SGD(p, lr=math.inf), "SGD: lr must be"),
        (lambda p: __import__("nn").SGD(p, lr=-1), "SGD: lr must be"),
        (lambda p: __import__("nn").SGD(p, weight_decay=math.nan), "SGD: weight_decay must"),
        (lambda p: __import__("nn").Adam(p, eps=-1), "Adam: eps must be"),
        (lambda p: __import__("nn").Adam(p, weight_decay=-5), "Adam: weight_decay must be"),
        (lambda p: __import__("nn").AdamW(p, lr=math.nan), "AdamW: lr must be"),
    ],
)
def test_bad_optimizer_settings_are_refused(build, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build([Value(1.0)])


def test_a_schedule_giving_nan_is_refused_naming_the_step() -> None:
    from nn import SGD

    p = Value(1.0)
    optimizer = SGD([p], lr=lambda step: math.nan)
    with pytest.raises(ValueError, match="SGD schedule at step 0: the rate must be"):
        optimizer.step()
    assert p.data == 1.0


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"l2": math.nan}, "fit: l2 must be a finite number"),
        ({"l2": -1.0}, "fit: l2 must be"),
        ({"epochs": -1}, "fit: epochs must be an int >= 0"),
        ({"batch_size": 0}, "fit: batch_size must be a positive int"),
        ({"batch_size": -3}, "fit: batch_size must be a positive int"),
        ({"clip_norm": 0.0}, "fit: clip_norm must be a positive number"),
    ],
)
def test_bad_fit_arguments_are_refused(arguments: dict, message: str) -> None:
    from nn import MLP, SGD, fit, hinge

    model = MLP(2, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        fit(model, hinge, SGD(model), ([[0.0, 1.0]], [1.0]), progress=False, **arguments)
    assert model.state_dict() == before


def test_fit_on_empty_data_says_so() -> None:
    from nn import MLP, SGD, fit, hinge

    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="fit: data holds no examples"):
        fit(model, hinge, SGD(model), ([], []), progress=False)


# -- item 17: a failed Tape.run changes no leaf ---------------------------------------------


@pytest.mark.parametrize("bad", [{"key": "stranger"}, {"value": "abc"}])
def test_a_failed_tape_run_leaves_every_leaf_as_it_was(bad: dict) -> None:
    from autograd_engine import ReplayError, record

    a, b = Value(1.0), Value(2.0)
    tape = record(a * b + a)
    feed: dict = {a: 5.0}
    if "key" in bad:
        feed[Value(9.0)] = 1.0
        error: type[Exception] = ReplayError
    else:
        feed[b] = "abc"
        error = TypeError
    with pytest.raises(error, match=r"feed: .* not a leaf|must be a real number"):
        tape.run(feed)
    assert (a.data, b.data) == (1.0, 2.0)
