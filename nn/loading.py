"""``nn.load(path)``: rebuild a saved model, shape and weights, from its JSON file.

``Module.save`` writes the model's ``architecture()`` beside its parameters; this module
maps the architecture's ``"class"`` to the class that can rebuild it (``MLP`` for now) and
lets that class's ``from_file`` check the file. ``model.load(path)`` is the other way in:
it fills a model that already exists.
"""

from __future__ import annotations

import os

from nn.layers import MLP
from nn.module import Module
from nn.saving import StateDictError, read_saved

# The classes nn can rebuild from a file, by the "class" their architecture() records.
MODEL_CLASSES: dict[str, type[MLP]] = {"MLP": MLP}


def load(path: str | os.PathLike[str]) -> Module:
    """The model saved in ``path`` (by ``model.save``), built with its shape and weights.

    Raises:
        OSError: the file cannot be read.
        StateDictError: not a saved model, or one whose architecture nn cannot build;
            the message names the file and says what to do.

    >>> import os, tempfile
    >>> import nn
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> nn.MLP(2, [4, 1], activation="tanh", seed=0).save(path)
    >>> nn.load(path)
    MLP(2 -> [4, 1])
      (layers.0): Layer(2 -> 4, tanh)
        (neurons.0-3): 4 x Neuron(2, tanh)
      (layers.1): Layer(4 -> 1, linear)
        (neurons.0): Neuron(4, linear)
    """
    document = read_saved(path)
    shape = document.get("architecture")
    name = shape.get("class") if isinstance(shape, dict) else None
    model_class = MODEL_CLASSES.get(name) if isinstance(name, str) else None
    if model_class is None:
        known = ", ".join(sorted(MODEL_CLASSES))
        raise StateDictError(
            f"{os.fspath(path)}: key 'architecture' is {shape!r}, which names no model nn "
            f"can build (it builds {known}); build the model yourself and call "
            "model.load(path)"
        )
    return model_class.from_file(path)
