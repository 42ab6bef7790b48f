"""A module's state: its parameters' numbers by name, and saving and loading them as JSON.

The state of a module is its *groups*: one entry per attribute holding parameters, a
float for a single Value (``b``) or a list of floats for a list (``w``). That is what
``state_dict`` returns and what ``save`` writes as JSON; ``load_state_dict`` and ``load``
validate every name and size before assigning anything, so a failed load leaves the
model as it was. Nothing is ever pickled. The file format itself (atomic writes, size
limits, number checks) is ``nn.saving``'s.

``ModuleState`` holds these methods for ``nn.module.Module``, which inherits them; it
reads the tree only through ``named_parameter_groups``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from autograd_engine import Value
from nn.saving import (
    FORMAT,
    VERSION,
    StateDictError,
    checked_number,
    read_saved,
    short,
    write_atomically,
)

State = dict[str, float | list[float]]


class ModuleState:
    """``state_dict``, ``load_state_dict``, ``save``, ``load`` and ``architecture``.

    >>> from nn import Neuron
    >>> n = Neuron(1, seed=0)
    >>> n.load_state_dict(n.state_dict())
    >>> n.state_dict()
    {'w': [0.6888437030500962], 'b': 0.0}
    """

    def named_parameter_groups(self, prefix: str = "") -> Iterator[tuple[str, Value | list[Value]]]:
        """Each parameter attribute by dotted name; ``Module`` defines it."""
        raise NotImplementedError

    def state_dict(self) -> State:
        """The parameters' numbers by group name: a float per Value, a list per list.

        >>> from nn import Neuron
        >>> Neuron(2, seed=0).state_dict()
        {'w': [0.6888437030500962, 0.515908805880605], 'b': 0.0}
        """
        state: State = {}
        for name, group in self.named_parameter_groups():
            state[name] = group.data if isinstance(group, Value) else [v.data for v in group]
        return state

    def load_state_dict(self, state: dict[str, Any], *, source: str = "state dict") -> None:
        """Set every parameter from ``state``; check everything first, change nothing on error.

        Args:
            state: group name -> float or list of floats, as ``state_dict`` returns.
            source: how error messages name where ``state`` came from (a file name).

        Raises:
            StateDictError: a missing or unexpected key, a wrong size or a value that is
                not a finite number; the message names the source and the key.

        >>> from nn import Neuron
        >>> n = Neuron(2, seed=0)
        >>> n.load_state_dict({"w": [1.0, 2.0], "b": 3.0})
        >>> n([1.0, 1.0]).data
        6.0
        >>> n.load_state_dict({"w": [1.0], "b": 3.0})
        Traceback (most recent call last):
        ...
        nn.saving.StateDictError: state dict: key 'w' holds 1 number(s), the model has 2
        """
        if not isinstance(state, dict):
            raise StateDictError(f"{source}: expected a mapping of names to numbers")
        groups = dict(self.named_parameter_groups())
        for name in groups:
            if name not in state:
                raise StateDictError(f"{source}: missing key {short(name)}")
        for name in state:
            if name not in groups:
                raise StateDictError(f"{source}: unexpected key {short(name)} (not in the model)")
        assignments: list[tuple[Value, float]] = []
        for name, group in groups.items():
            assignments.extend(_checked_assignments(name, group, state[name], source))
        for value, number in assignments:  # every check passed: now change the model
            value.data = number

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the parameters to a JSON file, atomically (no half-written file, ever).

        The file holds ``{"format", "version", "architecture", "parameters"}``; the
        architecture is whatever ``architecture()`` returns (``MLP`` gives its sizes).

        Raises:
            StateDictError: a parameter is NaN or infinite (the message names it).

        >>> import os, tempfile
        >>> from nn import MLP
        >>> model, copy = MLP(2, [4, 1], seed=1), MLP(2, [4, 1], seed=2)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> model.save(path)
        >>> copy.load(path)
        >>> copy.state_dict() == model.state_dict()
        True
        """
        state = self.state_dict()
        for name, numbers in state.items():
            items = numbers if isinstance(numbers, list) else [numbers]
            if not all(math.isfinite(x) for x in items):
                raise StateDictError(f"{os.fspath(path)}: cannot save {name!r}: not finite")
        document = {
            "format": FORMAT,
            "version": VERSION,
            "architecture": self.architecture(),
            "parameters": state,
        }
        write_atomically(Path(path), json.dumps(document, indent=1) + "\n")

    def load(
        self, path: str | os.PathLike[str] | None = None, *, max_bytes: int | None = None
    ) -> None:
        """Load parameters saved by ``save`` into this model; on any problem raise, change nothing.

        A file whose saved architecture differs from this model's (another activation,
        say) is refused even when every size fits. A file larger than ``max_bytes``
        (default ``nn.saving.MAX_FILE_BYTES``, 64 MiB) is refused without being read. To
        build a model from a file, shape and all, use ``nn.load(path)`` or
        ``MLP.from_file(path)``.

        Raises:
            OSError: the file cannot be read.
            TypeError: called on the class (``MLP.load(path)``); the message says what to
                call instead.
            StateDictError: the file is too large, not valid JSON, not a saved model, or
                does not fit this model; the message names the file and the key.

        >>> import os, tempfile
        >>> from nn import MLP
        >>> path = os.path.join(tempfile.mkdtemp(), "broken.json")
        >>> with open(path, "w") as f:
        ...     _ = f.write('{"format": "autograd-engine/nn", "version": 1, "param')
        >>> MLP(2, [1]).load(path)
        Traceback (most recent call last):
        ...
        nn.saving.StateDictError: .../broken.json: not valid JSON (...)
        >>> MLP.load(path)
        Traceback (most recent call last):
        ...
        TypeError: load('.../broken.json') was called on a model class, not on a model: \
load fills an existing model's weights (model.load(path)); to build a model from a file, \
shape and weights, use nn.load(path) (or MLP.from_file(path))
        """
        if not isinstance(self, ModuleState):  # MLP.load("m.json"): the path arrived as self
            raise TypeError(_load_on_class_message(self, path))
        if path is None:
            raise TypeError(f"{type(self).__name__}.load() needs the path of a saved model")
        document = read_saved(path, max_bytes=max_bytes)
        name = os.fspath(path)
        saved, own = document.get("architecture"), self.architecture()
        if saved is not None and own is not None and saved != own:
            raise StateDictError(
                f"{name}: key 'architecture' describes {short(saved)}, but this model is {own!r}"
            )
        self.load_state_dict(document["parameters"], source=name)

    def architecture(self) -> dict[str, Any] | None:
        """A JSON-ready description of the model's shape, saved next to its parameters."""
        return None


def _load_on_class_message(first: object, path: object) -> str:
    shown = ", ".join(repr(a) for a in (first, path) if a is not None)
    return (
        f"load({shown}) was called on a model class, not on a model: load fills an "
        "existing model's weights (model.load(path)); to build a model from a file, shape "
        "and weights, use nn.load(path) (or MLP.from_file(path))"
    )


def _checked_assignments(
    name: str, group: Value | list[Value], numbers: Any, source: str
) -> list[tuple[Value, float]]:
    """Pair each Value of a group with its new number, or raise naming what is wrong."""
    if isinstance(group, Value):
        if isinstance(numbers, list):
            raise StateDictError(f"{source}: key {name!r} holds a list, the model has one number")
        return [(group, checked_number(numbers, source, name))]
    if not isinstance(numbers, list):
        raise StateDictError(f"{source}: key {name!r} holds {short(numbers)}, expected a list")
    if len(numbers) != len(group):
        raise StateDictError(
            f"{source}: key {name!r} holds {len(numbers)} number(s), the model has {len(group)}"
        )
    return [
        (value, checked_number(number, source, f"{name}[{index}]"))
        for index, (value, number) in enumerate(zip(group, numbers, strict=True))
    ]
