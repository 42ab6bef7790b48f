"""Shared pytest and hypothesis settings.

Hypothesis runs without deadlines (the machines are shared and noisy: timing is never a
test criterion) and, on CI, derandomized so a red build is reproducible from its log.

It also undoes one inheritance: a pytest started as a background job of a script
(``make test &``) finds SIGINT ignored, and so would every child it starts; the tests
that deliver Ctrl-C need Python's usual handler, as an interactive run has.
"""

import os
import signal

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
