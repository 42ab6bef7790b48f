"""Reading the MNIST handwritten digits from IDX files the user already has on disk.

Nothing is downloaded: point ``load_mnist`` at a directory holding the four files
(``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
``t10k-labels-idx1-ubyte``), raw or gzipped; gzip is recognised by its magic bytes, so a
file's name does not have to say ``.gz``.

The IDX format itself is ``nn.idx``'s; every way a file breaks it raises ``IDXError``
naming the file, and so does a file with the wrong element type or number of
dimensions for MNIST, or an images file and a labels file that disagree on the number
of examples.

Images come back as plain lists of floats in [0, 1] (pixel / 255), labels as ints, the
same shape as ``nn.digits``. The pure-Python reader needs no NumPy.
"""

from __future__ import annotations

import os
from pathlib import Path

from nn.idx import DTYPES, IDXArray, IDXError, PathLike, encode_idx, parse_idx, read_idx

__all__ = [
    "IDXArray",
    "IDXError",
    "encode_idx",
    "load_mnist",
    "mnist_dir",
    "mnist_files",
    "parse_idx",
    "read_idx",
    "read_mnist_pair",
]

SPLITS: dict[str, str] = {"train": "train", "test": "t10k"}
MNIST_DIR_ENV = "MNIST_DIR"


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
