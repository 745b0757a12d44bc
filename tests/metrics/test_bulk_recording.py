"""Bulk numpy recording gives exactly the histogram hdrh builds one value at a time."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.metrics import DEFAULT_HIGHEST_US, LatencyHistogram
from sim.metrics._arrays import CHUNK_LEN

from ._reference import assert_same_as_hdrh, hdrh_one_by_one

HIGHEST = DEFAULT_HIGHEST_US


@st.composite
def bucket_edge_values(draw: st.DrawFn) -> int:
    """A value at, just below or just above a slot or bucket boundary of the default layout."""
    bucket = draw(st.integers(0, 22))
    sub_bucket = draw(st.sampled_from([0, 1, 1023, 1024, 1025, 2047]))
    return max(0, (sub_bucket << bucket) + draw(st.sampled_from([-1, 0, 1])))


in_range_values = st.one_of(
    bucket_edge_values(), st.integers(0, 2_000), st.integers(0, HIGHEST)
).filter(lambda v: v <= HIGHEST)


@settings(max_examples=150, deadline=None)
@given(st.lists(in_range_values, max_size=300))
def test_bulk_us_equals_record_value(values: list[int]) -> None:
    histogram = LatencyHistogram()
    histogram.record_us(np.array(values, dtype=np.int64))
    assert_same_as_hdrh(histogram, hdrh_one_by_one(values))
    assert histogram.below_range_count == histogram.above_range_count == 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-(10**12), 10**13), max_size=200))
def test_out_of_range_values_are_clamped_and_counted(values: list[int]) -> None:
    histogram = LatencyHistogram()
    histogram.record_us(values)
    clamped = [min(max(v, 0), HIGHEST) for v in values]
    assert_same_as_hdrh(histogram, hdrh_one_by_one(clamped))
    assert histogram.count == len(values)
    assert histogram.below_range_count == sum(v < 0 for v in values)
    assert histogram.above_range_count == sum(v > HIGHEST for v in values)


def test_fixed_edges_across_chunks_equal_record_value() -> None:
    """Every slot edge of the default layout, repeated so the input spans several chunks."""
    edges = sorted(
        {
            max(0, (s << b) + d)
            for b in range(23)
            for s in (0, 1, 1023, 1024, 2047)
            for d in (-1, 0, 1)
        }
    )
    edges = [v for v in edges if v <= HIGHEST] + [HIGHEST]
    values = np.tile(np.array(edges, dtype=np.int64), 3 * CHUNK_LEN // len(edges) + 2)
    assert len(values) > 3 * CHUNK_LEN
    histogram = LatencyHistogram()
    histogram.record_us(values)
    assert_same_as_hdrh(histogram, hdrh_one_by_one(values.tolist()))


def test_hdrh_reports_are_identical_after_bulk_recording() -> None:
    """hdrh's own percentile table, mean and stddev read the state bulk recording maintains."""
    rng = np.random.default_rng(8)
    latency_us = rng.integers(0, 5_000_000, 3000)
    histogram = LatencyHistogram()
    histogram.record_us(latency_us)
    reference = hdrh_one_by_one(latency_us.tolist())
    tables = []
    for hdr in (histogram.hdr, reference):
        out = io.BytesIO()
        hdr.output_percentile_distribution(out, 1000.0)
        tables.append(out.getvalue())
    assert tables[0] == tables[1]
    assert histogram.hdr.get_stddev() == reference.get_stddev()


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.uint16, np.uint32, np.int64, np.uint64])
def test_any_integer_dtype_records_the_same(dtype: type[np.integer]) -> None:
    values = np.array([0, 1, 5, 100, 127], dtype=dtype)
    histogram = LatencyHistogram()
    histogram.record_us(values)
    assert_same_as_hdrh(histogram, hdrh_one_by_one(values.tolist()))


def test_uint64_beyond_int64_is_above_range_not_wrapped() -> None:
    histogram = LatencyHistogram()
    histogram.record_us(np.array([2**64 - 1, 2**63, 7], dtype=np.uint64))
    assert histogram.above_range_count == 2
    assert histogram.below_range_count == 0
    assert_same_as_hdrh(histogram, hdrh_one_by_one([HIGHEST, HIGHEST, 7]))


def test_int64_extremes_and_the_float64_exact_limit_are_clamped_correctly() -> None:
    """Integers pass through float64: values past 2**53 round, but never across a range limit."""
    limit = (1 << 53) - 1
    histogram = LatencyHistogram(1, limit, 3)
    extremes = [-(2**63), -1, 0, limit - 1, limit, limit + 1, limit + 2, 2**63 - 1]
    histogram.record_us(np.array(extremes, dtype=np.int64))
    assert (histogram.below_range_count, histogram.above_range_count) == (2, 3)
    clamped = [0, 0, 0, limit - 1, limit, limit, limit, limit]
    assert_same_as_hdrh(histogram, hdrh_one_by_one(clamped, (1, limit, 3)))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(0, 4000, allow_nan=False),
            st.floats(0, 0.01, allow_nan=False),
            st.sampled_from([0.0, 1e-6, 5e-7, 1.5e-6, 2.5e-6, 0.001, 0.0010235, 3600.0]),
        ),
        max_size=200,
    )
)
def test_seconds_round_to_nearest_microsecond(seconds: list[float]) -> None:
    histogram = LatencyHistogram()
    histogram.record_s(np.array(seconds))
    expected_us = [min(round(s * 1e6), HIGHEST) for s in seconds]  # round() is half-to-even too
    assert_same_as_hdrh(histogram, hdrh_one_by_one(expected_us))
    assert histogram.above_range_count == sum(round(s * 1e6) > HIGHEST for s in seconds)


def test_infinities_and_negative_seconds_are_counted() -> None:
    histogram = LatencyHistogram()
    histogram.record_s([-np.inf, -0.5, -4e-7, 0.25, np.inf, 1e300])
    # -4e-7 s rounds to -0 us: in range, not below it
    assert (histogram.below_range_count, histogram.above_range_count) == (2, 2)
    assert_same_as_hdrh(histogram, hdrh_one_by_one([0, 0, 0, 250_000, HIGHEST, HIGHEST]))


def test_nan_raises_and_records_nothing() -> None:
    histogram = LatencyHistogram()
    histogram.record_s([0.1, 0.2])
    values = np.full(CHUNK_LEN + 10, 0.5)
    values[-1] = np.nan  # after a whole chunk has been processed
    with pytest.raises(ValueError, match="NaN"):
        histogram.record_s(values)
    assert_same_as_hdrh(histogram, hdrh_one_by_one([100_000, 200_000]))


def test_float_microseconds_are_refused() -> None:
    with pytest.raises(TypeError, match="integers"):
        LatencyHistogram().record_us(np.array([1.5]))


def test_single_value_recording_clamps_like_bulk() -> None:
    one_by_one, bulk = LatencyHistogram(), LatencyHistogram()
    for value, count in [(-3, 2), (17, 1), (HIGHEST + 1, 4)]:
        one_by_one.record_value_us(value, count)
    bulk.record_us([-3, -3, 17] + [HIGHEST + 1] * 4)
    np.testing.assert_array_equal(one_by_one.counts, bulk.counts)
    assert (one_by_one.below_range_count, one_by_one.above_range_count) == (2, 4)
    assert (bulk.below_range_count, bulk.above_range_count) == (2, 4)
    assert one_by_one.count == bulk.count == 7


def test_custom_range_and_precision() -> None:
    config = (1000, 10_000_000, 2)
    values = np.array([0, 511, 512, 999, 1000, 123_456, 10_000_000, 10_000_001, -1])
    histogram = LatencyHistogram(*config)
    histogram.record_us(values)
    clamped = np.clip(values, 0, 10_000_000).tolist()
    assert_same_as_hdrh(histogram, hdrh_one_by_one(clamped, config))
    assert (histogram.below_range_count, histogram.above_range_count) == (1, 1)


@pytest.mark.parametrize(
    "config", [(0, 100, 3), (10, 15, 3), (1, 1 << 53, 3), (1, 1000, 0), (1, 1000, 6)]
)
def test_invalid_configs_are_rejected(config: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError):
        LatencyHistogram(*config)


def test_reset_empties_everything() -> None:
    histogram = LatencyHistogram()
    histogram.record_us([-1, 5, HIGHEST + 5])
    histogram.reset()
    assert_same_as_hdrh(histogram, hdrh_one_by_one([]))
    assert (histogram.below_range_count, histogram.above_range_count) == (0, 0)
    histogram.record_us([9])
    assert_same_as_hdrh(histogram, hdrh_one_by_one([9]))
