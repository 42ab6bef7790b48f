"""The default install passes as it is: doctests needing an absent extra skip, naming it."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_bridge_doctests() -> subprocess.CompletedProcess[str]:
    """Run nn.torch_bridge's doctests in a fresh pytest, as ``make test`` collects them."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "nn/torch_bridge.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch is installed")
def test_torch_doctests_skip_naming_the_extra_without_torch():
    result = run_bridge_doctests()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 skipped" in result.stdout
    assert "needs torch: pip install 'autograd-engine[torch]'" in result.stdout


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs the torch extra")
def test_torch_doctests_run_with_torch():
    result = run_bridge_doctests()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
