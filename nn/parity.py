"""Even or odd: the classic backpropagation exercise on the bits of the numbers 0 ... 2^n - 1.

The textbook set-up feeds a network the 10 bits of each number from 0 to 1023 and asks
whether the number is even, with one-hot targets ``[0, 1]`` for even and ``[1, 0]`` for
odd; it trains on 0 ... 699 and tests on 700 ... 1023. So here the label is 1 for an even
number and 0 for an odd one, which ``nn.digits.one_hot(label, 2)`` turns into exactly
those targets.

This is not ``nn.data.parity``, which labels a bit pattern by whether it holds an odd
number of ones (XOR of all bits, a much harder function); a number's parity is its last
bit. The bit patterns themselves are ``nn.data.parity``'s, most significant bit first.
"""

from __future__ import annotations

from nn.data import parity

Points = list[list[float]]


def even_odd(bits: int = 10) -> tuple[Points, list[int]]:
    """The ``bits`` bits of every number 0 ... 2^bits - 1 (MSB first), labelled 1 if even.

    Row ``i`` is the number ``i``, so ``X[:700]`` is the textbook's training range.

    Raises:
        ValueError: ``bits`` is not an int from 1 to 20.

    >>> X, y = even_odd(3)
    >>> X[6], y[6]  # 6 = 0b110 is even
    ([1.0, 1.0, 0.0], 1)
    >>> y
    [1, 0, 1, 0, 1, 0, 1, 0]
    """
    points, _ = parity(bits)  # XOR-parity labels are not the ones wanted here
    return points, [1 - number % 2 for number in range(len(points))]
