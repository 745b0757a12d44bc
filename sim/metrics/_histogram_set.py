"""Latency histograms keyed by tag, e.g. ``"SMS/SUCCESSFUL"`` or ``"request"``.

Results hold one histogram per channel and status; the engine records whole columns at once, so
:meth:`HistogramSet.record_grouped_s` splits a batch by a small-int group code, sorting each
cache-sized chunk by code (a radix sort) instead of one boolean mask per group.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import numpy.typing as npt

from ._bulk_recording import (
    Batch,
    grouped_batches_from_microseconds,
    grouped_batches_from_seconds,
)
from ._hdr_layout import HdrLayout
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

    __slots__ = ("_config", "_histograms", "_layout")

    def __init__(
        self,
        lowest_us: int = DEFAULT_LOWEST_US,
        highest_us: int = DEFAULT_HIGHEST_US,
        significant_digits: int = DEFAULT_SIGNIFICANT_DIGITS,
    ) -> None:
        template = LatencyHistogram(lowest_us, highest_us, significant_digits)
        self._config = template.config
        self._layout = HdrLayout.of(template.hdr)
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
        """Record ``latency_s[i]`` under ``tags[group_codes[i]]`` for a whole column at once.

        All or nothing: bad codes or a NaN anywhere leave every histogram unchanged.
        """
        self._commit_grouped(
            tags,
            grouped_batches_from_seconds(
                self._layout, self._config[1], len(tags), group_codes, latency_s
            ),
        )

    def record_grouped_us(
        self, tags: Sequence[str], group_codes: npt.ArrayLike, latency_us: npt.ArrayLike
    ) -> None:
        """Integer-microsecond form of :meth:`record_grouped_s`."""
        self._commit_grouped(
            tags,
            grouped_batches_from_microseconds(
                self._layout, self._config[1], len(tags), group_codes, latency_us
            ),
        )

    def _commit_grouped(self, tags: Sequence[str], batches: dict[int, Batch]) -> None:
        for code in batches:
            check_tag(tags[code])
        for code, batch in sorted(batches.items()):
            self.histogram(tags[code])._commit(batch)  # package-internal hand-over

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
        received = {
            check_tag(tag): LatencyHistogram.from_wire(w) for tag, w in wire.histograms.items()
        }
        for histogram in received.values():  # decode everything first: a bad report merges nothing
            self._check_config(histogram.config)
        for tag, histogram in received.items():
            self.histogram(tag).merge(histogram)

    def _check_config(self, other: tuple[int, int, int]) -> None:
        if other != self._config:
            raise ValueError(f"cannot merge histograms with config {other} into {self._config}")

    def __repr__(self) -> str:
        counts = ", ".join(f"{tag}={h.count}" for tag, h in self.items())
        return f"HistogramSet({counts})"
