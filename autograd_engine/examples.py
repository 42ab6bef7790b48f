"""Worked examples: small expressions built as a user would type them.

The demos (``python -m autograd_engine`` and ``python -m nn.demo``), the notebooks and the
tests all build the same expression from here, so the numbers the README quotes are
computed in one place.
"""

from __future__ import annotations

from autograd_engine.value import Value


def readme_expression() -> tuple[Value, dict[str, Value]]:
    """micrograd's README expression, with the final ``c, d, e, f, g`` labelled for drawing.

    Returns:
        ``(g, {"a": a, "b": b})``: the output and the two inputs, before any backward.

    >>> g, inputs = readme_expression()
    >>> g.backward()
    >>> round(g.data, 4), round(inputs["a"].grad, 4), round(inputs["b"].grad, 4)
    (24.7041, 138.8338, 645.5773)
    """
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
    for node, name in ((c, "c"), (d, "d"), (e, "e"), (f, "f"), (g, "g")):
        node.label = name
    return g, {"a": a, "b": b}
