"""Running a recorded graph step by step through the op table, without compiling it.

``compile()`` costs about 15 us per generated line (a node and each of its edges), some
ten times what building the node cost, and pays off only after tens of runs. So a tape
starts here: ``interpreted`` turns the graph into two lists of steps (one per node, one
per node's backward) in a few microseconds per node, and runs them with the table's own
functions on the same slots ``codegen`` uses. The floating-point operations are those
of the compiled code (the table's forward, the node's rule, the terms added into each
gradient in sweep order), so the bits are too. ``autograd_engine.replay`` switches a
tape to compiled code once it has run often enough for that to pay.

``step_by_step`` is the slow reference walk (a dictionary of values, the reference
sweep) that error reports and ``detect_anomaly()`` use: it raises what a fresh build
would raise, with the same message.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from autograd_engine import node_code as nc
from autograd_engine.backprop import Sums, backprop
from autograd_engine.codegen import Program, compile_graph
from autograd_engine.errors import AnomalyError
from autograd_engine.fused import compile_template, sum_terms
from autograd_engine.neuron import pre_activation, pre_activation_rule
from autograd_engine.opspec import OpSpec
from autograd_engine.value import Value

_data = attrgetter("_data")

# A tape compiles when recorded only if it has no more lines than this (record(...,
# compile=None), the default, starts every other tape interpreted): compile() costs
# 20-100 times what building the graph cost, so recording stays a few times the build.
EAGER_LINES = 0
COMPILE_SECONDS_PER_LINE = 15e-6

# forward step: (slot, function, operand slots, pre-activation slot or -1, activation)
Forward = tuple[int, Callable[..., float], tuple[int, ...], int, Callable[[float], float] | None]
# backward step: (slot, rule, operand slots, slot of the total to test or -1, slope or None)
Backward = tuple[int, Callable[..., Any], tuple[int, ...], int, Callable[..., Any] | None]


class Tiered:
    """A tape's program: interpreted at first, compiled once that has paid.

    ``compile()`` costs ~15 us a line, 20-100 times what building the graph cost, and
    pays off only after tens of runs. So a tape starts interpreted (a run costs about
    what a fresh build and ``backward()`` cost) and compiles once its runs have cost as
    much CPU time as compiling will: it never pays more than about twice what the better
    choice in hindsight would have cost. ``compile=True`` compiles at once (a tape that
    will run many times), ``False`` never (a tape run a few times); both tiers give the
    same bits.
    """

    def __init__(
        self,
        order: list[Value],
        index: dict[Value, int],
        specs: dict[Value, nc.SpecParams],
        grad_leaves: list[Value],
        watch: list[Value],
        compile: bool | None = None,
    ) -> None:
        self._graph = (order, index, specs, grad_leaves, watch)
        lines = nc.code_lines(order)
        self._budget = math.inf if compile is False else lines * COMPILE_SECONDS_PER_LINE
        self._spent = 0.0
        self.compiled = False
        self._program: Program
        if compile or (compile is None and lines <= EAGER_LINES):
            self.compile()
        else:
            self._program = interpreted(order, specs, grad_leaves, watch)

    def compile(self) -> None:
        """Switch to compiled code now."""
        self._program = compile_graph(*self._graph)
        self.compiled = True

    def __call__(self, leaves: Any, starts: Any, seed: float, backward: bool) -> tuple[Any, ...]:
        if self.compiled:
            return self._program(leaves, starts, seed, backward)
        started = time.process_time()
        result = self._program(leaves, starts, seed, backward)
        self._spent += time.process_time() - started
        if self._spent >= self._budget:
            self.compile()
        return result


def interpreted(
    order: list[Value],
    specs: dict[Value, nc.SpecParams],
    grad_leaves: list[Value],
    watch: list[Value],
) -> Program:
    """A program with ``compile_graph``'s signature and results that interprets the graph.

    >>> from autograd_engine import Value
    >>> from autograd_engine.codegen import spec_of
    >>> x = Value(3.0)
    >>> y = x * x
    >>> program = interpreted([x, y], {y: spec_of(y)}, [x], [])
    >>> program([Value(5.0)], [0.0], 1.0, True)
    (25.0, (), (10.0,))
    """
    leaves = [node for node in order if not node._parents]
    slot: dict[Value, int] = {node: k for k, node in enumerate(leaves)}
    needs = [leaf.kind != "constant" for leaf in leaves]
    get_slot, get_need = slot.__getitem__, needs.__getitem__
    kinds: dict[tuple[OpSpec, tuple[str, ...]], _Kind] = {}
    pres = len(order)  # a fused neuron's pre-activation sum gets a slot after the nodes
    forward: list[Forward] = []
    backward: list[Backward] = []
    for node in order:
        if not node._parents:
            continue
        s = slot[node] = len(slot)
        operands = tuple(map(get_slot, node.parents))
        spec_params = specs[node]
        key = spec_params[0], tuple(map(float.hex, spec_params[1]))  # -0.0 is not 0.0 here
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = _Kind(node, spec_params)
        u = -1
        if kind.fused:
            u, pres = pres, pres + 1
        forward.append((s, kind.function, operands, u, kind.act))
        need = any(map(get_need, operands))
        needs.append(need)
        if need:
            total = u if kind.fused else (s if kind.skip else -1)  # the total a skip tests
            backward.append((s, kind.rule, operands, total, kind.slope))
    backward.reverse()
    return _runner(
        pres,
        len(leaves),
        forward,
        backward,
        slot[order[-1]],
        [slot[node] for node in watch],
        [slot[leaf] for leaf in grad_leaves],
    )


class _Kind:
    """What the steps of every node of one op (with one set of parameters) share."""

    __slots__ = ("act", "function", "fused", "rule", "skip", "slope")

    def __init__(self, node: Value, spec_params: nc.SpecParams) -> None:
        spec, params = spec_params
        self.fused = spec.layout == "neuron"
        act = spec.activation
        self.act = act.forward if self.fused and act is not None else None
        # Zero gradient, finite total: every term is a signed zero, skipped as backward() does.
        self.skip = nc.skips_at_zero(spec)
        self.slope = act.rule if self.fused and act is not None else None
        self.function: Callable[..., float] = pre_activation if self.fused else spec.forward
        if params and not self.fused:
            forward = spec.forward

            def function(*values: float) -> float:  # the table's forward, its parameters last
                return forward(*values, *params)

            self.function = function
        rule = nc.node_rule(node, spec)
        self.rule = spec.bind(params) if rule is spec.rule else rule


def _runner(
    size: int,
    leaf_count: int,
    forward: list[Forward],
    backward: list[Backward],
    out: int,
    watch: list[int],
    grads: list[int],
) -> Program:
    padding = [0.0] * (size - leaf_count)

    def replay(leaves: Any, starts: Any, seed: float, run_backward: bool) -> tuple[Any, ...]:
        values = list(map(_data, leaves))
        values += padding
        get = values.__getitem__
        for s, function, operands, u, act in forward:
            if act is None and u < 0:
                values[s] = function(*map(get, operands))
            else:
                values[u] = total = function(*map(get, operands))
                values[s] = total if act is None else act(total)
        output = values[out]
        watched = tuple(map(get, watch))
        if not run_backward:
            return output, watched
        gradients = [0.0] * size  # interior gradients start from 0.0, as backward() zeroes them
        for k, start in zip(grads, starts, strict=True):
            gradients[k] = start
        gradients[out] += seed
        for s, rule, operands, total, slope in backward:
            g = gradients[s]
            out_value = values[s]
            if slope is not None:  # the gradient that reaches a fused neuron's sum
                g = slope(g, out_value, values[total])[0]
            if total >= 0 and not g:
                t = values[total]
                if not t - t:  # zero gradient, finite total: only signed zeros; skipped
                    continue
            if rule is pre_activation_rule:  # labelled specialisation (layout "neuron")
                add_sum_terms(gradients, values, g, operands)
                continue
            terms = rule(g, out_value, *map(get, operands))
            for k, term in zip(operands, terms):  # noqa: B905 (one term per operand; strict= costs)
                gradients[k] += term
        return output, watched, tuple(map(gradients.__getitem__, grads))

    return replay


# A fused neuron's sum adds pre_activation_rule's terms straight into the slots, in its
# order (weights, the bias, inputs), without building its list: the terms are fused.py's,
# traced from the rules of ``*`` and ``+``, over the values in the slots.
_SUM_TERMS = """
def add_sum_terms(gradients, values, g, operands):
    n = len(operands) // 2
    weights, inputs = operands[:n], operands[n + 1 :]
    for w, x in zip(weights, inputs):
        gradients[w] += {weight}
    gradients[operands[n]] += {bias}
    for w, x in zip(weights, inputs):
        gradients[x] += {input}
"""
_WEIGHT, _BIAS, _INPUT = sum_terms("g", "values[w]", "values[x]")
add_sum_terms: Callable[[list[float], list[float], float, tuple[int, ...]], None] = (
    compile_template(_SUM_TERMS, "add_sum_terms", weight=_WEIGHT, bias=_BIAS, input=_INPUT)
)


def step_by_step(
    order: list[Value],
    specs: dict[Value, nc.SpecParams],
    seed: float,
    *,
    backward: bool,
    anomaly: bool,
) -> BaseException | None:
    """The step op by op through the table: the error a fresh build would raise, or None.

    With ``anomaly`` it also reports the first NaN or infinity, as ``detect_anomaly()``
    does for a fresh build (same messages).
    """
    values: dict[Value, Any] = {node: node.data for node in order if not node._parents}
    for node in order:
        if node._parents:
            spec, params = specs[node]
            inputs = [values[p] for p in node.parents]
            values[node] = data = spec.evaluate(inputs, params)
            if anomaly and not math.isfinite(data):
                shown = ", ".join(map(repr, inputs))
                return AnomalyError(
                    f"forward of {node._op} produced {data!r} from inputs ({shown})"
                )
    if not backward:
        return None
    try:
        backprop(
            reversed(order),
            Sums({order[-1]: 0.0 + seed}),
            value=values.__getitem__,
            check=anomaly,
        )
    except (ArithmeticError, ValueError, AnomalyError) as error:
        return error
    return None
