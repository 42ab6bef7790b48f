"""The ``Value`` node and ``make_node``, the one place its slots are filled; no math here.

A node holds its number, its gradient, its parents (an
ordered tuple: ``x * x`` lists ``x`` twice) and its local-derivative closure, the op's
rule. The rule is shared by every node of that op (parametrised ops bind only their
parameter), and it receives the output at sweep time instead of capturing it: a node
never refers to itself, so a graph is freed by reference counting the moment the last
name for it goes, without waiting for the cyclic collector.

A fused neuron (``affine``) keeps its parents as two tuples that other nodes share: its
parameters (``_parents``) and its layer's inputs (``_shared_inputs``). A training step
then allocates no parent tuple per neuron, and the backward walk reads each shared tuple
once instead of once per node. Everything but the hot loops reads ``parents``, which
joins the two.

The engine's core, in reading order: ``backprop.py`` (the reference sweep, the loop to
read first), this file, ``nodes.py`` (constants, operands, a layer's nodes), then the op
table: ``opspec.py`` (what an entry is), ``ops.py``, ``nary.py`` and ``ops_math.py`` (the
entries, which give ``Value`` its arithmetic). ``sweep.py`` is the fast sweep
``backward()`` runs; ``numeric.py`` is how a Value acts as a Python number.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from autograd_engine.errors import AnomalyError
from autograd_engine.floats import checked_float, seed_float, to_float
from autograd_engine.graph import interior_order
from autograd_engine.modes import active_mode
from autograd_engine.numeric import AsNumber
from autograd_engine.sweep import sweep

Rule = Callable[..., Sequence[Any]]

# Creation order doubles as a topological order: parents always exist before children.
# Internal API: ``pickling`` numbers the nodes it rebuilds with it too.
next_seq = itertools.count().__next__
# Bound once: the global and attribute lookups would otherwise cost a fifth of make_node.
_new = object.__new__


class Value(AsNumber):
    """A scalar in a computation graph, with the gradient the last ``backward()`` gave it.

    ``data``, ``grad`` and ``label`` are writable (optimizers assign ``data``); ``data``
    and ``grad`` take what the constructor takes, a real number, stored as ``float``
    (``TypeError`` naming the attribute otherwise). ``op`` (``""`` for leaves) and
    ``parents`` are read-only. ``kind`` marks a leaf's role for
    drawings: ``"constant"`` for numbers written into an expression, ``"parameter"`` for
    weights owned by ``nn`` modules, ``None`` otherwise.

    Ordering comparisons (``<``, ``<=``, ``>``, ``>=``) compare ``data`` and return
    ``bool``. ``==`` and ``hash`` stay identity, so Values work as dict keys and in sets:
    ``Value(1.0) == Value(1.0)`` is False; compare ``.data`` to compare numbers.

    >>> a = Value(2.0, label="a")
    >>> b = a * a + 1
    >>> b.backward()
    >>> b.data, a.grad
    (5.0, 4.0)
    >>> a
    Value(data=2.0, grad=4.0, label='a')
    """

    # A dict, so that help(Value) shows what each attribute holds.
    __slots__ = {
        "_data": "the number (a float); read and assigned through the data property",
        "_grad": "d(root)/d(this node) after the last backward(), behind the grad property",
        "_op": "display name of the op that made the node",
        "_parents": "the op's inputs (the parameters, for a fused neuron)",
        "_rule": "the op's derivative rule, shared by every node of that op",
        "_seq": "creation number: creation order is a topological order",
        "_shared_inputs": "a fused neuron's input tuple, shared by its layer (after _parents)",
        "kind": '"constant", "parameter" or None: the leaf\'s role, for drawings',
        "label": "a name for drawings and error messages",
        "scope": "the nn module (dotted path) whose call made this node, or None",
    }

    # The node as the design card draws it: its number and gradient, its parents, and its
    # local-derivative closure (the op's rule). ``make_node`` writes every one of them.
    _data: float
    _grad: float
    _parents: tuple[Value, ...]
    _shared_inputs: tuple[Value, ...] | None
    _rule: Rule | None
    _op: str
    _seq: int
    kind: str | None
    label: str
    scope: str | None

    # Makes NumPy hand `np.float64(2) * value` back to Value.__rmul__ instead of
    # building an object array.
    __array_ufunc__ = None

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        # Inputs are wrapped by the thousand (784 per MNIST image): skip the call for floats.
        make_node(data if type(data) is float else to_float(data), (), None, "", None, None, self)
        self.label = label

    # ``data`` and ``grad`` are properties over the ``_data``/``_grad`` slots so that every
    # assignment meets the constructor's rule (a real number, stored as float): a string
    # or a NumPy float32 written into a weight would otherwise spread through the graph and
    # surface far away (``save`` failing on float32). The getters are C (``attrgetter``),
    # a third of a Python getter's cost; the setters test for float first. The engine's
    # own hot loops read and write the slots directly.
    def _set_data(self, value: float) -> None:
        self._data = value if type(value) is float else checked_float(value, "data")

    def _set_grad(self, value: float) -> None:
        self._grad = value if type(value) is float else checked_float(value, "grad")

    if TYPE_CHECKING:  # what the C getters below return, for type checkers

        @property
        def data(self) -> float: ...
        @data.setter
        def data(self, value: float) -> None: ...
        @property
        def grad(self) -> float: ...
        @grad.setter
        def grad(self, value: float) -> None: ...

    else:
        data = property(
            attrgetter("_data"),
            _set_data,
            doc="The node's number, a float; assigning converts any real number to float.",
        )
        grad = property(
            attrgetter("_grad"),
            _set_grad,
            doc="d(output)/d(node) after ``backward()``; assigning converts a real number to "
            "float.",
        )

    @property
    def op(self) -> str:
        """Display name of the op that made this node; ``""`` for a leaf."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The op's inputs in operand order (a node used twice appears twice)."""
        shared_inputs = self._shared_inputs
        return self._parents if shared_inputs is None else self._parents + shared_inputs

    @property
    def is_leaf(self) -> bool:
        """True for nodes no op made: inputs, parameters, constants."""
        return not self._parents

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __pos__(self) -> Value:
        """``+x`` is ``x`` itself: no node, as unary plus changes no number."""
        return self

    # The op table binds these (``defop``: each op's method, its ``operator=``); they are
    # declared here for type checkers and readers, and a test holds the list to the table.
    if TYPE_CHECKING:

        def __add__(self, other: Value | float) -> Value: ...
        def __radd__(self, other: float) -> Value: ...
        def __sub__(self, other: Value | float) -> Value: ...
        def __rsub__(self, other: float) -> Value: ...
        def __mul__(self, other: Value | float) -> Value: ...
        def __rmul__(self, other: float) -> Value: ...
        def __truediv__(self, other: Value | float) -> Value: ...
        def __rtruediv__(self, other: float) -> Value: ...
        def __floordiv__(self, other: Value | float) -> Value: ...
        def __rfloordiv__(self, other: float) -> Value: ...
        def __mod__(self, other: Value | float) -> Value: ...
        def __rmod__(self, other: float) -> Value: ...
        def __pow__(self, other: Value | float) -> Value: ...
        def __rpow__(self, other: float) -> Value: ...
        def __neg__(self) -> Value: ...
        def __abs__(self) -> Value: ...
        def abs(self) -> Value: ...
        def exp(self) -> Value: ...
        def log(self) -> Value: ...
        def sqrt(self) -> Value: ...
        def tanh(self) -> Value: ...
        def sigmoid(self) -> Value: ...
        def relu(self) -> Value: ...
        def leaky_relu(self, slope: float = 0.01) -> Value: ...
        def softplus(self) -> Value: ...
        def sin(self) -> Value: ...
        def cos(self) -> Value: ...
        def tan(self) -> Value: ...
        def sinh(self) -> Value: ...
        def cosh(self) -> Value: ...
        def asin(self) -> Value: ...
        def acos(self) -> Value: ...
        def atan(self) -> Value: ...
        def asinh(self) -> Value: ...
        def acosh(self) -> Value: ...
        def atanh(self) -> Value: ...
        def log1p(self) -> Value: ...
        def expm1(self) -> Value: ...
        def log2(self) -> Value: ...
        def log10(self) -> Value: ...
        def exp2(self) -> Value: ...
        def erf(self) -> Value: ...
        def sign(self) -> Value: ...
        def clamp(self, lo: float = -1.0, hi: float = 1.0) -> Value: ...

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle for in-memory transport (multiprocessing, joblib); see ``pickling.py``."""
        from autograd_engine.pickling import reduce_value

        return reduce_value(self)

    # Identity semantics, stated so that no subclass or mixin changes them by accident.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def backward(self, grad: float = 1.0) -> None:
        """Fill ``.grad`` of every node this one depends on with d(self)/d(node).

        Interior nodes are recomputed on every call; leaves accumulate across calls, as in
        PyTorch, until zeroed (``nn`` optimizers and ``Module.zero_grad`` do that). The
        walk is iterative, so a chain a million nodes deep works.

        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward(); y.backward()
        >>> x.grad  # two calls, accumulated on the leaf: 6 + 6
        12.0
        """
        seed = grad if type(grad) is float else seed_float(grad)
        order = interior_order(self)
        for node in order:
            node._grad = 0.0
        self._grad += seed
        sweep(order)


def make_node(
    data: float,
    parents: tuple[Value, ...],
    rule: Rule | None,
    op: str,
    shared_inputs: tuple[Value, ...] | None = None,
    kind: str | None = None,
    node: Value | None = None,
) -> Value:
    """Fill a node: the one place every slot of a ``Value`` is written.

    ``Value(...)``, ``constant`` and every op build their node here: an op node (or,
    under ``no_grad``, a bare leaf with the op's result) when ``parents`` is not empty,
    else a leaf. ``shared_inputs``, when given, is a fused neuron's input tuple, which
    other nodes share (see ``affine``): the node's parents are then
    ``parents + shared_inputs``.
    ``node`` is an allocated but empty Value to fill (``Value.__init__``'s own).
    Under ``detect_anomaly()`` a non-finite result of an op raises ``AnomalyError``.

    Every parameter is positional (no ``*``), and the hot callers pass them so:
    CPython 3.11 runs a call to a function with keyword-only parameters, or a call
    with keywords, ~15 ns slower (its specialised call paths refuse them).
    """
    if node is None:
        node = _new(Value)
    node._data = data
    node._grad = 0.0
    node.label = ""
    node.kind = kind
    node._seq = next_seq()
    mode = active_mode()
    # The common cases first: no mode at all, or only a scope (nn enters one per layer).
    if mode is None or (mode.grad_enabled and not mode.anomaly) or not parents:
        node.scope = mode.scope if mode is not None else None
        node._op = op
        node._parents = parents
        node._shared_inputs = shared_inputs
        node._rule = rule
        return node
    node.scope = mode.scope
    if mode.grad_enabled:
        node._op = op
        node._parents = parents
        node._shared_inputs = shared_inputs
        node._rule = rule
    else:
        node._op = ""
        node._parents = ()
        node._shared_inputs = None
        node._rule = None
    if mode.anomaly and not math.isfinite(data):
        every = parents if shared_inputs is None else parents + shared_inputs
        inputs = ", ".join(repr(p.data) for p in every)
        raise AnomalyError(f"forward of {op} produced {data!r} from inputs ({inputs})")
    return node
