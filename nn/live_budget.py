"""When the live view may redraw: so that it takes at most its budget of the training time.

The view's cost is everything it spends: every update, the first and the last included
(they are always made: the first lays the sample's graph out, the last draws it anew as
PNG). Over a run the total must stay within the budget's share of the training time,
and the updates in between should come evenly, not in a burst at the end. So when the
run's length is known, the fixed costs (the first picture, and the last one, estimated)
are paid for step by step, and an update is due when what the updates in between have
spent, with this one, stays within what is left of the share so far. Without a known
length there is no last picture to pay for: an update is due while everything spent,
with it, stays within the share of the time so far.
"""

from __future__ import annotations

# The last picture renders the graph as PNG, which takes about three times the first's
# layout and SVG (the moons demo's 8-value graph: 60-70 ms against 20-25 ms; Graphviz
# rasterises 768 x 600 pixels).
PNG_LAYOUTS = 3.0


class ViewBudget:
    """The live view's account of its time (seconds, on one clock).

    Args:
        share: the largest share of the time since ``start`` the view may take.
        start: when the view began (training starts then).

    Halfway through a run that began with a 20 ms update (no graph), the updates in
    between may have spent 30 ms of the 50 ms share so far (20 ms pay for the first and
    the last pictures):

    >>> budget = ViewBudget(0.1, start=0.0)
    >>> budget.spent(0.02)
    >>> budget.due(now=0.5, progress=0.5), budget.due(now=0.3, progress=0.3)
    (True, False)
    """

    def __init__(self, share: float, start: float) -> None:
        self.share, self.start = share, start
        self.total = 0.0  # seconds spent by updates so far, one-off work included
        self.first: float | None = None  # seconds the first update took
        self.update = 0.0  # what an update costs: the last one, less its one-off work
        self.layout = 0.0  # seconds the sample graph's one layout took (in the first)

    def spent(self, seconds: float, once: float = 0.0) -> None:
        """Count an update that took ``seconds``, of which ``once`` was one-off work (the
        graph drawn and laid out, the boundary's tape recorded)."""
        if self.first is None:
            self.first = seconds
        self.total += seconds
        self.update = seconds - once

    def due(self, now: float, progress: float | None = None) -> bool:
        """Whether an update now keeps the view within its share; ``progress``: the part
        of the run done (0 to 1), when its length is known."""
        allowed = self.share * (now - self.start)
        if progress is None:
            return self.total + self.update <= allowed
        first = self.first or 0.0
        last = self.update + PNG_LAYOUTS * self.layout
        between = self.total - first
        return between + self.update <= allowed - (first + last) * progress
