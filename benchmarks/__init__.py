"""Benchmarks: autograd-engine against micrograd and against a pure-Python floor.

``python -m benchmarks`` (``make bench``) installs ``micrograd==0.1.0`` into its own
virtual environment under ``benchmarks/results/``, then runs every workload for every
engine, each in a fresh process, and prints a Markdown table (min and median of several
repeats, the speed-up over micrograd, the issue's targets) and writes
``benchmarks/results/latest.json``. The garbage collector stays on, as users have it.

Modules: ``workloads`` (the measured code, one function per workload and engine),
``floor`` (the same training step as plain float loops with manual backprop),
``runner`` (environments, subprocesses, statistics) and ``report`` (table and targets).
Nothing here is imported by the engine or by ``nn``.
"""
