"""``python -m autograd_engine``: the engine on its own, with no neural-network package.

Builds the README expression, prints its value and every input's gradient, and draws the
graph with each edge's chain-rule contribution to ``OUT/expression.svg``. The full demo,
which also trains a network and plots it, is ``python -m nn.demo`` (``make demo``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograd_engine.examples import readme_expression
from autograd_engine.viz import BackendUnavailableError, draw_graph


def build_parser() -> argparse.ArgumentParser:
    """The command line: where to write, and whether to draw at all.

    >>> build_parser().parse_args([]).out
    'out'
    """
    parser = argparse.ArgumentParser(
        prog="python -m autograd_engine",
        description="Build the README expression, print its value and gradients, and draw "
        "its graph with each edge's chain-rule contribution. The full demo (training, "
        "plots) is python -m nn.demo.",
    )
    parser.add_argument(
        "--out", default="out", help="directory for expression.svg (default: %(default)s)"
    )
    parser.add_argument(
        "--no-draw", action="store_true", help="print the numbers only; draw nothing"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the engine demo; returns the process exit code."""
    args = build_parser().parse_args(argv)
    g, inputs = readme_expression()
    g.backward()
    print(f"g = {g.data:.4f}")
    for name, leaf in inputs.items():
        print(f"dg/d{name} = {leaf.grad:.4f}")
    if args.no_draw:
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        path = draw_graph(g, edge_labels=True).save(out / "expression.svg")
    except BackendUnavailableError as exc:
        print(f"not drawn: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
