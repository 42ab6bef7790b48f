"""Every op in the table, first and second order, against central differences.

The tests iterate over ``OPS``: an op added to the table is tested here with no edit.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import op_inputs

import autograd_engine as ag
from autograd_engine import OPS, Value, check_grad, grad

OP_NAMES = sorted(OPS)


def apply_op(name: str, params: dict[str, float]):
    spec = OPS[name]
    return lambda *xs: spec(*xs, **params)


def first_derivative_check(name: str, data: st.DataObject) -> None:
    """The op's gradient against central differences, at inputs drawn from its domain."""
    inputs, params = data.draw(op_inputs(OPS[name]), label=name)
    check_grad(apply_op(name, params), inputs)


def second_derivative_check(name: str, data: st.DataObject) -> None:
    """Each first derivative, built with create_graph=True, against central differences."""
    inputs, params = data.draw(op_inputs(OPS[name]), label=name)
    f = apply_op(name, params)
    for i in range(len(inputs)):
        # Differentiate d f / d x_i once more, with respect to every input.
        check_grad(lambda *xs, i=i: grad(f(*xs), xs[i], create_graph=True), inputs)


@pytest.mark.parametrize("name", OP_NAMES)
@given(data=st.data())
def test_first_derivative_matches_central_differences(name: str, data: st.DataObject) -> None:
    first_derivative_check(name, data)


@pytest.mark.parametrize("name", OP_NAMES)
@given(data=st.data())
def test_second_derivatives_match_central_differences(name: str, data: st.DataObject) -> None:
    second_derivative_check(name, data)


@pytest.mark.parametrize("name", OP_NAMES)
@given(data=st.data())
def test_float_and_value_forms_agree(name: str, data: st.DataObject) -> None:
    inputs, params = data.draw(op_inputs(OPS[name]))
    on_floats = OPS[name](*inputs, **params)
    on_values = OPS[name](*map(Value, inputs), **params)
    assert isinstance(on_floats, float)
    assert on_values.data == on_floats


@pytest.mark.parametrize("name", OP_NAMES)
@given(data=st.data())
def test_backward_equals_grad(name: str, data: st.DataObject) -> None:
    inputs, params = data.draw(op_inputs(OPS[name]))
    leaves = [Value(x) for x in inputs]
    out = OPS[name](*leaves, **params)
    returned = grad(out, leaves)
    out.backward()
    # Exact: the same rule runs on the same floats; only the summing order of repeated
    # leaves could differ, and these leaves are distinct.
    assert [leaf.grad for leaf in leaves] == returned


def test_every_public_function_accepts_floats_and_values() -> None:
    for name in ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "sin", "cos"]:
        function = getattr(ag, name)
        assert isinstance(function(0.7), float)
        node = function(Value(0.7))
        assert node.op == name and node.data == function(0.7)
        assert getattr(Value(0.7), name)().data == function(0.7)
    assert ag.leaky_relu(-1.0, slope=0.2) == -0.2
    assert Value(-1.0).leaky_relu(slope=0.2).data == -0.2
    assert Value(-1.0).leaky_relu().data == -0.01


class TestKinkConventions:
    """Documented choices where the derivative does not exist."""

    def test_relu_derivative_at_zero_is_zero(self) -> None:
        x = Value(0.0)
        x.relu().backward()
        assert x.grad == 0.0

    def test_abs_derivative_at_zero_is_zero(self) -> None:
        x = Value(0.0)
        abs(x).backward()
        assert x.grad == 0.0

    def test_leaky_relu_derivative_at_zero_is_the_slope(self) -> None:
        x = Value(0.0)
        x.leaky_relu(0.1).backward()
        assert x.grad == 0.1

    @pytest.mark.parametrize("x, expected", [(2.0, 1.0), (-2.0, 0.0)])
    def test_relu_either_side(self, x: float, expected: float) -> None:
        v = Value(x)
        v.relu().backward()
        assert v.grad == expected

    @pytest.mark.parametrize("x, expected", [(2.0, 1.0), (-2.0, -1.0)])
    def test_abs_either_side(self, x: float, expected: float) -> None:
        v = Value(x)
        abs(v).backward()
        assert v.grad == expected


class TestOperators:
    def test_numbers_on_either_side(self) -> None:
        x = Value(3.0)
        assert (x + 1).data == (1 + x).data == 4.0
        assert (x - 1).data == 2.0 and (1 - x).data == -2.0
        assert (x * 2).data == (2 * x).data == 6.0
        assert (x / 2).data == 1.5 and (6 / x).data == 2.0
        assert (x**2).data == 9.0 and (2**x).data == 8.0
        assert (-x).data == -3.0 and abs(-x).data == 3.0 and (+x) is x

    def test_numbers_become_constant_leaves(self) -> None:
        y = Value(3.0) * 2
        assert y.parents[1].kind == "constant" and y.parents[1].data == 2.0

    def test_power_with_value_exponent(self) -> None:
        a, b = Value(2.0), Value(3.0)
        y = a**b
        y.backward()
        assert y.op == "**" and y.data == 8.0
        assert a.grad == 12.0
        assert b.grad == pytest.approx(8.0 * math.log(2.0), rel=1e-15)

    def test_number_to_a_value_power(self) -> None:
        x = Value(3.0)
        y = 2**x
        y.backward()
        assert y.parents[0].kind == "constant"
        assert x.grad == pytest.approx(8.0 * math.log(2.0), rel=1e-15)

    def test_power_op_names_its_exponent(self) -> None:
        assert (Value(2.0) ** 2).op == "**2"
        assert (Value(2.0) ** 0.5).op == "**0.5"

    def test_power_zero_exponent_has_zero_gradient(self) -> None:
        x = Value(0.0)
        (x**0).backward()
        assert x.grad == 0.0

    def test_power_of_zero_base_has_zero_exponent_gradient(self) -> None:
        a, b = Value(0.0), Value(2.0)
        (a**b).backward()
        assert (a.grad, b.grad) == (0.0, 0.0)

    def test_numpy_scalars_work_on_either_side(self) -> None:
        np = pytest.importorskip("numpy")
        x = Value(2.0)
        left = np.float64(3.0) * x
        assert isinstance(left, Value) and left.data == 6.0
        assert (x + np.int64(1)).data == 3.0

    def test_unsupported_operand_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="str"):
            Value(1.0) + "a"
        with pytest.raises(TypeError):
            Value(1.0) * [1]
        with pytest.raises(TypeError):
            Value(1.0) ** "2"


class TestFusedOps:
    def test_sum_is_one_node_with_all_parents(self) -> None:
        xs = [Value(float(i)) for i in range(5)]
        total = ag.sum(xs)
        assert total.op == "sum" and total.parents == tuple(xs) and total.data == 10.0
        total.backward()
        assert [x.grad for x in xs] == [1.0] * 5

    def test_sum_of_numbers_is_a_float_and_of_nothing_is_zero(self) -> None:
        assert ag.sum([1.0, 2.0]) == 3.0
        assert ag.sum([]) == 0.0
        assert ag.sum(iter([Value(1.0), 2])).data == 3.0

    def test_sum_lists_a_repeated_value_twice(self) -> None:
        x = Value(2.0)
        total = ag.sum([x, x, x])
        total.backward()
        assert x.grad == 3.0

    def test_dot_parents_are_weights_then_inputs(self) -> None:
        w = [Value(1.0), Value(2.0)]
        x = [Value(3.0), Value(4.0)]
        y = ag.dot(w, x)
        assert y.op == "dot" and y.parents == (*w, *x) and y.data == 11.0
        y.backward()
        assert [v.grad for v in w + x] == [3.0, 4.0, 1.0, 2.0]

    def test_dot_mixes_values_and_numbers(self) -> None:
        w = [Value(1.0), Value(2.0)]
        y = ag.dot(w, [3.0, 4.0])
        y.backward()
        assert y.data == 11.0 and [v.grad for v in w] == [3.0, 4.0]
        assert ag.dot([1.0, 2.0], [3.0, 4.0]) == 11.0

    def test_dot_length_mismatch_names_both_lengths(self) -> None:
        with pytest.raises(ValueError, match="3 weights but 2 inputs"):
            ag.dot([Value(1.0)] * 3, [1.0, 2.0])

    def test_dot_of_x_with_itself(self) -> None:
        x = Value(3.0)
        y = ag.dot([x], [x])
        y.backward()
        assert x.grad == 6.0


def test_relu_keeps_nan_and_negative_zero() -> None:
    # micrograd (``0 if x < 0 else x``) and PyTorch give these; a NaN must not become 0.
    for relu in (ag.relu, lambda x: Value(x).relu().data):
        assert math.isnan(relu(math.nan))
        assert math.copysign(1.0, relu(-0.0)) == -1.0
        assert relu(-2.0) == 0.0 and relu(3.0) == 3.0
