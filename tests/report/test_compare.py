"""The regression verdict on synthetic runs with known differences."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.report import LoadedRun, compare_runs, load_run, parse_tolerance, write_run

from .records import make_record


def _run(tmp_path: Path, run_id: str, **kwargs: object) -> LoadedRun:
    return load_run(write_run(make_record(**kwargs), tmp_path,  # type: ignore[arg-type]
                              run_id=run_id, plots=False))


def test_a_run_passes_against_itself(tmp_path: Path) -> None:
    run = _run(tmp_path, "base")
    comparison = compare_runs(run, run)
    assert comparison.passed
    watched = {row.name for row in comparison.rows if row.watched}
    assert watched == {"request.p99_s", "APNS.p99_s", "SMS.p99_s",
                       "achieved_deliveries_per_s", "error_ratio"}
    assert all(row.ratio == 1.0 for row in comparison.rows)


def test_slower_latency_beyond_tolerance_fails(tmp_path: Path) -> None:
    base, slow = _run(tmp_path, "base"), _run(tmp_path, "slow", latency_scale=1.5)
    comparison = compare_runs(base, slow, max_regression=0.10)
    assert {row.name for row in comparison.regressions} == {
        "request.p99_s", "APNS.p99_s", "SMS.p99_s"}
    assert compare_runs(base, slow, max_regression=0.60).passed
    # Faster is never a regression.
    assert compare_runs(slow, base).passed


def test_lower_throughput_and_more_errors_fail(tmp_path: Path) -> None:
    base = _run(tmp_path, "base")
    slower = _run(tmp_path, "slower", achieved_deliveries_per_s=700.0)
    assert [r.name for r in compare_runs(base, slower).regressions] == [
        "achieved_deliveries_per_s"]
    errors = _run(tmp_path, "errors", throttled=200)
    assert "error_ratio" in {r.name for r in compare_runs(base, errors).regressions}


def test_metric_option_narrows_the_gate_and_typos_are_errors(tmp_path: Path) -> None:
    base, slow = _run(tmp_path, "base"), _run(tmp_path, "slow", latency_scale=1.5)
    assert compare_runs(base, slow, watch=["achieved_deliveries_per_s"]).passed
    assert not compare_runs(base, slow, watch=["APNS.p50_s"]).passed
    with pytest.raises(ValueError, match="matches no figure"):
        compare_runs(base, slow, watch=["APNS.p98_s"])


def test_a_channel_missing_from_the_new_run_fails(tmp_path: Path) -> None:
    base = _run(tmp_path, "base")
    fewer = _run(tmp_path, "fewer", channels=("APNS",))
    comparison = compare_runs(base, fewer)
    assert "SMS.p99_s" in {r.name for r in comparison.regressions}


def test_warnings_name_what_makes_runs_hard_to_compare(tmp_path: Path) -> None:
    base = _run(tmp_path, "base")
    other = _run(tmp_path, "other", scenario="elsewhere", seed=8, partial=True)
    warnings = compare_runs(base, other).warnings
    assert any("partial" in w for w in warnings)
    assert any("different scenarios" in w for w in warnings)
    assert any("different seeds" in w for w in warnings)


@pytest.mark.parametrize("text, value", [("10%", 0.10), ("0.25", 0.25), (" 0% ", 0.0)])
def test_tolerance_parsing(text: str, value: float) -> None:
    assert parse_tolerance(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["-5%", "ten", "inf"])
def test_bad_tolerances_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_tolerance(text)
