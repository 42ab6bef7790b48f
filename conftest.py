"""Doctests that need an optional extra skip, with a reason naming it, when it is absent.

``make test`` runs every doctest in the packages, and a few examples import a package
that only an extra installs (``nn.torch_bridge`` shows its results as torch tensors).
The default install must pass as it is, so such a doctest is skipped, not failed, where
its package is missing: the reason says which extra brings it.
"""

from __future__ import annotations

import importlib.util
import re

import pytest

# The import name of each optional package a doctest may use, and the extra that has it.
OPTIONAL_IMPORTS = {
    "torch": "torch",
    "numpy": "notebooks",
    "matplotlib": "notebooks",
    "sklearn": "notebooks",
    "tqdm": "notebooks",
    "graphviz": "draw",
    "pygraphviz": "draw",
}

_IMPORT = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", re.MULTILINE)


def missing_extra(sources: list[str]) -> str | None:
    """The skip reason for examples importing an absent optional package, or None.

    >>> missing_extra(["import math"]) is None
    True
    """
    for source in sources:
        for name in _IMPORT.findall(source):
            extra = OPTIONAL_IMPORTS.get(name)
            if extra is not None and importlib.util.find_spec(name) is None:
                return f"needs {name}: pip install 'autograd-engine[{extra}]'"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        test = getattr(item, "dtest", None)  # pytest's DoctestItem keeps the parsed doctest
        if test is None:
            continue
        reason = missing_extra([example.source for example in test.examples])
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))
