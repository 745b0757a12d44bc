"""Latency histograms keyed by tag, e.g. ``"SMS/SUCCESSFUL"`` or ``"request"``.

Results hold one histogram per channel and status; the engine records whole columns at once, so
:meth:`HistogramSet.record_grouped_s` splits a batch by a small-int group code with one stable
(radix) sort instead of one boolean mask per group.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from ._arrays import float_column, int_column
from ._latency_histogram import (
    DEFAULT_HIGHEST_US,
    DEFAULT_LOWEST_US,
    DEFAULT_SIGNIFICANT_DIGITS,
    LatencyHistogram,
)
from ._wire import HistogramSetWire

#: Tags appear as ``Tag=<tag>,`` in HdrHistogram logs, so no commas or whitespace.
_TAG_PATTERN = re.compile(r"[^\s,]+")


def check_tag(tag: str) -> str:
    """``tag`` if usable in an HdrHistogram log (``""`` means untagged), else ValueError."""
    if tag != "" and not _TAG_PATTERN.fullmatch(tag):
        raise ValueError(f"histogram tag {tag!r} must not contain commas or whitespace")
    return tag


class HistogramSet:
    """Tagged :class:`LatencyHistogram` objects sharing one configuration."""

    __slots__ = ("_config", "_histograms")

    def __init__(
        self,
        lowest_us: int = DEFAULT_LOWEST_US,
        highest_us: int = DEFAULT_HIGHEST_US,
        significant_digits: int = DEFAULT_SIGNIFICANT_DIGITS,
    ) -> None:
        self._config = LatencyHistogram(lowest_us, highest_us, significant_digits).config
        self._histograms: dict[str, LatencyHistogram] = {}

    @property
    def config(self) -> tuple[int, int, int]:
        """``(lowest_us, highest_us, significant_digits)`` of every histogram in the set."""
        return self._config

    def histogram(self, tag: str) -> LatencyHistogram:
        """The histogram for ``tag``, created empty on first use."""
        found = self._histograms.get(tag)
        if found is None:
            found = self._histograms[check_tag(tag)] = LatencyHistogram(*self._config)
        return found

    def __getitem__(self, tag: str) -> LatencyHistogram:
        return self._histograms[tag]

    def __contains__(self, tag: object) -> bool:
        return tag in self._histograms

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._histograms))

    def __len__(self) -> int:
        return len(self._histograms)

    def items(self) -> list[tuple[str, LatencyHistogram]]:
        """``(tag, histogram)`` pairs sorted by tag."""
        return sorted(self._histograms.items())

    def record_s(self, tag: str, latency_s: npt.ArrayLike) -> None:
        """Record latencies in seconds under ``tag``."""
        self.histogram(tag).record_s(latency_s)

    def record_us(self, tag: str, latency_us: npt.ArrayLike) -> None:
        """Record integer microseconds under ``tag``."""
        self.histogram(tag).record_us(latency_us)

    def record_grouped_s(
        self, tags: Sequence[str], group_codes: npt.ArrayLike, latency_s: npt.ArrayLike
    ) -> None:
        """Record ``latency_s[i]`` under ``tags[group_codes[i]]`` for a whole column at once."""
        values_s = float_column(latency_s)
        for tag, rows in _split_by_code(tags, group_codes, len(values_s)):
            self.histogram(tag).record_s(values_s[rows])

    def record_grouped_us(
        self, tags: Sequence[str], group_codes: npt.ArrayLike, latency_us: npt.ArrayLike
    ) -> None:
        """Integer-microsecond form of :meth:`record_grouped_s`."""
        values_us = int_column(latency_us, "latency_us")
        for tag, rows in _split_by_code(tags, group_codes, len(values_us)):
            self.histogram(tag).record_us(values_us[rows])

    def merge(self, other: HistogramSet) -> None:
        """Add every histogram of ``other`` into the one with the same tag."""
        self._check_config(other.config)
        for tag, histogram in other._histograms.items():
            self.histogram(tag).merge(histogram)

    def to_wire(self) -> HistogramSetWire:
        """Lossless compact form for another process."""
        lowest_us, highest_us, significant_digits = self._config
        return HistogramSetWire(
            lowest_us=lowest_us,
            highest_us=highest_us,
            significant_digits=significant_digits,
            histograms={tag: h.to_wire() for tag, h in self.items()},
        )

    @classmethod
    def from_wire(cls, wire: HistogramSetWire) -> HistogramSet:
        """Rebuild a set from :meth:`to_wire` output."""
        histograms = cls(wire.lowest_us, wire.highest_us, wire.significant_digits)
        histograms.merge_wire(wire)
        return histograms

    def merge_wire(self, wire: HistogramSetWire) -> None:
        """Add a shipped set (e.g. a Locust worker's report) into this one."""
        self._check_config((wire.lowest_us, wire.highest_us, wire.significant_digits))
        for tag, histogram_wire in wire.histograms.items():
            self.histogram(tag).merge_wire(histogram_wire)

    def _check_config(self, other: tuple[int, int, int]) -> None:
        if other != self._config:
            raise ValueError(f"cannot merge histograms with config {other} into {self._config}")

    def __repr__(self) -> str:
        counts = ", ".join(f"{tag}={h.count}" for tag, h in self.items())
        return f"HistogramSet({counts})"


def _split_by_code(
    tags: Sequence[str], group_codes: npt.ArrayLike, n_values: int
) -> Iterator[tuple[str, npt.NDArray[np.intp]]]:
    """``(tag, row indices)`` for each group present, from one stable sort of the codes."""
    codes = int_column(group_codes, "group_codes")
    if len(codes) != n_values:
        raise ValueError(f"{len(codes)} group codes for {n_values} latency values")
    if not n_values:
        return
    lo, hi = int(codes.min()), int(codes.max())
    if lo < 0 or hi >= len(tags):
        raise ValueError(f"group codes span [{lo}, {hi}], outside the {len(tags)} tags given")
    # Narrow codes make numpy's stable sort a radix sort: linear time.
    if len(tags) <= 1 << 16:
        codes = codes.astype(np.uint8 if len(tags) <= 1 << 8 else np.uint16, copy=False)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(tags) + 1), side="left")
    for code, tag in enumerate(tags):
        if starts[code] < starts[code + 1]:
            yield tag, order[starts[code] : starts[code + 1]]
