"""summary.json: figures equal hdrh's, round trip, schema version, nothing out of range lost."""

from __future__ import annotations

import msgspec
import pytest

from sim.report import (
    SCHEMA_VERSION,
    Summary,
    decode_summary,
    encode_summary,
    error_ratio,
    summarize,
)

from .records import make_record


def _summary(**kwargs: object) -> Summary:
    return summarize(make_record(**kwargs),  # type: ignore[arg-type]
                     run_id="r1", created_utc="2026-01-01T00:00:00+00:00", code_version="test")


def test_round_trip_is_lossless_and_bytes_are_stable() -> None:
    summary = _summary()
    data = encode_summary(summary)
    assert decode_summary(data) == summary
    assert encode_summary(decode_summary(data)) == data
    assert msgspec.json.decode(data)["schema_version"] == SCHEMA_VERSION == summary.schema_version


def test_other_schema_version_or_garbage_is_refused() -> None:
    raw = msgspec.json.decode(encode_summary(_summary()))
    raw["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ValueError, match="schema_version 2 is not supported"):
        decode_summary(msgspec.json.encode(raw))
    with pytest.raises(ValueError, match="not a pinsim summary"):
        decode_summary(b"[1, 2]")


def test_fields_added_by_a_newer_minor_revision_are_ignored() -> None:
    raw = msgspec.json.decode(encode_summary(_summary()))
    raw["some_future_figure"] = 3
    assert decode_summary(msgspec.json.encode(raw)) == _summary()


def test_latency_figures_are_hdrh_percentiles_in_seconds() -> None:
    record = make_record()
    summary = _summary()
    hdr = record.histograms["APNS/SUCCESSFUL"].hdr
    stats = summary.latency["APNS/SUCCESSFUL"]
    assert stats.count == hdr.get_total_count() == 2_000
    assert stats.p99_s == hdr.get_value_at_percentile(99.0) / 1e6
    assert stats.p999_s == hdr.get_value_at_percentile(99.9) / 1e6
    assert stats.max_s == hdr.get_max_value() / 1e6
    assert stats.mean_s == pytest.approx(hdr.get_mean_value() / 1e6)


def test_channel_latency_is_successful_deliveries_and_error_ratio_counts_failures() -> None:
    summary = _summary(throttled=40)
    # Fast THROTTLED answers and OPT_OUT (0 s) would make a struggling channel look faster.
    assert summary.channel_latency["SMS"] == summary.latency["SMS/SUCCESSFUL"]
    assert summary.error_ratio == pytest.approx(2 * 40 / (2 * (2_000 + 40 + 30)))
    assert error_ratio({}) == 0.0


def test_out_of_range_latencies_are_counted_not_dropped() -> None:
    summary = _summary(out_of_range_s=(-0.5, 5_000.0, 7_200.0))
    request = summary.latency["request"]
    assert (request.below_range_count, request.above_range_count) == (1, 2)
    assert request.count == 1_003
    assert summary.out_of_range_count == 3


def test_non_finite_figures_are_refused() -> None:
    record = make_record(achieved_deliveries_per_s=float("nan"))
    with pytest.raises(ValueError, match="achieved_deliveries_per_s must be finite"):
        summarize(record, run_id="r", created_utc="", code_version="")
