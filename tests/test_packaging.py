"""What the package tells installers and type checkers: its version and its py.typed markers."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

import autograd_engine
import nn


def test_one_version_for_both_packages() -> None:
    assert nn.__version__ == autograd_engine.__version__
    major, minor, patch = autograd_engine.__version__.split(".")
    assert major.isdigit() and minor.isdigit() and patch.isdigit()


def test_installed_metadata_reads_the_same_version() -> None:
    try:
        installed = importlib.metadata.version("autograd-engine")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("autograd-engine is not installed (run from a source tree)")
    assert installed == autograd_engine.__version__


@pytest.mark.parametrize("package", [autograd_engine, nn])
def test_both_packages_carry_the_py_typed_marker(package: object) -> None:
    assert (Path(package.__file__).parent / "py.typed").is_file()  # type: ignore[attr-defined]
