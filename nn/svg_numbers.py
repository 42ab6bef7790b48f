"""The numbers in a laid-out graph's SVG: where each ``data``/``grad`` text is, and the same
SVG with new numbers in those places.

The live view lays the sample's graph out once and, at each later update, writes that
pass's numbers into the same SVG text: the same layout, so nothing moves, and no
Graphviz call. A field is found by the node it belongs to (its ``<title>``, the DOT name
such as ``v7``); numbers are written as the drawing writes them (``format_number``).

>>> svg = '<g><title>v0</title><text>data 1.0000</text><text>grad 0.0000</text></g>'
>>> slots = number_slots(svg)
>>> slots
[('data', 'v0'), ('grad', 'v0')]
>>> refill(svg, slots, {"v0": (2.5, -1.0)})
'<g><title>v0</title><text>data 2.5000</text><text>grad -1.0000</text></g>'
"""

from __future__ import annotations

import re

from autograd_engine.viz import format_number

# A field's text in Graphviz's SVG: ">data 0.1234<" between its tags.
_FIELD = re.compile(r">(data|grad) [^<]*<")


def number_slots(svg: str) -> list[tuple[str, str]]:
    """For each ``data``/``grad`` text of the SVG, in order: the field and the node's name."""
    slots: list[tuple[str, str]] = []
    for title, body in re.findall(r"<title>([^<]*)</title>(.*?)</g>", svg, re.S):
        slots.extend((field, title) for field in _FIELD.findall(body))
    return slots


def refill(svg: str, slots: list[tuple[str, str]], numbers: dict[str, tuple[float, float]]) -> str:
    """The first SVG with today's numbers (``numbers``: each node's data and grad by its
    name): the same layout, new text."""
    values = iter(slots)

    def number(match: re.Match[str]) -> str:
        field, name = next(values, (match.group(1), ""))
        if name not in numbers:
            return match.group(0)
        data, grad = numbers[name]
        return f">{field} {format_number(data if field == 'data' else grad)}<"

    return _FIELD.sub(number, svg)
