"""scikit-learn's bundled 8x8 handwritten digits as plain Python lists, and one-hot helpers.

The 1,797 images ship inside scikit-learn (no download): each is 64 pixels of 0-16 ink,
which ``load_digits`` scales to [0, 1] so sigmoid units start in their responsive range.
``split_digits`` holds out a stratified fraction (a fifth by default) with a fixed seed,
and ``one_hot`` / ``one_hot_all`` turn labels into the target vectors a squared-error
network is trained on. scikit-learn is imported only when the data is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Examples = list[list[float]]


def _sklearn_datasets() -> Any:
    try:
        import sklearn.datasets
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "nn.digits needs scikit-learn: pip install 'autograd-engine[notebooks]'"
        ) from exc
    return sklearn.datasets


def load_digits(scale: bool = True) -> tuple[Examples, list[int]]:
    """All 1,797 digit images (64 floats each, row by row) and their labels 0-9.

    Args:
        scale: divide the 0-16 pixel values by 16, giving floats in [0, 1].

    >>> images, labels = load_digits()
    >>> len(images), len(images[0]), labels[:5]
    (1797, 64, [0, 1, 2, 3, 4])
    >>> max(max(image) for image in images)
    1.0
    """
    bunch = _sklearn_datasets().load_digits()
    divisor = 16.0 if scale else 1.0
    images = [[float(p) / divisor for p in row] for row in bunch.data.tolist()]
    return images, [int(label) for label in bunch.target.tolist()]


def split_digits(
    test_fraction: float = 0.2, seed: int = 0, scale: bool = True
) -> tuple[Examples, list[int], Examples, list[int]]:
    """A stratified train/test split of the digits: ``(x_train, y_train, x_test, y_test)``.

    The split is scikit-learn's ``train_test_split`` with ``stratify`` so each digit is
    held out in proportion; the same seed always gives the same split.

    Args:
        test_fraction: the share held out for testing (0.2: a fifth, 360 images).
        seed: the shuffle's seed.
        scale: as in ``load_digits``.

    >>> x_train, y_train, x_test, y_test = split_digits(seed=0)
    >>> len(x_train), len(x_test), sorted(set(y_test)) == list(range(10))
    (1437, 360, True)
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction!r}")
    from sklearn.model_selection import train_test_split

    images, labels = load_digits(scale)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_fraction, random_state=seed, stratify=labels
    )
    return x_train, y_train, x_test, y_test


def one_hot(label: int, classes: int = 10) -> list[float]:
    """The target vector for ``label``: 1.0 at its index, 0.0 elsewhere.

    Raises:
        ValueError: ``label`` is not an int in ``range(classes)``.

    >>> one_hot(3, classes=5)
    [0.0, 0.0, 0.0, 1.0, 0.0]
    >>> one_hot(10)
    Traceback (most recent call last):
    ...
    ValueError: one_hot: label 10 is outside range(10)
    """
    if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < classes:
        raise ValueError(f"one_hot: label {label!r} is outside range({classes})")
    vector = [0.0] * classes
    vector[label] = 1.0
    return vector


def one_hot_all(labels: Iterable[int], classes: int = 10) -> Examples:
    """``one_hot`` of each label.

    >>> one_hot_all([0, 2], classes=3)
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return [one_hot(label, classes) for label in labels]
