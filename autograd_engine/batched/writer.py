"""Writing a batched program: its lines, which gradients exist, statements from the table.

``autograd_engine.batched.program`` walks the graph and ``layers`` writes the
layers; both write through a ``Writer``, which keeps the lines and which gradient arrays
exist so far, and get every expression from ``apply`` (an op's function traced in the
array dialect, or the NumPy function of its name). ``shallow`` keeps each statement within
Python's nesting limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from autograd_engine.batched.dialect import array_form, expression
from autograd_engine.opspec import OpSpec
from autograd_engine.trace import Sym, Untraceable, ref, text
from autograd_engine.value import Value

if TYPE_CHECKING:
    from autograd_engine.batched.program import Plan


class Writer:
    """The program's lines, and which gradients exist so far while writing backward."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.assigned: set[Value] = set()
        self.matrices: set[int] = set()  # layers whose gradient matrix GX<k> exists

    def v(self, node: Value) -> str:
        return f"v{self.plan.index[node]}"

    def add_to(self, node: Value, term: str) -> None:
        """``g<node> += term``, as a new array: gradients may share arrays (``+``'s rule)."""
        g = f"g{self.plan.index[node]}"
        if node in self.assigned:
            self.lines.append(f"{g} = {g} + {term}")
        else:
            self.assigned.add(node)
            self.lines.append(f"{g} = {term}")


def apply(
    function: Callable[..., Any], arguments: list[str], params: tuple[float, ...]
) -> tuple[str, bool] | None:
    """``function`` on named arrays as (expression, risky); None if it has no array form."""
    try:
        result, risky = expression(function, *map(Sym, arguments), *params)
        if not isinstance(result, list | tuple):
            return text(result), risky
    except Untraceable:
        pass
    form = array_form(function, len(arguments) + len(params))
    if form is None:
        return None
    return f"{ref(form)}({', '.join([*arguments, *map(repr, params)])})", True


def slope(w: Writer, act: OpSpec | None, g: str, out: str, name: str) -> None:
    """``name = `` the gradient reaching a neuron's sum: the activation's rule, traced."""
    if act is None:
        w.lines.append(f"{name} = {g}")
        return
    rule = act.rule
    applied = apply(lambda g, out: rule(g, out, out)[0], [g, out], ())
    if applied is None:
        w.lines.append(f"{name} = _loop_slope({ref(act)}, {g}, {out})")
    else:
        w.lines.append(f"{name} = {applied[0]}")


NESTING = 48  # Python's parser refuses more than 200 nested parentheses in one statement


def shallow(line: str) -> list[str]:
    """``line``, its deepest parenthesised parts first assigned to temporaries if needed.

    A sum of many operands traces as ``((((a + b) + c) + d) ...``: each group that holds
    ``NESTING`` levels is computed on a line of its own (``h1 = (...)``), in the order the
    expression would evaluate it, and named in its place. Call parentheses stay.
    """
    if line.count("(") < NESTING or " = " not in line or line.startswith(" "):
        return [line]
    target, source = line.split(" = ", 1)
    lines: list[str] = []
    stack: list[tuple[list[str], int]] = [([], 0)]
    for ch in source:
        if ch == "(":
            stack.append((["("], 0))
        elif ch == ")":
            parts, height = stack.pop()
            group, height = "".join(parts) + ")", height + 1
            outer, outer_height = stack[-1]
            before = outer[-1][-1:] if outer else ""
            if height >= NESTING and not (before.isalnum() or before in "_)]"):
                name = f"h{len(_HOISTED)}"
                _HOISTED.append(name)
                lines.append(f"{name} = {group}")
                group, height = name, 0
            outer.append(group)
            stack[-1] = (outer, max(outer_height, height))
        else:
            stack[-1][0].append(ch)
    return [*lines, f"{target} = {''.join(stack[0][0])}"]


_HOISTED: list[str] = []  # names given so far (unique across programs; locals anyway)
