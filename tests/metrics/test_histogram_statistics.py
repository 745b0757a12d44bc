"""Percentiles, mean, min and max agree exactly with hdrh's own (slow) answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.metrics import LatencyHistogram

from ._reference import hdrh_one_by_one

STANDARD_PERCENTILES = [0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0]

percentile_lists = st.lists(
    st.one_of(st.sampled_from(STANDARD_PERCENTILES), st.floats(0.0, 100.0)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.integers(0, 10**9), min_size=1, max_size=150),
    repeat=st.integers(1, 50),
    percentiles=percentile_lists,
)
def test_percentiles_equal_hdrh(values: list[int], repeat: int, percentiles: list[float]) -> None:
    histogram = LatencyHistogram()
    for _ in range(repeat):  # repetition gives counts > 1 per slot and larger totals
        histogram.record_us(values)
    hdr = hdrh_one_by_one(values)
    for _ in range(repeat - 1):
        hdr.add(hdrh_one_by_one(values))
    assert histogram.percentiles_us(percentiles).tolist() == [
        hdr.get_value_at_percentile(p) for p in percentiles
    ]
    assert histogram.mean_us == hdr.get_mean_value()
    assert histogram.min_us == hdr.get_min_value()
    assert histogram.max_us == hdr.get_max_value()


def test_lognormal_latencies_match_hdrh_and_bracket_the_exact_quantiles() -> None:
    rng = np.random.default_rng(11)
    latency_s = rng.lognormal(np.log(0.2), 1.0, 20_000)
    histogram = LatencyHistogram()
    histogram.record_s(latency_s)
    hdr = hdrh_one_by_one(np.rint(latency_s * 1e6).astype(np.int64).tolist())
    got = histogram.percentiles_us(STANDARD_PERCENTILES)
    assert got.tolist() == [hdr.get_value_at_percentile(p) for p in STANDARD_PERCENTILES]
    assert histogram.mean_us == hdr.get_mean_value()
    # 3 significant digits: within 0.1 % of numpy's exact order statistics
    exact_us = np.percentile(latency_s * 1e6, [50, 90, 99], method="inverted_cdf")
    np.testing.assert_allclose(histogram.percentiles_us([50, 90, 99]), exact_us, rtol=1e-3)
    assert histogram.mean_us == pytest.approx(latency_s.mean() * 1e6, rel=1e-3)


def test_mean_stays_exact_when_int64_products_would_overflow() -> None:
    histogram = LatencyHistogram()
    histogram.record_value_us(3_000_000_000, count=4_000_000_000)  # sum of values ~1.2e19 > 2**63
    histogram.record_value_us(7, count=3)
    hdr = hdrh_one_by_one([])
    hdr.record_value(3_000_000_000, 4_000_000_000)
    hdr.record_value(7, 3)
    assert histogram.mean_us == hdr.get_mean_value()
    assert histogram.percentiles_us([0, 50, 100]).tolist() == [
        hdr.get_value_at_percentile(p) for p in (0, 50, 100)
    ]


def test_empty_histogram_statistics_are_zero() -> None:
    histogram = LatencyHistogram()
    assert histogram.percentiles_us(STANDARD_PERCENTILES).tolist() == [0] * 10
    assert (histogram.count, histogram.min_us, histogram.max_us, histogram.mean_us) == (0, 0, 0, 0)


def test_single_percentile_and_zero_values() -> None:
    histogram = LatencyHistogram()
    histogram.record_us([0, 0, 0, 5000])
    assert histogram.min_us == 0
    assert histogram.percentile_us(50) == 0
    assert histogram.percentile_us(100) == 5003  # highest value of the 4-wide slot [5000, 5003]


@pytest.mark.parametrize("bad", [-0.1, 100.5, float("nan")])
def test_percentiles_outside_0_to_100_are_rejected(bad: float) -> None:
    histogram = LatencyHistogram()
    histogram.record_us([1, 2, 3])
    with pytest.raises(ValueError, match="percentiles"):
        histogram.percentiles_us([50.0, bad])
