"""A training step on a batched tape: one sample's graph recorded once, run over any batch.

``fit(..., replay=True)`` uses this when the loss has a per-sample form
(``nn.sample_losses``): the model and the loss are built once for one sample, with the
inputs and the targets as leaves, and recorded with the engine's ``record_batch``; every
step then runs that tape over the step's rows (a mini-batch of any size, the last short
one included, or the full batch) as arrays.

While ``fit`` runs, the parameters are kept in one array (``nn.array_optim``): the tape
reads them from it and returns the gradients as an array, and the optimizer's own formula
updates the array. Reading 24,000 weights out of their Values and writing them back would
cost more than the step itself. The Values are written back whenever user code can see
them: before every callback, and when ``fit`` returns (normally, on Ctrl-C or on an
error), together with the last step's gradients in ``.grad`` and the optimizer's state, so
the model and the optimizer end exactly as if every step had run on them. An optimizer
without an array form (a user's subclass) runs on the Values: the tape adds its gradients
into ``.grad`` and ``optimizer.step()`` runs as in the dynamic path.

The L2 term is not in the recorded graph (it is not a per-sample quantity): it is added
here with the table's own ``dot`` on floats, ``alpha * dot(p, p)``, and its gradient as
``dot``'s rule gives it, ``alpha * p`` once per operand, so the numbers are the engine's.
Clipping is ``clip_grad_norm``'s formula on the gradient array.

The batched tape agrees with a fresh scalar build to rounding (its sums run over arrays,
in another order), not bit for bit; ``replay="graph"`` keeps the full-batch tape of the
whole graph, which is. Before the first step the tape is checked against the user's own
code on two samples (``tape.check(..., build=)``): a model that branches in Python on its
data (``if x.data > 0``) builds another graph for some samples and is refused there,
instead of being trained wrong.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import autograd_engine as ag
from autograd_engine import Value
from nn.array_optim import ArrayUpdate, array_update
from nn.optim import Optimizer, clip_grad_norm
from nn.sample_losses import PerSample

CHECKED_SAMPLES = 2  # samples of the first batch compared with a fresh build


class BatchedStep:
    """Training steps on a batched tape; ``step(rows)`` trains on those rows of the data.

    The data are turned into arrays once (``X`` as ``(samples, inputs)``, the targets
    encoded by the loss's per-sample form); the tape is recorded on the first step.
    Call ``write_back()`` to see the trained weights in the Values.

    >>> from nn import MLP, SGD, hinge, moons, to_signed
    >>> from nn.sample_losses import per_sample_form
    >>> X, y = moons(20, seed=0)
    >>> model = MLP(2, [4, 1], seed=0)
    >>> step = BatchedStep(model, per_sample_form(hinge), SGD(model, lr=0.1), X, to_signed(y))
    >>> first, scores = step(list(range(8)))
    >>> second, _ = step(list(range(8)))
    >>> step.write_back()
    >>> len(scores), second < first
    (8, True)
    """

    def __init__(
        self,
        model: Any,
        form: PerSample,
        optimizer: Optimizer,
        inputs: Any,
        targets: Any,
        *,
        l2: float = 0.0,
        clip_norm: float | None = None,
    ) -> None:
        import numpy as np

        self._np = np
        self._model, self._form, self._optimizer = model, form, optimizer
        self._l2, self._clip_norm = l2, clip_norm
        self._X = _input_rows(inputs)
        self._targets = targets
        self._Y: Any = None
        self.tape: Any = None
        self.record_seconds = 0.0
        self._single = True  # the model gives one Value per sample (not a list)
        self._update: ArrayUpdate | None = None
        self._order: ParameterOrder | None = None  # None: the tape's order is the optimizer's

    def __call__(self, rows: Sequence[int]) -> tuple[float, list[Any]]:
        """Train on the data's ``rows``; the loss before the update and the outputs."""
        if self.tape is None:
            self._record()
        index = self._np.asarray(rows, dtype=self._np.intp)
        X, Y = self._X[index], self._Y[index]
        if self._update is None:
            value = self._step_on_values(X, Y)
        else:
            value = self._step_on_arrays(self._update, X, Y)
        watched = self.tape.watched
        return value, watched[:, 0].tolist() if self._single else watched.tolist()

    def write_back(self) -> None:
        """Put the array's weights, gradients and optimizer state into the Values."""
        if self._update is not None:
            self._update.write_back()

    # ---- the two ways of stepping ------------------------------------------------------

    def _step_on_values(self, X: Any, Y: Any) -> float:
        """The dynamic path's order: zero, gradients into ``.grad``, L2, clip, step."""
        optimizer = self._optimizer
        optimizer.zero_grad()
        value = float(self.tape.run(X, Y))
        if self._l2:
            parameters = optimizer.parameters
            numbers = [p.data for p in parameters]
            value += self._l2 * cast(float, ag.dot(numbers, numbers))
            for p, number in zip(parameters, numbers, strict=True):
                term = self._l2 * number  # dot's rule: one term per operand, p twice
                p.grad = p.grad + term + term
        if self._clip_norm is not None:
            clip_grad_norm(optimizer.parameters, self._clip_norm)
        optimizer.step()
        return value

    def _step_on_arrays(self, update: ArrayUpdate, X: Any, Y: Any) -> float:
        """The same step with the parameters, gradients and update kept in arrays."""
        weights, order = update.weights, self._order
        theta = weights if order is None else order.tape_parameters(weights)
        value = float(self.tape.run(X, Y, parameters=theta, write=False))
        gradients = self.tape.gradients
        if order is not None:
            gradients = order.optimizer_gradients(gradients)
        if self._l2:
            numbers = weights.tolist()
            value += self._l2 * cast(float, ag.dot(numbers, numbers))
            term = self._l2 * weights
            gradients = gradients + term + term
        if self._clip_norm is not None:
            gradients = self._clipped(gradients)
        update.step(gradients)
        return value

    def _clipped(self, gradients: Any) -> Any:
        """``clip_grad_norm``'s formula on the array (its rare extreme path: on Values)."""
        np = self._np
        largest = float(np.max(np.abs(gradients))) if len(gradients) else 0.0
        if not 1e-150 < largest < 1e150:  # zero, tiny, huge or not finite: the original
            parameters = self._optimizer.parameters
            saved = [p.grad for p in parameters]
            for p, g in zip(parameters, gradients.tolist(), strict=True):
                p.grad = g
            try:
                clip_grad_norm(parameters, cast(float, self._clip_norm))
                return np.array([p.grad for p in parameters], dtype=np.float64)
            finally:
                for p, g in zip(parameters, saved, strict=True):
                    p.grad = g
        norm = math.sqrt(math.fsum((gradients * gradients).tolist()))
        scale = cast(float, self._clip_norm) / (norm + 1e-6)
        return gradients * scale if scale < 1.0 else gradients

    # ---- recording ---------------------------------------------------------------------

    def _record(self) -> None:
        """Build one sample's loss with leaves for its inputs and targets; record it."""
        import time

        from autograd_engine import record_batch

        started = time.process_time()
        first = [float(v) for v in self._X[0]]
        with ag.no_grad():  # how many outputs, to encode the targets: a plain forward
            width = len(_outputs(self._model(first))[0])
        self._Y = self._np.asarray(self._form.encode(self._targets, width), dtype=float)
        # Leaves first, then the model, as check() builds its samples: the same graph order.
        inputs, targets = [Value(v) for v in first], [Value(float(v)) for v in self._Y[0]]
        outputs, self._single = _outputs(self._model(inputs))
        self.tape = record_batch(
            self._form.build(outputs, targets),
            params=_parameters(self._model, self._optimizer),
            inputs=inputs,
            targets=targets,
            watch=outputs,
            reduction=self._form.reduction,
        )
        checked = min(CHECKED_SAMPLES, len(self._X))
        self.tape.check(self._X[:checked], self._Y[:checked], samples=checked, build=self._build)
        self.record_seconds = time.process_time() - started
        self._update = array_update(self._optimizer)
        if self._update is not None:
            self._order = ParameterOrder.between(self.tape.parameters, self._optimizer.parameters)

    def _build(self, xs: list[Value], ys: list[Value]) -> Value:
        """One sample's loss from the user's model, on fresh leaves (for ``check``)."""
        outputs, _ = _outputs(self._model(xs))
        return self._form.build(outputs, ys)


class ParameterOrder:
    """Where the tape's parameters sit in the optimizer's array, computed once per ``fit``.

    The tape lists its parameters in graph order, the optimizer in the model's (a layer's
    biases land elsewhere), so each step gathers the tape's vector from the optimizer's
    array and scatters the gradients back: two NumPy index operations, where reading
    every ``.data`` again would cost more than the step. A parameter of the tape that the
    optimizer does not train (frozen by the user) is read from its Value at every step,
    since only user code changes it; it gets no gradient.

    >>> from autograd_engine import Value
    >>> import numpy as np
    >>> a, b, frozen = Value(1.0), Value(2.0), Value(5.0)
    >>> order = ParameterOrder.between([b, frozen, a], [a, b])
    >>> order.tape_parameters(np.array([10.0, 20.0])).tolist()
    [20.0, 5.0, 10.0]
    >>> order.optimizer_gradients(np.array([0.2, 0.5, 0.1])).tolist()
    [0.1, 0.2]
    >>> ParameterOrder.between([a, b], [a, b]) is None  # the same order: nothing to map
    True
    """

    def __init__(self, tape: Sequence[Value], optimizer: Sequence[Value]) -> None:
        import numpy as np

        self._np = np
        position = {p: i for i, p in enumerate(optimizer)}
        trained = [(k, position[p]) for k, p in enumerate(tape) if p in position]
        self._tape_index = np.array([k for k, _ in trained], dtype=np.intp)
        self._optimizer_index = np.array([i for _, i in trained], dtype=np.intp)
        self._frozen = [(k, p) for k, p in enumerate(tape) if p not in position]
        self._frozen_index = np.array([k for k, _ in self._frozen], dtype=np.intp)
        self._sizes = (len(tape), len(optimizer))

    @classmethod
    def between(cls, tape: Sequence[Value], optimizer: Sequence[Value]) -> ParameterOrder | None:
        """The map from ``optimizer``'s order to ``tape``'s, or None when they are one."""
        same = len(tape) == len(optimizer)
        if same and all(a is b for a, b in zip(tape, optimizer, strict=True)):
            return None
        return cls(tape, optimizer)

    def tape_parameters(self, weights: Any) -> Any:
        """The tape's parameter vector from the optimizer's ``weights``."""
        theta = self._np.empty(self._sizes[0])
        theta[self._tape_index] = weights[self._optimizer_index]
        if self._frozen:
            theta[self._frozen_index] = [p.data for _, p in self._frozen]
        return theta

    def optimizer_gradients(self, gradients: Any) -> Any:
        """The tape's ``gradients`` in the optimizer's order (zero where it has none)."""
        out = self._np.zeros(self._sizes[1])
        out[self._optimizer_index] = gradients[self._tape_index]
        return out


def _outputs(produced: Any) -> tuple[list[Value], bool]:
    """The model's outputs for one sample as a list, and whether it gave a single Value."""
    if isinstance(produced, list | tuple):
        return list(produced), False
    return [produced], True


def _input_rows(inputs: Any) -> Any:
    """The inputs as a float array of shape (samples, inputs), or a clear refusal."""
    import numpy as np

    try:
        X = np.asarray(inputs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "fit(replay=True) runs a batched tape, which needs every input to be a row of "
            f"numbers of one length ({exc})"
        ) from None
    if X.ndim == 1:
        X = X[:, None]  # one number per sample
    if X.ndim != 2:
        raise ValueError(
            f"fit(replay=True): inputs of shape {X.shape} are not rows of numbers; a batched "
            "tape feeds one row per sample"
        )
    return X


def _parameters(model: Any, optimizer: Optimizer) -> list[Value]:
    """The model's parameters (the optimizer's when the model has no ``parameters()``)."""
    if hasattr(model, "parameters") and callable(model.parameters):
        return list(model.parameters())
    return list(optimizer.parameters)
