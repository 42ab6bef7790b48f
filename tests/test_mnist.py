"""The MNIST IDX loader, on tiny IDX files each test writes: formats, gzip, and every error.

Expected bytes are written by hand from the format's definition (not by ``encode_idx``)
where the point is to pin the format itself, so a symmetric bug in encoder and decoder
cannot pass unnoticed.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn.mnist import (
    IDXError,
    encode_idx,
    load_mnist,
    mnist_dir,
    mnist_files,
    parse_idx,
    read_idx,
    read_mnist_pair,
)


def header(dtype: int, *shape: int) -> bytes:
    return bytes([0, 0, dtype, len(shape)]) + b"".join(struct.pack(">I", s) for s in shape)


def write(path: Path, data: bytes, compress: bool = False) -> Path:
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


# Three 2x3 "images" and their labels, written byte by byte.
PIXELS = bytes([0, 255, 51, 102, 0, 0, 1, 2, 3, 4, 5, 6, 255, 255, 255, 0, 0, 0])
IMAGES = header(0x08, 3, 2, 3) + PIXELS
LABELS = header(0x08, 3) + bytes([7, 0, 9])


@pytest.fixture
def mnist_folder(tmp_path: Path) -> Path:
    write(tmp_path / "train-images-idx3-ubyte", IMAGES)
    write(tmp_path / "train-labels-idx1-ubyte.gz", LABELS, compress=True)
    write(tmp_path / "t10k-images.idx3-ubyte.gz", IMAGES, compress=True)
    write(tmp_path / "t10k-labels.idx1-ubyte", LABELS)
    return tmp_path


# ---- reading valid files -----------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_reads_hand_written_images_and_labels(tmp_path: Path, compress: bool) -> None:
    images = write(tmp_path / "images", IMAGES, compress)
    labels = write(tmp_path / "labels", LABELS, compress)
    xs, ys = read_mnist_pair(images, labels)
    assert ys == [7, 0, 9]
    assert xs[0] == [0.0, 1.0, 0.2, 0.4, 0.0, 0.0]
    assert xs[1] == [k / 255 for k in range(1, 7)]
    assert xs[2] == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]


def test_limit_keeps_the_first_examples(tmp_path: Path) -> None:
    images = write(tmp_path / "images", IMAGES)
    labels = write(tmp_path / "labels", LABELS)
    xs, ys = read_mnist_pair(images, labels, limit=2)
    assert len(xs) == 2 and ys == [7, 0]
    assert read_mnist_pair(images, labels, limit=100)[1] == [7, 0, 9]
    with pytest.raises(ValueError, match="limit"):
        read_mnist_pair(images, labels, limit=-1)


def test_load_mnist_finds_both_splits_by_either_naming(mnist_folder: Path) -> None:
    train = load_mnist(mnist_folder, "train")
    test = load_mnist(mnist_folder, "test")
    assert train == test
    assert train[1] == [7, 0, 9]
    images, labels = mnist_files(mnist_folder, "test")
    assert images.name == "t10k-images.idx3-ubyte.gz"
    assert labels.name == "t10k-labels.idx1-ubyte"


def test_missing_files_are_reported_by_name(tmp_path: Path) -> None:
    write(tmp_path / "train-images-idx3-ubyte", IMAGES)  # labels missing
    assert mnist_files(tmp_path, "train") is None
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte"):
        load_mnist(tmp_path, "train")
    with pytest.raises(ValueError, match="split"):
        load_mnist(tmp_path, "validation")


def test_default_directory_comes_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    assert mnist_dir() == tmp_path
    monkeypatch.delenv("MNIST_DIR")
    assert mnist_dir() == Path.home() / ".mnist"


@pytest.mark.parametrize(
    ("dtype", "fmt", "values"),
    [
        (0x09, ">b", [-128, -1, 0, 127]),
        (0x0B, ">h", [-32768, -2, 3, 32767]),
        (0x0C, ">i", [-(2**31), -5, 6, 2**31 - 1]),
        (0x0D, ">f", [-1.5, 0.0, 0.25, 3e38]),
        (0x0E, ">d", [-1e300, -0.1, 0.0, 2.5]),
    ],
)
def test_every_idx_element_type_is_decoded_big_endian(dtype: int, fmt: str, values) -> None:
    raw = header(dtype, 2, 2) + b"".join(struct.pack(fmt, v) for v in values)
    idx = parse_idx(raw, "typed.idx")
    assert idx.shape == (2, 2)
    assert idx.dtype == dtype
    assert list(idx.values) == [struct.unpack(fmt, struct.pack(fmt, v))[0] for v in values]
    assert encode_idx((2, 2), values, dtype) == raw


@given(
    shape=st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple),
    seed=st.integers(0, 255),
)
def test_encode_then_parse_round_trips(shape: tuple[int, ...], seed: int) -> None:
    count = 1
    for size in shape:
        count *= size
    values = bytes((seed + 7 * i) % 256 for i in range(count))
    idx = parse_idx(encode_idx(shape, values))
    assert idx.shape == shape and idx.values == values


def test_read_idx_recognises_gzip_by_content_not_name(tmp_path: Path) -> None:
    path = write(tmp_path / "labels.idx", LABELS, compress=True)  # no .gz suffix
    assert read_idx(path).values == bytes([7, 0, 9])


# ---- errors: each names the file and what is wrong ----------------------------------------


def test_bad_magic_number(tmp_path: Path) -> None:
    path = write(tmp_path / "images.idx", b"\x12\x34" + IMAGES[2:])
    with pytest.raises(IDXError, match=r"images\.idx: bad magic number 0x12340803"):
        read_idx(path)


def test_unknown_dtype_code(tmp_path: Path) -> None:
    path = write(tmp_path / "images.idx", header(0x0A, 3, 2, 3) + PIXELS)
    with pytest.raises(IDXError, match=r"images\.idx: unknown element type code 0x0a"):
        read_idx(path)


def test_wrong_dtype_for_mnist(tmp_path: Path) -> None:
    images = write(tmp_path / "images.idx", IMAGES)
    labels = write(tmp_path / "labels.idx", header(0x0C, 3) + struct.pack(">3i", 7, 0, 9))
    with pytest.raises(IDXError, match=r"labels\.idx: wrong element type code 0x0c \(int\)"):
        read_mnist_pair(images, labels)


def test_wrong_number_of_dimensions(tmp_path: Path) -> None:
    flat = write(tmp_path / "flat.idx", header(0x08, 3, 6) + PIXELS)
    labels = write(tmp_path / "labels.idx", LABELS)
    with pytest.raises(IDXError, match=r"flat\.idx: 2 dimension\(s\) \(3, 6\); MNIST images"):
        read_mnist_pair(flat, labels)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_truncated_data(tmp_path: Path, compress: bool) -> None:
    path = write(tmp_path / "images.idx", IMAGES[:-5], compress)
    with pytest.raises(IDXError, match=r"images\.idx: truncated data: .* needs 18 bytes.*found 13"):
        read_idx(path)


def test_truncated_header(tmp_path: Path) -> None:
    with pytest.raises(IDXError, match=r"short\.idx: truncated header"):
        read_idx(write(tmp_path / "short.idx", IMAGES[:2]))
    with pytest.raises(IDXError, match=r"short\.idx: truncated header: 3 dimension sizes"):
        read_idx(write(tmp_path / "short.idx", IMAGES[:9]))


def test_extra_bytes_after_the_data(tmp_path: Path) -> None:
    path = write(tmp_path / "labels.idx", LABELS + b"\x00\x01")
    with pytest.raises(IDXError, match=r"labels\.idx: 2 unexpected bytes after the data"):
        read_idx(path)


def test_corrupt_gzip(tmp_path: Path) -> None:
    packed = gzip.compress(IMAGES)
    path = write(tmp_path / "images.gz", packed[: len(packed) // 2])
    with pytest.raises(IDXError, match=r"images\.gz: not a valid gzip file"):
        read_idx(path)


def test_images_and_labels_disagree_on_count(tmp_path: Path) -> None:
    images = write(tmp_path / "images.idx", IMAGES)
    labels = write(tmp_path / "labels.idx", header(0x08, 2) + bytes([7, 0]))
    with pytest.raises(IDXError, match=r"dimension mismatch: .*images\.idx holds 3 images but"):
        read_mnist_pair(images, labels)


def test_label_outside_0_to_9(tmp_path: Path) -> None:
    images = write(tmp_path / "images.idx", IMAGES)
    labels = write(tmp_path / "labels.idx", header(0x08, 3) + bytes([7, 10, 9]))
    with pytest.raises(IDXError, match=r"labels\.idx: label 10 at index 1 is not 0-9"):
        read_mnist_pair(images, labels)


def test_errors_are_value_errors() -> None:
    # Callers catching ValueError (bad input) also catch format errors.
    assert issubclass(IDXError, ValueError)
