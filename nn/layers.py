"""Layers and multi-layer perceptrons: neurons side by side, and layers in a row.

The API is micrograd's (``MLP(2, [16, 16, 1])``, ``Neuron(nin, nonlin=True)``,
``Layer(nin, nout, nonlin=...)``) with named activations, several initializations and a
``seed``. As in micrograd, with no seed the weights come from the global ``random``
module, so ``random.seed(1337)`` followed by ``MLP(2, [16, 16, 1])`` gives micrograd's
very weights; with ``seed`` (an int or a ``random.Random``) no global state is used.

A layer computes what its neurons compute (``nn.neuron.neurons_forward``, in one call)
and an MLP calls its layers in turn; both take one example or a batch as every
``nn.inputs.ExampleModule`` does. ``Neuron``, ``neurons_forward``, ``as_values`` and
``is_batch`` are importable from here as well as from their own modules.

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

from autograd_engine import Value
from nn.activations import Activation, resolve_activation
from nn.checks import check_size
from nn.init import Init
from nn.inputs import ExampleModule, as_values, is_batch
from nn.module import tree_version
from nn.neuron import Neuron, Plan, layer_plan, neurons_forward
from nn.rng import Seed, make_rng
from nn.saving import StateDictError, check_architecture_size, clip, read_saved, short

__all__ = ["MLP", "Layer", "Neuron", "as_values", "is_batch", "layer_plan", "neurons_forward"]


class Layer(ExampleModule):
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
        check_size("nin", nin)
        check_size("nout", nout)
        rng = make_rng(seed)
        self.neurons = [
            Neuron(nin, activation, nonlin=nonlin, init=init, seed=rng, fan_out=nout)
            for _ in range(nout)
        ]
        self._nin, self._nout = nin, nout

    _plan: tuple[int, list[Neuron], Plan] | None = None

    def forward(self, x: Any) -> Value | list[Value]:
        """Every neuron's output: a list, or one Value when the layer has one neuron."""
        xs = as_values(x)
        neurons, plan = self.neurons, self._plan
        # The plan (activation and parameter rows) kept while the tree and the neuron list
        # are unchanged: the same tuple of rows each call, which affine_layer checks once.
        version = tree_version()
        if plan is None or plan[0] != version or plan[1] != neurons:
            plan = (version, list(neurons), layer_plan(neurons))
            object.__setattr__(self, "_plan", plan)
        outputs = neurons_forward(neurons, xs, plan[2])
        return outputs[0] if len(outputs) == 1 else outputs  # micrograd's convention

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


class MLP(ExampleModule):
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
    >>> outputs = model([[0.5, -1.0], [1.0, 2.0]])  # a batch of two rows: two outputs
    >>> len(outputs), outputs[0].data == model([0.5, -1.0]).data
    (2, True)
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
        check_size("nin", nin)
        nouts = list(nouts) if not isinstance(nouts, int) else [nouts]
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        for size in nouts:
            check_size("layer size", size)
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
