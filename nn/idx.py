"""The IDX file format (MNIST's): reading, checking and writing one file.

The IDX format, as LeCun's MNIST page describes it: two zero bytes, a byte for the element
type (``0x08`` unsigned byte ... ``0x0E`` double), a byte for the number of dimensions,
one big-endian unsigned 32-bit size per dimension, then the elements, big-endian, in row-
major order. Every way a file can break that contract raises ``IDXError`` naming the file
and what is wrong with it: a bad magic number, an unknown element type, a truncated
header, data shorter or longer than the header promises, a broken gzip stream.

``read_idx`` takes raw or gzipped files, recognising gzip by its magic bytes. The
pure-Python reader needs no NumPy; ``nn.mnist`` builds on it.
"""

from __future__ import annotations

import array
import gzip
import os
import sys
import zlib
from pathlib import Path
from typing import NamedTuple

# The element types IDX defines: code -> (name, array typecode, bytes per element).
DTYPES: dict[int, tuple[str, str, int]] = {
    0x08: ("unsigned byte", "B", 1),
    0x09: ("signed byte", "b", 1),
    0x0B: ("short", "h", 2),
    0x0C: ("int", "i", 4),
    0x0D: ("float", "f", 4),
    0x0E: ("double", "d", 8),
}

PathLike = str | os.PathLike[str]


class IDXError(ValueError):
    """An IDX file is malformed or does not fit its partner; the message names the file.

    >>> raise IDXError("labels.idx: truncated data: header promises 10 bytes, found 4")
    Traceback (most recent call last):
    ...
    nn.idx.IDXError: labels.idx: truncated data: header promises 10 bytes, found 4
    """


class IDXArray(NamedTuple):
    """The contents of one IDX file: its shape, element type code and flat elements.

    ``values`` is a flat sequence in row-major order (``bytes`` for unsigned bytes, an
    ``array.array`` otherwise), so a 47 MB image file is not turned into Python objects
    until rows are asked for.

    >>> idx = parse_idx(encode_idx((2, 3), [1, 2, 3, 4, 5, 6]))
    >>> idx.shape, idx.dtype, idx.values[3]
    ((2, 3), 8, 4)
    """

    shape: tuple[int, ...]
    dtype: int
    values: bytes | array.array[int]

    def rows(self, limit: int | None = None) -> list[list[float]]:
        """The first ``limit`` entries (all by default) along the first axis, flattened.

        >>> idx = IDXArray((2, 2, 2), 0x08, bytes(range(8)))
        >>> idx.rows()
        [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]
        >>> idx.rows(1)
        [[0.0, 1.0, 2.0, 3.0]]
        """
        count = self.shape[0] if limit is None else min(limit, self.shape[0])
        width = 1
        for size in self.shape[1:]:
            width *= size
        values = self.values
        return [[float(x) for x in values[i * width : (i + 1) * width]] for i in range(count)]


def encode_idx(shape: tuple[int, ...], values: bytes | list[float], dtype: int = 0x08) -> bytes:
    """The bytes of an IDX file holding ``values`` (flat, row-major) with ``shape``.

    The inverse of ``parse_idx``; tests and examples use it to write small files.

    >>> encode_idx((3,), [7, 2, 1]).hex()
    '0000080100000003070201'
    """
    if dtype not in DTYPES:
        raise ValueError(f"unknown IDX element type code {dtype:#04x}")
    _, typecode, _ = DTYPES[dtype]
    data = array.array(typecode, values)
    if sys.byteorder == "little":
        data.byteswap()  # IDX stores every element big-endian
    header = bytes([0, 0, dtype, len(shape)])
    header += b"".join(size.to_bytes(4, "big") for size in shape)
    return header + data.tobytes()


def parse_idx(raw: bytes, name: str = "<bytes>") -> IDXArray:
    """Decode the bytes of an (uncompressed) IDX file; ``name`` is used in errors.

    Raises:
        IDXError: bad magic number, unknown element type, truncated header or data, or
            bytes left over after the data.

    >>> parse_idx(encode_idx((2, 3), [1, 2, 3, 4, 5, 6])).shape
    (2, 3)
    >>> parse_idx(b"\\x01\\x02\\x08\\x01", "labels.idx")
    Traceback (most recent call last):
    ...
    nn.idx.IDXError: labels.idx: bad magic number 0x01020801: an IDX file starts with two \
zero bytes
    """
    if len(raw) < 4:
        raise IDXError(f"{name}: truncated header: {len(raw)} bytes, an IDX header needs 4")
    if raw[0] != 0 or raw[1] != 0:
        magic = int.from_bytes(raw[:4], "big")
        raise IDXError(
            f"{name}: bad magic number {magic:#010x}: an IDX file starts with two zero bytes"
        )
    dtype, ndim = raw[2], raw[3]
    if dtype not in DTYPES:
        known = ", ".join(f"{code:#04x} ({info[0]})" for code, info in DTYPES.items())
        raise IDXError(f"{name}: unknown element type code {dtype:#04x}; IDX defines {known}")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise IDXError(
            f"{name}: truncated header: {ndim} dimension sizes need {header_size} bytes, "
            f"the file has {len(raw)}"
        )
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    _, typecode, itemsize = DTYPES[dtype]
    count = 1
    for size in shape:
        count *= size
    expected, found = count * itemsize, len(raw) - header_size
    if found < expected:
        raise IDXError(
            f"{name}: truncated data: shape {shape} of {DTYPES[dtype][0]} needs {expected} "
            f"bytes after the header, found {found}"
        )
    if found > expected:
        raise IDXError(
            f"{name}: {found - expected} unexpected bytes after the data of shape {shape}"
        )
    body = raw[header_size:]
    if typecode == "B":
        return IDXArray(shape, dtype, bytes(body))
    values = array.array(typecode, body)
    if sys.byteorder == "little":
        values.byteswap()
    return IDXArray(shape, dtype, values)


def read_idx(path: PathLike) -> IDXArray:
    """Read an IDX file, raw or gzipped (recognised by content, not by name).

    Raises:
        OSError: the file cannot be opened (``FileNotFoundError`` names it).
        IDXError: the file is not valid IDX, or not a valid gzip stream.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(encode_idx((3,), [7, 2, 1]))
    >>> read_idx(path)
    IDXArray(shape=(3,), dtype=8, values=b'\\x07\\x02\\x01')
    """
    name = os.fspath(path)
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip's magic bytes
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise IDXError(f"{name}: not a valid gzip file ({exc})") from None
    return parse_idx(raw, name)
