"""Growable numpy columns: amortised O(1) append with the data kept in one array per field.

The endpoint store keeps one row per endpoint; numpy arrays (not Python objects per row) keep
a million endpoints within a few tens of megabytes and let the rules run vectorised.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


class Column:
    """One typed numpy column that doubles its capacity when full."""

    __slots__ = ("_data", "_size", "fill")

    def __init__(self, dtype: npt.DTypeLike, fill: Any = 0, capacity: int = 64) -> None:
        self._data: npt.NDArray[Any] = np.full(capacity, fill, dtype=dtype)
        self._size = 0
        self.fill = fill

    def __len__(self) -> int:
        return self._size

    @property
    def raw(self) -> npt.NDArray[Any]:
        """The whole backing array, capacity included (no view is made: for hot loops that
        index rows below ``len``)."""
        return self._data

    @property
    def values(self) -> npt.NDArray[Any]:
        """A view of the filled part (valid until the next append)."""
        return self._data[: self._size]

    def append(self, value: Any = None) -> int:
        """Add a row (``value``, else the column's fill value); returns its index."""
        if value is None:
            value = self.fill
        if self._size == len(self._data):
            grown = np.empty(len(self._data) * 2, dtype=self._data.dtype)
            grown[: self._size] = self._data
            self._data = grown
        self._data[self._size] = value
        self._size += 1
        return self._size - 1

    def extend(self, values: npt.ArrayLike) -> None:
        """Append many rows at once."""
        block = np.asarray(values, dtype=self._data.dtype)
        needed = self._size + len(block)
        if needed > len(self._data):
            grown = np.empty(max(needed, 2 * len(self._data)), dtype=self._data.dtype)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size: needed] = block
        self._size = needed

    def __getitem__(self, row: int) -> Any:
        return self._data[row]

    def __setitem__(self, row: int, value: Any) -> None:
        self._data[row] = value

    def take(self, rows: npt.NDArray[np.intp]) -> npt.NDArray[Any]:
        return self._data[rows]
