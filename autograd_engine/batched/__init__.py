"""Batched replay: write one sample's loss with Values, run it over a whole batch as arrays.

``record_batch(loss, params=..., inputs=..., targets=...)`` takes the graph of ONE
sample's loss, as the user built it, and compiles it once into a NumPy program in which
each scalar of the graph is an array over the batch (``program``; every statement
traced from the op table in ``dialect``), each layer of fused neurons one matrix
product. ``tape.run(X, Y)`` then runs forward and
backward for a batch of any size and adds d(sum or mean of the per-sample losses)/d(param)
into each parameter's ``.grad``, as ``backward()`` on a scalar build of the whole batch
would (to rounding: ``program`` says which sums run in another order).

Roles of the graph's leaves, fixed when recording:

- parameters (listed in ``params``, or leaves with ``kind == "parameter"``) are shared by
  every sample: read from ``.data`` at each run, gradients summed over the batch;
- inputs and targets (listed) are per-sample columns of ``X`` and ``Y``;
- constants (``kind == "constant"``: numbers written into the expression) are baked in;
- any other leaf is treated as a parameter (shared, read each run, gradient written),
  as graph replay treats it; list it in ``inputs`` if it changes per sample.

Parameters: by default a run gathers them from the Values into one array and writes the
gradients back into ``.grad``, so the Values are in sync whenever user code can see them;
``fit(..., replay=True)`` keeps them in an array between steps instead and writes the
Values back before every callback and at the end (``tape`` has the numbers).

What cannot be batched is what the graph does not record. A Python ``if`` on a Value
(``if score > 0:``) picked one branch for the recorded sample; ``check(..., build=f)``
rebuilds samples with the user's own code and refuses a graph of another shape.
``where(cond, a, b)`` holds a condition computed in Python when the graph was built, so a
graph containing it is refused at recording. Kinks inside ops (``relu``, ``abs``,
``maximum``, ``clamp``: ``select`` in their rules) are element-wise and need nothing.

The modules, in the order a recording goes through them:

- ``tape``: ``record_batch`` and ``BatchedTape``, what users call;
- ``roles``: each leaf's role and column, batch shapes, fresh scalar builds for ``check``;
- ``program``: the plan (layers, the parameter vector ``P``) and the generated function;
- ``layers``: fused neurons sharing one input tuple as one matrix product;
- ``writer``: the program's lines and statements taken from the op table;
- ``dialect``: an op's forward and rule traced once as NumPy over a batch;
- ``checks``: what the program calls at run time (loops over the batch, exact errors);
- ``errors``: ``BatchingError``, the NumPy requirement, how errors name a node.

Only ``tape`` and ``errors`` import without NumPy; the rest import it at the top and are
imported when a tape is recorded.
"""

from autograd_engine.batched.errors import BatchingError
from autograd_engine.batched.tape import BatchedTape, record_batch

__all__ = ["BatchedTape", "BatchingError", "record_batch"]
