"""How an op is declared: ``OpSpec``, the ``OPS`` registry, ``defop``.

``ops.py``, ``nary.py`` and ``ops_math.py`` hold the table itself (one ``defop`` call per
primitive); this module holds what a table entry is and how ``defop`` turns one into a
public function, a ``Value`` method and, where the entry names one, a Python operator
(``operators.py`` builds those).

A rule has the form ``rule(g, out, *inputs, *params) -> one gradient per input``: ``g`` is
the upstream gradient and ``out`` the op's result. Rules only return; the sweep adds.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast, overload

from autograd_engine.floats import to_float
from autograd_engine.nodes import operands
from autograd_engine.operators import bind_operator, unary_method
from autograd_engine.sweep import register_op
from autograd_engine.trace import Sym, call
from autograd_engine.value import Rule, Value, make_node

Number = float | int
Scalar = Number | Value


class OpFunction(Protocol):
    """What ``defop`` returns: numbers in give a float, any Value in gives a Value node."""

    spec: OpSpec

    @overload
    def __call__(self, *inputs: Number, **params: float) -> float: ...  # type: ignore[overload-overlap]
    @overload
    def __call__(self, *inputs: Scalar, **params: float) -> Value: ...


@dataclass(frozen=True, eq=False)
class OpSpec:
    """One primitive: how to compute it, how to differentiate it, where it is defined.

    Args:
        name: display name, also the key in ``OPS`` and the ``op`` of nodes it makes.
        forward: the op on plain floats (inputs, then parameters).
        rule: ``(g, out, *inputs, *params) -> gradients``, one per input.
        arity: number of inputs; 0 means any number (the fused n-ary ops).
        domain: for each input, where the derivative exists and is smooth: ``"real"``,
            ``"positive"`` or ``"nonzero"`` (a kink or pole at 0). Tests draw from it.
        params: names of numeric parameters with their defaults (``leaky_relu``'s slope).
        infix: written ``a op b`` (operands, then parameters) in error messages.
        symbol: the operator an infix op is written with (default: ``name``); a
            parametrised infix op shows its parameter after it (``**2``).
        linear: every local derivative is 1 or one of the inputs (``+``, ``sum``,
            ``dot``): a zero gradient then sends only signed zeros when the output is
            finite, so sweeps and replay may skip such a node. Derived code reads this
            trait, never the op's name.
        from_output: the rule reads only ``g`` and ``out``, never the inputs, so the op
            can be fused on top of a neuron (``affine(..., "tanh")``): the fused node
            needs nothing but its output to pass the gradient on.
        layout: how many inputs tests draw for an n-ary op and how they pair: ``"any"``
            (``sum``), ``"pairs"`` (weights then inputs, ``dot``), ``"neuron"`` (``n``
            weights, a bias, ``n`` inputs); ``"fixed"`` for ops of fixed arity.
        kink: for ops whose derivative jumps somewhere inside the domain (``clamp`` at its
            bounds, ``maximum`` at a tie), the distance from given inputs and parameters
            to the nearest such point; tests sample at least 0.1 away from it.
        inline: the fast sweep applies the rule's terms in place instead of calling it
            (``+`` and ``*``, most nodes of an expression); the terms are traced from
            the rule itself (``autograd_engine.trace``), never written twice.
        activation: for a fused neuron (``layout == "neuron"``), the table entry of the
            activation on top of its pre-activation sum; None for a linear neuron and
            every other op.
        chosen_when_built: the op picks between its inputs by a parameter that Python
            computed from the data when the node was built (``where``'s condition): a
            recording run on other data keeps that pick, so batched replay, which runs
            one sample's graph for every sample, refuses the op.

    Nothing else describes an op: the sweep's fast forms, graph replay's statements and
    the fused activations are derived from ``forward``, ``rule`` and these traits.
    """

    name: str
    forward: Callable[..., float]
    rule: Rule
    arity: int
    domain: tuple[str, ...]
    params: dict[str, float] = field(default_factory=dict)
    infix: bool = False
    symbol: str = ""
    linear: bool = False
    from_output: bool = False
    layout: str = "fixed"
    inline: bool = False
    activation: OpSpec | None = None
    kink: Callable[..., float] | None = None
    chosen_when_built: bool = False

    def display(self, params: tuple[float, ...]) -> str:
        """The ``op`` shown for a node; an infix op with a parameter shows it (``**2``)."""
        if self.infix and params:
            return f"{self.symbol or self.name}{params[0]:g}"
        return self.name

    def bind(self, params: tuple[float, ...]) -> Rule:
        """The rule with its parameters fixed: what a node stores.

        A bound rule carries ``op_spec``, ``op_params`` and ``op_display``, so that a
        node's op can be recovered from the node (graph replay re-runs its forward).
        Bound rules are shared between nodes with the same parameters (``x ** 2``).
        """
        if not params:
            return self.rule
        key = (self.name, params)
        shared = _BOUND.get(key)
        if shared is not None:
            return shared
        rule = self.rule

        def bound(g: Any, out: Any, *inputs: Any) -> Any:
            return rule(g, out, *inputs, *params)

        bound.op_spec = self  # type: ignore[attr-defined]
        bound.op_params = params  # type: ignore[attr-defined]
        bound.op_display = self.display(params)  # type: ignore[attr-defined]
        if len(_BOUND) < _BOUND_LIMIT:  # a loop over many exponents must not grow it forever
            _BOUND[key] = bound
        return bound

    def evaluate(self, values: list[float], params: tuple[float, ...] = ()) -> float:
        """Run ``forward`` on floats; domain and range errors name the op and the values."""
        try:
            return self.forward(*values, *params)
        except (ArithmeticError, ValueError) as exc:
            raise self.error(values, params, exc) from None

    def error(self, values: list[float], params: tuple[float, ...], exc: Exception) -> Exception:
        """Rewrite an exception from ``forward`` to say which op failed on which numbers."""
        if self.infix:
            a, b = [*values, *params]
            call = f"{a!r} {self.symbol or self.name} {b!r}"
        else:
            call = f"{self.name}({', '.join(map(repr, [*values, *params]))})"
        reason = "result too large for a float" if isinstance(exc, OverflowError) else exc
        return type(exc)(f"{call}: {reason}")

    def __call__(self, *inputs: Scalar, **params: float) -> Scalar:
        """Apply the op: floats in give a float out, any Value in gives a Value node."""
        if any(isinstance(x, Sym) for x in inputs):  # traced inside another op's rule
            return call(self.forward, [*inputs, *params.values()])  # type: ignore[return-value]
        if self.arity and len(inputs) > self.arity and self.params:
            # Parameters may follow the inputs positionally: leaky_relu(x, 0.1).
            inputs, extra = inputs[: self.arity], inputs[self.arity :]
            if len(extra) > len(self.params):
                count = self.arity + len(extra)
                raise TypeError(f"{self.name} takes {self.arity} input(s), got {count}")
            params = {
                **dict(zip(self.params, cast(tuple[float, ...], extra), strict=False)),
                **params,
            }
        if self.arity and len(inputs) != self.arity:
            raise TypeError(f"{self.name} takes {self.arity} input(s), got {len(inputs)}")
        unknown = set(params) - set(self.params)
        if unknown:
            raise TypeError(f"{self.name} got unexpected parameter(s) {sorted(unknown)}")
        try:
            fixed = tuple(to_float(params.get(k, v)) for k, v in self.params.items())
            if not any(isinstance(x, Value) for x in inputs):
                try:
                    numbers = [to_float(x) for x in inputs]
                except TypeError:
                    operands(self.name, inputs)  # raises, naming the op and the operand
                    raise
                return self.evaluate(numbers, fixed)
            parents = operands(self.name, inputs)
        except OverflowError as exc:
            raise OverflowError(f"{self.name}: {exc}") from None
        data = self.evaluate([p._data for p in parents], fixed)
        return make_node(data, parents, self.bind(fixed), self.display(fixed))


OPS: dict[str, OpSpec] = {}

# Rules bound to parameters, shared by every node with the same op and parameters.
_BOUND: dict[tuple[str, tuple[float, ...]], Rule] = {}
_BOUND_LIMIT = 256


def defop(
    name: str,
    forward: Callable[..., float],
    rule: Rule,
    *,
    arity: int = 1,
    domain: tuple[str, ...] = ("real",),
    params: dict[str, float] | None = None,
    infix: bool = False,
    symbol: str = "",
    linear: bool = False,
    from_output: bool = False,
    layout: str = "fixed",
    inline: bool = False,
    activation: OpSpec | None = None,
    kink: Callable[..., float] | None = None,
    chosen_when_built: bool = False,
    operator: str = "",
    doc: str = "",
) -> OpFunction:
    """Register an op and return its public function (floats or Values in).

    A unary op with a ``doc`` also becomes a ``Value`` method (``x.tanh()``), and its
    docstring's examples join the calling module's doctests (its ``__test__``).
    ``operator`` names the Python operator that runs the op on Values, without its
    underscores: ``"mul"`` binds ``__mul__`` and ``__rmul__``, ``"neg"`` binds ``__neg__``.
    """
    if arity > 1 and len(domain) == 1:
        domain = domain * arity  # one tag for every input
    spec = OpSpec(
        name,
        forward,
        rule,
        arity,
        domain,
        dict(params or {}),
        infix,
        symbol,
        linear,
        from_output,
        layout,
        inline,
        activation,
        kink,
        chosen_when_built,
    )
    OPS[name] = spec
    register_op(spec)

    def function(*inputs: Scalar, **kwargs: float) -> Scalar:
        return spec(*inputs, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    # Where the caller binds the function (pickle finds ``autograd_engine.ops.exp``).
    function.__module__ = sys._getframe(1).f_globals.get("__name__", __name__)
    function.__signature__ = _signature(spec)  # type: ignore[attr-defined]
    function.spec = spec  # type: ignore[attr-defined]
    if doc:
        # doctest finds only functions defined in a module; this one was defined here.
        caller = sys._getframe(1).f_globals
        caller.setdefault("__test__", {})[name] = function
        if arity == 1:
            setattr(Value, name, unary_method(spec) if not spec.params else function)
    if operator:
        bind_operator(spec, operator)
    return cast(OpFunction, function)


def _signature(spec: OpSpec) -> inspect.Signature:
    """What ``help`` shows for an op's function: ``leaky_relu(x, slope=0.01)``."""
    kind = inspect.Parameter.POSITIONAL_ONLY
    if spec.arity == 0:
        inputs = [inspect.Parameter("values", inspect.Parameter.VAR_POSITIONAL)]
    elif spec.arity == 1:
        inputs = [inspect.Parameter("x", kind)]
    else:
        inputs = [inspect.Parameter(f"x{i}", kind) for i in range(spec.arity)]
    params = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)
        for name, default in spec.params.items()
    ]
    return inspect.Signature(inputs + params)


def number(x: Scalar) -> float:
    """The float inside a rule's argument, for the equality tests ``==`` cannot do on Values."""
    return x._data if isinstance(x, Value) else x
