"""The vectorised slot math must agree with hdrh's own Python, slot by slot and at every edge."""

from __future__ import annotations

import numpy as np
import pytest
from hdrh.histogram import HdrHistogram

from sim.metrics._hdr_layout import HdrLayout

CONFIGS = [
    (1, 3_600_000_000, 3),  # the default: 1 us .. 1 h
    (1, 1_000_000, 1),
    (1000, 10_000_000_000, 2),  # unit magnitude > 0: values below 512 share slot 0
    (3, 10**12, 4),
    (1, (1 << 53) - 1, 3),  # the largest range the float64 exponent trick allows
]


def _slots_to_check(hdr: HdrHistogram) -> np.ndarray:
    """Every slot for small layouts; otherwise each bucket's edges plus a random sample."""
    if hdr.counts_len <= 40_000:
        return np.arange(hdr.counts_len, dtype=np.int64)
    half = hdr.sub_bucket_half_count
    edges = np.arange(0, hdr.counts_len, half, dtype=np.int64)
    sample = np.random.default_rng(7).integers(0, hdr.counts_len, 3000)
    both = np.concatenate([edges, edges - 1, edges + 1, sample, [hdr.counts_len - 1]])
    return np.unique(both[(both >= 0) & (both < hdr.counts_len)])


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_slot_values_match_hdrh(config: tuple[int, int, int]) -> None:
    hdr = HdrHistogram(*config)
    layout = HdrLayout.of(hdr)
    slots = _slots_to_check(hdr)
    lowest = [hdr.get_lowest_equivalent_value(hdr.get_value_from_index(i)) for i in slots.tolist()]
    highest = [
        hdr.get_highest_equivalent_value(hdr.get_value_from_index(i)) for i in slots.tolist()
    ]
    median = [hdr._hdr_median_equiv_value(v) for v in highest]
    assert layout.lowest_value_at(slots).tolist() == lowest
    assert layout.highest_value_at(slots).tolist() == highest
    assert layout.median_value_at(slots).tolist() == median


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_counts_index_matches_hdrh_at_slot_edges(config: tuple[int, int, int]) -> None:
    hdr = HdrHistogram(*config)
    layout = HdrLayout.of(hdr)
    slots = _slots_to_check(hdr)
    lowest = layout.lowest_value_at(slots)
    highest = layout.highest_value_at(slots)
    values = np.unique(np.concatenate([lowest, highest, lowest - 1, highest + 1, [0, 1, 2]]))
    values = values[(values >= 0) & (values <= config[1])]
    expected = [hdr._counts_index_for(v) for v in values.tolist()]
    got = layout.counts_index(values.astype(np.float64))
    assert got.tolist() == expected
