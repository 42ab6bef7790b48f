"""The ``Value`` node and how nodes are built; no math lives here.

A node holds its number, its gradient, its parents (an ordered tuple: ``x * x`` lists
``x`` twice) and the op's derivative rule. The rule is shared by every node of that op
(parametrised ops bind only their parameter), and it receives the output at sweep time
instead of capturing it: a node never refers to itself, so a graph is freed by reference
counting the moment the last name for it goes, without waiting for the cyclic collector.

A fused neuron (``affine``) keeps its parents as two tuples that other nodes share, its
parameters and its inputs (``_parents`` and ``_shared_inputs``): a training step then allocates no
parent tuple per neuron, and the backward walk reads each shared tuple once instead of
once per node. Everything but the hot loops reads ``parents``, which joins the two.

The op table in ``ops.py`` gives ``Value`` its arithmetic; ``sweep.py`` runs the reverse
sweep that ``backward()`` starts; this module only builds nodes.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from autograd_engine.backprop import local_terms
from autograd_engine.errors import AnomalyError, short_repr
from autograd_engine.graph import interior_order
from autograd_engine.modes import active_mode
from autograd_engine.sweep import sweep

Rule = Callable[..., Sequence[Any]]

# Creation order doubles as a topological order: parents always exist before children.
# Internal API: ``pickling`` numbers the nodes it rebuilds with it too.
next_seq = itertools.count().__next__
# Bound once: the global and attribute lookups would otherwise cost a fifth of make_node.
_new = object.__new__


def to_float(x: object) -> float:
    """Convert a real number (int, float, bool, NumPy scalar) to ``float``; refuse anything else.

    >>> to_float(True), to_float(3)
    (1.0, 3.0)
    >>> to_float("3")
    Traceback (most recent call last):
    ...
    TypeError: Value data must be a real number (int, float, bool or NumPy scalar), got str: '3'
    >>> to_float(10**400)
    Traceback (most recent call last):
    ...
    OverflowError: Value data must fit a float (at most about 1.8e308), got an int of 401 digits
    """
    kind = type(x)
    if kind is float:
        return x  # type: ignore[return-value]
    try:
        if kind is int or kind is bool:
            return float(x)  # type: ignore[arg-type]
        if isinstance(x, numbers.Real):
            return float(x)
    except OverflowError:
        raise OverflowError(
            f"Value data must fit a float (at most about 1.8e308), got {short_repr(x)}"
        ) from None
    # NumPy's bool_ and 0-d arrays are not registered as numbers.Real; accept them by value.
    if kind.__module__ == "numpy" and getattr(x, "ndim", None) == 0:
        item = x.item()  # type: ignore[attr-defined]
        if isinstance(item, bool | int | float):
            return to_float(item)
    raise TypeError(
        "Value data must be a real number (int, float, bool or NumPy scalar), "
        f"got {kind.__name__}: {short_repr(x)}"
    )


def _checked_float(value: object, name: str) -> float:
    """``to_float`` for an assignment to ``Value.data``/``Value.grad``: the message names it."""
    if value is None and name == "grad":  # PyTorch's way to clear a gradient
        raise TypeError(
            "Value.grad = None: here a gradient is always a number (0.0 when nothing has "
            "flowed back), never None as in PyTorch; to clear it assign 0.0 "
            "(p.grad = 0.0) or call model.zero_grad() / optimizer.zero_grad()"
        )
    try:
        return to_float(value)
    except TypeError:
        raise TypeError(
            f"Value.{name} must be a real number (int, float, bool or NumPy scalar), "
            f"got {type(value).__name__}: {short_repr(value)}"
        ) from None
    except OverflowError:
        raise OverflowError(
            f"Value.{name} must fit a float (at most about 1.8e308), got {short_repr(value)}"
        ) from None


def _seed(grad: object) -> float:
    """``backward``'s seed as a float, or a TypeError saying what to pass instead."""
    if isinstance(grad, Value):
        raise TypeError(
            f"backward(grad={grad!r}): the seed is a plain number, d(output)/d(this node), "
            f"not a Value; pass grad={grad.data!r} (the Value's .data)"
        )
    try:
        return to_float(grad)
    except TypeError:
        raise TypeError(
            f"backward(grad=...) must be a real number, d(output)/d(this node), got "
            f"{type(grad).__name__}: {short_repr(grad)}; the default 1.0 is what a loss needs"
        ) from None


class Value:
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
        make_node(data if type(data) is float else to_float(data), (), None, "", node=self)
        self.label = label

    # ``data`` and ``grad`` are properties over the ``_data``/``_grad`` slots so that every
    # assignment meets the constructor's rule (a real number, stored as float): a string
    # or a NumPy float32 written into a weight would otherwise spread through the graph and
    # surface far away (``save`` failing on float32). The getters are C (``attrgetter``),
    # a third of a Python getter's cost; the setters test for float first. The engine's
    # own hot loops read and write the slots directly.
    def _set_data(self, value: float) -> None:
        self._data = value if type(value) is float else _checked_float(value, "data")

    def _set_grad(self, value: float) -> None:
        self._grad = value if type(value) is float else _checked_float(value, "grad")

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

    def __format__(self, spec: str) -> str:
        """``f"{v:.4f}"`` formats ``data``, as PyTorch does for a one-element tensor.

        >>> f"{Value(2.0):.3f}", f"{Value(2.0)}"
        ('2.000', 'Value(data=2.0, grad=0.0)')
        """
        return format(self.data, spec) if spec else repr(self)

    def __int__(self) -> int:
        """``int(v)`` truncates ``data``, as ``int(tensor)`` does.

        An int is a step function of the number, with no gradient to lose, so unlike
        ``float(v)`` it is allowed.

        >>> int(Value(2.7)), int(Value(-2.7))
        (2, -2)
        """
        return int(self.data)

    def __bool__(self) -> bool:
        """PyTorch's rule for one number: false exactly when ``data`` is zero (NaN is true).

        >>> bool(Value(0.0)), bool(Value(-0.0)), bool(Value(0.5))
        (False, False, True)
        """
        return self.data != 0.0

    if not TYPE_CHECKING:  # hidden from type checkers: math.exp(value) is a static error too

        def __float__(self) -> float:
            """Refused: ``math`` functions call it and would cut the graph without a word.

            ``math.exp(x)`` would return a plain float, and ``x`` would never receive a
            gradient through it. Use the engine's op to stay in the graph (``x.exp()`` or
            ``autograd_engine.exp(x)``), or ``x.data`` for the number itself.

            >>> import math
            >>> math.exp(Value(1.0))
            Traceback (most recent call last):
            ...
            TypeError: float() of Value(data=1.0, grad=0.0): a Value is not converted to \
float, since math.exp(x) and friends would cut the graph and x would get no gradient; \
use x.exp() or autograd_engine.exp(x) to stay in the graph, or x.data for the number
            """
            raise TypeError(
                f"float() of {self!r}: a Value is not converted to float, since math.exp(x) "
                "and friends would cut the graph and x would get no gradient; use x.exp() "
                "or autograd_engine.exp(x) to stay in the graph, or x.data for the number"
            )

    if TYPE_CHECKING:  # ops.py binds these from the op table; declared for type checkers

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
        def __pos__(self) -> Value: ...
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

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle for in-memory transport (multiprocessing, joblib); see ``pickling.py``."""
        from autograd_engine.pickling import reduce_value

        return reduce_value(self)

    def _compare_data(self, other: object) -> float | None:
        if isinstance(other, Value):
            return other._data
        if isinstance(other, numbers.Real):
            # Compared as they are: float < int is exact in Python, even past 1e308.
            return other  # type: ignore[return-value]
        return None

    def __lt__(self, other: object) -> bool:
        value = self._compare_data(other)
        return NotImplemented if value is None else self.data < value

    def __le__(self, other: object) -> bool:
        value = self._compare_data(other)
        return NotImplemented if value is None else self.data <= value

    def __gt__(self, other: object) -> bool:
        value = self._compare_data(other)
        return NotImplemented if value is None else self.data > value

    def __ge__(self, other: object) -> bool:
        value = self._compare_data(other)
        return NotImplemented if value is None else self.data >= value

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
        seed = grad if type(grad) is float else _seed(grad)
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
    *,
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


def make_nodes(
    outputs: list[float],
    param_rows: Sequence[tuple[Value, ...]],
    rule: Rule,
    op: str,
    shared_inputs: tuple[Value, ...],
) -> list[Value]:
    """``make_node`` for many nodes of one op that share their inputs (a layer of fused neurons).

    One mode lookup and no call per node: a layer's sixteen neurons cost one call.
    """
    mode = active_mode()
    if mode is not None and (not mode.grad_enabled or mode.anomaly):
        return [
            make_node(data, row, rule, op, shared_inputs)
            for data, row in zip(outputs, param_rows, strict=True)
        ]
    scope = mode.scope if mode is not None else None
    nodes = []
    for data, row in zip(outputs, param_rows, strict=True):
        node = _new(Value)
        node._data = data
        node._grad = 0.0
        node.label = ""
        node.kind = None
        node.scope = scope
        node._op = op
        node._parents = row
        node._shared_inputs = shared_inputs
        node._rule = rule
        node._seq = next_seq()
        nodes.append(node)
    return nodes


value_data: Callable[[Value], float] = Value.__dict__["_data"].__get__
"""``v.data`` for a Value, TypeError for anything else (a NumPy array's or a tensor's
``.data`` too): the fused ops read their operands with it, in C, and so check them."""


def zero_grad(values: Iterable[Value]) -> None:
    """Set each Value's ``grad`` to 0.0: the slot written directly, without the setter's check.

    Training zeroes every weight each step (25,000 for ``MLP(784, [32, 10])``), and the
    ``grad`` property's conversion would cost more than the step's backward sweep.

    >>> w = [Value(1.0), Value(2.0)]
    >>> (w[0] * w[1]).backward()
    >>> zero_grad(w)
    >>> [v.grad for v in w]
    [0.0, 0.0]
    """
    for value in values:
        value._grad = 0.0


def operands(op: str, items: Sequence[object]) -> tuple[Value, ...]:
    """The operands of an n-ary op as Values: numbers become constants, nothing else passes.

    >>> operands("sum", [Value(1.0), 2])[1].kind
    'constant'
    >>> operands("sum", [Value(1.0), "2"])
    Traceback (most recent call last):
    ...
    TypeError: sum: operand 1 must be a Value or a real number (int, float, bool or NumPy \
scalar), got str: '2'
    """
    result = []
    for index, item in enumerate(items):
        if isinstance(item, Value):
            result.append(item)
            continue
        try:
            result.append(constant(item))  # type: ignore[arg-type]
        except TypeError:
            raise TypeError(
                f"{op}: operand {index} must be a Value or a real number (int, float, bool "
                f"or NumPy scalar), got {type(item).__name__}: {item!r}"
            ) from None
    return tuple(result)


def local_derivatives(node: Value) -> tuple[float, ...]:
    """d(node)/d(parent) for each parent, in operand order, at the current ``data``.

    This is what one edge contributes in the chain rule: during backward, parent ``i``
    receives ``node.grad * local_derivatives(node)[i]``. Leaves give ``()``.

    >>> x = Value(3.0)
    >>> local_derivatives(x * x)  # one entry per edge: both operands are x
    (3.0, 3.0)
    >>> local_derivatives(x.tanh())
    (0.009866037165440211,)
    """
    if not node._parents:
        return ()
    return tuple(float(d) for d in local_terms(node, 1.0))


def constant(x: float) -> Value:
    """A leaf for a number written into an expression (``kind == "constant"``).

    >>> constant(2).kind
    'constant'
    """
    return make_node(x if type(x) is float else to_float(x), (), None, "", kind="constant")
