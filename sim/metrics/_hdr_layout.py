"""hdrh's counts-array index math, vectorised with numpy.

hdrh 0.10.8 (pinned) maps a value to a slot of its counts array one Python call at a time; these
functions do the same for whole arrays. A value's bucket is its bit length and its sub-bucket its
leading bits, which is exactly what a float64 holds in its exponent and mantissa (exact below
2**53, so histograms are limited to that range): the slot index is a shift and a subtraction of
the float's bits, with only scalar shifts so numpy can vectorise them. Tests compare every
function here with hdrh's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

#: Largest highest-trackable value the float64 exponent trick handles exactly.
MAX_TRACKABLE_US = (1 << 53) - 1

_F64_MANTISSA_BITS = 52
_F64_EXPONENT_BIAS = 1023


@dataclass(frozen=True, slots=True)
class HdrLayout:
    """The shape of one hdrh counts array: enough to map values to slots and back."""

    unit_magnitude: int
    sub_bucket_half_count_magnitude: int
    counts_len: int

    @classmethod
    def of(cls, hdr: Any) -> HdrLayout:
        """The layout of an ``hdrh.histogram.HdrHistogram``."""
        return cls(
            unit_magnitude=int(hdr.unit_magnitude),
            sub_bucket_half_count_magnitude=int(hdr.sub_bucket_half_count_magnitude),
            counts_len=int(hdr.counts_len),
        )

    def counts_index(self, values_f64: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        """Slot of each value (hdrh's ``_counts_index_for``), from whole numbers held as float64.

        Values must be whole numbers in ``[0, 2**53)``; callers clamp first, so every slot is
        valid. Above the first half-bucket a slot is the float's exponent and top mantissa bits
        minus a constant; below it, the value shifted by the unit magnitude.
        """
        half_magnitude = self.sub_bucket_half_count_magnitude
        index = values_f64.view(np.int64) >> (_F64_MANTISSA_BITS - half_magnitude)
        index -= (_F64_EXPONENT_BIAS - 1 + self.unit_magnitude + half_magnitude) << half_magnitude
        first_half_bucket = values_f64 < (1 << (half_magnitude + self.unit_magnitude))
        low = (
            values_f64
            if self.unit_magnitude == 0
            else np.floor(values_f64 / (1 << self.unit_magnitude))
        )
        np.copyto(index, low, where=first_half_bucket, casting="unsafe")
        return index

    def _bucket_and_lowest(
        self, index: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Bucket index and lowest value of each slot (``get_value_from_index``)."""
        half_magnitude = self.sub_bucket_half_count_magnitude
        half_count = 1 << half_magnitude
        bucket = (index >> half_magnitude) - 1
        sub_bucket = (index & (half_count - 1)) + half_count
        first = bucket < 0
        sub_bucket = np.where(first, sub_bucket - half_count, sub_bucket)
        bucket = np.where(first, 0, bucket)
        return bucket, sub_bucket << (bucket + self.unit_magnitude)

    def lowest_value_at(self, index: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Smallest value counted in each slot."""
        return self._bucket_and_lowest(index)[1]

    def highest_value_at(self, index: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Largest value counted in each slot (hdrh's highest equivalent value)."""
        bucket, lowest = self._bucket_and_lowest(index)
        return lowest + (np.int64(1) << (bucket + self.unit_magnitude)) - 1

    def median_value_at(self, index: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Representative value of each slot, the one hdrh's mean uses."""
        bucket, lowest = self._bucket_and_lowest(index)
        return lowest + ((np.int64(1) << (bucket + self.unit_magnitude)) >> 1)
