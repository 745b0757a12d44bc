"""The run directory ``results/<scenario>/<run-id>/``, written atomically and read back."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sim._files import safe_name
from sim.metrics import HistogramSet, read_hlog, write_hlog

from ._atomic import staged_directory, write_file_durably
from ._figures import CHANNEL_STATUS, REQUEST_TAG, channel_histograms, summarize
from ._markdown import render_markdown
from ._plots import (
    LATENCY_PNG,
    QUEUE_DEPTH_PNG,
    THROUGHPUT_PNG,
    plot_latency_spectrum,
    plot_queue_depth,
    plot_throughput,
)
from ._record import RunRecord
from ._summary import Summary, decode_summary, encode_summary
from ._version import code_version

SUMMARY_JSON = "summary.json"
HISTOGRAMS_HLOG = "histograms.hlog"
REPORT_MD = "report.md"


def new_run_id(now: datetime | None = None) -> str:
    """A run id that sorts by creation time and does not collide between concurrent runs."""
    moment = now or datetime.now(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def write_run(
    record: RunRecord,
    results_dir: str | os.PathLike[str] = "results",
    *,
    run_id: str | None = None,
    plots: bool = True,
) -> Path:
    """Write summary.json, histograms.hlog, the plots and report.md; return the run directory.

    ``plots=False`` skips the PNGs (and their links) where matplotlib time matters.
    """
    created = datetime.now(UTC)
    run_id = safe_name(run_id or new_run_id(created), "run id")
    final = Path(results_dir) / safe_name(record.scenario, "scenario name") / run_id
    with staged_directory(final) as staging:
        summary = summarize(
            record,
            run_id=run_id,
            created_utc=created.isoformat(timespec="seconds"),
            code_version=code_version(),
        )
        write_file_durably(staging / SUMMARY_JSON, encode_summary(summary))
        write_hlog(
            record.histograms, staging / HISTOGRAMS_HLOG, interval_end_s=record.completion_s
        )
        written = _write_plots(record, staging) if plots else []
        write_file_durably(staging / REPORT_MD, render_markdown(summary, written).encode())
    return final


def _write_plots(record: RunRecord, folder: Path) -> list[tuple[str, str]]:
    """Draw the plots the record has data for; ``(caption, file name)`` of each."""
    title = f"{record.scenario}{' (partial)' if record.partial else ''}"
    written: list[tuple[str, str]] = []
    spectrum = {
        f"{channel}/{CHANNEL_STATUS}": histogram
        for channel, histogram in channel_histograms(record.histograms).items()
    }
    if REQUEST_TAG in record.histograms:
        spectrum = {REQUEST_TAG: record.histograms[REQUEST_TAG], **spectrum}
    if any(h.count for h in spectrum.values()):
        plot_latency_spectrum(spectrum, folder / LATENCY_PNG, f"{title}: latency by percentile")
        written.append(("Latency by percentile", LATENCY_PNG))
    if record.series.has_throughput:
        plot_throughput(record.series, folder / THROUGHPUT_PNG, f"{title}: throughput")
        written.append(("Throughput over time", THROUGHPUT_PNG))
    if record.series.has_queue_depth:
        plot_queue_depth(record.series, folder / QUEUE_DEPTH_PNG, f"{title}: queue depth")
        written.append(("Queue depth over time", QUEUE_DEPTH_PNG))
    return written


@dataclass(frozen=True)
class LoadedRun:
    """A run directory read back: its summary and its latency histograms."""

    path: Path
    summary: Summary
    histograms: HistogramSet


def load_run(path: str | os.PathLike[str]) -> LoadedRun:
    """Read summary.json and histograms.hlog of a run directory (any driver).

    Raises FileNotFoundError when either is missing and ValueError when they disagree on a
    histogram's count (files from two different runs).
    """
    folder = Path(path)
    summary_path, hlog_path = folder / SUMMARY_JSON, folder / HISTOGRAMS_HLOG
    for required in (summary_path, hlog_path):
        if not required.is_file():
            raise FileNotFoundError(f"{str(required)!r} not found (is {str(folder)!r} a run?)")
    try:
        summary = decode_summary(summary_path.read_bytes())
    except ValueError as exc:
        raise ValueError(f"{summary_path}: {exc}") from None
    histograms = read_hlog(hlog_path)
    for tag, stats in summary.latency.items():
        found = histograms[tag].count if tag in histograms else 0
        if found != stats.count:
            raise ValueError(
                f"{folder}: summary.json counts {stats.count} latencies under {tag!r} but "
                f"histograms.hlog holds {found}"
            )
    return LoadedRun(folder, summary, histograms)
