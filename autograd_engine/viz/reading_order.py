"""Which of a few equivalent DOT declarations to draw: the one that reads in index order.

Graphviz's dot leaves the boxes of one column (the neurons of a layer) and the Values of
one box (x[0] and x[1]; w[0], w[1] and b) in whatever order its crossing minimiser ends
with. To it the neurons of a layer are interchangeable (each reads the same inputs and
feeds the same consumers), so their order falls out of ties, and the ties fall by the
order the DOT text declares things in: a wide drawing could come out neuron 7 to 0. No
attribute fixes that; ``ordering=``, flat edges and anchor nodes between boxes, compound
edges and more crossing passes were each tried on 60 drawings (issue 15), and none held.

So the picture is chosen, in two ways that work together:

- Twins trade places (``twins``). Interchangeable boxes and Values are declared each in
  the place where it reads in order; dot lays that text out in the same order as the
  layout it was read from, so this costs no layout (tested: a layout of it reads as
  predicted).
- Declarations are searched. The same graph, declared in other orders (boxes, the Values
  in innermost boxes and the other Values, each in index order or reversed) and laid out
  with dot's full or fewer crossing passes, covers what twins cannot: twins of two kinds
  (neurons with their weights drawn, and neurons without) that dot interleaves, and
  Values that are not twins. The default comes first; ``layouts_for`` bounds the rest.

A left-to-right layout turned upside down is still a left-to-right layout with the same
crossings, so each layout's mirror image is a candidate too (its pairs out of order are
exactly the others'). A mirrored winner is drawn from its mirrored positions by
Graphviz's ``nop2`` engine, which lays out nothing.

Only the picture changes: ``Graph.source`` stays the default declaration, and every node
keeps its name (``v7``), so the player and the live view find their nodes as before.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from autograd_engine.viz.declarations import DECLARATIONS
from autograd_engine.viz.dot_document import DotDocument
from autograd_engine.viz.twins import Relabel

# Each declaration is laid out as it is, then with fewer crossing passes (``mclimit``),
# which keep more of the declared order: of 54 drawings (six networks at eight budgets,
# hinge losses at six), 53 read right with both rounds, 46 with the full passes alone
# (measured at c577728).
FEWER_PASSES = {"mclimit": "0.1"}
ROUNDS: tuple[dict[str, str], ...] = ({}, FEWER_PASSES)

# The search's bound: Graphviz's time grows about with the square of a drawing's layout
# cost (``DotDocument.cost``; one layout took 0.14 s at 851, 0.52 s at 1,292 and 1.48 s
# at 2,472 when fitted, before 6dc62f5 took the loops out of summaries' layers; it
# overstates the time since: 0.2 s at 1,292), so the layouts a search may make fall with
# the square of the cost: every candidate (16) up to cost 661, nine for notebook 03's
# whole network (851), four for a hinge loss over ten samples at the default budget
# (1,292), one up to 2,645 and none beyond. A search stops as soon as a layout reads
# right. Small drawings get every candidate because some need it: with Debian's
# Graphviz 2.43, MLP(2, [4, 4, 1]) at 20 values reads right only at the eleventh.
SEARCH_ALLOWANCE = 7_000_000
MAX_LAYOUTS = len(DECLARATIONS) * len(ROUNDS)


def layouts_for(cost: int) -> int:
    """How many layouts the search may make for a drawing of layout ``cost`` (0: none).

    >>> layouts_for(300), layouts_for(851), layouts_for(1292), layouts_for(3000)
    (16, 9, 4, 0)
    """
    return min(MAX_LAYOUTS, SEARCH_ALLOWANCE // max(cost, 1) ** 2)


# A mirror image that reads right puts each box's title under it, so the search goes on
# for this many layouts looking for one that reads right as laid out: notebook 03's
# network at 40 values finds one in the next but one (where twins alone read right as a
# mirror image in the first), and at 80 and 100 values none of the ten it then made does.
MIRROR_PATIENCE = 2

# lay_out(source, format, engine) -> bytes, e.g. backends.render with a deadline.
LayOut = Callable[[str, str, str], bytes]

Box = tuple[float, float, float, float]  # left, bottom, right, top, in points (y up)


@dataclass(frozen=True)
class Layout:
    """DOT text to draw, and the Graphviz engine that draws it (``nop2``: as positioned).

    >>> Layout("digraph { a -> b }")
    Layout(source='digraph { a -> b }', engine='dot')
    """

    source: str
    engine: str = "dot"


def choose(document: DotDocument, lay_out: LayOut, layouts: int = MAX_LAYOUTS) -> Layout:
    """The declaration of ``document`` (and mirror image) that reads most in index order,
    among the first ``layouts`` candidates.

    >>> from autograd_engine import Value, draw_graph
    >>> from autograd_engine.viz.backends import render
    >>> graph = draw_graph(Value(1.0, label="a") + Value(2.0, label="b"))
    >>> layout = choose(graph._document, lambda s, f, e: render(s, f, engine=e))
    >>> layout.engine in ("dot", "nop2")
    True
    """
    groups = document.reading_groups
    if not groups:
        return Layout(document.source)
    search = _Search(document, lay_out, max(layouts, 1))
    declarer = document.declarer
    if declarer is None:  # one declaration, no twins: it or its mirror image
        search.lay_out(document.source)
        return search.result()
    for order, extra in itertools.product(declarer.orders(), ROUNDS):
        layout = search.lay_out(document.text(declarer.body(order), extra))
        # Twins out of order trade places (``twins``): the same layout with each twin
        # where it reads in order, scored as it stands (names do not move anything).
        for mirrored in (False, True):
            relabel = declarer.relabel(reading_places(layout, search.across, mirrored))
            if relabel is not None:
                text = partial(document.text, declarer.body(order, relabel), extra)
                search.score(renamed(layout, relabel.names), text)
        if search.over():
            break
    return search.result()


def one_layout(document: DotDocument, lay_out: LayOut) -> Layout:
    """For a drawing too costly to search (``layouts_for`` gives 0): its one layout, or
    that layout's mirror image when the mirror reads more in index order, with its twins
    in their places when that reads more still. It is drawn from the layout's positions
    (``nop2``), so the SVG and the PNG of it share that layout.

    The layout is made with fewer crossing passes (``FEWER_PASSES``), which keep more of
    the declared order and take less time. Twins are put in place as ``choose`` does;
    drawing them there takes a second layout, but the order it reads in is known before
    it is made. On a 40,000-value step at ``max_nodes=1000`` that reads 3 of 89 pairs
    out of order, against 86 as laid out.

    >>> from autograd_engine import Value, draw_graph
    >>> from autograd_engine.viz.backends import render
    >>> graph = draw_graph(Value(1.0, label="a") * Value(2.0, label="b"))
    >>> one_layout(graph._document, lambda s, f, e: render(s, f, engine=e)).engine
    'nop2'
    """
    positioned = lay_out(document.text(document.body, FEWER_PASSES), "dot", "dot").decode()
    groups = document.reading_groups
    if not groups:
        return Layout(positioned, "nop2")
    placed: dict[str, Any] = json.loads(lay_out(positioned, "json0", "nop2"))
    across = _across(document)
    wrong, pairs = out_of_order(placed, groups, across)
    # Fewest pairs out of order; at a tie as laid out (a mirror puts box titles under).
    best = min((wrong, False), (pairs - wrong, True))
    body, best = _twins_in_place(document, placed, across, best)
    if body is not None:  # the second layout: twins where they read in order
        positioned = lay_out(document.text(body, FEWER_PASSES), "dot", "dot").decode()
        placed = json.loads(lay_out(positioned, "json0", "nop2")) if best[1] else placed
    if not best[1]:
        return Layout(positioned, "nop2")
    return Layout(mirror(positioned, across, extent(placed, across)), "nop2")


def _twins_in_place(
    document: DotDocument, placed: dict[str, Any], across: str, best: tuple[int, bool]
) -> tuple[list[str] | None, tuple[int, bool]]:
    """The default declaration's body with twins relabelled where ``placed`` (as laid
    out, or as its mirror image) reads them in order, if that reads better than
    ``best`` (pairs out of order, mirrored), and its score; else None and ``best``."""
    declarer = document.declarer
    if declarer is None:
        return None, best
    chosen: Relabel | None = None
    for mirrored in (False, True):
        relabel = declarer.relabel(reading_places(placed, across, mirrored))
        if relabel is None:
            continue
        wrong, pairs = out_of_order(renamed(placed, relabel.names), document.reading_groups, across)
        score = (pairs - wrong if mirrored else wrong, mirrored)
        if score < best:
            chosen, best = relabel, score
    if chosen is None:
        return None, best
    return declarer.body(declarer.orders()[0], chosen), best


def _across(document: DotDocument) -> str:
    """The axis boxes sit side by side on: across the drawing's flow."""
    rankdir = document.graph_attr.get("rankdir", "TB")
    return "x" if rankdir in ("TB", "BT") else "y"


class _Search:
    """The candidates scored so far, and the one that reads best."""

    def __init__(self, document: DotDocument, lay_out: LayOut, layouts: int) -> None:
        self.document, self.layouts, self.made = document, layouts, 0
        self._lay_out = lay_out
        self.across = _across(document)
        # Fewest pairs out of order wins; at a tie the layout as laid out beats a mirror
        # image (a mirror puts the output and the box titles at the bottom), and the
        # earlier candidate beats a later one.
        self.best: tuple[int, bool, dict[str, Any], str | Callable[[], str]] | None = None
        self.mirror_read_right_at: int | None = None  # layouts made when one first did

    def lay_out(self, source: str) -> dict[str, Any]:
        """Lay ``source`` out, score it and its mirror image, and return the layout."""
        self.made += 1
        layout: dict[str, Any] = json.loads(self._lay_out(source, "json0", "dot"))
        self.score(layout, source)
        return layout

    def score(self, layout: dict[str, Any], source: str | Callable[[], str]) -> None:
        """Keep ``source`` if it, or its mirror image, reads best so far; ``layout`` is
        where it puts things (a callable ``source`` is written only if it wins)."""
        wrong, pairs = out_of_order(layout, self.document.reading_groups, self.across)
        for mirrored, count in ((False, wrong), (True, pairs - wrong)):
            if self.best is None or (count, mirrored) < self.best[:2]:
                self.best = (count, mirrored, layout, source)
        if self.best is not None and self.best[0] == 0 and self.mirror_read_right_at is None:
            self.mirror_read_right_at = self.made

    def over(self) -> bool:
        """A candidate reads right as laid out, a mirror image has read right for
        ``MIRROR_PATIENCE`` more layouts, or the search has made all its layouts."""
        assert self.best is not None
        if self.best[:2] == (0, False) or self.made >= self.layouts:
            return True
        return self.mirror_read_right_at is not None and (
            self.made >= self.mirror_read_right_at + MIRROR_PATIENCE
        )

    def result(self) -> Layout:
        """The best candidate, a mirror image drawn from its mirrored positions."""
        assert self.best is not None  # there is always the default declaration
        _, mirrored, layout, text = self.best
        source = text if isinstance(text, str) else text()
        if not mirrored:
            return Layout(source)
        # A relabelled candidate's extent is its layout's (label widths may move it a
        # little, which only shifts the mirror image: nop2 fits the page to it).
        positioned = self._lay_out(source, "dot", "dot").decode("utf-8")
        return Layout(mirror(positioned, self.across, extent(layout, self.across)), "nop2")


def renamed(layout: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """``layout`` with its objects renamed (a place's name to the name it shows).

    >>> renamed({"objects": [{"name": "a", "pos": "1,2"}]}, {"a": "b"})
    {'objects': [{'name': 'b', 'pos': '1,2'}]}
    """
    objects = [
        {**obj, "name": names.get(obj.get("name", ""), obj.get("name"))}
        for obj in layout.get("objects", [])
    ]
    return {**layout, "objects": objects}


def reading_places(layout: dict[str, Any], across: str, mirrored: bool) -> dict[str, float]:
    """How early each node and box of ``layout`` reads (lowest first): top to bottom, or
    left to right, across the flow; the other way round in its mirror image.

    >>> layout = {"objects": [{"name": "a", "pos": "10,50"}, {"name": "b", "pos": "10,90"}]}
    >>> reading_places(layout, "y", False)
    {'a': -50.0, 'b': -90.0}
    """
    sign = 1.0 if (across == "x") != mirrored else -1.0
    places = {}
    for obj in layout.get("objects", []):
        box = _box(obj)
        if box is not None:
            places[obj["name"]] = sign * _centre(box, across)
    return places


def out_of_order(
    layout: dict[str, Any], groups: Iterable[list[str]], across: str
) -> tuple[int, int]:
    """Pairs out of reading order, and pairs that have an order (side by side, mostly in
    the same columns, not one after the other), over groups of names listed first to last.

    >>> layout = {"objects": [
    ...     {"name": "a", "pos": "10,50", "width": "1", "height": "0.5"},
    ...     {"name": "b", "pos": "10,90", "width": "1", "height": "0.5"}]}
    >>> out_of_order(layout, [["a", "b"]], "y")  # b is drawn above a: one pair wrong
    (1, 1)
    """
    boxes = {obj["name"]: box for obj in layout.get("objects", []) if (box := _box(obj))}
    along = 0 if across == "y" else 1  # the flow runs along the other axis
    wrong = pairs = 0
    for names in groups:
        placed = [boxes[name] for name in names if name in boxes]
        for first, second in itertools.combinations(placed, 2):
            overlap = min(first[along + 2], second[along + 2]) - max(first[along], second[along])
            shorter = min(first[along + 2] - first[along], second[along + 2] - second[along])
            side_by_side = overlap > shorter / 2  # mostly in the same columns
            a, b = _centre(first, across), _centre(second, across)
            if side_by_side and a != b:
                pairs += 1
                # Reading order: top to bottom (y grows upwards), or left to right.
                wrong += a < b if across == "y" else a > b
    return wrong, pairs


def extent(layout: dict[str, Any], across: str) -> tuple[float, float]:
    """The lowest and highest coordinate on the ``across`` axis that anything drawn
    (nodes, boxes, edges) reaches: the span a mirror image maps onto itself."""
    axis = 1 if across == "y" else 0
    values = []
    for obj in layout.get("objects", []):
        box = _box(obj)
        if box:
            values += [box[axis], box[axis + 2]]
    for edge in layout.get("edges", []):
        for key in ("pos", "lp"):
            for point in _points(edge.get(key, "")):
                values.append(point[axis])
    return min(values), max(values)


def mirror(positioned: str, across: str, span: tuple[float, float]) -> str:
    """Graphviz's positioned DOT with every coordinate on ``across`` turned over within
    ``span`` (lowest, highest: what ``extent`` gives). The graph's own box stays, and
    its caption on top is lifted clear of whatever the mirror image puts up there.

    >>> text = 'digraph {\\n\\tgraph [bb="0,0,10,100"];\\n\\ta [pos="5,30"];\\n}\\n'
    >>> print(mirror(text, "y", (0.0, 100.0)), end="")
    digraph {
    \tgraph [bb="0,0,10,100"];
    \ta [pos="5,70"];
    }
    """
    centre = span[0] + span[1]
    text = positioned.replace("\\\n", "")  # Graphviz breaks long values across lines
    start = _end_of_root_attributes(text)
    parts = re.split(r'("(?:[^"\\]|\\.)*")', text[start:])
    for i in range(1, len(parts), 2):
        name = re.search(r"(?:^|[\s,\[])(pos|lp|xlp|head_lp|tail_lp|bb)=$", parts[i - 1])
        if name:
            turned = _turn(parts[i][1:-1], name[1] == "bb", across, centre)
            parts[i] = f'"{turned}"'
    root = text[:start] if across == "x" else _caption_above(text[:start], span[1])
    return root + "".join(parts)


# Points between the caption and what is drawn under it, and above it.
CAPTION_GAP = 4.0


def _caption_above(root: str, top: float) -> str:
    """The root graph's attributes with its caption (``lp``, ``lheight`` inches high)
    just above ``top`` and its box grown to hold it. A left-to-right layout can reach
    the top edge with an edge's curve under the caption; turned over, the box at the
    bottom lands there (a 40,000-value step's caption ran over its first box).

    >>> print(_caption_above('graph [bb="0,0,50,100", lheight=0.25, lp="20,90"];', 100.0))
    graph [bb="0,0,50,126", lheight=0.25, lp="20,113"];
    """
    lp = re.search(r'\blp="([^"]*)"', root)
    height = re.search(r"\blheight=([0-9.]+)", root)
    box = re.search(r'\bbb="([^"]*)"', root)
    if not (lp and height and box):
        return root  # no caption
    x, y = (float(v) for v in lp[1].split(",")[:2])
    half = float(height[1]) * 36  # inches to points, halved
    if y - half >= top + CAPTION_GAP:
        return root  # already clear of everything (captions are on top: ``dot_caption``)
    y = top + CAPTION_GAP + half
    x0, y0, x1, y1 = (float(v) for v in box[1].split(","))
    bb = ",".join(_number(v) for v in (x0, y0, x1, max(y1, y + half + CAPTION_GAP)))
    root = root[: lp.start(1)] + f"{_number(x)},{_number(y)}" + root[lp.end(1) :]
    box = re.search(r'\bbb="([^"]*)"', root)
    assert box is not None
    return root[: box.start(1)] + bb + root[box.end(1) :]


def _turn(value: str, is_box: bool, across: str, centre: float) -> str:
    """One coordinate attribute mirrored: a box ``x0,y0,x1,y1`` or points ``[e,]x,y``."""
    if is_box:
        x0, y0, x1, y1 = (float(v) for v in value.split(","))
        if across == "y":
            y0, y1 = centre - y1, centre - y0
        else:
            x0, x1 = centre - x1, centre - x0
        return ",".join(_number(v) for v in (x0, y0, x1, y1))
    turned = []
    for token in value.split():
        prefix = token[:2] if token[:2] in ("e,", "s,") else ""
        x, y = (float(v) for v in token[len(prefix) :].rstrip("!").split(",")[:2])
        x, y = (x, centre - y) if across == "y" else (centre - x, y)
        turned.append(f"{prefix}{_number(x)},{_number(y)}")
    return " ".join(turned)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _end_of_root_attributes(text: str) -> int:
    """Where the root graph's ``graph [...]`` statement ends (Graphviz writes it first)."""
    start = text.find("graph [")
    if start < 0:
        return 0
    quoted = False
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\" and quoted:
            i += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "]" and not quoted:
            return i + 1
        i += 1
    return len(text)


def _box(obj: dict[str, Any]) -> Box | None:
    """A node's or a cluster's rectangle in a JSON layout (None for anything else)."""
    if str(obj.get("name", "")).startswith("cluster") and "bb" in obj:
        left, bottom, right, top = (float(v) for v in obj["bb"].split(","))
        return left, bottom, right, top
    if "pos" not in obj or "nodes" in obj:  # a subgraph that is not a box has no place
        return None
    x, y = _points(obj["pos"])[0]
    half_width = float(obj.get("width", 0)) * 36  # inches to points, halved
    half_height = float(obj.get("height", 0)) * 36
    return x - half_width, y - half_height, x + half_width, y + half_height


def _centre(box: Box, across: str) -> float:
    return (box[1] + box[3]) / 2 if across == "y" else (box[0] + box[2]) / 2


def _points(value: str) -> list[tuple[float, float]]:
    """The points of a ``pos`` or ``lp`` value (an edge's ``e,``/``s,`` marks included)."""
    points = []
    for token in value.split():
        numbers = token.split(",")[-2:] if token[:2] in ("e,", "s,") else token.split(",")
        points.append((float(numbers[0]), float(numbers[1].rstrip("!"))))
    return points
