"""The package's op exports and ``Value``'s declared methods are the op table's, not a hand list.

At run time ``autograd_engine/__init__.py`` takes the op functions from ``OPS`` and
``defop`` puts each op's method and operator on ``Value``. Type checkers cannot run
that, so both files also name them for ``mypy``: these tests hold those names to what
the table derives, so that an op added to the table and not declared fails here, naming
the missing line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import autograd_engine as ag
from autograd_engine import OPS, Value

PACKAGE = Path(ag.__file__).parent


def _type_checking_names(path: Path, inside_class: str | None = None) -> set[str]:
    """Names bound under ``if TYPE_CHECKING:`` (module level, or in one class's body)."""
    tree = ast.parse(path.read_text())
    body = tree.body
    if inside_class is not None:
        (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == inside_class]
        body = cls.body
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for item in node.body:
                if isinstance(item, ast.ImportFrom):
                    names.update(alias.asname or alias.name for alias in item.names)
                elif isinstance(item, ast.FunctionDef) and not item.decorator_list:
                    names.add(item.name)  # methods; the properties (data, grad) are no op's
    return names


def test_op_functions_are_derived_from_the_table() -> None:
    derived = ag._op_functions()
    # Every table entry whose name is a Python name has its public function, but the
    # operators' own entries, ``neg`` (unary minus) and the fused neurons (``affine``).
    identifiers = {s.name for s in OPS.values() if s.name.isidentifier() and s.layout != "neuron"}
    assert set(derived) == identifiers - {"neg"}
    for name, function in derived.items():
        assert getattr(ag, name) is function
        assert name in ag.__all__ or name in ("sum", "abs")
    assert "sum" not in ag.__all__ and "abs" not in ag.__all__  # Python's built-ins stay


def test_type_checkers_see_exactly_the_derived_op_functions() -> None:
    declared = _type_checking_names(PACKAGE / "__init__.py")
    missing = set(ag._op_functions()) - declared
    assert not missing, f"add to __init__.py's TYPE_CHECKING imports: {sorted(missing)}"
    assert declared == set(ag._op_functions())


def test_all_lists_each_public_name_once_and_every_name_exists() -> None:
    assert len(ag.__all__) == len(set(ag.__all__))
    assert all(hasattr(ag, name) for name in ag.__all__)


def _bound_by_the_table() -> set[str]:
    """The names the table put on ``Value``: op methods and operators (``__mul__``...)."""
    value_py = str(PACKAGE / "value.py")
    names = set()
    for name, attribute in vars(Value).items():
        code = getattr(attribute, "__code__", None)
        if code is not None and code.co_filename != value_py:  # written elsewhere, bound here
            names.add(name)
    return names


def test_value_declares_every_method_and_operator_the_table_binds() -> None:
    declared = _type_checking_names(PACKAGE / "value.py", inside_class="Value")
    bound = _bound_by_the_table()
    assert {"__mul__", "__rmul__", "__pow__", "__neg__", "tanh", "clamp"} <= bound
    missing = bound - declared
    assert not missing, f"declare in Value's TYPE_CHECKING block: {sorted(missing)}"
    assert declared == bound


def test_every_op_docstring_example_is_collected_as_a_doctest() -> None:
    # defop builds each function inside opspec.py, where doctest would not look for it:
    # it puts the function in its module's __test__ instead, which --doctest-modules runs.
    import sys

    opspec_py = str(PACKAGE / "opspec.py")
    for name, function in ag._op_functions().items():
        if ">>>" not in (function.__doc__ or ""):
            continue
        module = sys.modules[function.__module__]
        if function.__code__.co_filename == opspec_py:
            assert module.__dict__.get("__test__", {}).get(name) is function, name
        else:
            assert getattr(module, name) is function, name  # a plain function: found as is
