"""Checking what drawing entry points are given, with errors that name the argument.

Graphviz reports bad input late and in its own words (a ``DotError`` about a syntax
error, a ``UnicodeEncodeError`` from a lone surrogate); these checks run first, at the
call the user made, and say which argument is wrong and what it was.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from autograd_engine.value import Value

FORMATS = ("svg", "png", "pdf")
RANKDIRS = ("LR", "RL", "TB", "BT")


def format_name(format: Any, where: str) -> str:
    """A picture format, lower-cased.

    >>> format_name("PNG", "render")
    'png'
    >>> format_name("gif", "render")
    Traceback (most recent call last):
    ...
    ValueError: render: format must be one of ('svg', 'png', 'pdf'), got 'gif'
    """
    if not isinstance(format, str) or format.lower() not in FORMATS:
        raise ValueError(f"{where}: format must be one of {FORMATS}, got {format!r}")
    return format.lower()


def flag(value: Any, name: str, where: str = "draw_graph") -> bool:
    """A True/False option.

    >>> flag("yes", "legend")
    Traceback (most recent call last):
    ...
    TypeError: draw_graph: legend must be True or False, got 'yes'
    """
    if not isinstance(value, bool):
        raise TypeError(f"{where}: {name} must be True or False, got {value!r}")
    return value


def text(value: Any, name: str, where: str = "draw_graph") -> str:
    """Text Graphviz can draw: a str with no NUL and no lone surrogate.

    >>> text("loss", "title")
    'loss'
    >>> text(5, "title")
    Traceback (most recent call last):
    ...
    TypeError: draw_graph: title must be a str, got int 5
    """
    if not isinstance(value, str):
        raise TypeError(f"{where}: {name} must be a str, got {type(value).__name__} {value!r}")
    if "\0" in value:
        raise ValueError(f"{where}: {name} {value!r} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            f"{where}: {name} {value!r} contains a lone surrogate (not valid Unicode text)"
        ) from None
    return value


def rankdir(value: Any) -> str | None:
    """``None`` (chosen from the graph's shape) or one of Graphviz's four directions."""
    if value is not None and value not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS} or None, got {value!r}")
    return None if value is None else str(value)


def count(value: Any, name: str, *, low: int, none: bool = False) -> int | None:
    """An int of at least ``low`` (``None`` too when ``none``).

    >>> count(0, "max_nodes", low=1, none=True)
    Traceback (most recent call last):
    ...
    ValueError: draw_graph: max_nodes must be an int >= 1 or None, got 0
    """
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        also = " or None" if none else ""
        raise ValueError(f"draw_graph: {name} must be an int >= {low}{also}, got {value!r}")
    return value


def values(items: Any, name: str) -> tuple[Value, ...]:
    """A collection of Values (for ``highlight``)."""
    if isinstance(items, Value):
        return (items,)
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise TypeError(f"draw_graph: {name} must be a collection of Values, got {items!r}")
    found = tuple(items)
    for item in found:
        if not isinstance(item, Value):
            raise TypeError(
                f"draw_graph: {name} must hold Values only, got {type(item).__name__} {item!r}"
            )
    return found


def edge_labels(value: Any) -> bool | Collection[Value]:
    """True/False, or the Values whose input edges are labelled."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Collection) and not isinstance(value, str):
        return frozenset(values(value, "edge_labels"))
    raise TypeError(f"draw_graph: edge_labels must be True or False, got {value!r}")


def size(value: Any) -> str | None:
    """Graphviz's ``size`` (inches): a width, a ``(width, height)`` pair or ``"W,H"``.

    >>> size(10), size((6, 4)), size("5,5!"), size(None)
    ('10,1000', '6,4', '5,5!', None)
    """
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return f"{value:g},1000"  # a width only: the height is left free
    if isinstance(value, tuple) and len(value) == 2:
        w, h = value
        if all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value):
            return f"{w:g},{h:g}"
    if isinstance(value, str):
        parts = value.rstrip("!").split(",")
        try:
            if 1 <= len(parts) <= 2 and all(float(p) > 0 for p in parts):
                return value
        except ValueError:
            pass
    raise ValueError(
        "draw_graph: size must be a width in inches, a (width, height) pair, a Graphviz "
        f"size string such as '8,6' or None, got {value!r}"
    )


def labels(nodes: Iterable[Any]) -> None:
    """Every drawn Value's label is text Graphviz can draw (labels can be set any time)."""
    for node in nodes:
        if isinstance(node, Value) and node.label:
            text(node.label, f"the label of a Value (data {node.data!r})")
        elif isinstance(node, Value) and not isinstance(node.label, str):
            raise TypeError(
                f"draw_graph: the label of a Value (data {node.data!r}) must be a str, got "
                f"{type(node.label).__name__} {node.label!r}"
            )
