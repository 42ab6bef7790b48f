"""The errors a newcomer met first (issue 12's table), each naming what was given and the fix.

One test per row of the table: a batch passed to a model, a column of targets in ``mse``,
a Value as ``backward``'s seed, ``p.grad = None`` and ``MLP.load`` on the class.
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_engine import Value
from nn import MLP, mse


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    X = np.array([[0.5, -1.0], [1.0, 2.0], [-0.5, 0.25], [2.0, 0.0]])
    return X, np.array([1.0, -1.0, 0.5, 0.0])


def test_a_batch_passed_to_a_model_gives_one_output_per_row(data) -> None:
    X, _ = data
    model = MLP(2, [3, 1], seed=0)
    outputs = model(X[:3])  # was: "Value data must be a real number..., got list"
    assert [o.data for o in outputs] == [model(list(x)).data for x in X[:3]]


def test_an_input_that_is_no_number_names_it_and_the_batch_shape() -> None:
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match=r"an input is a NoneType: None; a batch is a 2-D array"):
        model([1.0, None])
    with pytest.raises(
        ValueError, match=r"MLP\(2 -> \[3, 1\]\) expects 2 inputs per example, got 3"
    ):
        model([[1.0, 2.0, 3.0]])


def test_mse_takes_a_column_of_targets(data) -> None:
    X, y = data
    model = MLP(2, [3, 1], seed=0)
    # was: "operand 'Value' does not support ufuncs (__array_ufunc__=None)"
    column = mse(model(X), y.reshape(-1, 1))
    assert column.data == mse(model(X), y).data


def test_mse_with_targets_of_the_wrong_width_names_both_and_the_fix(data) -> None:
    X, _ = data
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(
        ValueError,
        match=r"mse: example 0 has 1 output\(s\) but its target holds 2 number\(s\) "
        r"\(\[1\.0, 1\.0\]\); give one target number per output",
    ):
        mse(model(X), np.ones((4, 2)))


def test_a_value_as_backward_seed_names_its_data() -> None:
    y = Value(2.0) * 3
    # was: "Value data must be..."
    with pytest.raises(TypeError, match=r"the seed is a plain number.*pass grad=1\.0"):
        y.backward(grad=Value(1.0))


def test_a_non_number_seed_says_what_backward_expects() -> None:
    with pytest.raises(TypeError, match=r"backward\(grad=\.\.\.\) must be a real number, .* str"):
        (Value(2.0) * 3).backward(grad="1")  # type: ignore[arg-type]


def test_grad_none_says_how_to_clear_a_gradient() -> None:
    model = MLP(2, [3, 1], seed=0)
    p = model.parameters()[0]
    # was: "unsupported operand type(s) for +=: 'NoneType' and 'float'" at backward
    with pytest.raises(TypeError, match=r"never None as in PyTorch; to clear it assign 0\.0"):
        p.grad = None  # type: ignore[assignment]
    assert p.grad == 0.0  # unchanged


def test_load_on_the_class_names_nn_load_and_from_file(tmp_path) -> None:
    path = tmp_path / "m.json"
    MLP(2, [3, 1], seed=0).save(path)
    # was: "missing 1 required positional argument: 'path'"
    with pytest.raises(TypeError, match=r"called on a model class.*nn\.load\(path\).*from_file"):
        MLP.load(str(path))  # type: ignore[arg-type]
    assert nn.load(path).state_dict() == MLP.from_file(path).state_dict()
