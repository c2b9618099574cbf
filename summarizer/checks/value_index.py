"""Whether some quantities state a value, in log time: their readings, sorted.

The number check asks, for each quantity of one side, whether the other side states one of its
readings (:func:`.quantity.same_value`: ``math.isclose`` with relative and absolute tolerance 1e-9).
Asking every quantity of the other side costs the product of the two sides' sizes, which a text of
thousands of numbers turns into minutes. Sorted readings answer with the two nearest ones: for a
reading ``a``, the readings ``same_value`` accepts are one run of the sorted readings around ``a``.
Moving away from ``a`` makes the difference grow faster than the tolerance does (near ``a`` the
difference ``b - a`` of two floats is exact, Sterbenz's lemma, and ``1e-9 * b`` grows by a billionth
of what ``b`` grows by, give or take its rounding), so the nearest reading at or above ``a`` and the
nearest one below decide: when neither states ``a``, none does. NaN (a value too large for a float,
then made a clock time) equals nothing and is left out; infinity equals only itself.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from .quantity import Quantity, same_value


def _sorted_readings(quantities: Iterable[Quantity]) -> list[float]:
    return sorted({v for q in quantities for v in q.values if not math.isnan(v)})


def _readings(quantity: Quantity) -> Iterable[float]:
    return (v for v in quantity.values if not math.isnan(v))


def _states_near(readings: Sequence[float], above: int, below: int | None, value: float) -> bool:
    """Whether ``readings[above]`` (the nearest reading at or above ``value``; ``len(readings)``
    for none) or ``readings[below]`` (the nearest one under it; None for none) is ``value``."""
    return (above < len(readings) and same_value(value, readings[above])) or (
        below is not None and same_value(value, readings[below])
    )


class ValueIndex:
    """The readings of ``quantities``: whether any of them states a reading of another quantity."""

    def __init__(self, quantities: Iterable[Quantity]):
        self.quantities = tuple(quantities)
        self._readings = _sorted_readings(self.quantities)

    def states(self, quantity: Quantity) -> bool:
        """Whether one of the quantities has a reading equal to one of ``quantity``'s."""
        readings = self._readings
        for value in _readings(quantity):
            at = bisect_left(readings, value)
            if _states_near(readings, at, at - 1 if at else None, value):
                return True
        return False


class GrowingValueIndex:
    """A :class:`ValueIndex` that quantities join one at a time, drawn from ``universe``.

    Which readings have joined is kept over the universe's sorted readings (a Fenwick tree of counts):
    the nearest joined reading at or above a value and the one below are found in log time, however
    many have joined.
    """

    def __init__(self, universe: Iterable[Quantity]):
        self._readings = _sorted_readings(universe)
        self._joined = bytearray(len(self._readings))
        self._tree = [0] * (len(self._readings) + 1)
        self._count = 0
        self.quantities: list[Quantity] = []

    def add(self, quantity: Quantity) -> None:
        """Let ``quantity`` (one of the universe's) join."""
        for value in _readings(quantity):
            at = bisect_left(self._readings, value)
            if at == len(self._readings) or self._readings[at] != value:
                raise ValueError(f"{quantity.text!r} is not one of the quantities this index was made for")
            if not self._joined[at]:
                self._joined[at] = 1
                self._count += 1
                i = at + 1
                while i < len(self._tree):
                    self._tree[i] += 1
                    i += i & -i
        self.quantities.append(quantity)

    def states(self, quantity: Quantity) -> bool:
        """Whether one of the quantities joined so far has a reading equal to one of ``quantity``'s."""
        for value in _readings(quantity):
            under = self._joined_under(bisect_left(self._readings, value))
            above = self._nth_joined(under + 1) if under < self._count else len(self._readings)
            below = self._nth_joined(under) if under else None
            if _states_near(self._readings, above, below, value):
                return True
        return False

    def _joined_under(self, position: int) -> int:
        """How many joined readings sort before ``position``."""
        total = 0
        while position > 0:
            total += self._tree[position]
            position -= position & -position
        return total

    def _nth_joined(self, n: int) -> int:
        """The position of the ``n``-th joined reading (from 1), in sorted order."""
        position, step = 0, 1 << (len(self._tree) - 1).bit_length()
        while step:
            ahead = position + step
            if ahead < len(self._tree) and self._tree[ahead] < n:
                position = ahead
                n -= self._tree[ahead]
            step >>= 1
        return position
