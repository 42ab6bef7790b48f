"""Graph replay: record a graph once, then re-run its forward and backward without building it.

A training loop builds the same graph every step: the same ops on the same parameters,
only the numbers change. ``record(loss)`` walks that graph once into two lists of steps
that run with the op table's functions (``autograd_engine.interpret``), which costs a
few times what building the graph did; once its runs have cost as much CPU time as
compiling will, the tape compiles itself into straight-line Python
(``autograd_engine.codegen``: ``v12 = v3 * v7`` for every node, ``g3 += g12 * v7`` for
every edge), about five times faster per run (``record(..., compile=True)`` compiles at
once). The same bits either way. ``tape.run()`` then reads the leaves' current
``.data`` (new weights after an optimizer step, new inputs), recomputes every value and
adds the gradients into the leaves' ``.grad`` exactly as ``loss.backward()`` would: the
same floating-point operations in the same order, so the same bits, kinks (``relu`` at 0)
included. No node is created, so there is no garbage to collect either. Under
``detect_anomaly()`` a run first takes the slow path op by op, to stop at the first NaN or
infinity with the message a build would give.

What a tape cannot see is Python control flow: ``if x.data > 0:`` in user code picks one
branch while recording and the tape keeps it. Ops re-evaluate their own branches
(``relu``, ``abs``, ``leaky_relu``), but a graph whose shape depends on the data must be
rebuilt, or checked with ``tape.check(fresh_loss)`` now and then. Numbers written into
the expression (``2 * x``, labels passed as plain floats) are recorded as constants:
anything that changes between steps must be a leaf Value whose ``.data`` you set.

Roles of leaves, fixed when recording and checked on every run:

- constants (``kind == "constant"``): baked in; changing their data raises ``ReplayError``;
- parameters (``kind == "parameter"`` or listed in ``params``) and every other leaf:
  read on every run, gradients written like ``backward()`` writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat
from operator import attrgetter
from typing import Any

from autograd_engine.floats import to_float
from autograd_engine.graph import topological_order
from autograd_engine.interpret import Tiered, step_by_step
from autograd_engine.modes import current_mode
from autograd_engine.replay_roles import (
    Feed,
    ReplayError,
    apply_feed,
    check_fresh,
    check_inputs,
    check_params,
    check_roles,
    check_watch,
    recordable,
)
from autograd_engine.value import Value

__all__ = ["Feed", "ReplayError", "Tape", "record"]

# The slots, not the properties: the engine's numbers are floats already.
_data = attrgetter("_data")
_grad = attrgetter("_grad")
_kind = attrgetter("kind")


def record(
    output: Value,
    *,
    params: Iterable[Value] | None = None,
    inputs: Iterable[Value] | None = None,
    watch: Iterable[Value] = (),
    compile: bool | None = None,
) -> Tape:
    """Record the graph behind ``output`` into a ``Tape`` that re-runs it on new leaf values.

    Args:
        output: the node to differentiate (a loss).
        params: the trainable leaves, e.g. ``model.parameters()``. Optional: leaves with
            ``kind == "parameter"`` count as parameters anyway; when given, each must be a
            leaf of the graph (or unused) and no other leaf may be marked as a parameter.
        inputs: leaves to feed by position with ``tape.run([...])``; each must be a
            non-constant leaf of the graph.
        watch: interior nodes whose ``.data`` each run refreshes (scores for an accuracy).
        compile: None (default) interprets the tape until its runs have cost as much as
            compiling it will, then compiles (recording stays cheap; a run never costs
            much more than a fresh build); True compiles now (~15 us per node and edge,
            for a tape that will run many times); False never compiles.

    Raises:
        ReplayError: a listed Value is not a leaf of the graph, or plays another role.

    >>> from autograd_engine import Value
    >>> w, x = Value(2.0), Value(3.0)
    >>> loss = (w * x).relu()
    >>> tape = record(loss, params=[w], inputs=[x])
    >>> tape.run([-1.0]), w.grad          # relu is dead at x = -1
    (0.0, 0.0)
    >>> tape.run([4.0]), w.grad
    (8.0, 4.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"record: output must be a Value, got {type(output).__name__}")
    return Tape(output, params, inputs, list(watch), compile)


class Tape:
    """A recorded graph, interpreted until compiling pays, then compiled; build it with ``record``.

    ``run`` re-runs forward and backward, ``forward`` only the values, ``check`` compares
    the tape with a freshly built graph. A tape keeps its recorded nodes alive (they name
    the op in error messages and are what ``check`` compares against).

    >>> from autograd_engine import Value
    >>> w = Value(0.5)
    >>> w.kind = "parameter"
    >>> tape = record((w * 4.0).tanh())
    >>> tape
    Tape(4 nodes, 1 parameters, 0 other leaves, 1 constants)
    >>> for _ in range(3):  # gradient descent on tanh(4w), replayed
    ...     w.grad = 0.0
    ...     loss = tape.run()
    ...     w.data -= 0.1 * w.grad
    >>> round(loss, 6), round(w.data, 6)
    (0.940979, 0.390808)
    """

    def __init__(
        self,
        output: Value,
        params: Iterable[Value] | None,
        inputs: Iterable[Value] | None,
        watch: list[Value],
        compile: bool | None = None,
    ) -> None:
        order = topological_order(output)
        index = {node: i for i, node in enumerate(order)}
        self._output = output
        self._order = order
        self._index = index
        leaves = [node for node in order if not node._parents]
        self._leaves = leaves
        self._kinds = list(map(_kind, leaves))
        self._constants = [leaf for leaf in leaves if leaf.kind == "constant"]
        self._constant_data = list(map(_data, self._constants))
        self._grad_leaves = [leaf for leaf in leaves if leaf.kind != "constant"]
        self._feedable = set(self._grad_leaves)
        self._parameters = check_params(params, index, leaves)
        self._inputs = check_inputs(inputs, index, self._feedable)
        self._watch = check_watch(watch, index)
        specs = {node: recordable(node) for node in order if node._parents}
        self._specs = specs
        self._program = Tiered(order, index, specs, self._grad_leaves, self._watch, compile)

    # ---- what was recorded ------------------------------------------------------------

    @property
    def output(self) -> Value:
        """The recorded output; each run refreshes its ``.data``."""
        return self._output

    @property
    def parameters(self) -> list[Value]:
        """Leaves recorded as parameters, in graph order."""
        return list(self._parameters)

    @property
    def inputs(self) -> list[Value]:
        """The leaves ``run`` feeds by position (those passed as ``inputs``)."""
        return list(self._inputs)

    @property
    def constants(self) -> list[Value]:
        """Leaves baked into the tape."""
        return list(self._constants)

    @property
    def compiled(self) -> bool:
        """Whether runs execute compiled code; else they interpret the graph step by step.

        A tape starts interpreted (unless recorded with ``compile=True``) and compiles
        once its interpreted runs have cost as much CPU time as compiling it will. Both
        give the same bits.
        """
        return self._program.compiled

    def compile(self) -> None:
        """Compile the tape now (~15 us per node and edge), for the runs still to come.

        >>> from autograd_engine import Value
        >>> x = Value(3.0)
        >>> tape = record(x * x + 1)
        >>> tape.compiled
        False
        >>> tape.compile()
        >>> tape.compiled, tape.run(), x.grad
        (True, 10.0, 6.0)
        """
        if not self._program.compiled:
            self._program.compile()

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:
        return (
            f"Tape({len(self._order)} nodes, {len(self._parameters)} parameters, "
            f"{len(self._grad_leaves) - len(self._parameters)} other leaves, "
            f"{len(self._constants)} constants)"
        )

    # ---- running ----------------------------------------------------------------------

    def run(self, feed: Feed | None = None, *, grad: float = 1.0) -> float:
        """Recompute the graph on the leaves' current data and add gradients into ``.grad``.

        Like ``output.backward(grad)`` after a fresh build: leaves accumulate (zero them
        first, as for ``backward``), and the result is bit for bit the same.

        Args:
            feed: new leaf values, as ``{leaf: number}`` or as numbers in the order of the
                ``inputs`` given to ``record``; or None to use the current ``.data``.
            grad: the seed, d(final)/d(output).

        Returns:
            The output's new value (also written to ``output.data``).

        Raises:
            ReplayError: a constant's data or a leaf's ``kind`` changed since recording,
                or ``feed`` names a Value that is not a non-constant leaf of the tape.
        """
        seed = to_float(grad)
        out, watched, grads = self._execute(feed, seed, backward=True)
        # The program's numbers are floats already: write the slots, not through the setter.
        for _ in map(setattr, self._grad_leaves, repeat("_grad"), grads):
            pass
        if self._output._parents:  # as backward() leaves it; a leaf output was written above
            self._output.grad = 0.0 + seed
        return self._publish(out, watched)

    def forward(self, feed: Feed | None = None) -> float:
        """Recompute the output from the leaves' current data; no gradient is touched.

        >>> from autograd_engine import Value
        >>> x = Value(3.0)
        >>> tape = record(x * x + 1)
        >>> tape.forward({x: 2.0}), x.data
        (5.0, 2.0)
        """
        out, watched = self._execute(feed, 0.0, backward=False)
        return self._publish(out, watched)

    def check(self, fresh: Value) -> None:
        """Raise ``ReplayError`` unless replaying gives exactly what ``fresh`` gives.

        ``fresh`` is the same output built again by the same code (after ``run`` or an
        optimizer step). The shapes must match op for op; parameters must be the very
        same leaves; constants must hold the same numbers. The tape is then run on the
        fresh graph's leaf values and its output and gradients compared with ``fresh``'s
        (via ``grad``; no ``.grad`` is touched). A Python branch on data that changed the
        graph shows up here.

        >>> from autograd_engine import Value
        >>> x = Value(3.0)
        >>> tape = record(x * x)
        >>> tape.check(x * x)
        >>> tape.check(x * x * x)
        Traceback (most recent call last):
        ...
        autograd_engine.replay.ReplayError: check: the fresh graph has 3 nodes, the tape 2; \
the code built another graph (a Python branch on data?)
        """
        check_fresh(fresh, self._order, self._index, self._program, len(self._grad_leaves))

    # ---- helpers ----------------------------------------------------------------------

    def _execute(self, feed: Feed | None, seed: float, *, backward: bool) -> tuple[Any, ...]:
        """Apply ``feed``, refuse leaves whose role changed, run the program on the leaves."""
        if feed is not None:
            apply_feed(feed, self._inputs, self._feedable, self._index)
        check_roles(self._leaves, self._kinds, self._constants, self._constant_data)
        if current_mode().anomaly:  # the slow path, so that detect_anomaly() works here too
            found = self._step_by_step(seed, backward=backward, anomaly=True)
            if found is not None:
                raise found
        starts = list(map(_grad, self._grad_leaves)) if backward else ()
        try:
            return self._program(self._leaves, starts, seed, backward)
        except (ArithmeticError, ValueError) as exc:
            raise self._explain(exc) from exc

    def _publish(self, out: float, watched: tuple[float, ...]) -> float:
        self._output._data = out  # floats from the program: no conversion needed
        for _ in map(setattr, self._watch, repeat("_data"), watched):
            pass
        return out

    def _explain(self, exc: BaseException) -> BaseException:
        """Redo the step slowly, op by op, to name the op that failed, as a build would."""
        return self._step_by_step(1.0, backward=True, anomaly=False) or exc

    def _step_by_step(self, seed: float, *, backward: bool, anomaly: bool) -> BaseException | None:
        return step_by_step(self._order, self._specs, seed, backward=backward, anomaly=anomaly)
