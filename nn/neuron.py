"""The neuron, ``act(dot(w, x) + b)``: the one place nn says what a neuron computes.

The forward pass is built for speed, because a scalar engine spends its whole training
step here: a neuron is one fused node, ``autograd_engine.affine`` (``act(b + w . x)``),
instead of ``2 * nin + 1``, whenever its activation is one ``affine`` fuses (the engine's
``AFFINE_ACTIVATIONS``: linear, relu, tanh, sigmoid, ...); other activations add their
own node on top. Each neuron keeps its parameters as one tuple (``w`` is a tuple for
that reason) and a layer hands one input tuple to all its neurons, so a node allocates
nothing else and backward reads each tuple once. The sums are micrograd's, in its order
(from the bias, left to right), so a neuron gives micrograd's numbers. Activations and
initializations are looked up once, in ``__init__``; a call does no string comparison.

``neurons_forward`` is that computation for several neurons on the same inputs:
``Neuron.forward`` runs it for one neuron and ``nn.layers.Layer`` for all of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_engine import AFFINE_ACTIVATIONS, Value, affine, affine_layer
from nn.activations import ACTIVATIONS, Activation, resolve_activation
from nn.checks import check_size
from nn.init import Init, resolve_init
from nn.inputs import ExampleModule, as_values
from nn.rng import Seed, make_rng


def _pick_activation(activation: Activation | bool, nonlin: bool | None) -> Activation:
    """Reconcile ``activation`` with micrograd's ``nonlin`` flag (True: ReLU, False: linear)."""
    if isinstance(activation, bool):  # Neuron(3, False), micrograd's positional nonlin
        if nonlin is not None and nonlin != activation:
            raise TypeError(f"conflicting nonlin={nonlin!r} and positional {activation!r}")
        nonlin, activation = activation, "relu"
    if nonlin is None:
        return activation
    return activation if nonlin else "linear"


class Neuron(ExampleModule):
    """``act(w . x + b)``: one weight per input and a bias; micrograd's order ``[w..., b]``.

    ``w`` is a tuple (assigning any sequence stores a tuple): the fused node keeps the
    parameters ``(*w, b)`` as one tuple shared by every call, rebuilt when ``w`` or ``b``
    is assigned, and a tuple cannot change behind its back.

    Args:
        nin: number of inputs.
        activation: ``"relu"`` (default), ``"tanh"``, ``"sigmoid"``, ``"linear"`` (or
            ``None``), another name from ``ACTIVATIONS``, or a callable on a Value.
        nonlin: micrograd's flag; True is ReLU, False is linear.
        init: ``"uniform"`` (micrograd's U(-1, 1)), ``"xavier"``/``"glorot"``,
            ``"he"``/``"kaiming"``, or ``init(rng, fan_in, fan_out) -> float``. Biases
            start at 0.
        seed: an int or ``random.Random`` for reproducible weights; None uses ``random``.
        fan_out: the layer width, used by Xavier initialization.

    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> n
    Neuron(2, tanh)
    >>> round(n([1.0, -1.0]).data, 6)
    0.171231
    >>> Neuron(3, nonlin=False)
    Neuron(3, linear)
    """

    _params: tuple[Value, ...]  # (*w, b), kept by __setattr__

    def __init__(
        self,
        nin: int,
        activation: Activation | bool = "relu",
        *,
        nonlin: bool | None = None,
        init: Init = "uniform",
        seed: Seed = None,
        fan_out: int = 1,
    ) -> None:
        check_size("nin", nin)
        name, function = resolve_activation(_pick_activation(activation, nonlin))
        draw, rng = resolve_init(init), make_rng(seed)
        self.w = tuple(Value(draw(rng, nin, fan_out)) for _ in range(nin))
        self.b = Value(0.0)
        self._nin = nin
        self._activation_name = name
        self._activation = function
        # The activation affine fuses, or None: then the neuron is act(affine(...)).
        fusable = name in AFFINE_ACTIVATIONS and ACTIVATIONS.get(name) is function
        self._fused = name if fusable else None

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "w":
            value = tuple(value)
        super().__setattr__(name, value)
        if name in ("w", "b") and "w" in vars(self) and "b" in vars(self):
            object.__setattr__(self, "_params", (*self.w, self.b))

    @property
    def activation(self) -> str:
        """The activation's name (``"relu"``, ``"linear"``, or a callable's ``__name__``)."""
        return self._activation_name

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the activation is linear."""
        return self._activation_name != "linear"

    def forward(self, x: Any) -> Value:
        """``act(w . x + b)``; ``x`` holds ``nin`` numbers or Values."""
        return neurons_forward([self], as_values(x))[0]

    def extra_repr(self) -> str:
        return f"{self._nin}, {self._activation_name}"


Rows = tuple[tuple[Value, ...], ...]
Plan = tuple[str | None, Rows | None]


def layer_plan(neurons: Sequence[Neuron]) -> Plan:
    """The activation all ``neurons`` fuse and their parameter rows, or ``(..., None)``.

    >>> plan = layer_plan([Neuron(2, seed=0), Neuron(2, seed=1)])
    >>> plan[0], len(plan[1])
    ('relu', 2)
    """
    fused = neurons[0]._fused
    rows = tuple([n._params for n in neurons if n._fused == fused])
    if fused is not None and len(rows) == len(neurons):
        return fused, rows
    return fused, None


def neurons_forward(
    neurons: Sequence[Neuron], xs: Sequence[Value], plan: Plan | None = None
) -> list[Value]:
    """Each neuron's ``act(w . x + b)`` on the same inputs: what a neuron computes, once.

    ``Neuron.forward`` is this for one neuron and ``Layer`` for its neurons. When all of
    them fuse the same activation, one ``affine_layer`` call builds every node on one
    input tuple, which backward then reads once for the whole layer (an optimisation of
    the plain form below, which gives the same nodes). ``plan`` is ``layer_plan(neurons)``
    when the caller keeps it.

    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> neurons_forward([n, n], [Value(1.0), Value(-1.0)])[1].data == n([1.0, -1.0]).data
    True
    """
    fused, rows = plan or layer_plan(neurons)
    if rows is not None:
        return affine_layer(rows, xs, fused)
    shared = tuple(xs)
    return [  # mixed or unfused activations: act(affine) per neuron
        affine(n._params, shared, n._fused)  # type: ignore[misc]
        if n._fused is not None
        else n._activation(affine(n._params, shared))  # type: ignore[arg-type]
        for n in neurons
    ]
