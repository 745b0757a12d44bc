"""The run directory: every file written, hlog readable by hdrh's own reader, atomic on failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from hdrh.log import HistogramLogReader

import sim.report._run_dir as run_dir_module
from sim.report import load_run, write_run

from .records import make_record

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_writes_every_file_and_reads_back(tmp_path: Path) -> None:
    record = make_record()
    run = write_run(record, tmp_path, run_id="run-1")
    assert run == tmp_path / "synthetic" / "run-1"
    names = {p.name for p in run.iterdir()}
    assert names == {"summary.json", "histograms.hlog", "report.md", "latency_spectrum.png",
                     "throughput.png", "queue_depth.png"}
    for png in run.glob("*.png"):
        assert png.read_bytes().startswith(PNG_SIGNATURE)
    report = (run / "report.md").read_text()
    for png in ("latency_spectrum.png", "throughput.png", "queue_depth.png"):
        assert f"]({png})" in report
    assert "| request | 1,000 |" in report

    loaded = load_run(run)
    assert loaded.summary.run_id == "run-1"
    assert loaded.summary.scenario_config == {"name": "synthetic", "seed": 7}
    assert list(loaded.histograms) == list(record.histograms)
    for tag, histogram in record.histograms.items():
        assert loaded.histograms[tag].counts.tolist() == histogram.counts.tolist()


def test_hlog_is_readable_by_hdrh_with_identical_counts(tmp_path: Path) -> None:
    record = make_record()
    run = write_run(record, tmp_path, plots=False)
    reader = HistogramLogReader(str(run / "histograms.hlog"), None)
    seen = {}
    while (hdr := reader.get_next_interval_histogram()) is not None:
        seen[hdr.get_tag()] = hdr
    reader.close()
    assert set(seen) == set(record.histograms)
    for tag, hdr in seen.items():
        ours = record.histograms[tag]
        assert hdr.get_total_count() == ours.count
        assert hdr.get_value_at_percentile(99.0) == ours.percentile_us(99.0)
        assert list(hdr.counts) == ours.counts.tolist()


def test_failure_while_writing_leaves_no_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_plot(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(run_dir_module, "plot_queue_depth", broken_plot)
    with pytest.raises(OSError, match="disk full"):
        write_run(make_record(), tmp_path, run_id="doomed")
    assert list((tmp_path / "synthetic").iterdir()) == []  # no run, no staging leftovers


def test_an_existing_run_is_never_overwritten(tmp_path: Path) -> None:
    write_run(make_record(), tmp_path, run_id="same", plots=False)
    with pytest.raises(FileExistsError):
        write_run(make_record(), tmp_path, run_id="same", plots=False)


def test_partial_run_is_marked_everywhere(tmp_path: Path) -> None:
    run = write_run(make_record(partial=True), tmp_path, plots=False)
    assert load_run(run).summary.partial is True
    assert "PARTIAL" in (run / "report.md").read_text()


def test_loader_refuses_mismatched_files(tmp_path: Path) -> None:
    first = write_run(make_record(), tmp_path, run_id="a", plots=False)
    second = write_run(make_record(throttled=5), tmp_path, run_id="b", plots=False)
    (first / "histograms.hlog").write_bytes((second / "histograms.hlog").read_bytes())
    with pytest.raises(ValueError, match=r"histograms\.hlog holds"):
        load_run(first)
    with pytest.raises(FileNotFoundError, match=r"summary\.json"):
        load_run(tmp_path)


def test_names_that_would_escape_the_results_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="run id"):
        write_run(make_record(), tmp_path, run_id="../x", plots=False)
