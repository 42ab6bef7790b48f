"""The ``Value`` node and the reverse sweep that fills ``.grad``; no math lives here.

A node holds its number, its gradient, its parents (an ordered tuple: ``x * x`` lists
``x`` twice) and the op's derivative rule. The rule is shared by every node of that op
(parametrised ops bind only their parameter), and it receives the output at sweep time
instead of capturing it: a node never refers to itself, so a graph is freed by reference
counting the moment the last name for it goes, without waiting for the cyclic collector.

A fused neuron (``affine``) keeps its parents as two tuples that other nodes share, its
parameters and its inputs (``_parents`` and ``_tail``): a training step then allocates no
parent tuple per neuron, and the backward walk reads each shared tuple once instead of
once per node. Everything but the hot loops reads ``parents``, which joins the two.

The op table in ``ops.py`` gives ``Value`` its arithmetic; this module only builds nodes
and runs the sweep.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from autograd_engine.errors import AnomalyError
from autograd_engine.graph import interior_order
from autograd_engine.modes import _MODE

Rule = Callable[..., Sequence[Any]]

# Creation order doubles as a topological order: parents always exist before children.
_next_seq = itertools.count().__next__
# Bound once: the global and attribute lookups would otherwise cost a fifth of make_node.
_new = object.__new__
_get_mode = _MODE.get
_isfinite = math.isfinite


def to_float(x: object) -> float:
    """Convert a real number (int, float, bool, NumPy scalar) to ``float``; refuse anything else.

    >>> to_float(True), to_float(3)
    (1.0, 3.0)
    >>> to_float("3")
    Traceback (most recent call last):
    ...
    TypeError: Value data must be a real number (int, float, bool or NumPy scalar), got str: '3'
    """
    kind = type(x)
    if kind is float:
        return x  # type: ignore[return-value]
    if kind is int or kind is bool:
        return float(x)  # type: ignore[arg-type]
    if isinstance(x, numbers.Real):
        return float(x)
    # NumPy's bool_ and 0-d arrays are not registered as numbers.Real; accept them by value.
    if kind.__module__ == "numpy" and getattr(x, "ndim", None) == 0:
        item = x.item()  # type: ignore[attr-defined]
        if isinstance(item, bool | int | float):
            return float(item)
    raise TypeError(
        "Value data must be a real number (int, float, bool or NumPy scalar), "
        f"got {kind.__name__}: {x!r}"
    )


class Value:
    """A scalar in a computation graph, with the gradient the last ``backward()`` gave it.

    ``data``, ``grad`` and ``label`` are writable (optimizers assign ``data``); ``op``
    (``""`` for leaves) and ``parents`` are read-only. ``kind`` marks a leaf's role for
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

    __slots__ = (
        "_op",
        "_parents",
        "_rule",
        "_seq",
        "_tail",
        "data",
        "grad",
        "kind",
        "label",
        "scope",
    )

    # Makes NumPy hand `np.float64(2) * value` back to Value.__rmul__ instead of
    # building an object array.
    __array_ufunc__ = None

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        # Inputs are wrapped by the thousand (784 per MNIST image): skip the call for floats.
        self.data = data if type(data) is float else to_float(data)
        self.grad = 0.0
        self.label = label
        self.kind: str | None = None
        mode = _get_mode()
        self.scope: str | None = mode.scope if mode is not None else None
        self._op = ""
        self._parents: tuple[Value, ...] = ()
        self._tail: tuple[Value, ...] | None = None
        self._rule: Rule | None = None
        self._seq = _next_seq()

    @property
    def op(self) -> str:
        """Display name of the op that made this node; ``""`` for a leaf."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The op's inputs in operand order (a node used twice appears twice)."""
        tail = self._tail
        return self._parents if tail is None else self._parents + tail

    @property
    def is_leaf(self) -> bool:
        """True for nodes no op made: inputs, parameters, constants."""
        return not self._parents

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    def _compare_data(self, other: object) -> float | None:
        if isinstance(other, Value):
            return other.data
        if isinstance(other, numbers.Real):
            return float(other)
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
        order = interior_order(self)
        for node in order:
            node.grad = 0.0
        self.grad += to_float(grad)
        sweep(order)


def make_node(
    data: float,
    parents: tuple[Value, ...],
    rule: Rule,
    op: str,
    tail: tuple[Value, ...] | None = None,
) -> Value:
    """Build an op node (or, under ``no_grad``, a bare leaf); used by the op modules.

    ``tail``, when given, holds the parents that follow ``parents`` (see ``affine``); the
    node's parents are then ``parents + tail``, and ``parents`` must not be empty.
    """
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.kind = None
    node._seq = _next_seq()
    mode = _get_mode()
    # The common cases first: no mode at all, or only a scope (nn enters one per layer).
    if mode is None or (mode.grad_enabled and not mode.anomaly):
        node.scope = mode.scope if mode is not None else None
        node._op = op
        node._parents = parents
        node._tail = tail
        node._rule = rule
        return node
    node.scope = mode.scope
    if mode.grad_enabled:
        node._op = op
        node._parents = parents
        node._tail = tail
        node._rule = rule
    else:
        node._op = ""
        node._parents = ()
        node._tail = None
        node._rule = None
    if mode.anomaly and not math.isfinite(data):
        every = parents if tail is None else parents + tail
        inputs = ", ".join(repr(p.data) for p in every)
        raise AnomalyError(f"forward of {op} produced {data!r} from inputs ({inputs})")
    return node


def make_nodes(
    outputs: list[float],
    heads: list[tuple[Value, ...]],
    rule: Rule,
    op: str,
    tail: tuple[Value, ...],
) -> list[Value]:
    """``make_node`` for many nodes of one op that share their tail (a layer of neurons).

    One mode lookup and no call per node: a layer's sixteen neurons cost one call.
    """
    mode = _get_mode()
    if mode is not None and (not mode.grad_enabled or mode.anomaly):
        return [
            make_node(data, head, rule, op, tail) for data, head in zip(outputs, heads, strict=True)
        ]
    scope = mode.scope if mode is not None else None
    nodes = []
    for data, head in zip(outputs, heads, strict=True):
        node = _new(Value)
        node.data = data
        node.grad = 0.0
        node.label = ""
        node.kind = None
        node.scope = scope
        node._op = op
        node._parents = head
        node._tail = tail
        node._rule = rule
        node._seq = _next_seq()
        nodes.append(node)
    return nodes


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
    rule = node._rule
    assert rule is not None
    inputs = [p.data for p in node.parents]
    try:
        return tuple(float(d) for d in rule(1.0, node.data, *inputs))
    except (ArithmeticError, ValueError) as exc:
        raise _backward_error(node, exc) from exc


def constant(x: float) -> Value:
    """A leaf for a number written into an expression (``kind == "constant"``).

    >>> constant(2).kind
    'constant'
    """
    # Value.__init__ written out: every number in an expression (``a * 2``) comes here.
    node = _new(Value)
    node.data = x if type(x) is float else to_float(x)
    node.grad = 0.0
    node.label = ""
    node.kind = "constant"
    mode = _get_mode()
    node.scope = mode.scope if mode is not None else None
    node._op = ""
    node._parents = ()
    node._tail = None
    node._rule = None
    node._seq = _next_seq()
    return node


def describe(node: Value) -> str:
    """How error messages name a node: its op, and its label when it has one."""
    name = node._op or "leaf"
    return f"{name} (label {node.label!r})" if node.label else name


# Float-only forms of n-ary rules, keyed by the rule they replace (see OpSpec.accumulate).
_ACCUMULATE: dict[Rule, Callable[[float, tuple[Value, ...]], None]] = {}
# The same for nodes with a tail: accumulate(g, out, parents, tail).
Grouped = Callable[[float, float, tuple[Value, ...], tuple[Value, ...]], None]
_ACCUMULATE_GROUPED: dict[Rule, Grouped] = {}


def register_accumulate(rule: Rule, accumulate: Callable[[float, tuple[Value, ...]], None]) -> None:
    """Let the sweep call ``accumulate(g, parents)`` for nodes whose rule is ``rule``."""
    _ACCUMULATE[rule] = accumulate


# The rules of + and *, which the sweep applies without calling them (they are most nodes
# of an expression written by hand); ops.py registers them.
_ADD_RULE: Rule | None = None
_MUL_RULE: Rule | None = None


def register_inline(add_rule: Rule, mul_rule: Rule) -> None:
    """Name the rules of ``+`` and ``*`` (``g, g`` and ``g * b, g * a``) for the sweep."""
    global _ADD_RULE, _MUL_RULE
    _ADD_RULE, _MUL_RULE = add_rule, mul_rule


def register_grouped(rule: Rule, accumulate: Grouped) -> None:
    """Let the sweep call ``accumulate(g, out, parents, tail)`` for tailed nodes of ``rule``.

    The sweep skips a tailed node whose gradient is exactly zero without calling it:
    register only ops whose every term is then a signed zero, which leaves any sum as it
    was (``affine`` builds a tailed node only when every operand is finite). A nonzero
    gradient may still lead to no terms (a closed relu); skipping those is its call.
    """
    _ACCUMULATE_GROUPED[rule] = accumulate


def sweep(order: list[Value]) -> None:
    """Push each node's ``.grad`` to its parents, outputs first; floats only.

    ``order`` holds op nodes, outputs first. Arity 1 and 2 are unrolled because they are
    nearly every node of a real graph; fused n-ary ops use their accumulate form, and are
    skipped when their gradient is zero. The skip gives the plain sum's exact numbers; the
    only trace it could leave is a leaf gradient a user set to -0.0 staying -0.0 where
    adding +0.0 would have made it +0.0 (equal under ``==``).
    """
    mode = _MODE.get()
    if mode is not None and mode.anomaly:
        _sweep_checked(order)
        return
    grouped, add_rule, mul_rule = _ACCUMULATE_GROUPED, _ADD_RULE, _MUL_RULE
    node = None
    try:
        for node in order:
            parents = node._parents
            if not parents:
                continue
            tail = node._tail
            if tail is not None:
                g = node.grad
                if g:  # zero: every term a signed zero (see register_grouped)
                    grouped[node._rule](g, node.data, parents, tail)
                continue
            arity = len(parents)
            if arity == 2:
                a, b = parents
                rule = node._rule
                g = node.grad
                # + and * inline: the same terms their rules return, without the call.
                if rule is add_rule:
                    a.grad += g
                    b.grad += g
                elif rule is mul_rule:
                    a.grad += g * b.data
                    b.grad += g * a.data
                else:
                    grad_a, grad_b = rule(g, node.data, a.data, b.data)
                    a.grad += grad_a
                    b.grad += grad_b
            elif arity == 1:
                (a,) = parents
                (grad_a,) = node._rule(node.grad, node.data, a.data)
                a.grad += grad_a
            else:
                accumulate = _ACCUMULATE.get(node._rule)
                if accumulate is not None:
                    g = node.grad
                    # A zero upstream gradient (a dead relu, a sample past its margin: most
                    # dot nodes of a training step) sends only signed zeros through sum and
                    # dot, whose local derivatives are 1 or inputs, finite when the output
                    # is: adding them changes no parent's gradient, so skip the loop.
                    if g == 0.0 and _isfinite(node.data):
                        continue
                    accumulate(g, parents)
                    continue
                grads = node._rule(node.grad, node.data, *[p.data for p in parents])
                for parent, grad in zip(parents, grads, strict=True):
                    parent.grad += grad
    except (ArithmeticError, ValueError) as exc:
        raise _backward_error(node, exc) from exc


def _sweep_checked(order: list[Value]) -> None:
    """The sweep under ``detect_anomaly()``: stop at the first non-finite gradient."""
    for node in order:
        if not node._parents:
            continue
        parents = node.parents
        inputs = [p.data for p in parents]
        try:
            grads = node._rule(node.grad, node.data, *inputs)
        except (ArithmeticError, ValueError) as exc:
            raise _backward_error(node, exc) from exc
        for index, (parent, grad) in enumerate(zip(parents, grads, strict=True)):
            if not math.isfinite(grad):
                raise AnomalyError(
                    f"backward of {describe(node)} produced gradient {grad!r} for input "
                    f"{index} from inputs ({', '.join(map(repr, inputs))}) and upstream "
                    f"gradient {node.grad!r}"
                )
            parent.grad += grad


def _backward_error(node: Value | None, exc: BaseException) -> BaseException:
    if node is None:
        return exc
    inputs = ", ".join(repr(p.data) for p in node.parents)
    return type(exc)(f"backward of {describe(node)} at inputs ({inputs}): {exc}")
