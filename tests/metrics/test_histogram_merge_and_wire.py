"""Merging and shipping histograms between processes loses nothing."""

from __future__ import annotations

import msgspec
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.metrics import HistogramWire, LatencyHistogram

from ._reference import hdrh_one_by_one

value_lists = st.lists(st.integers(-5, 4 * 10**9), max_size=100)


def _recorded(values: list[int]) -> LatencyHistogram:
    histogram = LatencyHistogram()
    histogram.record_us(values)
    return histogram


@settings(max_examples=60, deadline=None)
@given(st.lists(value_lists, min_size=1, max_size=4))
def test_merging_parts_equals_recording_everything(parts: list[list[int]]) -> None:
    merged = LatencyHistogram()
    for part in parts:
        merged.merge(_recorded(part))
    everything = _recorded([v for part in parts for v in part])
    np.testing.assert_array_equal(merged.counts, everything.counts)
    assert merged.count == everything.count
    assert (merged.min_us, merged.max_us) == (everything.min_us, everything.max_us)
    assert merged.below_range_count == everything.below_range_count
    assert merged.above_range_count == everything.above_range_count
    assert merged.percentiles_us([0, 50, 99, 100]).tolist() == (
        everything.percentiles_us([0, 50, 99, 100]).tolist()
    )


@settings(max_examples=60, deadline=None)
@given(value_lists, st.sampled_from(["json", "msgpack"]))
def test_wire_round_trip_is_lossless(values: list[int], codec: str) -> None:
    original = _recorded(values)
    module = msgspec.json if codec == "json" else msgspec.msgpack
    wire = module.decode(module.encode(original.to_wire()), type=HistogramWire)
    received = LatencyHistogram.from_wire(wire)
    np.testing.assert_array_equal(received.counts, original.counts)
    assert (received.count, received.min_us, received.max_us, received.mean_us) == (
        original.count,
        original.min_us,
        original.max_us,
        original.mean_us,
    )
    assert received.below_range_count == original.below_range_count
    assert received.above_range_count == original.above_range_count
    assert received.to_wire() == original.to_wire()


def test_wire_payload_is_standard_hdrhistogram_base64() -> None:
    original = _recorded([1, 10, 100, 1000])
    payload = original.to_wire().hdr_base64
    assert payload.startswith("HISTF")  # the V2 compressed cookie any HdrHistogram can decode
    hdr = hdrh_one_by_one([])
    hdr.decode_and_add(payload)
    assert hdr.get_total_count() == original.count
    np.testing.assert_array_equal(original.counts, np.ctypeslib.as_array(hdr.counts))


def test_merge_wire_into_existing_histogram() -> None:
    master = _recorded([5, 6, 7])
    master.merge_wire(_recorded([-1, 70_000]).to_wire())
    expected = _recorded([5, 6, 7, -1, 70_000])
    np.testing.assert_array_equal(master.counts, expected.counts)
    assert (master.count, master.min_us, master.max_us) == (5, 0, expected.max_us)
    assert master.below_range_count == 1


def test_merging_an_empty_histogram_keeps_the_minimum() -> None:
    """hdrh's own add() would reset min to 0 here."""
    histogram = _recorded([500, 900])
    histogram.merge(LatencyHistogram())
    histogram.merge_wire(LatencyHistogram().to_wire())
    assert (histogram.count, histogram.min_us) == (2, 500)


def test_copy_is_independent() -> None:
    original = _recorded([1, 2, 3])
    twin = original.copy()
    twin.record_us([4])
    assert (original.count, twin.count) == (3, 4)


def test_different_configs_do_not_merge() -> None:
    coarse = LatencyHistogram(significant_digits=2)
    coarse.record_us([5])
    with pytest.raises(ValueError, match="config"):
        LatencyHistogram().merge(coarse)
    with pytest.raises(ValueError, match="config"):
        LatencyHistogram().merge_wire(coarse.to_wire())
    assert LatencyHistogram.from_wire(coarse.to_wire()).config == coarse.config


@pytest.mark.parametrize("payload", ["", "not base64!", "SElTVEZBQUFBQQ==", "HISTFAAAAAA="])
def test_corrupt_payloads_raise_value_error(payload: str) -> None:
    with pytest.raises(ValueError, match="HdrHistogram"):
        LatencyHistogram.from_wire(HistogramWire(hdr_base64=payload))


def test_negative_out_of_range_counts_are_rejected() -> None:
    wire = HistogramWire(LatencyHistogram().to_wire().hdr_base64, below_range_count=-1)
    with pytest.raises(ValueError, match="negative"):
        LatencyHistogram().merge_wire(wire)
