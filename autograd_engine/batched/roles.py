"""The scalar side of batched replay: leaves' roles, batches' shapes, fresh scalar builds.

``columns_of`` checks the roles given to ``record_batch`` and says which leaf reads which
column of ``X`` and ``Y``, ``feed`` checks a batch's shape against them; ``specs_of``
finds each node's op-table entry and refuses what a batch cannot run. ``rebuild`` builds
one sample's graph again as ordinary Values, op by op through the table (the scalar
engine itself), which ``BatchedTape.check`` compares with the batched program and
``detect_anomaly()`` runs instead of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from autograd_engine.batched.errors import BatchingError, name_of, require_numpy
from autograd_engine.codegen import spec_of
from autograd_engine.modes import current_mode
from autograd_engine.neuron import affine
from autograd_engine.nodes import constant
from autograd_engine.value import Value

if TYPE_CHECKING:
    from autograd_engine.batched.program import Spec
    from autograd_engine.batched.tape import BatchedTape


def _error(message: str) -> Exception:
    return BatchingError(message)


_name = name_of


def columns_of(
    order: list[Value],
    params: Iterable[Value] | None,
    inputs: list[Value],
    targets: list[Value],
    watch: list[Value],
) -> dict[Value, str]:
    """Each per-sample leaf's column (``"X[k]"``, ``"Y[k]"``), roles checked."""
    nodes = set(order)
    listed = set(params) if params is not None else set()
    columns: dict[Value, str] = {}
    for role, leaves, matrix in (("inputs", inputs, "X"), ("targets", targets, "Y")):
        for k, leaf in enumerate(leaves):
            if not isinstance(leaf, Value):
                raise _error(f"{role}: expected Values, got {type(leaf).__name__}")
            if leaf in columns:
                raise _error(f"{role}: {_name(leaf)} is listed twice")
            if leaf in nodes and leaf._parents:
                raise _error(f"{role}: {_name(leaf)} is an interior node, not a leaf")
            if leaf.kind in ("constant", "parameter") or leaf in listed:
                shown = "a parameter" if leaf.kind != "constant" else "a constant"
                raise _error(f"{role}: {_name(leaf)} is {shown}; a per-sample leaf cannot be")
            columns[leaf] = f"{matrix}[{k}]"
    for node in watch:
        if not isinstance(node, Value) or node not in nodes:
            shown = _name(node) if isinstance(node, Value) else repr(node)
            raise _error(f"watch: {shown} is not a node of the recorded graph")
    for p in listed:
        if not isinstance(p, Value):
            raise _error(f"params: expected Values, got {type(p).__name__}")
        if p in nodes and (p._parents or p.kind == "constant"):
            raise _error(f"params: {_name(p)} is not a parameter leaf of the graph")
    if params is not None:
        for leaf in order:
            if leaf.kind == "parameter" and leaf not in listed:
                raise _error(
                    f"{_name(leaf)} is marked as a parameter but is not in params "
                    "(was the graph built from another model?)"
                )
    return columns


def feed(np: Any, X: Any, Y: Any, n_inputs: int, n_targets: int) -> tuple[Any, Any, int]:
    """``X`` and ``Y`` as one row per column (``(n_inputs, batch)``), and the batch size."""
    given = [
        (name, _matrix(np, values, width, name))
        for name, values, width in (("X", X, n_inputs), ("Y", Y, n_targets))
        if width or values is not None
    ]
    sizes = {name: array.shape[0] for name, array in given}
    if len(set(sizes.values())) > 1:
        raise _error(f"X has {sizes['X']} rows and Y {sizes['Y']}; one row per sample")
    n = next(iter(sizes.values()), 0)
    if n == 0:
        raise _error("an empty batch (or no inputs and no targets): nothing to run")
    arrays = dict(given)
    xs, ys = (
        np.ascontiguousarray(arrays[name].T) if name in arrays else np.zeros((0, n))
        for name in ("X", "Y")
    )
    return xs, ys, n


def _matrix(np: Any, values: Any, width: int, name: str) -> Any:
    """``values`` as a float array ``(batch, width)``; a flat array for one column."""
    if values is None:
        raise _error(f"{name} is missing: the tape was recorded with {width} columns")
    array = np.asarray(values, dtype=float)
    if array.ndim == 1 and width == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2 or array.shape[1] != width:
        raise _error(
            f"{name} has shape {array.shape}; expected (batch, {width}), one column per "
            f"recorded {'input' if name == 'X' else 'target'}"
        )
    return array


def specs_of(order: list[Value]) -> dict[Value, Spec]:
    """Each op node's table entry; a ``BatchingError`` for what cannot be batched."""
    specs = {}
    for node in order:
        if not node._parents:
            continue
        found = spec_of(node)
        if found is None:
            raise _error(
                f"cannot batch {_name(node)}: its derivative rule is not from the op table"
            )
        spec = found[0]
        if spec.chosen_when_built:
            raise _error(
                f"cannot batch {_name(node)}: {spec.name} picks by a {'/'.join(spec.params)} "
                "computed in Python when the graph was built, so every sample would take "
                "the recorded sample's side; write the choice with ops that decide per "
                "element (relu, abs, maximum, minimum, clamp, sign)"
            )
        specs[node] = found
    return specs


def rebuild(tape: BatchedTape, x: list[float], y: list[float]) -> tuple[Value, dict[Value, Value]]:
    """One sample's graph built again from its numbers, op by op: (loss, recorded → fresh)."""
    plan = tape.plan
    fresh: dict[Value, Value] = {}
    for node in plan.order:
        if not node._parents:
            column = plan.columns.get(node)
            if column is None:
                fresh[node] = node if node.kind != "constant" else constant(node.data)
            else:
                fresh[node] = Value((x if column[0] == "X" else y)[int(column[2:-1])])
            continue
        spec, params = plan.specs[node]
        parents = [fresh[p] for p in node.parents]
        if spec.layout == "neuron":
            n = (len(parents) - 1) // 2
            act = spec.activation.name if spec.activation is not None else "linear"
            made = affine(tuple(parents[: n + 1]), tuple(parents[n + 1 :]), act)
        else:
            made = spec(*parents, **dict(zip(spec.params, params, strict=True)))
        assert isinstance(made, Value)  # Values in give a Value out
        fresh[node] = made
    return fresh[plan.order[-1]], fresh


def _rows(tape: BatchedTape, X: Any, Y: Any) -> tuple[Any, Any, int]:
    xs, ys, n = tape.batch_columns(X, Y)
    return xs.T, ys.T, n


def _scalar_sample(
    tape: BatchedTape, x: list[float], y: list[float], j: int, build: Callable[..., Value] | None
) -> tuple[Value, list[float]]:
    """Sample ``j`` built as scalars and differentiated: (loss, gradients of parameters)."""
    from autograd_engine.batched.checks import in_sample
    from autograd_engine.differentiate import grad

    try:
        if build is None:
            loss, _ = rebuild(tape, x, y)
        else:
            loss = build([Value(v) for v in x], [Value(v) for v in y])
            _same_shape(tape, loss, j)
        grads = grad(loss, tape.parameters)
    except (ArithmeticError, ValueError) as exc:
        if getattr(exc, "sample", None) is not None or isinstance(exc, BatchingError):
            raise
        raise in_sample(exc, j) from None
    return loss, [float(g) for g in grads]


def _same_shape(tape: BatchedTape, loss: Value, j: int) -> None:
    """BatchingError unless sample ``j``'s graph built by the user's code is the recorded one."""
    from autograd_engine.graph import topological_order
    from autograd_engine.replay_roles import ReplayError, compare_graphs

    plan = tape.plan
    try:
        compare_graphs(plan.order, plan.index, topological_order(loss))
    except ReplayError as exc:
        difference = str(exc).removeprefix("check: ")
        raise _error(
            f"check: sample {j} built with the given code: {difference}; it cannot be batched"
        ) from None


def compare_samples(
    tape: BatchedTape, X: Any, Y: Any, samples: int, build: Callable[..., Value] | None
) -> None:
    """``BatchedTape.check``: chosen samples built as scalars, compared with the tape."""
    np = require_numpy()
    xs, ys, n = _rows(tape, X, Y)
    chosen = sorted(set(np.linspace(0, n - 1, max(1, min(samples, n))).round().astype(int)))
    for j in chosen:
        x, y = xs[j].tolist(), ys[j].tolist()
        loss, expected = _scalar_sample(tape, x, y, j, build)
        out, got = tape.run_sample(xs[j : j + 1].T.copy(), ys[j : j + 1].T.copy())
        if not _close(out, loss.data):
            raise _error(
                f"check: sample {j}: the tape gives loss {out!r}, a fresh build {loss.data!r}"
            )
        for leaf, a, b in zip(tape.parameters, got, expected, strict=True):
            if not _close(a, b):
                raise _error(
                    f"check: sample {j}: gradient of {_name(leaf)}: tape {a!r}, fresh build {b!r}"
                )


def _close(a: float, b: float) -> bool:
    if a == b or (a != a and b != b):
        return True
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def anomaly_check(tape: BatchedTape, xs: Any, ys: Any, n: int) -> None:
    """Under ``detect_anomaly()``: every sample built as scalars first, to stop where it would."""
    if not current_mode().anomaly:
        return
    for j in range(n):
        _scalar_sample(tape, xs[:, j].tolist(), ys[:, j].tolist(), j, None)
