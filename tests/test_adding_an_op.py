"""Adding an op is one ``defop`` call, proven: the README's ``cbrt`` and an op with a parameter.

``cbrt`` is the README's own code block, run as written. Each op gets, with no other
edit: its public function, a ``Value`` method, its doctest run, the suite's first and
second derivative checks, graph replay, a drawing and ``grad(create_graph=True)``; and
the PyTorch counterpart map, checked by name without PyTorch, names it as missing until
it has an entry. The ops are registered for the test and removed after it.
"""

from __future__ import annotations

import doctest
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import test_torch_reference
from hypothesis import given
from hypothesis import strategies as st
from test_ops import first_derivative_check, second_derivative_check

from autograd_engine import OPS, Value, defop, draw_graph, grad, record

README = Path(__file__).parents[1] / "README.md"


def readme_example() -> str:
    """The Python block of the README's "Adding an op" section, as written there."""
    section = README.read_text(encoding="utf-8").split("## Adding an op", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


@contextmanager
def new_ops() -> Iterator[tuple[Any, Any]]:
    """The two ops, each one defop call, as a user writes them; unregistered afterwards."""
    namespace: dict[str, Any] = {"__name__": __name__}
    exec(compile(readme_example(), str(README), "exec"), namespace)  # the README's cbrt
    cbrt = namespace["cube_root"]
    assert namespace["__test__"]["cbrt"] is cbrt  # defop put its doctest in that module
    globals().setdefault("__test__", {})["cbrt"] = cbrt
    softsign = defop(
        "scaled_softsign",
        lambda x, scale: scale * x / (1 + math.fabs(x)),
        lambda g, out, x, scale: (g * scale / ((1 + abs(x)) * (1 + abs(x))),),
        domain=("nonzero",),
        params={"scale": 2.0},
        doc="""scale * x / (1 + |x|).\n\n    >>> scaled_softsign(1.0, scale=4.0)\n    2.0\n    """,
    )
    try:
        yield cbrt, softsign
    finally:
        for name in ("cbrt", "scaled_softsign"):
            OPS.pop(name, None)
            if name in Value.__dict__:
                delattr(Value, name)
            globals().get("__test__", {}).pop(name, None)


def test_one_defop_gives_function_method_doctest_replay_drawing_and_higher_derivatives() -> None:
    with new_ops() as (cbrt, softsign):
        assert "cbrt" in OPS and "scaled_softsign" in OPS
        # The public function (floats or Values) and the Value method.
        assert cbrt(8.0) == 2.0 and cbrt(Value(8.0)).op == "cbrt"
        assert Value(-27.0).cbrt().data == -3.0
        assert softsign(1.0, scale=4.0) == 2.0 and Value(1.0).scaled_softsign(scale=4.0).data == 2.0
        # The docstring's example is collected (defop put it in this module's __test__) and runs.
        assert __test__["cbrt"] is cbrt  # type: ignore[name-defined]  # noqa: F821
        for function in (cbrt, softsign):
            runner = doctest.DocTestRunner()
            for test in doctest.DocTestFinder().find(function, globs={function.__name__: function}):
                runner.run(test)
            assert runner.tries == 1 and runner.failures == 0
        # Graph replay compiles it (its rule traced or called) and gives backward's bits.
        x = Value(8.0)
        out = cbrt(x) * softsign(x, scale=0.5)
        tape = record(out)
        x.data = 27.0
        x.grad = 0.0
        replayed = tape.run()
        fresh = cbrt(x) * softsign(x, scale=0.5)
        want = grad(fresh, x)
        assert replayed == fresh.data and x.grad == 0.0 + want
        # A drawing names it.
        assert "cbrt" in draw_graph(fresh, max_nodes=None).source
        # Second derivative through grad(create_graph=True): d2/dx2 cbrt = -2/9 x^(-5/3).
        first = grad(cbrt(x), x, create_graph=True)
        assert math.isclose(grad(first, x), -2 / 9 * 27.0 ** (-5 / 3))


@given(st.data())
def test_the_suites_derivative_checks_run_on_new_ops(data: st.DataObject) -> None:
    with new_ops():
        for name in ("cbrt", "scaled_softsign"):
            first_derivative_check(name, data)
            second_derivative_check(name, data)


def test_the_torch_counterpart_map_names_a_new_op_on_every_machine() -> None:
    # Runs with or without PyTorch: the map is checked by name, so a new op without a
    # counterpart fails everywhere, not only where torch is installed.
    with new_ops():
        with pytest.raises(AssertionError):
            test_torch_reference.test_every_op_has_a_torch_counterpart()
        counterparts = test_torch_reference.TORCH_OPS
        counterparts["cbrt"] = lambda x: x.sign() * x.abs() ** (1 / 3)
        counterparts["scaled_softsign"] = lambda x, scale: scale * x / (1 + x.abs())
        try:
            test_torch_reference.test_every_op_has_a_torch_counterpart()
        finally:
            counterparts.pop("cbrt")
            counterparts.pop("scaled_softsign")
