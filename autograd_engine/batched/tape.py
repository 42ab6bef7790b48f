"""``record_batch`` and ``BatchedTape``: one sample's graph compiled once, run over batches.

The package docstring (``autograd_engine.batched``) says what batched replay is and which
roles the graph's leaves take. This module holds what users call: recording (roles
checked, the program written) and running (batch shapes checked, parameters gathered into
one array, gradients written back).

Parameters are gathered into one array at the start of each run and gradients written
back into ``.grad`` at its end, so the Values are in sync whenever user code can see them.
That costs one Python step per parameter each way (measured on 2 shared cores: 4 ms to
read and 7 ms to write MLP(784, [32, 10])'s 25,450 parameters, against 1.7 ms for the
batch of 100 itself), so a loop over many small batches may keep its parameters in an
array instead: ``run(X, Y, parameters=array, write=False)`` reads ``array`` and leaves the
step's gradients in ``tape.gradients``; ``read_parameters``/``write_parameters`` bring
the Values in sync when user code looks (a callback, the end of an epoch). That is what
``fit(..., replay=True)`` does (``nn.batched_step``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from autograd_engine.batched.errors import BatchingError, require_numpy
from autograd_engine.graph import topological_order
from autograd_engine.value import Value

if TYPE_CHECKING:
    from autograd_engine.batched.program import Plan, Program


def record_batch(
    sample_loss: Value,
    *,
    params: Iterable[Value] | None = None,
    inputs: Sequence[Value] = (),
    targets: Sequence[Value] = (),
    watch: Sequence[Value] = (),
    reduction: str = "mean",
    exact: bool = False,
) -> BatchedTape:
    """Compile one sample's loss into a ``BatchedTape`` that runs whole batches.

    Args:
        sample_loss: the loss of one sample, built from Values.
        params: the shared trainable leaves (``model.parameters()``); leaves with
            ``kind == "parameter"`` count as parameters anyway.
        inputs: the leaves of that sample's inputs: column ``k`` of ``X`` feeds ``inputs[k]``.
        targets: the leaves of its targets: column ``k`` of ``Y``.
        watch: interior nodes whose per-sample values each run keeps (``tape.watched``).
        reduction: ``"mean"`` or ``"sum"``, how per-sample losses make the loss.
        exact: add each layer's sums in the scalar engine's order (bias first, then
            left to right) instead of ``W @ X``: every per-sample value is then the
            scalar build's to the bit, so a pre-activation that cancels to exactly 0
            takes the same side of a relu kink; slower for wide layers (an
            ``(outputs, inputs, batch)`` array of products per layer).

    Raises:
        BatchingError: a role is wrong (an input that is not a leaf of the graph), or the
            graph holds what cannot be batched (``where``, a rule not from the op table).
        ImportError: NumPy is not installed.

    >>> from autograd_engine import Value
    >>> w, x, y = Value(0.5, label="w"), Value(0.0), Value(0.0)
    >>> tape = record_batch((w * x - y) ** 2, params=[w], inputs=[x], targets=[y])
    >>> tape.run([[1.0], [2.0]], [3.0, 1.0])        # mean of (0.5 - 3)^2 and (1 - 1)^2
    3.125
    >>> w.grad                                      # mean of 2 (w x - y) x
    -2.5
    >>> tape.losses.tolist()
    [6.25, 0.0]
    """
    require_numpy()
    if not isinstance(sample_loss, Value):
        raise TypeError(f"record_batch: the loss must be a Value, got {type(sample_loss).__name__}")
    if reduction not in ("mean", "sum"):
        raise BatchingError(f"record_batch: reduction must be 'mean' or 'sum', got {reduction!r}")
    return BatchedTape(
        sample_loss, params, list(inputs), list(targets), list(watch), reduction, exact
    )


class BatchedTape:
    """One sample's graph, compiled to run over batches; build it with ``record_batch``.

    After a run: ``losses`` (per-sample losses, shape ``(batch,)``), ``watched`` (the
    watched nodes' values, ``(batch, len(watch))``) and ``gradients`` (the step's
    gradients, aligned with ``parameters``) hold that run's arrays.

    >>> from autograd_engine import Value, affine_layer
    >>> w = [(Value(1.0), Value(-1.0), Value(0.0))]
    >>> xs = (Value(0.0), Value(0.0))
    >>> (score,) = affine_layer(w, xs, "relu")
    >>> tape = record_batch(score, inputs=xs, reduction="sum")
    >>> tape
    BatchedTape(3 parameters, 2 inputs, 0 targets, 1 layers, reduction='sum')
    >>> tape.forward([[3.0, 1.0], [1.0, 3.0]]).tolist()   # relu kinks per sample
    [2.0, 0.0]
    """

    def __init__(
        self,
        loss: Value,
        params: Iterable[Value] | None,
        inputs: list[Value],
        targets: list[Value],
        watch: list[Value],
        reduction: str,
        exact: bool = False,
    ) -> None:
        from autograd_engine.batched.program import make_plan, write_program
        from autograd_engine.batched.roles import anomaly_check, columns_of, feed, specs_of

        np = require_numpy()
        self._np = np
        self._feed_batch, self._anomaly_check = feed, anomaly_check
        order = topological_order(loss)
        self._order, self._loss, self._reduction = order, loss, reduction
        self._inputs, self._targets, self._watch = inputs, targets, watch
        columns = columns_of(order, params, inputs, targets, watch)
        self._plan: Plan = make_plan(order, specs_of(order), columns)
        self._program: Program = write_program(self._plan, loss, watch, exact)
        shared = self._plan.shared
        self._live = [leaf for leaf in shared if leaf.kind != "constant"]
        self._live_slots = np.array([self._plan.slot[leaf] for leaf in self._live], dtype=np.intp)
        self._base = np.array([leaf.data for leaf in shared], dtype=float)
        m = len(self._live)
        self._all_live = m == len(shared)  # then slots are 0, 1, ... in order
        # The live leaves' slots as a slice when they come first (no constant in a layer).
        prefix = self._live_slots.tolist() == list(range(m))
        self._live_index: Any = slice(0, m) if prefix else self._live_slots
        self.losses: Any = np.zeros(0)
        self.watched: Any = np.zeros((0, len(watch)))
        self.gradients: Any = np.zeros(len(self._live))

    @property
    def parameters(self) -> list[Value]:
        """The shared leaves whose gradients a run writes, in the order of ``gradients``."""
        return list(self._live)

    @property
    def source(self) -> str:
        """The generated NumPy program, for reading."""
        return str(getattr(self._program, "source", ""))

    def __repr__(self) -> str:
        return (
            f"BatchedTape({len(self._live)} parameters, {len(self._inputs)} inputs, "
            f"{len(self._targets)} targets, {len(self._plan.layers)} layers, "
            f"reduction={self._reduction!r})"
        )

    # ---- running ----------------------------------------------------------------------

    def run(self, X: Any, Y: Any = None, *, parameters: Any = None, write: bool = True) -> float:
        """Forward and backward over the batch; add the gradients into the parameters' ``.grad``.

        Args:
            X: per-sample inputs, shape ``(batch, len(inputs))`` (a list of rows works).
            Y: per-sample targets, ``(batch, len(targets))``, or ``(batch,)`` for one target.
            parameters: optional array aligned with ``parameters`` to use instead of the
                Values' ``.data`` (for a loop that keeps its parameters in an array).
            write: False leaves every ``.grad`` alone; the step's gradients are then only
                in ``gradients``.

        Returns:
            The reduced loss (mean or sum of ``losses``) as a float.

        Raises:
            BatchingError: the batch does not fit (shape, empty).
            ValueError, ZeroDivisionError, OverflowError: a sample left an op's domain, as a
                scalar build would raise it, naming the op, the value and the sample.
        """
        np = self._np
        xs, ys, n = self.batch_columns(X, Y)
        self._anomaly_check(self, xs, ys, n)
        P = self._gather(parameters)
        seed = np.full(n, 1.0 / n if self._reduction == "mean" else 1.0)
        G = np.zeros(len(self._plan.shared))
        with np.errstate(all="ignore"):
            losses, watched = self._program(P, xs, ys, n, seed, True, G)
        self._publish(losses, watched)
        self.gradients = G if self._all_live else G[self._live_index]
        if write:
            for leaf, g in zip(self._live, self.gradients.tolist(), strict=True):
                leaf._grad += g
        total = float(self.losses.sum())
        return total / n if self._reduction == "mean" else total

    def forward(self, X: Any, Y: Any = None, *, parameters: Any = None) -> Any:
        """The per-sample losses of a batch, shape ``(batch,)``; no gradient is touched."""
        np = self._np
        xs, ys, n = self.batch_columns(X, Y)
        with np.errstate(all="ignore"):
            losses, watched = self._program(self._gather(parameters), xs, ys, n, None, False, None)
        self._publish(losses, watched)
        return self.losses

    def check(
        self,
        X: Any,
        Y: Any = None,
        *,
        samples: int = 3,
        build: Callable[[list[Value], list[Value]], Value] | None = None,
    ) -> None:
        """Compare the tape with fresh scalar builds of ``samples`` samples of the batch.

        Each chosen sample (spread over the batch, first and last included) is built again
        as ordinary Values: from the recorded graph's ops (by default), or by ``build(xs,
        ys)``, the user's own code on fresh leaves (``xs`` inputs, ``ys`` targets), which
        also catches a Python ``if`` that would have built another graph for that sample.
        Losses and parameter gradients must agree to 1e-9 relative (of the sum of the
        magnitudes of the terms); no ``.grad`` is touched.

        Raises:
            BatchingError: a sample's graph has another shape, or its numbers differ.
        """
        from autograd_engine.batched.roles import compare_samples

        compare_samples(self, X, Y, samples, build)

    # ---- internal API, for the checks against scalar builds (``batched.roles``) ------

    @property
    def plan(self) -> Plan:
        """What the program was written from: the graph in order, each per-sample leaf's
        column, each node's table entry (``batched.program.Plan``). Internal API."""
        return self._plan

    def batch_columns(self, X: Any, Y: Any) -> tuple[Any, Any, int]:
        """``X`` and ``Y`` checked against the recorded roles, as one row per column
        (``(len(inputs), batch)``), and the batch size. Internal API."""
        return self._feed_batch(self._np, X, Y, len(self._inputs), len(self._targets))

    def run_sample(self, x: Any, y: Any) -> tuple[float, list[float]]:
        """One sample through the program, ``x`` and ``y`` its columns (shape ``(k, 1)``):
        its loss and the gradients of ``parameters``; no ``.grad`` is touched. Internal API.
        """
        np = self._np
        G = np.zeros(len(self._plan.shared))
        with np.errstate(all="ignore"):
            out, _ = self._program(self._gather(None), x, y, 1, np.ones(1), True, G)
        return float(out[0]), G[self._live_slots].tolist()

    # ---- helpers ----------------------------------------------------------------------

    def read_parameters(self) -> Any:
        """The parameters' current ``.data``, an array aligned with ``parameters``."""
        np = self._np
        return np.fromiter(map(_data, self._live), dtype=float, count=len(self._live))

    def write_parameters(self, values: Any) -> None:
        """Set each parameter's ``.data`` from an array aligned with ``parameters``.

        With ``read_parameters`` and ``run(..., parameters=..., write=False)`` a loop may
        keep its parameters in an array and bring the Values in sync only when user code
        looks at them (a callback, the end of an epoch).
        """
        numbers = self._np.asarray(values, dtype=float).tolist()
        if len(numbers) != len(self._live):
            raise BatchingError(f"write_parameters: {len(numbers)} values for {len(self._live)}")
        for _ in map(setattr, self._live, repeat("_data"), numbers):
            pass

    def _gather(self, parameters: Any) -> Any:
        np = self._np
        if parameters is None:
            values = self.read_parameters()
            if self._all_live:  # no constant among the shared leaves: P is the values
                return values
        else:
            values = np.asarray(parameters, dtype=float)
            if values.shape != (len(self._live),):
                raise BatchingError(
                    f"parameters: expected shape ({len(self._live)},), got {values.shape}"
                )
            if self._all_live:
                return values
        P = self._base.copy()
        P[self._live_index] = values
        return P

    def _publish(self, losses: Any, watched: tuple[Any, ...]) -> None:
        np = self._np
        self.losses = np.array(losses, dtype=float)
        n = len(self.losses)
        self.watched = np.stack(watched, axis=1) if watched else np.zeros((n, 0))


_data = attrgetter("_data")
