"""nn.array_optim: each optimizer's update on arrays is bit for bit its update on Values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_engine import Value
from nn import SGD, Adam, AdamW, CosineSchedule
from nn.array_optim import array_update

np = pytest.importorskip("numpy", reason="array updates need numpy (notebooks extra)")

OPTIMIZERS = {
    "sgd": lambda ps: SGD(ps, lr=0.1),
    "sgd decay": lambda ps: SGD(ps, lr=0.1, weight_decay=0.01),
    "sgd momentum": lambda ps: SGD(ps, lr=CosineSchedule(0.3, 4), momentum=0.9),
    "sgd nesterov decay": lambda ps: SGD(ps, 0.05, momentum=0.5, nesterov=True, weight_decay=0.1),
    "adam": lambda ps: Adam(ps, lr=0.01),
    "adam decay": lambda ps: Adam(ps, lr=0.02, betas=(0.8, 0.99), weight_decay=0.05),
    "adamw": lambda ps: AdamW(ps, lr=0.01, weight_decay=0.2),
}

numbers = st.floats(-10.0, 10.0, allow_subnormal=False)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@given(data=st.data())
def test_array_steps_equal_value_steps_bit_for_bit(name, data) -> None:
    size = data.draw(st.integers(1, 6))
    start = data.draw(st.lists(numbers, min_size=size, max_size=size))
    gradients = [data.draw(st.lists(numbers, min_size=size, max_size=size)) for _ in range(4)]
    on_values = [Value(v) for v in start]
    on_arrays = [Value(v) for v in start]
    reference, mirrored = OPTIMIZERS[name](on_values), OPTIMIZERS[name](on_arrays)
    update = array_update(mirrored)
    assert update is not None
    for step in gradients:
        for p, g in zip(on_values, step, strict=True):
            p.grad = g
        reference.step()
        update.step(np.array(step))
        assert update.weights.tolist() == [p.data for p in on_values]
    update.write_back()
    assert [p.data for p in on_arrays] == [p.data for p in on_values]
    assert [p.grad for p in on_arrays] == gradients[-1]
    assert mirrored.steps == reference.steps == 4
    # The optimizer's own state is written back too: its next step continues the same way.
    for p, q in zip(on_values, on_arrays, strict=True):
        p.grad = q.grad = 1.0
    reference.step()
    mirrored.step()
    assert [p.data for p in on_arrays] == [p.data for p in on_values]


def test_a_subclass_has_no_array_form() -> None:
    class Mine(SGD):
        pass

    assert array_update(Mine([Value(1.0)])) is None
