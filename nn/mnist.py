"""Reading the MNIST handwritten digits from IDX files the user already has on disk.

Nothing is downloaded: point ``load_mnist`` at a directory holding the four files
(``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
``t10k-labels-idx1-ubyte``), raw or gzipped; gzip is recognised by its magic bytes, so a
file's name does not have to say ``.gz``.

The IDX format, as LeCun's MNIST page describes it: two zero bytes, a byte for the element
type (``0x08`` unsigned byte ... ``0x0E`` double), a byte for the number of dimensions,
one big-endian unsigned 32-bit size per dimension, then the elements, big-endian, in row-
major order. Every way a file can break that contract raises ``IDXError`` naming the file
and what is wrong with it: a bad magic number, an unknown or unexpected element type, the
wrong number of dimensions, data shorter or longer than the header promises, or an images
file and a labels file that disagree on the number of examples.

Images come back as plain lists of floats in [0, 1] (pixel / 255), labels as ints, the
same shape as ``nn.digits``. The pure-Python reader needs no NumPy.
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

SPLITS: dict[str, str] = {"train": "train", "test": "t10k"}
MNIST_DIR_ENV = "MNIST_DIR"

PathLike = str | os.PathLike[str]


class IDXError(ValueError):
    """An IDX file is malformed or does not fit its partner; the message names the file.

    >>> raise IDXError("labels.idx: truncated data: header promises 10 bytes, found 4")
    Traceback (most recent call last):
    ...
    nn.mnist.IDXError: labels.idx: truncated data: header promises 10 bytes, found 4
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
    nn.mnist.IDXError: labels.idx: bad magic number 0x01020801: an IDX file starts with two \
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


def read_mnist_pair(
    images_path: PathLike, labels_path: PathLike, limit: int | None = None
) -> tuple[list[list[float]], list[int]]:
    """Images (flattened, scaled to [0, 1]) and labels from one images and one labels file.

    Args:
        images_path: a 3-D unsigned-byte IDX file (count x rows x columns).
        labels_path: a 1-D unsigned-byte IDX file with one label 0-9 per image.
        limit: keep only the first ``limit`` examples (the scalar engine trains on subsets).

    Raises:
        IDXError: either file is malformed, has the wrong element type or number of
            dimensions, holds a label outside 0-9, or the two disagree on the count.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> images, labels = os.path.join(folder, "images"), os.path.join(folder, "labels")
    >>> with open(images, "wb") as f:
    ...     _ = f.write(encode_idx((2, 1, 2), [0, 255, 51, 0]))
    >>> with open(labels, "wb") as f:
    ...     _ = f.write(encode_idx((2,), [3, 8]))
    >>> read_mnist_pair(images, labels)
    ([[0.0, 1.0], [0.2, 0.0]], [3, 8])
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be a non-negative int or None, got {limit!r}")
    image_file, label_file = read_idx(images_path), read_idx(labels_path)
    _expect(image_file, os.fspath(images_path), ndim=3, what="images")
    _expect(label_file, os.fspath(labels_path), ndim=1, what="labels")
    if image_file.shape[0] != label_file.shape[0]:
        raise IDXError(
            f"dimension mismatch: {os.fspath(images_path)} holds {image_file.shape[0]} "
            f"images but {os.fspath(labels_path)} holds {label_file.shape[0]} labels"
        )
    count = image_file.shape[0] if limit is None else min(limit, image_file.shape[0])
    labels = list(label_file.values[:count])
    for index, label in enumerate(labels):
        if label > 9:
            raise IDXError(f"{os.fspath(labels_path)}: label {label} at index {index} is not 0-9")
    # One division table instead of 47 million divisions.
    scale = [byte / 255.0 for byte in range(256)]
    width = image_file.shape[1] * image_file.shape[2]
    pixels = image_file.values
    images = [[scale[byte] for byte in pixels[i * width : (i + 1) * width]] for i in range(count)]
    return images, labels


def _expect(idx: IDXArray, name: str, ndim: int, what: str) -> None:
    if idx.dtype != 0x08:
        raise IDXError(
            f"{name}: wrong element type code {idx.dtype:#04x} ({DTYPES[idx.dtype][0]}); "
            f"MNIST {what} are unsigned bytes (0x08)"
        )
    if len(idx.shape) != ndim:
        raise IDXError(
            f"{name}: {len(idx.shape)} dimension(s) {idx.shape}; MNIST {what} have {ndim}"
        )


def mnist_dir() -> Path:
    """Where MNIST is looked for: ``$MNIST_DIR`` if set, else ``~/.mnist``.

    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"MNIST_DIR": "/data/mnist"}):
    ...     str(mnist_dir())
    '/data/mnist'
    """
    return Path(os.environ.get(MNIST_DIR_ENV) or Path.home() / ".mnist").expanduser()


def mnist_files(directory: PathLike, split: str = "train") -> tuple[Path, Path] | None:
    """The (images, labels) paths of a split in ``directory``, or None if either is missing.

    Both the usual names (``train-images-idx3-ubyte``) and the dotted variant
    (``train-images.idx3-ubyte``) are accepted, each raw or with ``.gz``.

    >>> import tempfile
    >>> print(mnist_files(tempfile.mkdtemp(), "test"))
    None
    """
    if split not in SPLITS:
        raise ValueError(f"unknown MNIST split {split!r}; choose 'train' or 'test'")
    prefix, folder = SPLITS[split], Path(directory)
    found = []
    for kind, ndim in (("images", 3), ("labels", 1)):
        stems = (f"{prefix}-{kind}-idx{ndim}-ubyte", f"{prefix}-{kind}.idx{ndim}-ubyte")
        candidates = [folder / (stem + ext) for stem in stems for ext in ("", ".gz")]
        match = next((path for path in candidates if path.is_file()), None)
        if match is None:
            return None
        found.append(match)
    return found[0], found[1]


def load_mnist(
    directory: PathLike | None = None, split: str = "train", limit: int | None = None
) -> tuple[list[list[float]], list[int]]:
    """Images (784 floats in [0, 1] each) and labels of an MNIST split found on disk.

    Args:
        directory: the folder holding the IDX files; ``mnist_dir()`` by default.
        split: ``"train"`` (60,000 examples) or ``"test"`` (10,000).
        limit: keep only the first ``limit`` examples.

    Raises:
        FileNotFoundError: the folder lacks the split's files (the message lists the names).
        IDXError: a file is malformed (see ``read_mnist_pair``).

    >>> import tempfile
    >>> load_mnist(tempfile.mkdtemp(), "test")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no MNIST test files in ...: expected t10k-images-idx3-ubyte and \
t10k-labels-idx1-ubyte (optionally .gz)
    """
    folder = mnist_dir() if directory is None else Path(directory)
    paths = mnist_files(folder, split)
    if paths is None:
        prefix = SPLITS[split]
        raise FileNotFoundError(
            f"no MNIST {split} files in {folder}: expected {prefix}-images-idx3-ubyte and "
            f"{prefix}-labels-idx1-ubyte (optionally .gz)"
        )
    return read_mnist_pair(*paths, limit=limit)
