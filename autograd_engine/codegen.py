"""Compiling a recorded graph into straight-line Python functions (graph replay's engine).

Every node becomes one statement (``v12 = v3 * v7``) and every edge of the reverse sweep
one more (``g3 += g12 * v7``), in the order ``backward()`` would run them, so the code
does the same floating-point operations in the same order: the same bits. The texts of
the statements come from the op table (``autograd_engine.node_code``).

What makes it scale: the statements are cut into chunks of about ``CHUNK_LINES`` lines,
each compiled as its own small function, so ``compile()`` costs the same per line at any
size and holds one chunk's syntax tree at a time (one function of 10^5 nodes took 8 s
and 0.8 GB to compile, and a sum of more than ~200 operands did not compile at all).
Every value and gradient has a slot in one of two lists, ``V`` and ``G``; within a
chunk they live in local variables (fast), and a chunk reads ``V[k]`` or ``G[k]`` for
what an earlier chunk computed and writes back what a later chunk needs. A node with
many operands is called through its table functions on ``*map(V.__getitem__, K)``,
four lines whatever its width, instead of being traced into an expression per operand.

A tape that fits one chunk (the usual case: up to ``CHUNK_LINES`` lines) becomes one
function of forward and backward, every value a local from its statement to its last use;
it takes the seed as an argument and returns its results, so ``V`` and ``G`` hold only
the leaves (unless a wide node reads them). Storing ~10^4 values into lists and loading
them back had cost the compiled demo step ~13% (5.0 against 4.3 ms): an optimisation of
the same statements, held to the chunked form's bits by ``tests/test_replay.py``.

``autograd_engine.replay`` owns the user-facing side (roles of leaves, feeding, checks).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import attrgetter, itemgetter
from typing import Any

from autograd_engine import node_code as nc
from autograd_engine.opspec import OPS, OpSpec
from autograd_engine.sweep_code import Sweep
from autograd_engine.trace import NAMES
from autograd_engine.value import Rule, Value

# program(leaves, starts, seed, backward) -> (output, watched[, gradients])
Program = Callable[..., tuple[Any, ...]]
Chunk = Callable[..., Any]  # a chunk returns None; a whole tape, its results

# About 15 us of compile() per line at any size. A chunk holds a tape that compiles when
# recorded (interpret.EAGER_LINES) in one forward and one backward function: across
# chunks, the gradients of parameters used everywhere are loaded and stored at every
# boundary (10,000-line chunks made the demo's step 1.4x slower). The syntax tree of one
# chunk, a few hundred megabytes at most, is all compile() holds at a time.
CHUNK_LINES = 100_000

_data = attrgetter("_data")

_RULE_SPECS: dict[Rule, OpSpec] = {}


def spec_of(node: Value) -> tuple[OpSpec, tuple[float, ...]] | None:
    """The op table entry and parameters that made an op node; None if not from the table.

    >>> from autograd_engine import Value
    >>> spec, params = spec_of(Value(2.0) ** 3)
    >>> spec.name, params
    ('**n', (3.0,))
    """
    rule = node._rule
    spec = getattr(rule, "op_spec", None)
    if spec is not None:
        return spec, rule.op_params  # type: ignore[union-attr]
    if rule not in _RULE_SPECS:
        _RULE_SPECS.update((s.rule, s) for s in OPS.values())
    found = _RULE_SPECS.get(rule)  # type: ignore[arg-type]
    return None if found is None else (found, ())


def compile_graph(
    order: list[Value],
    index: dict[Value, int],
    specs: dict[Value, nc.SpecParams],
    grad_leaves: list[Value],
    watch: list[Value],
) -> Program:
    """Python functions computing a graph's values and gradients on new leaf values.

    Args:
        order: every node, in topological order, the output last.
        index: each node's position in ``order``.
        specs: each op node's table entry and parameters (``spec_of``).
        grad_leaves: the leaves whose gradients are returned (the non-constants).
        watch: nodes whose values are returned too.

    Returns:
        ``program(leaves, starts, seed, backward)``. ``leaves`` holds objects
        with ``._data`` in the order of the leaves in ``order``; with ``backward`` false it
        returns ``(output, watched values)``, else also the gradients of ``grad_leaves``
        (each ``starts[i]`` plus its terms, as ``backward()`` accumulates).

    >>> from autograd_engine import Value
    >>> x = Value(3.0)
    >>> order = [x, x * x]
    >>> program = compile_graph(order, {x: 0, order[1]: 1}, {order[1]: spec_of(order[1])}, [x], [])
    >>> program([Value(5.0)], [0.0], 1.0, True)
    (25.0, (), (10.0,))
    """
    writer = Writer(order, specs)
    slot = writer.slot
    out, watched = slot[order[-1]], [slot[node] for node in watch]
    grads = [slot[leaf] for leaf in grad_leaves]
    leaf_count = sum(1 for node in order if not node._parents)
    if order[-1]._parents and nc.code_lines(order) <= CHUNK_LINES:
        # One function; every value stays a local (an optimisation of the chunked form).
        wide = any(nc.is_wide(node) for node in writer.ops)  # wide nodes read V and G
        size = len(writer.slot) + len(writer.pre) if wide else leaf_count
        return _whole_driver(writer.whole(out, watched), leaf_count, size, grads)
    forward, backward = writer.forward_chunks(), writer.backward_chunks()
    return _chunked_driver(
        len(writer.slot) + len(writer.pre), leaf_count, forward, backward, out, watched, grads
    )


def _whole_driver(whole: Chunk, leaf_count: int, size: int, grads: list[int]) -> Program:
    """The program of a tape in one function ``whole(V, G, backward, seed)``.

    ``V`` holds the leaves' values and ``G`` their gradients' starts (both padded to every
    slot when a wide node reads them); the function returns the output and the watched
    values, and leaves the leaves' gradients in ``G``.
    """
    padding = [0.0] * (size - leaf_count)

    def replay(leaves: Any, starts: Any, seed: float, run_backward: bool) -> tuple[Any, ...]:
        values = list(map(_data, leaves))
        values += padding
        if not run_backward:
            return whole(values, None, False, seed)  # type: ignore[no-any-return]
        gradients = [0.0] * size
        for _ in map(gradients.__setitem__, grads, starts):
            pass
        output, shown = whole(values, gradients, True, seed)
        return output, shown, tuple(map(gradients.__getitem__, grads))

    return replay


def _chunked_driver(
    size: int,
    leaf_count: int,
    forward: list[Chunk],
    backward: list[Chunk],
    out: int,
    watch: list[int],
    grads: list[int],
) -> Program:
    """The program of a tape in chunks: fill the slots, run the chunks, read the results."""
    padding = [0.0] * (size - leaf_count)

    def replay(leaves: Any, starts: Any, seed: float, run_backward: bool) -> tuple[Any, ...]:
        values = list(map(_data, leaves))
        values += padding
        for chunk in forward:
            chunk(values)
        output = values[out]
        watched = tuple(map(values.__getitem__, watch))
        if not run_backward:
            return output, watched
        gradients = [0.0] * size  # interior gradients start from 0.0, as backward() zeroes them
        for k, start in zip(grads, starts, strict=True):
            gradients[k] = start
        gradients[out] += seed
        for chunk in backward:
            chunk(values, gradients)
        return output, watched, tuple(map(gradients.__getitem__, grads))

    return replay


class Writer:
    """The statements of one graph, chunk by chunk; slots number leaves first, then ops."""

    def __init__(self, order: list[Value], specs: dict[Value, nc.SpecParams]) -> None:
        self.order = order
        self.specs = specs
        leaves = [node for node in order if not node._parents]
        self.ops = [node for node in order if node._parents]
        self.slot: dict[Value, int] = {node: k for k, node in enumerate(leaves + self.ops)}
        first = len(self.slot)  # a fused neuron's pre-activation sum gets a slot after them
        fused = [node for node in self.ops if specs[node][0].layout == "neuron"]
        self.pre: dict[Value, int] = {node: first + k for k, node in enumerate(fused)}
        self.namespace: dict[str, Any] = {"math": math, "SPECIALISE_NOW": range(8)}
        self.names = nc.Names(self.namespace)
        self.local: set[int] = set()  # value slots held in locals of the current chunk
        self.loads: set[int] = set()  # ... of which read from V on entry
        self.stored: set[int] | None = None  # value slots written to V (None: every one)

    def value(self, k: int) -> str:
        """Value slot ``k`` in the current chunk: a local, loaded on entry if it comes from V."""
        if k not in self.local:
            self.loads.add(k)
            self.local.add(k)
        return f"v{k}"

    def compile(self, lines: list[str], arguments: str) -> Chunk:
        """One chunk as a function of ``arguments``; its source is dropped once compiled.

        The chunk starts by loading what it reads from earlier chunks into locals, in one
        C call (``itemgetter``); a value is then read as fast as any local.
        """
        loads = sorted(self.loads)
        self.loads, self.local = set(), set()
        if len(loads) == 1:
            lines.insert(0, f"v{loads[0]} = V[{loads[0]}]")
        elif loads:
            getter = self.names.ref(itemgetter(*loads), "L")
            lines.insert(0, f"{', '.join(f'v{k}' for k in loads)} = {getter}(V)")
        # CPython 3.11 specialises bytecode after eight calls or backward jumps; a chunk
        # runs once per tape run, so eight empty turns spare its first runs ~25%.
        lines = ["for _ in SPECIALISE_NOW: pass", *lines]
        source = f"def chunk({arguments}):\n    " + "\n    ".join(lines)
        self.namespace.update(NAMES)  # what traced expressions refer to
        code = compile(source, "<autograd_engine.codegen>", "exec")
        del source
        exec(code, self.namespace)
        return self.namespace.pop("chunk")  # type: ignore[no-any-return]  # exec defined it

    # ---- one function (a tape that fits one chunk) ---------------------------------------

    def whole(self, out: int, watched: list[int]) -> Chunk:
        """Forward and backward as one function of ``(V, G, backward, seed)``, values in
        locals; it returns the output and the watched values.

        Only what a wide node reads through ``V`` is stored there; the seed is an argument,
        so ``G`` holds only the leaves' gradients (or every slot, for a wide node's loop).
        """
        wide = (p for node in self.ops if nc.is_wide(node) for p in node.parents)
        self.stored = {self.slot[p] for p in wide}
        lines = [line for node in self.ops for line in self._forward(node)]
        shown = "".join(f"{self.value(k)}, " for k in watched)
        lines += [
            f"results = {self.value(out)}, ({shown})",
            "if not backward:",
            "    return results",
        ]
        sweep = Sweep(self, nc.needs_grad(self.order))
        sweep.start(out, "0.0 + seed")  # as backward() adds the seed to a zeroed gradient
        for node in reversed(self.ops):
            if sweep.needs[node]:
                sweep.node(node)
        return self.compile([*lines, *sweep.close(), "return results"], "V, G, backward, seed")

    # ---- forward -----------------------------------------------------------------------

    def forward_chunks(self) -> list[Chunk]:
        """The forward pass, node by node in topological order, as functions of ``V``."""
        chunks: list[Chunk] = []
        lines: list[str] = []
        for node in self.ops:
            lines.extend(self._forward(node))
            if len(lines) >= CHUNK_LINES:
                chunks.append(self.compile(lines, "V"))
                lines = []
        if lines:
            chunks.append(self.compile(lines, "V"))
        return chunks

    def _forward(self, node: Value) -> list[str]:
        """``V[i] = v<i> = ...``: every value is kept in its slot for the backward chunks."""
        s = self.slot[node]
        u = self.pre.get(node)
        pre = f"v{u}"
        if nc.is_wide(node):
            values = self.names.ref(tuple(self.slot[p] for p in node.parents), "K")
            total, out = nc.wide_forward(
                self.names, self.specs[node], f"map(V.__getitem__, {values})", pre
            )
        else:
            inputs = [self.value(self.slot[p]) for p in node.parents]
            total, out = nc.forward_texts(self.names, self.specs[node], inputs, pre)
        lines = []
        if total is not None:
            lines.append(f"{self._store(u)}v{u} = {total}")  # type: ignore[arg-type]  # fused: u
            self.local.add(u)  # type: ignore[arg-type]  # a fused neuron has a pre-activation slot
        lines.append(f"{self._store(s)}v{s} = {out}")
        self.local.add(s)
        return lines

    def _store(self, k: int) -> str:
        """``V[k] = `` where value ``k`` must reach ``V`` (in chunks: every value)."""
        return f"V[{k}] = " if self.stored is None or k in self.stored else ""

    # ---- backward ----------------------------------------------------------------------

    def backward_chunks(self) -> list[Chunk]:
        """The reverse sweep, outputs first, as functions of ``V`` and ``G``."""
        needs = nc.needs_grad(self.order)
        sweep = Sweep(self, needs)
        chunks: list[Chunk] = []
        for node in reversed(self.ops):
            if needs[node]:
                sweep.node(node)
                if len(sweep.lines) >= CHUNK_LINES:
                    chunks.append(self.compile(sweep.close(), "V, G"))
        lines = sweep.close()
        if lines:
            chunks.append(self.compile(lines, "V, G"))
        return chunks
