"""nn.data: seeded toy data sets, train/test split and mini-batches (lists and NumPy)."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from nn import (
    batches,
    bit_parity,
    blobs,
    circles,
    moons,
    spirals,
    to_signed,
    train_test_split,
    xor,
)

GENERATORS = {
    "moons": lambda seed: moons(50, seed=seed),
    "circles": lambda seed: circles(50, seed=seed),
    "blobs": lambda seed: blobs(50, seed=seed),
    "spirals": lambda seed: spirals(50, seed=seed),
    "xor": lambda seed: xor(50, noise=0.1, seed=seed),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generators_are_seeded_plain_lists(name) -> None:
    make = GENERATORS[name]
    state = random.getstate()
    X, y = make(3)
    assert random.getstate() == state  # a seed leaves the global generator alone
    assert (X, y) == make(3)
    assert make(4)[0] != X
    assert type(X) is list and all(type(p) is list for p in X)
    assert all(type(v) is float for p in X for v in p)
    assert type(y) is list and all(type(label) is int for label in y)
    assert len(X) == len(y) == 50
    assert make(random.Random(3)) == make(3)


def test_moons_without_noise_lie_on_sklearns_half_circles() -> None:
    sklearn = pytest.importorskip("sklearn.datasets")
    X, y = moons(40, noise=0.0, seed=0)
    reference, labels = sklearn.make_moons(40, noise=0.0, shuffle=False)
    ours = sorted((label, round(a, 12), round(b, 12)) for (a, b), label in zip(X, y, strict=True))
    theirs = sorted(
        (int(label), round(float(a), 12), round(float(b), 12))
        for (a, b), label in zip(reference, labels, strict=True)
    )
    assert ours == theirs


def test_moons_and_circles_balance_their_classes() -> None:
    assert Counter(moons(101, seed=0)[1]) == {0: 50, 1: 51}
    assert Counter(circles(100, seed=0)[1]) == {0: 50, 1: 50}


def test_circles_radii() -> None:
    X, y = circles(40, noise=0.0, factor=0.3, seed=0)
    for point, label in zip(X, y, strict=True):
        assert math.hypot(*point) == pytest.approx(1.0 if label == 0 else 0.3)


def test_blobs_with_given_and_random_centers() -> None:
    X, y = blobs(90, centers=[[0.0, 0.0], [10.0, 10.0], [-10.0, 10.0]], std=0.5, seed=0)
    assert Counter(y) == {0: 30, 1: 30, 2: 30}
    for label, center in enumerate([[0.0, 0.0], [10.0, 10.0], [-10.0, 10.0]]):
        mine = [p for p, lab in zip(X, y, strict=True) if lab == label]
        mean = [sum(c) / len(mine) for c in zip(*mine, strict=True)]
        assert mean == pytest.approx(center, abs=0.4)
    X, y = blobs(20, centers=4, dim=3, seed=1)
    assert len(X[0]) == 3 and set(y) == {0, 1, 2, 3}


def test_spirals_arms_grow_outwards() -> None:
    X, y = spirals(90, classes=3, noise=0.0, seed=0)
    assert Counter(y) == {0: 30, 1: 30, 2: 30}
    assert max(math.hypot(*p) for p in X) == pytest.approx(1.0)
    assert min(math.hypot(*p) for p in X) == pytest.approx(1 / 30)


def test_xor_and_parity_truth_tables() -> None:
    assert xor() == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    X, y = bit_parity(4)
    assert len(X) == 16
    assert X[0] == [0.0] * 4 and X[-1] == [1.0] * 4
    assert X[6] == [0.0, 1.0, 1.0, 0.0]
    assert y == [bin(i).count("1") % 2 for i in range(16)]
    with pytest.raises(ValueError, match="at most 20"):
        bit_parity(21)


def test_to_signed() -> None:
    assert to_signed([0, 1]) == [-1, 1]
    with pytest.raises(ValueError, match="must be 0 or 1, got 2"):
        to_signed([2])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: moons(1), "moons: n must be an int >= 2"),
        (lambda: circles(10, factor=1.5), "factor must lie in"),
        (lambda: blobs(10, centers=[]), "centers must not be empty"),
        (lambda: spirals(10, classes=1), "classes must be an int >= 2"),
        (lambda: xor(0), "xor: n must be"),
    ],
)
def test_bad_arguments(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# ---- split and batches --------------------------------------------------------------


def test_train_test_split_partitions_the_points() -> None:
    X, y = moons(40, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert (len(X_train), len(X_test)) == (30, 10)
    pairs = sorted(zip(map(tuple, X), y, strict=True))
    split = sorted(zip(map(tuple, X_train + X_test), y_train + y_test, strict=True))
    assert split == pairs
    assert train_test_split(X, y, 0.25, seed=1) == (X_train, X_test, y_train, y_test)
    with pytest.raises(ValueError, match="40 points but 3 labels"):
        train_test_split(X, y[:3])
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(X, y, 1.0)


def test_batches_cover_every_point_once_per_epoch() -> None:
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    seen = []
    sizes = []
    for xb, yb in batches(X, y, batch_size=4, seed=0):
        assert [int(p[0]) for p in xb] == yb
        seen += yb
        sizes.append(len(yb))
    assert sorted(seen) == y and sizes == [4, 4, 2]
    assert seen != y  # shuffled
    assert [yb for _, yb in batches(X, y, 4, seed=0)] == [yb for _, yb in batches(X, y, 4, seed=0)]
    assert [len(b) for b in batches(X, batch_size=4, drop_last=True, seed=0)] == [4, 4]
    assert [b for _, b in batches(X, y, 5, shuffle=False)] == [y[:5], y[5:]]


def test_one_random_stream_gives_new_orders_each_epoch() -> None:
    rng = random.Random(0)
    y = list(range(20))
    first = [b for _, b in batches(y, y, 20, seed=rng)]
    second = [b for _, b in batches(y, y, 20, seed=rng)]
    assert first != second


def test_batches_and_split_accept_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.arange(10)
    for xb, yb in batches(X, y, batch_size=3, seed=0):
        assert isinstance(xb, np.ndarray) and xb.shape[1] == 2
        assert (xb[:, 0] == 2 * yb).all()
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=0)
    assert X_train.shape == (8, 2) and X_test.shape == (2, 2)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(10))


def test_batches_check_arguments() -> None:
    with pytest.raises(ValueError, match="batch_size must be"):
        list(batches([1], [1], 0))
    with pytest.raises(ValueError, match="2 points but 1 labels"):
        list(batches([1, 2], [1], 1))
