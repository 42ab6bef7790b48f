"""Modules meet through names that say they are meant to be shared.

A private name (a leading underscore) belongs to its module: no module of the engine or of
``nn`` imports one from another module, and ``nn`` reads no private attribute that the
engine's classes define (``graph._plan`` was one; ``Graph.node_names`` is the public way).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from autograd_engine import Value, draw_graph
from autograd_engine.viz import format_number

ROOT = Path(__file__).resolve().parent.parent
ENGINE_FILES = sorted((ROOT / "autograd_engine").rglob("*.py"))
NN_FILES = sorted((ROOT / "nn").glob("*.py"))


def private_imports(path: Path) -> list[str]:
    """``module.name`` for each private name the file imports from another module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{node.module}.{alias.name}")
    return found


@pytest.mark.parametrize(
    "path", ENGINE_FILES + NN_FILES, ids=lambda path: str(path.relative_to(ROOT))
)
def test_no_module_imports_another_modules_private_name(path: Path) -> None:
    assert private_imports(path) == []


def test_the_import_check_sees_a_private_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from nn.losses import _flat, mse\nfrom x import y as _y\n")
    assert private_imports(sample) == ["nn.losses._flat"]


def private_attributes_defined(paths: list[Path]) -> set[str]:
    """Private attribute names the files' classes define: ``self._x = ``, slots, methods."""
    names: set[str] = set()
    for path in paths:
        text = path.read_text()
        names.update(re.findall(r"\bself\.(_[a-z]\w*)\s*(?::[^=\n]*)?=(?!=)", text))
        names.update(re.findall(r"__setattr__\(self, \"(_[a-z]\w*)\"", text))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                for item in ast.walk(node):
                    if isinstance(item, ast.FunctionDef) and re.match(r"_[a-z]", item.name):
                        names.add(item.name)
                    value = item.value if isinstance(item, ast.Constant) else None
                    if isinstance(value, str) and re.fullmatch(r"_[a-z]\w*", value):
                        names.add(value)  # __slots__ entries
    return names


def private_reads_of_other_objects(path: Path) -> set[str]:
    """Private attributes the file reads on anything but ``self`` and ``cls``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and re.match(r"_[a-z]", node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.add(node.attr)
    return found


def test_nn_reads_no_private_attribute_of_an_engine_object() -> None:
    engine = private_attributes_defined(ENGINE_FILES)
    assert {"_plan", "_parents", "_grad"} <= engine  # the walk sees the engine's privates
    reads = {
        (path.name, name)
        for path in NN_FILES
        for name in private_reads_of_other_objects(path) & engine
    }
    assert not reads, sorted(reads)


def test_a_graph_names_its_nodes_as_its_dot_text_does() -> None:
    x = Value(2.0, label="x")
    y = (x * x).tanh()
    graph = draw_graph(y, expand_neurons=False)
    names = graph.node_names
    assert list(names) == [x, y.parents[0], y]
    for node, name in names.items():  # each name is the record showing that node's number
        record = re.search(rf"^\t{name} \[.*$", graph.source, re.MULTILINE)
        assert record is not None and format_number(node.data) in record.group(0), name
    assert len(set(names.values())) == len(names)
