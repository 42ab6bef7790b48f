"""Saved-model files: the JSON envelope, atomic writes and the error for files that do not fit.

A saved model is one JSON document, ``{"format": "autograd-engine/nn", "version": 1,
"architecture": ..., "parameters": {...}}``. It is written to a temporary file in the
target's directory, synced and renamed over the target, so a crash mid-save never leaves
a half-written model. Reading checks the envelope here; ``Module.load_state_dict`` checks
the parameters against the model before touching it. Nothing is ever pickled.

A file is untrusted input, so reading is bounded: a file larger than ``MAX_FILE_BYTES``
(64 MiB, about three million parameters) is refused before it is read, ``MLP.from_file``
refuses an architecture of more than ``MAX_PARAMETERS`` (one million) or one that does
not match the number of parameters the file holds before building anything, integers
too large for a float are refused naming their key, and values quoted in error messages
are cut to ``MESSAGE_LIMIT`` characters. Both limits are keyword arguments of the
readers (``max_bytes=``, ``max_parameters=``), and the module constants are their
defaults, read at call time.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import autograd_engine

FORMAT = "autograd-engine/nn"
VERSION = 1

MAX_FILE_BYTES = 64 * 2**20
"""Largest model file ``read_saved`` reads (``max_bytes=`` overrides it per call)."""
MAX_PARAMETERS = 1_000_000
"""Most parameters ``MLP.from_file`` builds (``max_parameters=`` overrides it per call)."""
MESSAGE_LIMIT = 80
"""How many characters of an offending value an error message quotes."""


class StateDictError(ValueError):
    """A state dict or saved model file does not fit the model; the message names the key.

    >>> raise StateDictError("model.json: missing key 'b'")
    Traceback (most recent call last):
    ...
    nn.saving.StateDictError: model.json: missing key 'b'
    """


def short(value: object, limit: int | None = None) -> str:
    """``repr(value)`` cut to ``MESSAGE_LIMIT`` characters, for quoting input in messages.

    Integers too long to print (Python refuses past 4300 digits) are described instead.

    >>> short("x" * 1000, limit=20)
    "'xxxxxxxxxxxx... (1002 chars)"
    >>> short(10**5000)
    'an integer of about 5001 digits'
    """
    limit = MESSAGE_LIMIT if limit is None else limit
    if isinstance(value, LongInteger):
        return f"an integer of {value.digits} digits"
    if type(value) is int and value.bit_length() > 1000:
        try:
            digits = str(len(str(abs(value))))
        except ValueError:  # past Python's int-to-str digit limit
            digits = f"about {int(value.bit_length() * math.log10(2)) + 1}"
        return f"an integer of {digits} digits"
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 7]}... ({len(text)} chars)"


def clip(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was.

    >>> clip("a" * 30, 20)
    'aaaaaa... (30 chars)'
    """
    return text if len(text) <= limit else f"{text[: max(limit - 14, 0)]}... ({len(text)} chars)"


def check_architecture_size(
    source: str, shape: dict[str, Any], parameters: Any, max_parameters: int | None = None
) -> None:
    """Refuse an MLP architecture before it is built: too many parameters, or not the file's.

    Building is the expensive part (a Value per parameter), so a few hundred bytes
    describing ``MLP(30000, [30000])`` must not get that far. Shapes of the wrong type
    pass through to the constructor, which names what is wrong.

    >>> check_architecture_size("m.json", {"nin": 30000, "nouts": [30000]}, {})
    Traceback (most recent call last):
    ...
    nn.saving.StateDictError: m.json: key 'architecture' describes 900030000 parameters, \
more than the limit of 1000000 (raise it with max_parameters=, or nn.saving.MAX_PARAMETERS)
    >>> check_architecture_size("m.json", {"nin": 2, "nouts": [1]}, {"layers.0.w": [1.0]})
    Traceback (most recent call last):
    ...
    nn.saving.StateDictError: m.json: key 'architecture' describes 3 parameters, but key \
'parameters' holds 1
    """
    limit = MAX_PARAMETERS if max_parameters is None else max_parameters
    nin, nouts = shape.get("nin"), shape.get("nouts")
    if not (type(nin) is int and _is_size(nin)):
        return
    if not (isinstance(nouts, list) and all(_is_size(n) for n in nouts)):
        return
    count, fan_in = 0, nin
    for width in nouts:
        count += (fan_in + 1) * width
        fan_in = width
    if count > limit:
        raise StateDictError(
            f"{source}: key 'architecture' describes {count} parameters, more than the limit "
            f"of {limit} (raise it with max_parameters=, or nn.saving.MAX_PARAMETERS)"
        )
    if isinstance(parameters, dict):
        stored = sum(len(v) if isinstance(v, list) else 1 for v in parameters.values())
        if stored != count:
            raise StateDictError(
                f"{source}: key 'architecture' describes {count} parameters, but key "
                f"'parameters' holds {stored}"
            )


def _is_size(n: object) -> bool:
    return type(n) is int and n >= 1


class LongInteger:
    """What reading a file makes of an integer with more than ``float`` can hold (309 digits).

    JSON has no size limit on numbers; Python refuses to parse past 4300 digits with an
    error naming no file, and no weight can be that large anyway. The marker lets the
    check that meets it name the key.
    """

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<an integer of {self.digits} digits>"


def _parse_int(text: str) -> int | LongInteger:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= 309 else LongInteger(digits)


def checked_number(number: Any, source: str, key: str) -> float:
    """A saved weight as a float, or ``StateDictError`` naming the source and the key.

    >>> checked_number(2, "m.json", "w[0]")
    2.0
    >>> checked_number(True, "m.json", "w[0]")
    Traceback (most recent call last):
    ...
    nn.saving.StateDictError: m.json: key 'w[0]' holds True, not a finite number
    """
    # bool is an int subclass, but True is never a weight someone meant to save.
    kind = type(number)
    if kind is int:
        try:
            number = float(number)
        except OverflowError:
            raise StateDictError(
                f"{source}: key {short(key)} holds {short(number)}, too large for a float"
            ) from None
    elif kind is not float:
        why = "too large for a float" if kind is LongInteger else "not a finite number"
        raise StateDictError(f"{source}: key {short(key)} holds {short(number)}, {why}")
    if not math.isfinite(number):
        raise StateDictError(f"{source}: key {short(key)} holds {number!r}, not a finite number")
    return float(number)


def read_saved(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> dict[str, Any]:
    """Read a file written by ``Module.save`` and check its envelope (not its parameters).

    Args:
        path: the file.
        max_bytes: refuse a larger file without reading it; ``None`` means
            ``MAX_FILE_BYTES`` (64 MiB).

    Raises:
        OSError: the file cannot be read.
        StateDictError: too large, not UTF-8 JSON, not a saved model, an unknown version
            or no parameters; the message names the file.

    >>> import os, tempfile
    >>> from nn import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> MLP(2, [1], seed=0).save(path)
    >>> sorted(read_saved(path))
    ['architecture', 'format', 'parameters', 'version']
    """
    name = os.fspath(path)
    raw = _read_bounded(Path(path), name, MAX_FILE_BYTES if max_bytes is None else max_bytes)
    try:
        document = json.loads(raw.decode("utf-8"), parse_int=_parse_int)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateDictError(f"{name}: not valid JSON ({exc})") from None
    except RecursionError:
        raise StateDictError(f"{name}: not valid JSON (nested too deeply)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateDictError(f"{name}: not a saved model (no 'format': {FORMAT!r})")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise StateDictError(f"{name}: version {short(version)} is not supported (want {VERSION})")
    if "parameters" not in document:
        raise StateDictError(f"{name}: missing key 'parameters'")
    return document


def _read_bounded(path: Path, name: str, max_bytes: int) -> bytes:
    """The file's bytes, refusing (before reading) one larger than ``max_bytes``."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        # Read one byte past the limit too: a pipe or a growing file reports no true size.
        raw = file.read(max_bytes + 1) if size <= max_bytes else b""
    if size > max_bytes or len(raw) > max_bytes:
        raise StateDictError(
            f"{name}: {max(size, len(raw))} bytes is more than the {max_bytes} a model file "
            "may have (raise the limit with max_bytes=, or nn.saving.MAX_FILE_BYTES)"
        )
    return raw


def write_atomically(path: Path, text: str) -> None:
    """Save ``text`` as UTF-8 all or nothing (see ``autograd_engine.write_atomically``)."""
    autograd_engine.write_atomically(path, text.encode("utf-8"))
