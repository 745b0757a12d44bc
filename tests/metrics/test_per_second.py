"""Per-second counts and gauges agree with a plain-Python binning of the same events."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import msgspec
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.metrics import PerSecondCounts, PerSecondCountsWire, PerSecondGauge, PerSecondGaugeWire
from sim.metrics._arrays import CHUNK_LEN

times = st.lists(st.floats(-5.0, 80.0, allow_nan=False), max_size=300)


def _python_bins(
    times_s: list[float], origin_s: float, bin_s: float, max_bins: int
) -> Counter[int]:
    return Counter(k for t in times_s if 0 <= (k := math.floor((t - origin_s) / bin_s)) < max_bins)


@settings(max_examples=100, deadline=None)
@given(times, st.sampled_from([(0.0, 1.0, 50), (2.5, 0.25, 1000), (-3.0, 10.0, 4)]))
def test_counts_match_python_binning(times_s: list[float], axis: tuple[float, float, int]) -> None:
    origin_s, bin_s, max_bins = axis
    series = PerSecondCounts(origin_s, bin_s, max_bins)
    series.add(np.array(times_s))
    expected = _python_bins(times_s, origin_s, bin_s, max_bins)
    counts = series.counts
    assert {k: int(c) for k, c in enumerate(counts) if c} == dict(expected)
    assert len(counts) == (max(expected) + 1 if expected else 0)
    before = sum((t - origin_s) / bin_s < 0 for t in times_s)
    assert series.before_origin_count == before
    assert series.total + series.before_origin_count + series.beyond_horizon_count == len(times_s)
    np.testing.assert_allclose(series.rate_per_s, counts / bin_s)


def test_weighted_counts_and_window_tallies() -> None:
    series = PerSecondCounts(max_bins=3)
    series.add([0.5, 0.9, 2.0, -0.1, 3.0, np.inf], counts=[2, 3, 1, 4, 5, 6])
    assert series.counts.tolist() == [5, 0, 1]
    assert series.counts_for_bins(5).tolist() == [5, 0, 1, 0, 0]
    assert series.counts_for_bins(2).tolist() == [5, 0]
    assert (series.before_origin_count, series.beyond_horizon_count) == (4, 11)


def test_counts_across_many_chunks() -> None:
    rng = np.random.default_rng(9)
    arrivals_s = np.sort(rng.uniform(0, 600, 300_000))
    series = PerSecondCounts()
    series.add(arrivals_s)
    np.testing.assert_array_equal(series.counts, np.bincount(arrivals_s.astype(np.int64)))


def test_counts_merge_and_wire_round_trip() -> None:
    a, b = PerSecondCounts(), PerSecondCounts()
    a.add([0.1, 1.1, -1.0])
    b.add([5.5, 5.6, 1.9])
    wire = msgspec.json.decode(msgspec.json.encode(b.to_wire()), type=PerSecondCountsWire)
    a.merge_wire(wire)
    assert a.counts.tolist() == [1, 2, 0, 0, 0, 2]
    assert a.before_origin_count == 1
    assert PerSecondCounts.from_wire(a.to_wire()).counts.tolist() == a.counts.tolist()
    with pytest.raises(ValueError, match="axis"):
        a.merge(PerSecondCounts(origin_s=1.0))


def test_bad_inputs_raise() -> None:
    series = PerSecondCounts()
    late_nan = np.ones(CHUNK_LEN + 5)
    late_nan[-1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        series.add(late_nan)
    with pytest.raises(ValueError, match="non-negative"):
        series.add([1.0], counts=[-1])
    with pytest.raises(ValueError, match="counts for"):
        series.add([1.0, 2.0], counts=[1])
    with pytest.raises(ValueError, match="bin_s"):
        PerSecondCounts(bin_s=0.0)
    assert series.total == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 20, allow_nan=False), st.integers(0, 500)), max_size=200))
def test_gauge_matches_python_statistics(samples: list[tuple[float, int]]) -> None:
    gauge = PerSecondGauge()
    gauge.add([t for t, _ in samples], [v for _, v in samples])
    per_bin: defaultdict[int, list[int]] = defaultdict(list)
    for t, v in samples:
        per_bin[math.floor(t)].append(v)
    n_bins = max(per_bin) + 1 if per_bin else 0
    assert gauge.sample_counts.tolist() == [len(per_bin.get(k, [])) for k in range(n_bins)]
    for k in range(n_bins):
        values = per_bin.get(k)
        if values:
            assert gauge.means[k] == pytest.approx(sum(values) / len(values))
            assert (gauge.minimums[k], gauge.maximums[k]) == (min(values), max(values))
        else:
            assert np.isnan([gauge.means[k], gauge.minimums[k], gauge.maximums[k]]).all()


def test_gauge_merge_and_wire_equal_single_gauge() -> None:
    rng = np.random.default_rng(4)
    times_s = rng.uniform(-1, 30, 2000)
    depth = rng.integers(0, 1000, 2000).astype(np.float64)
    whole, first, second = PerSecondGauge(), PerSecondGauge(), PerSecondGauge()
    whole.add(times_s, depth)
    first.add(times_s[:700], depth[:700])
    second.add(times_s[700:], depth[700:])
    wire = msgspec.msgpack.decode(msgspec.msgpack.encode(second.to_wire()), type=PerSecondGaugeWire)
    first.merge_wire(wire)
    np.testing.assert_array_equal(first.sample_counts, whole.sample_counts)
    np.testing.assert_allclose(first.means, whole.means)
    np.testing.assert_array_equal(first.minimums, whole.minimums)
    np.testing.assert_array_equal(first.maximums, whole.maximums)
    assert first.before_origin_count == whole.before_origin_count > 0


def test_gauge_rejects_nan_values() -> None:
    with pytest.raises(ValueError, match="NaN"):
        PerSecondGauge().add([1.0], [np.nan])
