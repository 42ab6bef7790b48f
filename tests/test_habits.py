"""The scalar habits users bring from Python, micrograd and PyTorch (issue 12, item 3).

One test (or class) per habit: formatting, int, bool, abs, floor division and remainder,
a help(Value) that is true, pickling, and no gradient lost through ``math`` unannounced.
The derivatives of ``//`` and ``%`` are also checked by the table-wide tests (central
differences in test_ops.py, PyTorch in test_torch_reference.py).
"""

from __future__ import annotations

import copy
import inspect
import math
import pickle
import pydoc
import re
from pathlib import Path

import pytest

import autograd_engine as ag
from autograd_engine import Value, defop, grad
from nn import MLP, SGD, Neuron, mse, train_step


class TestFormat:
    def test_format_spec_formats_the_number(self) -> None:
        assert f"{Value(2.0):.4f}" == "2.0000"
        assert f"{Value(-1234.5):>12,.1f}" == "    -1,234.5"
        assert format(Value(0.25), "e") == "2.500000e-01"

    def test_empty_spec_is_the_repr(self) -> None:
        v = Value(2.0, label="v")
        assert f"{v}" == str(v) == repr(v)


class TestInt:
    @pytest.mark.parametrize(("x", "expected"), [(2.7, 2), (-2.7, -2), (0.0, 0), (5.0, 5)])
    def test_int_truncates_like_int_of_a_float(self, x: float, expected: int) -> None:
        assert int(Value(x)) == expected == int(x)

    def test_int_of_nan_is_the_float_error(self) -> None:
        with pytest.raises(ValueError, match="NaN"):
            int(Value(math.nan))


class TestBool:
    """PyTorch's rule for a one-element tensor: bool(t) is bool(t.item())."""

    @pytest.mark.parametrize(
        ("x", "expected"), [(0.0, False), (-0.0, False), (1e-300, True), (-2.0, True)]
    )
    def test_false_exactly_at_zero(self, x: float, expected: bool) -> None:
        assert bool(Value(x)) is expected

    def test_nan_is_true_as_in_python(self) -> None:
        assert bool(Value(math.nan)) is True

    def test_an_op_node_of_zero_is_false(self) -> None:
        x = Value(3.0)
        assert not (x - 3)
        assert x - 2


class TestAbs:
    def test_method_builtin_and_function_agree(self) -> None:
        x = Value(-3.0)
        for node in (x.abs(), abs(x), ag.abs(x)):
            assert node.op == "abs" and node.data == 3.0 and node.parents == (x,)
        assert ag.abs(-2.5) == 2.5

    def test_gradient_is_the_sign_and_zero_at_zero(self) -> None:
        for x, expected in [(-3.0, -1.0), (2.0, 1.0), (0.0, 0.0)]:
            leaf = Value(x)
            assert grad(leaf.abs(), leaf) == expected


class TestFloorDivisionAndRemainder:
    """``//`` has derivative 0 (a step function); ``a % b = a - b * (a // b)``."""

    @pytest.mark.parametrize(("a", "b"), [(7.0, 2.0), (-7.0, 2.0), (7.5, -2.0), (0.3, 0.1)])
    def test_values_are_pythons(self, a: float, b: float) -> None:
        assert (Value(a) // Value(b)).data == a // b
        assert (Value(a) % Value(b)).data == a % b
        assert (Value(a) // b).data == (a // Value(b)).data == a // b
        assert (Value(a) % b).data == (a % Value(b)).data == a % b

    def test_floor_division_has_zero_gradient(self) -> None:
        a, b = Value(7.0), Value(2.0)
        assert grad(a // b, [a, b]) == [0.0, 0.0]

    def test_remainder_gradient_convention(self) -> None:
        a, b = Value(-7.0), Value(2.0)  # -7 % 2 = 1, -7 // 2 = -4
        y = a % b
        y.backward()
        assert (y.data, a.grad, b.grad) == (1.0, 1.0, 4.0)

    def test_second_derivatives_are_zero(self) -> None:
        a, b = Value(7.5), Value(2.0)
        first = grad(a % b, [a, b], create_graph=True)
        assert [grad(d, [a, b]) for d in first] == [[0.0, 0.0], [0.0, 0.0]]

    def test_division_by_zero_names_the_operands(self) -> None:
        with pytest.raises(ZeroDivisionError, match=r"7\.0 // 0\.0: division by zero"):
            Value(7.0) // 0
        with pytest.raises(ZeroDivisionError, match=r"7\.0 % 0\.0: division by zero"):
            Value(7.0) % 0

    def test_ops_are_in_the_table(self) -> None:
        assert ag.OPS["//"].infix and ag.OPS["%"].infix


class TestNoSilentGradientLossThroughMath:
    """``math.exp(x)`` used to return a float and leave ``x.grad`` at 0 without a word."""

    @pytest.mark.parametrize("function", [math.exp, math.log, math.sin, math.sqrt, math.floor])
    def test_math_functions_raise_naming_the_fix(self, function) -> None:
        with pytest.raises(TypeError, match=r"x\.exp\(\) or autograd_engine\.exp\(x\)"):
            function(Value(2.0))

    def test_the_issue_example_raises_instead_of_losing_the_gradient(self) -> None:
        x = Value(2.0)
        with pytest.raises(TypeError, match="would cut the graph"):
            Value(2.0) * math.exp(x)  # type: ignore[arg-type]

    def test_float_names_the_data_attribute(self) -> None:
        with pytest.raises(TypeError, match=r"x\.data for the number"):
            float(Value(2.0))

    def test_the_engine_functions_keep_the_graph(self) -> None:
        x = Value(2.0)
        y = Value(2.0) * ag.exp(x)
        y.backward()
        assert x.grad == pytest.approx(2.0 * math.exp(2.0))


class TestHelpIsTrue:
    def test_every_function_help_points_to_exists(self) -> None:
        text = pydoc.render_doc(Value, renderer=pydoc.plaintext)
        named = set(re.findall(r"autograd_engine\.(\w+)", text))
        assert named, "help(Value) names no function: the test would prove nothing"
        assert {name for name in named if not hasattr(ag, name)} == set()

    def test_every_public_method_and_operator_has_a_docstring(self) -> None:
        operators = {
            "__abs__",
            "__neg__",
            "__pos__",
            "__add__",
            "__radd__",
            "__sub__",
            "__rsub__",
            "__mul__",
            "__rmul__",
            "__truediv__",
            "__rtruediv__",
            "__floordiv__",
            "__rfloordiv__",
            "__mod__",
            "__rmod__",
            "__pow__",
            "__rpow__",
            "__format__",
            "__int__",
            "__bool__",
            "__float__",
        }
        names = {n for n in dir(Value) if not n.startswith("_")} | operators
        undocumented = sorted(n for n in names if not inspect.getdoc(getattr(Value, n)))
        assert undocumented == []

    def test_pos_is_named_and_documented(self) -> None:
        assert Value.__pos__.__name__ == "__pos__"
        x = Value(1.0)
        assert +x is x

    def test_leaky_relu_has_a_real_signature(self) -> None:
        assert str(inspect.signature(ag.leaky_relu)) == "(x, /, slope=0.01)"
        assert "slope=0.01" in pydoc.render_doc(Value.leaky_relu, renderer=pydoc.plaintext)

    def test_defop_is_exported_for_the_readme_example(self) -> None:
        assert "defop" in ag.__all__ and ag.defop is defop
        text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
        assert "from autograd_engine import defop" in text


class TestPickling:
    """In-memory transport (multiprocessing, joblib); files stay JSON."""

    def test_a_leaf_round_trips(self) -> None:
        x = Value(2.5, label="x")
        x.grad = 1.5
        copy_ = pickle.loads(pickle.dumps(x))
        assert (copy_.data, copy_.grad, copy_.label, copy_.kind) == (2.5, 1.5, "x", None)

    def test_an_op_node_keeps_its_graph_and_can_backward(self) -> None:
        x = Value(0.5, label="x")
        y = (x * x + x.sin()).tanh() ** 2 / 3 + x % 0.3
        copy_ = pickle.loads(pickle.dumps(y))
        leaf = next(n for n in ag.topological_order(copy_) if n.label == "x")
        assert copy_.data == y.data and copy_.op == y.op
        assert grad(copy_, leaf) == grad(y, x)

    def test_a_leaf_used_twice_stays_one_object(self) -> None:
        x = Value(3.0)
        copy_ = pickle.loads(pickle.dumps(x * x))
        assert copy_.parents[0] is copy_.parents[1]

    def test_a_deep_chain_pickles_without_recursion(self) -> None:
        x = Value(1.0)
        y = x
        for _ in range(20_000):
            y = y + 1e-3
        copy_ = pickle.loads(pickle.dumps(y))
        copy_.backward()
        assert copy_.data == y.data and ag.topological_order(copy_)[0].grad == 1.0

    def test_unpickled_nodes_come_after_existing_ones(self) -> None:
        # Creation order is the engine's topological order: a copy must not look older
        # than nodes that were made from it.
        x = pickle.loads(pickle.dumps(Value(2.0)))
        y = x * 3
        y.backward()
        assert x.grad == 3.0

    def test_a_model_round_trips_and_trains(self) -> None:
        model = MLP(2, [4, 3, 1], seed=0)
        copy_ = pickle.loads(pickle.dumps(model))
        assert copy_.state_dict() == model.state_dict()
        assert copy_([0.5, -1.0]).data == model([0.5, -1.0]).data
        before = copy_.state_dict()
        train_step(copy_, mse, SGD(copy_, lr=0.1), [[0.5, -1.0]], [1.0])
        assert copy_.state_dict() != before and model.state_dict() == before
        names = [name for name, _ in copy_.named_parameters()]
        assert names == [name for name, _ in model.named_parameters()]

    @pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "softplus", "leaky_relu"])
    def test_every_named_activation_pickles(self, activation: str) -> None:
        neuron = Neuron(3, activation, seed=0)
        copy_ = pickle.loads(pickle.dumps(neuron))
        assert copy_([1.0, -2.0, 0.5]).data == neuron([1.0, -2.0, 0.5]).data

    def test_deepcopy_of_a_model(self) -> None:
        model = MLP(2, [3, 1], seed=1)
        twin = copy.deepcopy(model)
        twin.parameters()[0].data += 1.0
        assert twin.parameters()[0].data != model.parameters()[0].data


class TestBatchedCalls:
    """``model(X)`` on a 2-D array (or a list of rows) gives one output per row."""

    def test_mlp_layer_and_neuron_take_a_batch(self) -> None:
        np = pytest.importorskip("numpy")
        X = np.array([[0.5, -1.0], [1.0, 2.0], [-0.5, 0.25]])
        for module in (MLP(2, [4, 1], seed=0), ag_layer(), Neuron(2, seed=0)):
            outputs = module(X)
            assert len(outputs) == 3
            single = [module(list(row)) for row in X]
            assert repr(outputs) == repr(single)

    def test_a_list_of_rows_is_a_batch_and_one_row_is_not(self) -> None:
        model = MLP(2, [3, 2], seed=1)
        batch = model([[1.0, 2.0], [3.0, 4.0]])
        assert len(batch) == 2 and all(len(out) == 2 for out in batch)
        assert isinstance(model([1.0, 2.0]), list) and len(model([1.0, 2.0])) == 2

    def test_a_batch_trains_like_the_loop(self) -> None:
        model = MLP(2, [3, 1], seed=2)
        X, y = [[1.0, 2.0], [0.5, -1.0]], [1.0, -1.0]
        mse(model(X), y).backward()
        batched = [p.grad for p in model.parameters()]
        model.zero_grad()
        mse([model(x) for x in X], y).backward()
        assert batched == [p.grad for p in model.parameters()]


def ag_layer():
    from nn import Layer

    return Layer(2, 3, seed=0)


class TestLoadingIsFindable:
    def test_nn_load_rebuilds_a_saved_model(self, tmp_path) -> None:
        import nn

        model = MLP(2, [4, 1], activation="tanh", seed=0)
        model.save(tmp_path / "m.json")
        copy_ = nn.load(tmp_path / "m.json")
        assert copy_.architecture() == model.architecture()
        assert copy_.state_dict() == model.state_dict()

    def test_the_readme_names_both_ways_to_load(self) -> None:
        text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
        assert "nn.load(path)" in text and "MLP.from_file(path)" in text
