"""Saved-model files: the JSON envelope, atomic writes and the error for files that do not fit.

A saved model is one JSON document, ``{"format": "autograd-engine/nn", "version": 1,
"architecture": ..., "parameters": {...}}``. It is written to a temporary file in the
target's directory, synced and renamed over the target, so a crash mid-save never leaves
a half-written model. Reading checks the envelope here; ``Module.load_state_dict`` checks
the parameters against the model before touching it. Nothing is ever pickled.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import autograd_engine

FORMAT = "autograd-engine/nn"
VERSION = 1


class StateDictError(ValueError):
    """A state dict or saved model file does not fit the model; the message names the key.

    >>> raise StateDictError("model.json: missing key 'b'")
    Traceback (most recent call last):
    ...
    nn.saving.StateDictError: model.json: missing key 'b'
    """


def read_saved(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a file written by ``Module.save`` and check its envelope (not its parameters).

    Raises:
        OSError: the file cannot be read.
        StateDictError: not UTF-8 JSON, not a saved model, an unknown version or no
            parameters; the message names the file.

    >>> import os, tempfile
    >>> from nn import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> MLP(2, [1], seed=0).save(path)
    >>> sorted(read_saved(path))
    ['architecture', 'format', 'parameters', 'version']
    """
    name = os.fspath(path)
    raw = Path(path).read_bytes()
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateDictError(f"{name}: not valid JSON ({exc})") from None
    except RecursionError:
        raise StateDictError(f"{name}: not valid JSON (nested too deeply)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateDictError(f"{name}: not a saved model (no 'format': {FORMAT!r})")
    if document.get("version") != VERSION:
        version = document.get("version")
        raise StateDictError(f"{name}: version {version!r} is not supported (want {VERSION})")
    if "parameters" not in document:
        raise StateDictError(f"{name}: missing key 'parameters'")
    return document


def write_atomically(path: Path, text: str) -> None:
    """Save ``text`` as UTF-8 all or nothing (see ``autograd_engine.write_atomically``)."""
    autograd_engine.write_atomically(path, text.encode("utf-8"))
