"""Hypothesis strategies: inputs inside each op's domain, and random expression trees.

Domains come from the op table (``OpSpec.domain``), so a new op is tested without editing
this file. Magnitudes are bounded so that central differences stay accurate: far from
kinks and poles (``nonzero`` keeps |x| >= 0.1) and away from overflow.
"""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from autograd_engine import OpSpec

real = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False)
positive = st.floats(min_value=0.2, max_value=3.0)
nonzero = st.one_of(st.floats(min_value=-3.0, max_value=-0.1), st.floats(0.1, 3.0))

DOMAINS = {
    "real": real,
    "positive": positive,
    "nonzero": nonzero,
    "unit": st.floats(min_value=-0.9, max_value=0.9),  # |x| < 1 (asin, atanh, tan)
    "above_one": st.floats(min_value=1.2, max_value=3.0),  # acosh
    "above_minus_one": st.floats(min_value=-0.8, max_value=3.0),  # log1p
}

# Parameters of parametrised ops, by name; a parameter without an entry is drawn near its
# default (within 0.5), so a new op needs no edit here.
PARAMS = {
    "exponent": st.sampled_from([-2.0, -1.0, 0.5, 1.0, 2.0, 3.0, 2.5]),
    "slope": st.floats(min_value=0.0, max_value=0.5),
    "condition": st.sampled_from([0.0, 1.0]),
}


def param(name: str, default: float) -> st.SearchStrategy[float]:
    """Values for a parameter: its entry in PARAMS, else within 0.5 of its default."""
    return PARAMS.get(name, st.floats(default - 0.5, default + 0.5))


@st.composite
def op_inputs(draw: st.DrawFn, spec: OpSpec) -> tuple[list[float], dict[str, float]]:
    """Inputs (and parameters) for one op, drawn from its declared domain."""
    if spec.arity:
        inputs = [draw(DOMAINS[domain]) for domain in spec.domain]
    else:
        # n-ary ops, by their declared layout: "pairs" wants weights and inputs of equal
        # length, "neuron" n weights, a bias and n inputs, "any" any length.
        count = draw(st.integers(min_value=1, max_value=4))
        if spec.layout == "pairs":
            count *= 2
        elif spec.layout == "neuron":
            count = 2 * count - 1
        inputs = [draw(DOMAINS[spec.domain[0]]) for _ in range(count)]
        if spec.layout == "neuron":
            # Scaled so that the pre-activation sum stays where the activation is tame
            # (exp's second derivative at a sum of 30 defeats central differences).
            inputs = [x / count for x in inputs]
        if spec.layout == "neuron" and spec.domain[0] == "nonzero":
            # A kink (relu's) sits at a zero pre-activation sum, not at a zero input.
            n = count // 2
            total = inputs[n] + sum(w * x for w, x in zip(inputs[:n], inputs[n + 1 :], strict=True))
            assume(abs(total) >= 0.1)
    if spec.name in ("//", "%"):
        # Both jump where a / b is an integer; central differences must not straddle a jump.
        ratio = inputs[0] / inputs[1]
        assume(abs(ratio - round(ratio)) >= 0.01)
    params = {name: draw(param(name, default)) for name, default in spec.params.items()}
    if spec.kink is not None:  # keep away from where the derivative jumps
        assume(spec.kink(*inputs, *params.values()) >= 0.1)
    return inputs, params


# Ops that are smooth on the whole real line and keep values bounded, for random trees.
UNARY_SMOOTH = ["tanh", "sin", "cos", "sigmoid", "softplus", "square", "neg"]
BINARY = ["+", "-", "*"]


def expressions(variables: int) -> st.SearchStrategy:
    """Random expression trees over ``x0 .. x{variables-1}`` as nested tuples."""
    leaf = st.one_of(
        st.integers(0, variables - 1).map(lambda i: ("var", i)),
        st.floats(-2.0, 2.0).map(lambda c: ("const", c)),
    )

    def extend(children: st.SearchStrategy) -> st.SearchStrategy:
        unary = st.tuples(st.sampled_from(UNARY_SMOOTH), children)
        binary = st.tuples(st.sampled_from(BINARY), children, children)
        return st.one_of(unary, binary)

    return st.recursive(leaf, extend, max_leaves=8)
