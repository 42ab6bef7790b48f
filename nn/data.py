"""Toy data sets, a train/test split and a mini-batch iterator, in pure Python.

Each generator returns ``(X, y)`` as plain lists: ``X`` a list of points (lists of
floats), ``y`` a list of int class labels (0/1 for two classes; ``to_signed`` turns them
into the +-1 labels the hinge loss wants). Randomness comes from ``seed`` (see
``nn.rng``): the same seed gives the same data on every platform, and no global state is
touched unless ``seed`` is None.

``train_test_split`` and ``batches`` index with lists of positions, so they accept
lists and NumPy arrays alike (an array comes back as an array), without importing NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from nn.rng import Random, Seed, make_rng

Points = list[list[float]]
Labels = list[int]


def _noisy(rng: Random, point: Sequence[float], noise: float) -> list[float]:
    return [x + rng.gauss(0.0, noise) if noise else float(x) for x in point]


def _shuffled(rng: Random, points: Points, labels: Labels) -> tuple[Points, Labels]:
    order = list(range(len(points)))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def _check_count(name: str, n: int, minimum: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {n!r}")


def _spaced(count: int, stop: float, *, endpoint: bool = True) -> list[float]:
    """``count`` evenly spaced numbers from 0 to ``stop`` (like numpy.linspace)."""
    if count == 1:
        return [0.0]
    divisions = count - 1 if endpoint else count
    return [stop * i / divisions for i in range(count)]


def moons(n: int = 100, noise: float = 0.1, seed: Seed = None) -> tuple[Points, Labels]:
    """Two interleaving half circles (label 0 on top, 1 below), shuffled, with Gaussian noise.

    >>> X, y = moons(6, noise=0.0, seed=0)
    >>> len(X), sorted(y)
    (6, [0, 0, 0, 1, 1, 1])
    """
    _check_count("moons: n", n, 2)
    rng = make_rng(seed)
    upper, lower = n // 2, n - n // 2
    points = [[math.cos(t), math.sin(t)] for t in _spaced(upper, math.pi)]
    points += [[1 - math.cos(t), 0.5 - math.sin(t)] for t in _spaced(lower, math.pi)]
    labels = [0] * upper + [1] * lower
    points = [_noisy(rng, p, noise) for p in points]
    return _shuffled(rng, points, labels)


def circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = None
) -> tuple[Points, Labels]:
    """A unit circle (label 0) around a smaller one of radius ``factor`` (label 1).

    >>> X, y = circles(4, noise=0.0, seed=0)
    >>> sorted(round(math.hypot(*p), 3) for p in X)
    [0.5, 0.5, 1.0, 1.0]
    """
    _check_count("circles: n", n, 2)
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must lie in (0, 1), got {factor!r}")
    rng = make_rng(seed)
    outer, inner = n // 2, n - n // 2
    angles = _spaced(outer, 2 * math.pi, endpoint=False)
    points = [[math.cos(t), math.sin(t)] for t in angles]
    angles = _spaced(inner, 2 * math.pi, endpoint=False)
    points += [[factor * math.cos(t), factor * math.sin(t)] for t in angles]
    labels = [0] * outer + [1] * inner
    points = [_noisy(rng, p, noise) for p in points]
    return _shuffled(rng, points, labels)


def blobs(
    n: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    std: float = 1.0,
    dim: int = 2,
    seed: Seed = None,
) -> tuple[Points, Labels]:
    """Gaussian clusters: label ``k`` for points around center ``k``.

    Args:
        n: number of points, split as evenly as possible between the centers.
        centers: how many (placed at random in the box [-10, 10]^dim) or their coordinates.
        std: standard deviation of each cluster.
        dim: number of coordinates, when ``centers`` is a count.
        seed: random source (see ``nn.rng``).

    >>> X, y = blobs(5, centers=[[0.0, 0.0], [5.0, 5.0]], std=0.0, seed=0)
    >>> sorted(zip(y, X))
    [(0, [0.0, 0.0]), (0, [0.0, 0.0]), (0, [0.0, 0.0]), (1, [5.0, 5.0]), (1, [5.0, 5.0])]
    """
    _check_count("blobs: n", n)
    rng = make_rng(seed)
    if isinstance(centers, int):
        _check_count("blobs: centers", centers)
        _check_count("blobs: dim", dim)
        centers = [[rng.uniform(-10.0, 10.0) for _ in range(dim)] for _ in range(centers)]
    centers = [list(map(float, c)) for c in centers]
    if not centers:
        raise ValueError("blobs: centers must not be empty")
    points, labels = [], []
    for i in range(n):
        label = i * len(centers) // n  # contiguous, near-equal groups
        points.append(_noisy(rng, centers[label], std))
        labels.append(label)
    return _shuffled(rng, points, labels)


def spirals(
    n: int = 100, classes: int = 2, noise: float = 0.02, turns: float = 0.75, seed: Seed = None
) -> tuple[Points, Labels]:
    """Interleaved spiral arms, one per class, each turning ``turns`` times from the center.

    >>> X, y = spirals(6, classes=3, noise=0.0, seed=0)
    >>> sorted(y)
    [0, 0, 1, 1, 2, 2]
    """
    _check_count("spirals: n", n, 1)
    _check_count("spirals: classes", classes, 2)
    rng = make_rng(seed)
    points, labels = [], []
    for i in range(n):
        label = i * classes // n
        first = -(-label * n // classes)  # ceil: index of this class's first point
        count = -(-(label + 1) * n // classes) - first
        t = (i - first + 1) / count  # radius from near 0 to 1 along the arm
        angle = 2 * math.pi * (label / classes + turns * t)
        points.append(_noisy(rng, [t * math.cos(angle), t * math.sin(angle)], noise))
        labels.append(label)
    return _shuffled(rng, points, labels)


def xor(n: int = 4, noise: float = 0.0, seed: Seed = None) -> tuple[Points, Labels]:
    """The XOR truth table's corners, repeated to ``n`` points, in order, with optional noise.

    >>> xor()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    _check_count("xor: n", n)
    rng = make_rng(seed)
    corners = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    points = [_noisy(rng, corners[i % 4], noise) for i in range(n)]
    return points, [[0, 1, 1, 0][i % 4] for i in range(n)]


def bit_parity(bits: int = 3) -> tuple[Points, Labels]:
    """Every ``bits``-bit pattern (as 0.0/1.0) labelled 1 when it has an odd number of ones.

    >>> X, y = bit_parity(2)
    >>> X, y
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    _check_count("bit_parity: bits", bits)
    if bits > 20:
        raise ValueError(f"bit_parity: {bits} bits would make 2**{bits} points; use at most 20")
    points = [
        [float(number >> shift & 1) for shift in reversed(range(bits))] for number in range(2**bits)
    ]
    return points, [sum(int(x) for x in p) % 2 for p in points]


# ``nn.data.parity`` is the name ``nn.parity`` (the even/odd data set) imports; it is not
# exported from ``nn`` itself, where the name would clash with that submodule.
parity = bit_parity


def to_signed(labels: Sequence[int]) -> list[int]:
    """0/1 labels as -1/+1 (what ``hinge`` wants): ``2 * y - 1``.

    >>> to_signed([0, 1, 1])
    [-1, 1, 1]
    """
    result = []
    for label in labels:
        if label not in (0, 1):
            raise ValueError(f"to_signed: labels must be 0 or 1, got {label!r}")
        result.append(2 * int(label) - 1)
    return result


def _take(items: Any, indices: list[int]) -> Any:
    """The items at ``indices``: a list for a list, an array for a NumPy array."""
    if isinstance(items, list | tuple):
        return [items[i] for i in indices]
    return items[indices]  # NumPy (and torch) take a list of positions


def train_test_split(
    X: Any, y: Any, test_fraction: float = 0.25, seed: Seed = None
) -> tuple[Any, Any, Any, Any]:
    """Shuffle and split into ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    The test set gets ``ceil(test_fraction * n)`` points.

    >>> X, y = xor(8)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, 0.25, seed=0)
    >>> len(X_train), len(X_test), len(y_test)
    (6, 2, 2)
    """
    if len(X) != len(y):
        raise ValueError(f"train_test_split: {len(X)} points but {len(y)} labels")
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"train_test_split: test_fraction must lie in (0, 1), got {test_fraction!r}"
        )
    n_test = math.ceil(test_fraction * len(X))
    if not 0 < n_test < len(X):
        raise ValueError(f"train_test_split: {len(X)} points cannot give both sets a point")
    order = list(range(len(X)))
    make_rng(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return _take(X, train), _take(X, test), _take(y, train), _take(y, test)


def batches(
    X: Any,
    y: Any = None,
    batch_size: int = 32,
    *,
    shuffle: bool = True,
    drop_last: bool = False,
    seed: Seed = None,
) -> Iterator[Any]:
    """Mini-batches ``(X_batch, y_batch)`` (or just ``X_batch`` with no ``y``), one epoch.

    Works on lists and NumPy arrays. Pass a ``random.Random`` as ``seed`` to draw a new
    order each epoch from one reproducible stream.

    >>> X, y = xor()
    >>> [yb for _, yb in batches(X, y, batch_size=3, shuffle=False)]
    [[0, 1, 1], [0]]
    >>> [len(xb) for xb in batches(X, batch_size=2, seed=0)]
    [2, 2]
    """
    _check_count("batches: batch_size", batch_size)
    if y is not None and len(X) != len(y):
        raise ValueError(f"batches: {len(X)} points but {len(y)} labels")
    order = list(range(len(X)))
    if shuffle:
        make_rng(seed).shuffle(order)
    stop = len(order) - len(order) % batch_size if drop_last else len(order)
    for start in range(0, stop, batch_size):
        chosen = order[start : start + batch_size]
        yield _take(X, chosen) if y is None else (_take(X, chosen), _take(y, chosen))
