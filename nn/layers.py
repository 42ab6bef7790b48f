"""Neurons, layers and multi-layer perceptrons, with their activations and initializations.

The forward pass is built for speed, because a scalar engine spends its whole training
step here: a neuron is one fused node, ``autograd_engine.affine`` (``act(b + w . x)``),
instead of ``2 * nin + 1``, whenever its activation is one ``affine`` fuses (linear, relu,
tanh, sigmoid); other activations add their own node on top. Each neuron keeps its
parameters as one tuple (``w`` is a tuple for that reason) and a layer hands one input
tuple to all its neurons, so a node allocates nothing else and backward reads each tuple
once. The sums are micrograd's, in its order (from the bias, left to right), so a neuron
gives micrograd's numbers. Activations and initializations are looked up once, in
``__init__``; a call does no string comparison.

The API is micrograd's (``MLP(2, [16, 16, 1])``, ``Neuron(nin, nonlin=True)``,
``Layer(nin, nout, nonlin=...)``) with named activations, several initializations and a
``seed``. As in micrograd, with no seed the weights come from the global ``random``
module, so ``random.seed(1337)`` followed by ``MLP(2, [16, 16, 1])`` gives micrograd's
very weights; with ``seed`` (an int or a ``random.Random``) no global state is used.

Scopes: ``MLP`` enters ``autograd_engine.scope`` once per layer (``layers.0``), and the
layer's neurons share that scope. Entering a scope (a context manager and a
context-variable switch) costs a few microseconds, as much as a whole fused neuron of 16
inputs: scoping each neuron would make the forward pass about twice as slow. Drawings
still group nodes by layer, and a neuron called on its own is scoped like any module.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from autograd_engine import AFFINE_ACTIVATIONS, Value, affine, affine_layer
from nn.activations import ACTIVATIONS, Activation, resolve_activation
from nn.init import Init, resolve_init
from nn.module import Module, tree_version
from nn.rng import Seed, make_rng
from nn.saving import StateDictError, check_architecture_size, clip, read_saved, short


def _pick_activation(activation: Activation | bool, nonlin: bool | None) -> Activation:
    """Reconcile ``activation`` with micrograd's ``nonlin`` flag (True: ReLU, False: linear)."""
    if isinstance(activation, bool):  # Neuron(3, False), micrograd's positional nonlin
        if nonlin is not None and nonlin != activation:
            raise TypeError(f"conflicting nonlin={nonlin!r} and positional {activation!r}")
        nonlin, activation = activation, "relu"
    if nonlin is None:
        return activation
    return activation if nonlin else "linear"


def as_values(x: Any) -> list[Value]:
    """Inputs as a list of Values: numbers are wrapped once, Values kept as they are.

    Accepts a list, tuple or 1-D NumPy array of numbers or Values, or a single number.

    >>> [v.data for v in as_values([1, 2.5])]
    [1.0, 2.5]
    """
    if isinstance(x, Value):
        return [x]
    if isinstance(x, (int, float)):  # a tuple: no union object built per call
        return [Value(x)]
    try:
        return [v if isinstance(v, Value) else Value(v) for v in x]
    except TypeError:
        raise TypeError(_not_one_example(x)) from None


def _not_one_example(x: Any) -> str:
    """Why ``x`` is not one example's inputs, and what to pass instead."""
    try:
        bad = next(v for v in x if not isinstance(v, Value | int | float) and not _is_number(v))
    except TypeError:  # not iterable at all
        return (
            f"expected one example: a list, tuple or 1-D array of numbers or Values, got "
            f"{type(x).__name__}: {x!r}"
        )
    except StopIteration:
        bad = x
    return (
        f"expected one example (numbers or Values), but an input is a "
        f"{type(bad).__name__}: {bad!r}; a batch is a 2-D array or a list of rows, one "
        "example per row (model(X) then gives one output per row)"
    )


def _is_number(v: Any) -> bool:
    return getattr(v, "ndim", None) == 0  # a NumPy scalar


def is_batch(x: Any) -> bool:
    """True for a batch of examples: a 2-D NumPy array, or a list or tuple of rows.

    >>> is_batch([[1.0, 2.0], [3.0, 4.0]]), is_batch([1.0, 2.0])
    (True, False)
    """
    kind = type(x)
    if kind is list or kind is tuple:  # first: a layer's inputs are a list of Values
        if not x:
            return False
        first = x[0]
        if isinstance(first, Value):
            return False
        return type(first) is list or type(first) is tuple or getattr(first, "ndim", None) == 1
    return getattr(x, "ndim", None) == 2


class Neuron(Module):
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
        _check_size("nin", nin)
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

    def __call__(self, x: Any) -> Any:
        """The output on one example, or a list of outputs on a batch (rows of ``X``)."""
        if is_batch(x):
            return [self(row) for row in x]
        return Module.__call__(self, x)

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


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs.

    Calling a layer returns a list of Values, or a single Value when ``nout == 1``, as in
    micrograd (``MLP`` does not depend on this: a one-neuron middle layer works).
    Arguments are those of ``Neuron``. The layer builds its neurons' outputs with
    ``neurons_forward`` (what ``Neuron.forward`` runs too) in one call, without entering a
    scope per neuron, so a ``Neuron`` subclass with another ``forward`` belongs in a
    custom module, not in ``neurons``.

    >>> layer = Layer(2, 3, activation="tanh", seed=0)
    >>> layer
    Layer(2 -> 3, tanh)
      (neurons.0-2): 3 x Neuron(2, tanh)
    >>> len(layer([1.0, 2.0])), type(Layer(2, 1)([1.0, 2.0])).__name__
    (3, 'Value')
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: Activation | bool = "relu",
        *,
        nonlin: bool | None = None,
        init: Init = "uniform",
        seed: Seed = None,
    ) -> None:
        _check_size("nin", nin)
        _check_size("nout", nout)
        rng = make_rng(seed)
        self.neurons = [
            Neuron(nin, activation, nonlin=nonlin, init=init, seed=rng, fan_out=nout)
            for _ in range(nout)
        ]
        self._nin, self._nout = nin, nout

    _plan: tuple[int, list[Neuron], Plan] | None = None

    def forward(self, x: Any) -> list[Value]:
        """Every neuron's output, always as a list."""
        xs = as_values(x)
        neurons, plan = self.neurons, self._plan
        # The plan (activation and parameter rows) kept while the tree and the neuron list
        # are unchanged: the same tuple of rows each call, which affine_layer checks once.
        if plan is None or plan[0] != tree_version() or plan[1] != neurons:
            plan = (tree_version(), list(neurons), layer_plan(neurons))
            object.__setattr__(self, "_plan", plan)
        return neurons_forward(neurons, xs, plan[2])

    def __call__(self, x: Any) -> Any:
        """The outputs on one example (one Value for one neuron), or a list on a batch."""
        if is_batch(x):
            return [self(row) for row in x]
        outputs: list[Value] = Module.__call__(self, x)
        return outputs[0] if len(outputs) == 1 else outputs

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self._nin

    @property
    def nout(self) -> int:
        """Number of neurons (outputs)."""
        return self._nout

    @property
    def activation(self) -> str:
        """The neurons' activation name."""
        return self.neurons[0].activation

    def extra_repr(self) -> str:
        return f"{self._nin} -> {self._nout}, {self.activation}"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(nin, nouts)`` is micrograd's network.

    Hidden layers use ``activation`` (ReLU by default), the last layer
    ``output_activation`` (linear by default). Calling the model on ``nin`` numbers or
    Values returns a Value when the last layer has one neuron, else a list.

    Args:
        nin: number of inputs.
        nouts: the width of each layer, the last being the number of outputs.
        activation: hidden-layer activation (see ``Neuron``).
        output_activation: last-layer activation; None is linear.
        init: weight initialization (see ``Neuron``).
        seed: an int or ``random.Random`` for reproducible weights; None uses ``random``.

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> model
    MLP(2 -> [16, 16, 1])
      (layers.0): Layer(2 -> 16, relu)
        (neurons.0-15): 16 x Neuron(2, relu)
      (layers.1): Layer(16 -> 16, relu)
        (neurons.0-15): 16 x Neuron(16, relu)
      (layers.2): Layer(16 -> 1, linear)
        (neurons.0): Neuron(16, linear)
    >>> round(model([0.5, -1.0]).data, 6)
    0.331818
    >>> len(model.parameters())
    337
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: Activation = "relu",
        output_activation: Activation = None,
        *,
        init: Init = "uniform",
        seed: Seed = None,
    ) -> None:
        _check_size("nin", nin)
        nouts = list(nouts) if not isinstance(nouts, int) else [nouts]
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        for size in nouts:
            _check_size("layer size", size)
        rng = make_rng(seed)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i < last else output_activation,
                init=init,
                seed=rng,
            )
            for i in range(len(nouts))
        ]
        self._nin, self._nouts = nin, nouts
        self._activation_names = (
            resolve_activation(activation)[0],
            resolve_activation(output_activation)[0],
        )

    def __call__(self, x: Any) -> Any:
        """The output on one example, or a list of outputs on a batch (``model(X)``).

        >>> model = MLP(2, [3, 1], seed=0)
        >>> outputs = model([[0.5, -1.0], [1.0, 2.0]])  # two rows: two outputs
        >>> len(outputs), outputs[0].data == model([0.5, -1.0]).data
        (2, True)
        """
        if is_batch(x):
            return [self(row) for row in x]
        return Module.__call__(self, x)

    def forward(self, x: Any) -> Value | list[Value]:
        """Run every layer; a single Value out when the last layer has one neuron."""
        xs: Any = as_values(x)
        if len(xs) != self._nin:
            raise ValueError(
                f"MLP({self._nin} -> {self._nouts}) expects {self._nin} inputs per "
                f"example, got {len(xs)}"
            )
        for layer in self.layers:
            xs = layer(xs)  # a one-neuron layer gives a Value, which the next layer takes
        return xs  # type: ignore[no-any-return]

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self._nin

    @property
    def nouts(self) -> list[int]:
        """Layer widths, last one the number of outputs."""
        return list(self._nouts)

    def architecture(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this model's shape (saved with it).

        >>> MLP(2, [3, 1]).architecture()
        {'class': 'MLP', 'nin': 2, 'nouts': [3, 1], 'activation': 'relu', \
'output_activation': 'linear'}
        """
        hidden, output = self._activation_names
        return {
            "class": "MLP",
            "nin": self._nin,
            "nouts": list(self._nouts),
            "activation": hidden,
            "output_activation": output,
        }

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        *,
        max_parameters: int | None = None,
        max_bytes: int | None = None,
    ) -> MLP:
        """Build an MLP from a file written by ``save``, shape and weights both.

        The file is untrusted: before anything is built, its architecture must hold at
        most ``max_parameters`` parameters (default ``nn.saving.MAX_PARAMETERS``, one
        million) and exactly as many as the file stores; a file larger than
        ``max_bytes`` (default ``nn.saving.MAX_FILE_BYTES``, 64 MiB) is not read.

        Raises:
            OSError: the file cannot be read.
            StateDictError: the file is not a saved MLP, is too large, describes too
                large a model, or its parameters do not fit its architecture; the
                message names the file and the key.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> model = MLP(2, [4, 1], activation="tanh", seed=0)
        >>> model.save(path)
        >>> copy = MLP.from_file(path)
        >>> copy.architecture() == model.architecture(), copy.state_dict() == model.state_dict()
        (True, True)
        """
        document = read_saved(path, max_bytes=max_bytes)
        name = os.fspath(path)
        shape = document.get("architecture")
        if not isinstance(shape, dict) or shape.get("class") != "MLP":
            raise StateDictError(
                f"{name}: key 'architecture' does not describe an MLP: {short(shape)}"
            )
        check_architecture_size(name, shape, document["parameters"], max_parameters)
        try:
            model = cls(
                shape["nin"],
                shape["nouts"],
                shape["activation"],
                shape["output_activation"],
                seed=0,
            )
        except (KeyError, TypeError, ValueError) as exc:
            reason = clip(str(exc))
            raise StateDictError(
                f"{name}: key 'architecture' cannot build an MLP: {reason}"
            ) from None
        model.load_state_dict(document["parameters"], source=name)
        return model

    def extra_repr(self) -> str:
        return f"{self._nin} -> {self._nouts}"


def _check_size(name: str, size: Any) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"{name} must be a positive int, got {size!r}")
