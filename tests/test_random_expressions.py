"""Random expression trees against central differences (hypothesis builds the trees)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from strategies import expressions

from autograd_engine import Value, check_grad, grad

UNARY = {
    "tanh": Value.tanh,
    "sin": Value.sin,
    "cos": Value.cos,
    "sigmoid": Value.sigmoid,
    "softplus": Value.softplus,
    "square": lambda v: v**2,
    "neg": lambda v: -v,
}
BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}


def evaluate(tree: tuple, variables: tuple[Value, ...]) -> Value:
    """Build the tree bottom-up without recursion (trees are small, but walks never recurse)."""
    stack: list[tuple[tuple, bool]] = [(tree, False)]
    results: list[Value] = []
    while stack:
        node, ready = stack.pop()
        kind = node[0]
        if kind == "var":
            results.append(variables[node[1]])
        elif kind == "const":
            results.append(Value(node[1]))
        elif not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node[1:]))
        elif kind in UNARY:
            results.append(UNARY[kind](results.pop()))
        else:
            right, left = results.pop(), results.pop()
            results.append(BINARY[kind](left, right))
    return results[0] + 0.0 * variables[0]  # every variable is an input even if unused


point = st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3)


@given(tree=expressions(variables=3), at=point)
def test_first_derivatives(tree: tuple, at: list[float]) -> None:
    check_grad(lambda *xs: evaluate(tree, xs), at, rtol=1e-5, atol=1e-6)


@given(tree=expressions(variables=2), at=point)
def test_second_derivatives(tree: tuple, at: list[float]) -> None:
    def first(*xs: Value) -> Value:
        return grad(evaluate(tree, xs), xs[0], create_graph=True)

    check_grad(first, at[:2], rtol=1e-5, atol=1e-6)
