"""The Value node: construction, attributes, repr, comparisons, identity semantics."""

from __future__ import annotations

import pytest

from autograd_engine import Value


class TestConstruction:
    @pytest.mark.parametrize("raw", [2, 2.0, True])
    def test_data_becomes_a_float(self, raw: object) -> None:
        v = Value(raw)
        assert type(v.data) is float and v.data == float(raw)

    def test_numpy_scalars_are_accepted(self) -> None:
        np = pytest.importorskip("numpy")
        for raw in [np.float64(1.5), np.float32(1.5), np.int64(3), np.bool_(True), np.array(2.5)]:
            v = Value(raw)
            assert type(v.data) is float and v.data == float(raw)

    @pytest.mark.parametrize("raw", ["1.0", None, [1.0], 1 + 2j, Value(1.0)])
    def test_anything_else_is_a_type_error_naming_the_type(self, raw: object) -> None:
        with pytest.raises(TypeError, match=type(raw).__name__):
            Value(raw)  # type: ignore[arg-type]

    def test_label_must_be_a_string(self) -> None:
        with pytest.raises(TypeError, match="label must be a str, got int"):
            Value(1.0, label=3)  # type: ignore[arg-type]

    def test_a_new_value_is_a_leaf_with_zero_grad(self) -> None:
        v = Value(1.0)
        assert v.grad == 0.0 and type(v.grad) is float
        assert v.op == "" and v.parents == () and v.is_leaf
        assert v.label == "" and v.kind is None and v.scope is None


class TestAttributes:
    def test_data_grad_and_label_are_writable(self) -> None:
        v = Value(1.0)
        v.data, v.grad, v.label = 5.0, 2.0, "w"
        assert (v.data, v.grad, v.label) == (5.0, 2.0, "w")

    def test_op_and_parents_are_read_only(self) -> None:
        v = Value(1.0) * 2
        with pytest.raises(AttributeError):
            v.op = "+"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            v.parents = ()  # type: ignore[misc]

    def test_slots_forbid_new_attributes(self) -> None:
        with pytest.raises(AttributeError):
            Value(1.0).anything = 1  # type: ignore[attr-defined]

    def test_parents_keep_operand_order_and_repeats(self) -> None:
        x, y = Value(1.0), Value(2.0)
        assert (x * x).parents == (x, x)
        assert (y - x).parents == (y, x)


class TestRepr:
    def test_plain(self) -> None:
        assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"

    def test_with_label(self) -> None:
        assert repr(Value(2.0, label="x")) == "Value(data=2.0, grad=0.0, label='x')"


class TestComparisons:
    def test_ordering_compares_data_and_returns_bool(self) -> None:
        a, b = Value(1.0), Value(2.0)
        assert (a < b) is True and (a <= b) is True
        assert (a > b) is False and (b >= a) is True
        assert (a < 1.5) is True and (0 < a) is True  # noqa: SIM300 - the reflected form

    def test_ordering_with_other_types_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            _ = Value(1.0) < "a"

    def test_equality_and_hash_are_identity(self) -> None:
        a, b = Value(1.0), Value(1.0)
        assert a != b and a == a
        assert len({a, b}) == 2
        table = {a: "a", b: "b"}
        assert table[a] == "a" and table[b] == "b"

    def test_float_conversion_is_refused_and_names_data(self) -> None:
        # math.exp(x) would call it and cut the graph; see tests/test_habits.py.
        with pytest.raises(TypeError, match=r"x\.data for the number"):
            float(Value(2.5))
