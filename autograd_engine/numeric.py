"""How a ``Value`` behaves where Python expects a number: formatting, ``int``, ``bool``,
ordering, and the refused ``float``.

None of this is part of the graph: these methods read ``data`` and build no node. They
live in a base class of ``Value`` (``AsNumber``, no slots of its own) so that
``value.py`` shows the node itself; ``==`` and ``hash`` stay identity, in ``Value``.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING


class AsNumber:
    """The number protocol of ``Value``, read from its ``data``.

    >>> from autograd_engine import Value
    >>> Value(1.0) < 2, f"{Value(2.0):.1f}"
    (True, '2.0')
    """

    __slots__ = ()

    if TYPE_CHECKING:
        data: float
        _data: float

    def __format__(self, spec: str) -> str:
        """``f"{v:.4f}"`` formats ``data``, as PyTorch does for a one-element tensor.

        >>> from autograd_engine import Value
        >>> f"{Value(2.0):.3f}", f"{Value(2.0)}"
        ('2.000', 'Value(data=2.0, grad=0.0)')
        """
        return format(self.data, spec) if spec else repr(self)

    def __int__(self) -> int:
        """``int(v)`` truncates ``data``, as ``int(tensor)`` does.

        An int is a step function of the number, with no gradient to lose, so unlike
        ``float(v)`` it is allowed.

        >>> from autograd_engine import Value
        >>> int(Value(2.7)), int(Value(-2.7))
        (2, -2)
        """
        return int(self.data)

    def __bool__(self) -> bool:
        """PyTorch's rule for one number: false exactly when ``data`` is zero (NaN is true).

        >>> from autograd_engine import Value
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
            >>> from autograd_engine import Value
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

    def _compare_data(self, other: object) -> float | None:
        if isinstance(other, AsNumber):
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
