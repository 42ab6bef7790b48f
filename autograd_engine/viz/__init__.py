"""Drawing computation graphs: DOT text, SVG through Graphviz, Jupyter display.

``draw_graph`` (also ``draw_dot``, micrograd's name) returns a ``Graph``; ``focus`` draws
one node's neighbourhood; ``rendering_backend`` says which Graphviz renders. The modules:

- ``labels``         number format (``format_number``, public), escaping, colours by role
- ``layout_budget``  what to draw: the node budget, clusters, focus
- ``nearness``       the order a budget draws Values in and the layout cost that stops it
- ``overview``       what the budget leaves out, as one summary box per module
- ``clusters``       which box each Value is drawn in
- ``dot_builder``    DOT text for a plan, with deterministic node names
- ``dot_caption``    the drawing's graph attributes and the caption saying what was cut
- ``dot_clusters``   the boxes' order, look and titles (a title node edges go around)
- ``dot_chain``      DOT for an expanded neuron's products and sum
- ``dot_edges``      the edge statements, and the same with twins trading places
- ``declarations``   the orders the DOT can declare the same graph in
- ``twins``          boxes and Values a drawing cannot tell apart, drawn in index order
- ``reading_order``  which declaration (or mirror image) lays out in index order
- ``checks``         argument checks with errors naming the argument
- ``shape``          which way a drawing flows so it fits a notebook column
- ``backends``       the Graphviz bundled in ``pygraphviz`` or a system ``dot``, both in a
                     process that Ctrl-C and a time limit can stop (``_render_worker``)
- ``display``        ``draw_graph``, ``draw_dot`` and ``focus``
- ``picture``        the ``Graph`` they return: DOT, SVG, PNG, files, Jupyter bundle
- ``expand``         a fused neuron drawn as its products, sum and activation
- ``player``         ``play(root)``: step, play and scrub forward and backward (HTML);
                     its steps in ``player_steps``, its page in ``player_page``

Importing this package needs only the standard library; Graphviz is loaded on first render.

>>> from autograd_engine import Value, draw_graph
>>> a = Value(2.0, label="a")
>>> graph = draw_graph((a * a).tanh())
>>> graph.source.count("shape=record"), graph.source.count("shape=ellipse")
(3, 2)
"""

from autograd_engine.viz.backends import (
    BackendUnavailableError,
    RenderError,
    RenderingBackend,
    RenderTimeoutError,
    rendering_backend,
)
from autograd_engine.viz.display import DEFAULT_MAX_NODES, draw_dot, draw_graph, focus
from autograd_engine.viz.labels import format_number
from autograd_engine.viz.picture import Graph
from autograd_engine.viz.player import Player, play

__all__ = [
    "DEFAULT_MAX_NODES",
    "BackendUnavailableError",
    "Graph",
    "Player",
    "RenderError",
    "RenderTimeoutError",
    "RenderingBackend",
    "draw_dot",
    "draw_graph",
    "focus",
    "format_number",
    "play",
    "rendering_backend",
]
