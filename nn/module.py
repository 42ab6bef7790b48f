"""``Module``: the tree of named parameters every layer and model is built on.

A module finds its parameters and sub-modules by looking at its public attributes, in the
order they were assigned: a ``Value`` attribute is a parameter, a list of Values is a
group of parameters (``w[0]``, ``w[1]``, ...), and a ``Module`` or a list of Modules is a
child (``layers.0``). Assigning a child gives it its dotted path, and every parameter in
the tree takes its dotted name as its ``label`` and ``kind = "parameter"``, so drawings
read ``layers.0.neurons.3.w[1]`` rather than an anonymous number.

The flat tuple of every parameter is built here, once, and kept until an assignment
anywhere in a tree changes it; subclasses never list their own parameters. The state of a
module (its numbers by group name, saving and loading them) is ``nn.module_state``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from autograd_engine import Value, scope, zero_grad
from nn.module_state import ModuleState, State

__all__ = ["Module", "State", "tree_version"]


class Module(ModuleState):
    """Base class of layers and models: parameters, names, modes, scoped calls, state.

    Subclasses assign parameters (``Value`` or lists of them) and sub-modules (``Module``
    or lists of them) as public attributes and implement ``forward``. Calling a module
    runs ``forward`` inside ``autograd_engine.scope`` with the module's name in its
    parent (``"layers.0"``), so a drawing can group the nodes each module made. Scopes
    nest, so called through the root a node's scope is the module's full ``path``, and
    under a caller's own ``scope("model")`` it is ``"model." + path``; the root module
    itself adds no scope.

    >>> from autograd_engine import Value
    >>> class Affine(Module):
    ...     def __init__(self):
    ...         self.w = [Value(2.0), Value(-1.0)]
    ...         self.b = Value(0.5)
    ...     def forward(self, x):
    ...         return self.w[0] * x[0] + self.w[1] * x[1] + self.b
    >>> class Model(Module):
    ...     def __init__(self):
    ...         self.blocks = [Affine(), Affine()]
    ...     def forward(self, x):
    ...         return self.blocks[1]([self.blocks[0](x), 1.0])
    >>> model = Model()
    >>> [name for name, _ in model.named_parameters()][:3]
    ['blocks.0.w[0]', 'blocks.0.w[1]', 'blocks.0.b']
    >>> model([1.0, 2.0]).data
    0.5
    >>> model.blocks[1].b.label, model.blocks[1].b.kind
    ('blocks.1.b', 'parameter')
    """

    # Class-level defaults: a subclass need not call ``super().__init__()``.
    _path: str = ""
    _scope_name: str | None = None
    _scope: AbstractContextManager[None] | None = None  # scope(_scope_name), entered per call
    _flat: tuple[int, tuple[Value, ...]] | None = None  # (tree version, parameters)
    training: bool = True

    # ---- building the tree ---------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if not name.startswith("_") and name != "training":
            self._adopt(name, value)
            _tree_changed()

    def _adopt(self, name: str, value: Any) -> None:
        """Name a newly assigned child module or parameter after its place in the tree."""
        prefix = f"{self._path}." if self._path else ""
        if isinstance(value, Module):
            value._place(name, prefix + name)
        elif isinstance(value, Value):
            _mark_parameter(value, prefix + name)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, Module):
                    item._place(f"{name}.{index}", f"{prefix}{name}.{index}")
                elif isinstance(item, Value):
                    _mark_parameter(item, f"{prefix}{name}[{index}]")

    def _place(self, scope_name: str, path: str) -> None:
        """Record this module's name in its parent and its full path; rename the subtree."""
        object.__setattr__(self, "_scope_name", scope_name)
        # Switches hold no state, so one per module serves every call (and every thread).
        object.__setattr__(self, "_scope", scope(scope_name))
        object.__setattr__(self, "_path", path)
        for name, value in self._public_attributes():
            self._adopt(name, value)

    def _public_attributes(self) -> Iterator[tuple[str, Any]]:
        for name, value in vars(self).items():
            if not name.startswith("_"):
                yield name, value

    @property
    def path(self) -> str:
        """Dotted path from the root module (``"layers.0"``); ``""`` for the root.

        >>> from nn import MLP
        >>> MLP(2, [3, 1]).layers[1].neurons[0].path
        'layers.1.neurons.0'
        """
        return self._path

    # ---- walking the tree ----------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules with their names in this module (``"layers.0"``), in order.

        >>> from nn import MLP
        >>> [name for name, _ in MLP(2, [3, 1]).named_children()]
        ['layers.0', 'layers.1']
        """
        for name, value in self._public_attributes():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, list | tuple):
                for index, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{index}", item

    def named_parameter_groups(self, prefix: str = "") -> Iterator[tuple[str, Value | list[Value]]]:
        """Each parameter attribute in the tree: a Value, or a list of Values, by dotted name.

        >>> from nn import Neuron
        >>> [(name, len(group)) for name, group in Neuron(3).named_parameter_groups()
        ...  if isinstance(group, list)]
        [('w', 3)]
        """
        for name, value in self._public_attributes():
            if isinstance(value, Value):
                yield prefix + name, value
            elif isinstance(value, Module):
                yield from value.named_parameter_groups(f"{prefix}{name}.")
            elif isinstance(value, list | tuple) and value:
                if all(isinstance(item, Value) for item in value):
                    yield prefix + name, list(value)
                    continue
                for index, item in enumerate(value):
                    if isinstance(item, Module):
                        yield from item.named_parameter_groups(f"{prefix}{name}.{index}.")

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, in definition order, each Value once.

        >>> from nn import MLP
        >>> names = [name for name, _ in MLP(2, [2, 1], seed=0).named_parameters()]
        >>> names[:4], names[-1]
        (['layers.0.neurons.0.w[0]', 'layers.0.neurons.0.w[1]', 'layers.0.neurons.0.b', \
'layers.0.neurons.1.w[0]'], 'layers.1.neurons.0.b')
        """
        named: list[tuple[str, Value]] = []
        seen: set[Value] = set()  # a parameter shared by two modules is stepped once
        for name, group in self.named_parameter_groups():
            items = [(name, group)] if isinstance(group, Value) else _indexed(name, group)
            for item_name, value in items:
                if value not in seen:
                    seen.add(value)
                    named.append((item_name, value))
        return named

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of ``named_parameters``.

        The module keeps this list as a tuple and rebuilds it only after an assignment to
        a module attribute anywhere (optimizers and ``zero_grad`` ask for it every step).
        Change a module's parameters by assigning, not by mutating a list in place.

        >>> from nn import MLP
        >>> len(MLP(2, [16, 16, 1]).parameters())
        337
        """
        return list(self._parameter_tuple())

    def _parameter_tuple(self) -> tuple[Value, ...]:
        cached = self._flat
        if cached is not None and cached[0] == _tree_version:
            return cached[1]
        flat = tuple(value for _, value in self.named_parameters())
        object.__setattr__(self, "_flat", (_tree_version, flat))
        return flat

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, parents before children, in order.

        >>> from nn import MLP
        >>> [type(m).__name__ for m in MLP(2, [1]).modules()]
        ['MLP', 'Layer', 'Neuron']
        """
        stack: list[Module] = [self]
        while stack:  # iterative: a deep tree must not hit the recursion limit
            module = stack.pop()
            yield module
            stack.extend(reversed([child for _, child in module.named_children()]))

    def train(self, mode: bool = True) -> Module:
        """Set ``training`` on this module and every sub-module; returns the module.

        As in PyTorch, the flag is for modules that behave differently while training
        (none of ``nn``'s own layers do: a neuron computes the same either way); ``fit``
        sets it, and ``eval()`` clears it for evaluation code that asks.

        >>> from nn import MLP
        >>> model = MLP(2, [3, 1]).eval()
        >>> model.training, model.layers[0].neurons[2].training
        (False, False)
        >>> model.train().training
        True
        """
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be a bool, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """``train(False)``: mark the module and its sub-modules as evaluating."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0 (leaves accumulate across ``backward``).

        >>> from nn import Neuron
        >>> n = Neuron(2, seed=0)
        >>> n([1.0, 2.0]).backward()
        >>> n.zero_grad()
        >>> [p.grad for p in n.parameters()]
        [0.0, 0.0, 0.0]
        """
        zero_grad(self._parameter_tuple())

    # ---- calling -------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses implement it. Call the module, not ``forward``."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        switch = self._scope
        if switch is None:  # the root: its nodes belong to no sub-module
            return self.forward(*args, **kwargs)
        with switch:
            return self.forward(*args, **kwargs)

    # ---- printing ------------------------------------------------------------------

    def extra_repr(self) -> str:
        """What goes between the parentheses of this module's line in ``repr``."""
        return ""

    def __repr__(self) -> str:
        head = f"{type(self).__name__}({self.extra_repr()})"
        lines = [head]
        children = list(self.named_children())
        index = 0
        # Runs of children that print alike are shown once with a count (16 x Neuron(...)).
        while index < len(children):
            name, child = children[index]
            text = repr(child)
            end = index + 1
            while end < len(children) and repr(children[end][1]) == text:
                end += 1
            if end - index > 1:
                first, last = name, children[end - 1][0].rsplit(".", 1)[-1]
                label, text = f"{first}-{last}", f"{end - index} x {text}"
            else:
                label = name
            body = text.replace("\n", "\n  ")
            lines.append(f"  ({label}): {body}")
            index = end
        return "\n".join(lines)


# Bumped by every assignment to a module's public attribute, in any module: a cached
# parameter tuple built at an older version may be stale (a neuron's ``w`` reassigned
# deep inside a model), so it is rebuilt. One counter is cheaper than telling parents.
_tree_version = 0


def _tree_changed() -> None:
    global _tree_version
    _tree_version += 1


def tree_version() -> int:
    """A counter that every assignment to a module attribute, anywhere, increases.

    For ``nn``'s own caches of what a module's tree holds (``Layer`` keeps its parameter
    rows): a cache made at an older version may be stale.
    """
    return _tree_version


def _mark_parameter(value: Value, name: str) -> None:
    value.label = name
    value.kind = "parameter"


def _indexed(name: str, group: list[Value]) -> list[tuple[str, Value]]:
    return [(f"{name}[{index}]", value) for index, value in enumerate(group)]
