"""Reference results from plain hdrh, one ``record_value`` call per value."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from hdrh.histogram import HdrHistogram

from sim.metrics import DEFAULT_HIGHEST_US, LatencyHistogram


def hdrh_one_by_one(
    values_us: Iterable[int], config: tuple[int, int, int] | None = None
) -> HdrHistogram:
    """hdrh filled by ``record_value``, failing loudly if hdrh refuses a value."""
    hdr = HdrHistogram(*(config or (1, DEFAULT_HIGHEST_US, 3)))
    for value in values_us:
        assert hdr.record_value(int(value)), f"hdrh refused {value}"
    return hdr


def counts_of(hdr: HdrHistogram) -> np.ndarray:
    return np.ctypeslib.as_array(hdr.counts).copy()


def assert_same_as_hdrh(histogram: LatencyHistogram, hdr: HdrHistogram) -> None:
    """Same counts and the same state hdrh derives everything else from."""
    np.testing.assert_array_equal(histogram.counts, counts_of(hdr))
    assert histogram.count == hdr.total_count
    assert histogram.hdr.min_value == hdr.min_value
    assert histogram.hdr.max_value == hdr.max_value
    assert histogram.min_us == (hdr.get_min_value() if hdr.total_count else 0)
    assert histogram.max_us == hdr.get_max_value()
    assert histogram.hdr.encode() == hdr.encode()
