"""``python -m nn.demo`` (``make demo``): the whole project in one run, in seconds.

1. builds the README expression, prints its value and gradients, and draws it with each
   edge's chain-rule contribution (``expression.svg``);
2. trains an MLP on a toy data set (100 moons points and ``MLP(2, [16, 16, 1])`` by
   default: hinge loss, L2, SGD with a linearly decaying rate, as micrograd's demo does)
   with a progress bar;
3. draws one trained neuron's graph on one input (``neuron.svg``) and plots the decision
   boundary and the loss curve (``decision_boundary.png``, ``loss.png``);
4. prints the path of every file it wrote.

Graphviz (for the SVGs) and matplotlib (for the PNGs) come with the ``draw`` and
``notebooks`` extras (``make demo`` installs both). Without them the demo still computes
and trains, writes what it can, says in one short line per extra which pictures it
skipped and how to get them, and exits with status 0: the pictures are optional.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autograd_engine import Value, draw_graph
from autograd_engine.examples import readme_expression
from autograd_engine.viz import BackendUnavailableError
from nn import (
    MLP,
    SGD,
    History,
    LinearSchedule,
    Neuron,
    circles,
    fit,
    hinge,
    moons,
    plot_decision_boundary,
    spirals,
    xor,
)

# The SVGs are the README's pictures: at most 9 inches (864 px) wide, so that they show
# unscaled in an 880-pixel README column (Graphviz scales a wider drawing down to it).
README_WIDTH = 9.0

Points = list[list[float]]

# Each generator takes (points, seed); the noise levels keep the classes separable.
DATASETS: dict[str, Callable[[int, int], tuple[Points, list[int]]]] = {
    "moons": lambda n, seed: moons(n, noise=0.1, seed=seed),
    "circles": lambda n, seed: circles(n, noise=0.05, factor=0.5, seed=seed),
    "spirals": lambda n, seed: spirals(n, classes=2, noise=0.02, seed=seed),
    "xor": lambda n, seed: xor(n, noise=0.15, seed=seed),
}

L2 = 1e-4  # micrograd's demo: a light weight penalty keeps the boundary smooth


def hidden_sizes(text: str) -> list[int]:
    """Parse ``--hidden``: comma-separated positive layer widths.

    >>> hidden_sizes("16,16")
    [16, 16]
    >>> hidden_sizes("16,0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: layer widths must be positive integers separated by commas, \
got '16,0'
    """
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"layer widths must be positive integers separated by commas, got {text!r}"
        )
    return sizes


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The demo's command line; ``--help`` explains every option.

    >>> args = build_parser().parse_args(["--dataset", "circles", "--hidden", "8"])
    >>> args.dataset, args.hidden, args.steps, args.out
    ('circles', [8], 100, 'out')
    """
    parser = argparse.ArgumentParser(
        prog="python -m nn.demo",
        description="Differentiate the README expression and draw it, then train an MLP "
        "on a toy data set and write pictures of the result: expression.svg, neuron.svg, "
        "decision_boundary.png and loss.png.",
    )
    parser.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default="moons",
        help="the two-class toy data set to learn (default: %(default)s)",
    )
    parser.add_argument(
        "--points", type=_positive, default=100, help="number of points (default: %(default)s)"
    )
    parser.add_argument(
        "--hidden",
        type=hidden_sizes,
        default=[16, 16],
        metavar="W1,W2,...",
        help="hidden layer widths, comma-separated; the network is MLP(2, [W1, W2, ..., 1]) "
        "(default: 16,16)",
    )
    parser.add_argument(
        "--steps",
        type=_positive,
        default=100,
        help="full-batch training steps; the learning rate falls linearly from 1.0 to 0.1 "
        "over them (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        help="seeds the data and the initial weights (default: %(default)s)",
    )
    parser.add_argument(
        "--out", default="out", help="directory the pictures go to (default: %(default)s)"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the training progress bar")
    return parser


def show_expression(out: Path) -> Path:
    """Print the README expression's value and gradients; draw it (top to bottom: the
    chain is long, and with an edge label on each of its 40 edges it would be three
    columns wide; ``neuron.svg`` shows the edge contributions)."""
    g, inputs = readme_expression()
    g.backward()
    print(f"README expression: g = {g.data:.4f}")
    for name, leaf in inputs.items():
        print(f"  dg/d{name} = {leaf.grad:.4f}")
    return draw_graph(g, size=README_WIDTH).save(out / "expression.svg")


def train(args: argparse.Namespace, X: Points, y: list[int]) -> tuple[MLP, History]:
    """Train ``MLP(2, [*hidden, 1])`` on ``(X, y)`` as micrograd's demo does."""
    signs = [2 * label - 1 for label in y]  # the hinge loss wants labels of +-1
    model = MLP(2, [*args.hidden, 1], seed=args.seed)
    optimizer = SGD(model, lr=LinearSchedule(1.0, 0.1, args.steps))
    print(f"training MLP(2, {model.nouts}) on {len(X)} {args.dataset} points")
    started = time.perf_counter()
    history = fit(
        model, hinge, optimizer, (X, signs), epochs=args.steps, l2=L2,
        progress=False if args.no_progress else None,  # None: a bar when tqdm is installed
    )  # fmt: skip
    took = time.perf_counter() - started
    if history.steps:
        print(
            f"  {history.steps} steps in {took:.1f} s: "
            f"loss {history.final_loss:.4f}, accuracy {history.accuracy[-1]:.0%}"
        )
    if history.interrupted:
        print("  interrupted: drawing the model as trained so far")
    return model, history


def busiest_neuron(model: MLP, point: list[float]) -> Neuron:
    """The first-layer neuron with the largest output on ``point`` (so its ReLU is active).

    >>> model = MLP(2, [3, 1], seed=0)
    >>> busiest_neuron(model, [0.5, 0.5]) in model.layers[0].neurons
    True
    """
    neurons = model.layers[0].neurons
    return max(neurons, key=lambda neuron: neuron(point).data)


def draw_neuron(model: MLP, point: list[float], out: Path) -> Path:
    """Draw one trained neuron on one input, after backward from its output."""
    inputs = [Value(x, label=f"x[{i}]") for i, x in enumerate(point)]
    neuron = busiest_neuron(model, point)
    output = neuron(inputs)
    output.label = "output"
    neuron.zero_grad()  # leaves accumulate: drop what the last training step left
    output.backward()
    # Drawn expanded, as the lecture draws a neuron: the products w·x, their sum, relu;
    # each edge carries its local derivative and the contribution it sent back.
    title = "one trained neuron on one input"
    graph = draw_graph(output, title=title, edge_labels=True, size=README_WIDTH)
    return graph.save(out / "neuron.svg")


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure outside pyplot: no display needed, nothing left open."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "the plots need matplotlib: pip install 'autograd-engine[notebooks]'"
        ) from None
    return Figure(figsize=(width, height), layout="constrained")


def plot_boundary(model: MLP, X: Points, y: list[int], name: str, out: Path) -> Path:
    """Write the decision boundary over the data as ``decision_boundary.png``."""
    figure = _figure(5, 5)
    ax = plot_decision_boundary(model, X, y, ax=figure.subplots())
    ax.set_title(f"{name}: MLP(2, {model.nouts})")
    path = out / "decision_boundary.png"
    figure.savefig(path, dpi=80)
    return path


def plot_loss(history: History, name: str, out: Path) -> Path:
    """Write the loss and accuracy per step as ``loss.png``."""
    figure = _figure(6, 3.5)
    ax = history.plot(ax=figure.subplots())
    ax.set_title(f"{name}: hinge loss + L2 (blue) and accuracy (orange) per step")
    path = out / "loss.png"
    figure.savefig(path, dpi=80)
    return path


# What each extra brings the demo, for the line that says a picture was skipped.
_NEEDS = {
    "draw": "drawings need Graphviz (pygraphviz, the draw extra)",
    "notebooks": "plots need matplotlib (the notebooks extra)",
}


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the exit code (0 also when a picture's extra is missing)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        X, y = DATASETS[args.dataset](args.points, args.seed)
    except ValueError as exc:  # e.g. too few points for the data set
        parser.error(str(exc))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    skipped: dict[str, list[str]] = {}  # extra -> the files it would have brought

    def attempt(name: str, extra: str, make: Callable[[], Path]) -> None:
        try:
            written.append(make())
        except (BackendUnavailableError, ImportError):
            skipped.setdefault(extra, []).append(name)

    attempt("expression.svg", "draw", lambda: show_expression(out))
    model, history = train(args, X, y)
    attempt("neuron.svg", "draw", lambda: draw_neuron(model, X[0], out))
    attempt(
        "decision_boundary.png", "notebooks", lambda: plot_boundary(model, X, y, args.dataset, out)
    )
    attempt("loss.png", "notebooks", lambda: plot_loss(history, args.dataset, out))
    for path in written:
        print(f"wrote {path}")
    for extra, names in skipped.items():
        print(f"skipped {', '.join(names)}: {_NEEDS[extra]}", file=sys.stderr)
    if skipped:
        extras = ",".join(skipped)
        print(f"  for every picture: pip install 'autograd-engine[{extras}]'", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
