"""The reverse sweep of a recorded graph as statements, chunk by chunk (for ``codegen``).

Each gradient is its start plus its terms, added in the order ``backward()`` adds them:
``0.0`` for an interior node (``backward()`` zeroes them), what ``.grad`` held for a
leaf. Within a chunk a gradient lives in a local variable (``g12``); it starts from
``G[12]`` when an earlier chunk wrote it there, and is written back to ``G`` when the
chunk closes if a later chunk reads it (a leaf's, or a node's whose own backward comes
later). A wide node (``node_code.is_wide``) calls its rule once and adds its terms into
``G`` by a loop, so the locals of its operands go to ``G`` first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd_engine import node_code as nc
from autograd_engine.value import Rule, Value

if TYPE_CHECKING:
    from autograd_engine.codegen import Writer


class Sweep:
    """Reverse-sweep statements: each gradient is its start (0.0) plus terms in sweep order."""

    def __init__(self, writer: Writer, needs: dict[Value, bool]) -> None:
        self.writer = writer
        self.names = writer.names
        self.slot = writer.slot
        self.needs = needs
        self.touched: set[int] = set()  # gradients written so far (into G or a local)
        self.lines: list[str] = []
        self.local: set[int] = set()  # gradients held in locals of the current chunk
        self.dirty: set[int] = set()  # locals to write back to G when the chunk closes
        self.done: set[int] = set()  # nodes whose backward ran in the current chunk

    def close(self) -> list[str]:
        """The chunk's lines, ending by storing the gradients later chunks read."""
        lines = self.lines
        lines.extend(f"G[{k}] = g{k}" for k in sorted(self.dirty - self.done))
        self.lines, self.local, self.dirty, self.done = [], set(), set(), set()
        return lines

    def start(self, k: int, text: str) -> None:
        """Node ``k``'s gradient starts as ``text`` (the output's seed), held in a local."""
        self.lines.append(f"g{k} = {text}")
        self.local.add(k)
        self.touched.add(k)

    def grad(self, k: int) -> str:
        """A node's own gradient, complete by now; read from G if an earlier chunk holds it."""
        if k not in self.local:
            self.lines.append(f"g{k} = G[{k}]")
            self.local.add(k)
        return f"g{k}"

    def node(self, node: Value) -> None:
        spec_params = self.writer.specs[node]
        spec = spec_params[0]
        s = self.slot[node]
        g = self.grad(s)
        u = self.writer.pre.get(node)
        fused = spec.layout == "neuron"
        block: list[str] = []
        if fused and spec.activation is not None:
            # The terms use the gradient that reaches the pre-activation sum.
            value = self.writer.value
            slope, call = nc.slope_text(self.names, spec, g, value(s), value(u))  # type: ignore[arg-type]
            self.lines.extend([] if call is None else [call])
            self.lines.append(f"{g} = {slope}")
        rule = nc.node_rule(node, spec)
        if nc.is_wide(node):
            first = self._wide(node, rule, g, spec_params, block)
        else:
            first = self._edges(node, rule, g, spec_params, block)
        if nc.skips_at_zero(spec):
            total = self.writer.value(u if fused else s)  # type: ignore[arg-type]
            self.lines.append(f"if {g} or {total} - {total}:")
            self.lines.extend(f"    {line}" for line in block)
            if first:
                self.lines.append("else:")
                self.lines.extend(f"    {line}" for line in first)
        else:
            self.lines.extend(block)
        self.done.add(s)

    def _edges(
        self, node: Value, rule: Rule, g: str, spec_params: nc.SpecParams, block: list[str]
    ) -> list[str]:
        """One statement per edge into ``block``; returns what a skipped block must set."""
        s = self.slot[node]
        value = self.writer.value
        inputs = [value(self.slot[p]) for p in node.parents]
        terms, call = nc.gradient_terms(self.names, rule, g, value(s), inputs, spec_params)
        block.extend([] if call is None else [call])
        first = []
        for parent, term in zip(node.parents, terms, strict=True):
            if not self.needs[parent]:
                continue
            j = self.slot[parent]
            if j in self.local:
                block.append(f"g{j} += {term}")
                continue
            # Leaves start from what they hold; a gradient an earlier chunk wrote, from G.
            base = f"G[{j}]" if j in self.touched or not parent._parents else "0.0"
            block.append(f"g{j} = {base} + ({term})")
            first.append(f"g{j} = {base}")
            self.local.add(j)
            self.dirty.add(j)
            self.touched.add(j)
        return first

    def _wide(
        self, node: Value, rule: Rule, g: str, spec_params: nc.SpecParams, block: list[str]
    ) -> list[str]:
        """The rule called on all operands and its terms added into G by a loop."""
        parents = node.parents
        slots = tuple(self.slot[p] for p in parents)
        # The loop adds into G: gradients of these operands held in locals go there first.
        held = self.local.intersection(slots)
        self.lines.extend(f"G[{k}] = g{k}" for k in sorted(held & self.dirty))
        self.local -= held
        self.dirty -= held
        self.touched.update(slots)
        spec, params = spec_params
        bound = spec.bind(params) if rule is spec.rule else rule
        s = self.slot[node]
        operands = self.names.ref(slots, "K")
        rule_name = self.names.ref(bound, "R")
        out = self.writer.value(s)
        block.append(f"r = {rule_name}({g}, {out}, *map(V.__getitem__, {operands}))")
        block.append(f"for k, term in zip({operands}, r):")
        block.append("    G[k] += term")
        return []
