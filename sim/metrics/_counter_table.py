"""Counts per (row, column) label pair, e.g. channel x delivery status, in one int64 array.

The engine knows channel and status as small-int code columns, so bulk counting is a chunked
``np.bincount`` of ``row * n_columns + column``. Labels are fixed at construction so that tables
from different processes merge cell by cell, and :meth:`CounterTable.to_dict` gives JSON shapes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ._arrays import CHUNK_LEN, int_column
from ._wire import CounterTableWire


def _labels(labels: Sequence[str], what: str) -> tuple[str, ...]:
    result = tuple(labels)
    if not result:
        raise ValueError(f"{what} labels must not be empty")
    if len(set(result)) != len(result):
        raise ValueError(f"{what} labels must be unique, got {list(result)}")
    return result


def _codes(codes: npt.ArrayLike, name: str, limit: int) -> npt.NDArray[np.int64]:
    values = int_column(codes, name)
    if len(values) and (int(values.min()) < 0 or int(values.max()) >= limit):
        raise ValueError(f"{name} must be in [0, {limit}), got [{values.min()}, {values.max()}]")
    return values.astype(np.int64, copy=False)


class CounterTable:
    """A mergeable labelled 2-D count table."""

    __slots__ = ("_column_labels", "_counts", "_row_labels")

    def __init__(self, row_labels: Sequence[str], column_labels: Sequence[str]) -> None:
        self._row_labels = _labels(row_labels, "row")
        self._column_labels = _labels(column_labels, "column")
        shape = (len(self._row_labels), len(self._column_labels))
        self._counts: npt.NDArray[np.int64] = np.zeros(shape, dtype=np.int64)

    @property
    def row_labels(self) -> tuple[str, ...]:
        return self._row_labels

    @property
    def column_labels(self) -> tuple[str, ...]:
        return self._column_labels

    @property
    def counts(self) -> npt.NDArray[np.int64]:
        """The counts, rows by columns (a copy)."""
        return self._counts.copy()

    @property
    def total(self) -> int:
        return int(self._counts.sum())

    def add(
        self,
        row_codes: npt.ArrayLike,
        column_codes: npt.ArrayLike,
        counts: npt.ArrayLike | None = None,
    ) -> None:
        """Count each ``(row_codes[i], column_codes[i])`` once, or ``counts[i]`` times.

        Codes index the label tuples; a code out of range raises instead of being dropped.
        """
        n_rows, n_columns = self._counts.shape
        rows = _codes(row_codes, "row_codes", n_rows)
        columns = _codes(column_codes, "column_codes", n_columns)
        weights = None if counts is None else int_column(counts, "counts").astype(np.int64)
        if len(columns) != len(rows) or (weights is not None and len(weights) != len(rows)):
            raise ValueError("row_codes, column_codes and counts must have the same length")
        if weights is not None and len(weights) and int(weights.min()) < 0:
            raise ValueError("counts must be non-negative")
        flat = self._counts.reshape(-1)
        for start in range(0, len(rows), CHUNK_LEN):
            chunk = slice(start, start + CHUNK_LEN)
            cells = rows[chunk] * n_columns + columns[chunk]
            if weights is None:
                flat += np.bincount(cells, minlength=flat.size)
            else:
                np.add.at(flat, cells, weights[chunk])

    def increment(self, row: str, column: str, count: int = 1) -> None:
        """Add ``count`` to one cell named by its labels."""
        if count < 0:
            raise ValueError(f"count must be non-negative, got {count}")
        self._counts[self._cell(row, column)] += count

    def get(self, row: str, column: str) -> int:
        return int(self._counts[self._cell(row, column)])

    def _cell(self, row: str, column: str) -> tuple[int, int]:
        try:
            return self._row_labels.index(row), self._column_labels.index(column)
        except ValueError:
            raise KeyError(f"no cell ({row!r}, {column!r}) in this table") from None

    def row_totals(self) -> dict[str, int]:
        return dict(zip(self._row_labels, self._counts.sum(axis=1).tolist(), strict=True))

    def column_totals(self) -> dict[str, int]:
        return dict(zip(self._column_labels, self._counts.sum(axis=0).tolist(), strict=True))

    def to_dict(self, *, include_zeros: bool = False) -> dict[str, dict[str, int]]:
        """``{row: {column: count}}``; rows and cells with zero counts left out by default."""
        result: dict[str, dict[str, int]] = {}
        for row, row_counts in zip(self._row_labels, self._counts.tolist(), strict=True):
            cells = {
                column: count
                for column, count in zip(self._column_labels, row_counts, strict=True)
                if count or include_zeros
            }
            if cells:
                result[row] = cells
        return result

    def merge(self, other: CounterTable) -> None:
        """Add ``other`` cell by cell (labels must match)."""
        self._check_labels(other._row_labels, other._column_labels)
        self._counts += other._counts

    def to_wire(self) -> CounterTableWire:
        """Compact form for another process."""
        return CounterTableWire(
            row_labels=list(self._row_labels),
            column_labels=list(self._column_labels),
            counts=self._counts.reshape(-1).tolist(),
        )

    @classmethod
    def from_wire(cls, wire: CounterTableWire) -> CounterTable:
        """Rebuild a table from :meth:`to_wire` output."""
        table = cls(wire.row_labels, wire.column_labels)
        if len(wire.counts) != table._counts.size:
            raise ValueError(f"{len(wire.counts)} counts for a {table._counts.shape} table")
        table._counts[...] = np.asarray(wire.counts, dtype=np.int64).reshape(table._counts.shape)
        return table

    def merge_wire(self, wire: CounterTableWire) -> None:
        """Add a shipped table."""
        self.merge(CounterTable.from_wire(wire))

    def _check_labels(self, rows: Sequence[str], columns: Sequence[str]) -> None:
        if tuple(rows) != self._row_labels or tuple(columns) != self._column_labels:
            raise ValueError("cannot merge counter tables with different labels")

    def __repr__(self) -> str:
        return f"CounterTable({self.to_dict()})"
