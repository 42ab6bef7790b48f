"""``python -m autograd_engine``: the demo behind ``make demo``.

For now it builds the README expression, prints its value and gradients; the full demo
(drawing, training, plots) grows here as the packages for it land.
"""

from __future__ import annotations

import argparse

from autograd_engine import Value


def readme_expression() -> tuple[Value, dict[str, Value]]:
    """micrograd's README expression, as a user would type it; returns (g, inputs)."""
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.label = "g"
    return g, {"a": a, "b": b}


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m autograd_engine", description=__doc__)
    parser.parse_args(argv)
    g, inputs = readme_expression()
    g.backward()
    print(f"g = {g.data:.4f}")
    for name, leaf in inputs.items():
        print(f"dg/d{name} = {leaf.grad:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
