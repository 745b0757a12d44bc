"""Tagged histogram sets: grouped recording, merging, shipping and the histograms.hlog file."""

from __future__ import annotations

from pathlib import Path

import msgspec
import numpy as np
import pytest
from hdrh.histogram import HdrHistogram
from hdrh.log import HistogramLogReader

from sim.metrics import (
    HistogramSet,
    HistogramSetWire,
    HistogramWire,
    LatencyHistogram,
    read_hlog,
    write_hlog,
)

TAGS = ["SMS/SUCCESSFUL", "SMS/THROTTLED", "EMAIL/SUCCESSFUL", "request"]


def _sample_set() -> HistogramSet:
    rng = np.random.default_rng(3)
    histograms = HistogramSet()
    codes = rng.integers(0, 3, 5000)
    latency_s = rng.lognormal(np.log(0.3), 1.2, 5000)
    latency_s[:3] = [-1.0, 7200.0, np.inf]  # one below range, two above
    histograms.record_grouped_s(TAGS[:3], codes, latency_s)
    histograms.record_us("request", [120, 450, 9_000])
    return histograms


def test_grouped_recording_equals_recording_each_group_separately() -> None:
    rng = np.random.default_rng(5)
    codes = rng.integers(0, 3, 150_000).astype(np.uint8)  # spans several recording chunks
    latency_s = rng.exponential(0.05, 150_000)
    latency_s[::1000] = -1.0
    grouped = HistogramSet()
    grouped.record_grouped_s(TAGS[:3], codes, latency_s)
    for code, tag in enumerate(TAGS[:3]):
        separate = LatencyHistogram()
        separate.record_s(latency_s[codes == code])
        np.testing.assert_array_equal(grouped[tag].counts, separate.counts)
        assert grouped[tag].count == np.count_nonzero(codes == code)
        assert grouped[tag].below_range_count == separate.below_range_count > 0
        assert (grouped[tag].min_us, grouped[tag].max_us) == (separate.min_us, separate.max_us)


def test_grouped_recording_is_all_or_nothing() -> None:
    histograms = HistogramSet()
    histograms.record_grouped_s(TAGS[:2], [0, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="NaN"):
        histograms.record_grouped_s(TAGS[:2], [0, 1, 1], [0.1, 0.2, np.nan])
    with pytest.raises(ValueError, match="tag"):
        histograms.record_grouped_s(["ok", "not ok"], [0, 1], [0.1, 0.2])
    assert [histograms[tag].count for tag in TAGS[:2]] == [1, 1]
    assert "ok" not in histograms


def test_grouped_microseconds_skip_absent_groups() -> None:
    histograms = HistogramSet()
    histograms.record_grouped_us(TAGS, np.array([3, 3, 0]), np.array([10, 20, 30]))
    assert list(histograms) == sorted(["request", "SMS/SUCCESSFUL"])
    assert histograms["request"].count == 2


def test_group_codes_must_match_tags_and_values() -> None:
    histograms = HistogramSet()
    with pytest.raises(ValueError, match="outside"):
        histograms.record_grouped_s(TAGS[:2], [0, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="group codes for"):
        histograms.record_grouped_s(TAGS, [0], [0.1, 0.2])
    assert len(histograms) == 0


@pytest.mark.parametrize("tag", ["SMS SUCCESSFUL", "a,b", "tab\there"])
def test_tags_unusable_in_hlog_are_rejected(tag: str) -> None:
    with pytest.raises(ValueError, match="tag"):
        HistogramSet().histogram(tag)


def test_set_wire_round_trip_and_merge() -> None:
    original = _sample_set()
    wire = msgspec.msgpack.decode(msgspec.msgpack.encode(original.to_wire()), type=HistogramSetWire)
    received = HistogramSet.from_wire(wire)
    assert list(received) == list(original)
    for tag, histogram in original.items():
        np.testing.assert_array_equal(received[tag].counts, histogram.counts)
        assert received[tag].above_range_count == histogram.above_range_count
    received.merge(original)
    received.merge_wire(HistogramSet().to_wire())
    assert received["request"].count == 2 * original["request"].count
    with pytest.raises(ValueError, match="config"):
        received.merge(HistogramSet(significant_digits=2))


def test_a_corrupt_report_merges_nothing() -> None:
    master = _sample_set()
    before = {tag: h.count for tag, h in master.items()}
    wire = master.to_wire()
    histograms = dict(wire.histograms)
    histograms["zzz/last"] = HistogramWire(hdr_base64="garbage")
    with pytest.raises(ValueError, match="HdrHistogram"):
        master.merge_wire(msgspec.structs.replace(wire, histograms=histograms))
    assert {tag: h.count for tag, h in master.items()} == before


def test_hlog_reads_back_with_hdrh_reader_with_identical_counts(tmp_path: Path) -> None:
    original = _sample_set()
    path = tmp_path / "histograms.hlog"
    write_hlog(original, path, interval_start_s=0.0, interval_end_s=60.0, epoch_start_s=1.7e9)
    reader = HistogramLogReader(str(path), HdrHistogram(1, 3_600_000_000, 3))
    seen: dict[str, HdrHistogram] = {}
    try:
        while (hdr := reader.get_next_interval_histogram()) is not None:
            seen[hdr.get_tag()] = hdr
            assert hdr.get_start_time_stamp() == pytest.approx(1.7e9 * 1000.0)
            assert hdr.get_end_time_stamp() == pytest.approx((1.7e9 + 60.0) * 1000.0)
    finally:
        reader.close()
    assert sorted(seen) == list(original)
    for tag, histogram in original.items():
        np.testing.assert_array_equal(np.ctypeslib.as_array(seen[tag].counts), histogram.counts)
        assert seen[tag].get_total_count() == histogram.count
        assert seen[tag].get_max_value() == histogram.max_us
    assert not list(tmp_path.glob("*.tmp"))


def test_read_hlog_restores_counts_and_out_of_range_tallies(tmp_path: Path) -> None:
    original = _sample_set()
    path = tmp_path / "histograms.hlog"
    write_hlog(original, path, interval_end_s=12.5)
    restored = read_hlog(path)
    assert restored.config == original.config
    assert list(restored) == list(original)
    for tag, histogram in original.items():
        np.testing.assert_array_equal(restored[tag].counts, histogram.counts)
        assert restored[tag].below_range_count == histogram.below_range_count
        assert restored[tag].above_range_count == histogram.above_range_count
    assert sum(h.above_range_count for _, h in restored.items()) == 2


def test_read_hlog_adds_up_intervals_of_the_same_tag(tmp_path: Path) -> None:
    first, second = HistogramSet(), HistogramSet()
    first.record_us("request", [10, 20])
    second.record_us("request", [30])
    paths = [tmp_path / "a.hlog", tmp_path / "b.hlog"]
    write_hlog(first, paths[0], interval_start_s=0.0, interval_end_s=1.0)
    write_hlog(second, paths[1], interval_start_s=1.0, interval_end_s=2.0)
    combined = tmp_path / "both.hlog"
    combined.write_text(paths[0].read_text() + paths[1].read_text(), encoding="utf-8")
    assert read_hlog(combined)["request"].count == 3


def test_empty_set_writes_a_readable_log(tmp_path: Path) -> None:
    path = tmp_path / "histograms.hlog"
    write_hlog(HistogramSet(), path, interval_end_s=1.0)
    assert len(read_hlog(path)) == 0
