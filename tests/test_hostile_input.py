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
    expected = (
        "Value.grad = None" if bad is None and attribute == "grad" else "must be a real number"
    )
    with pytest.raises(TypeError, match=rf"Value\.{attribute}.*{re.escape(expected)}"):
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
