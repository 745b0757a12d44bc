"""HdrHistogram interval log (``histograms.hlog``) for a :class:`HistogramSet`.

The log format lets any HdrHistogram tool (HistogramLogProcessor, HdrHistogram plotters) read a
run's latencies. Writing and reading go through hdrh.log's writer and reader. hdrh 0.10.8's writer
cannot tag a line and its ``output_start_time`` is broken, so the ``Tag=`` prefix and the
``StartTime`` comment are written here. Out-of-range counts, which the format has no field for,
travel as ``#[pinsim out-of-range ...]`` comment lines that other readers skip.

Values are microseconds; the Interval_Max column is in milliseconds. Files are written to a
temporary name and renamed, so a reader never sees half a log.
"""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime
from typing import Any, TextIO

from hdrh.log import HistogramLogReader, HistogramLogWriter

from sim._files import write_atomically

from ._histogram_set import HistogramSet, check_tag
from ._latency_histogram import LatencyHistogram

_MS_PER_S = 1000.0
_US_PER_MS = 1000.0
_OUT_OF_RANGE = re.compile(
    r"#\[pinsim out-of-range Tag=(?P<tag>[^\s,]*) "
    r"below_range_count=(?P<below>\d+) above_range_count=(?P<above>\d+)\]"
)


def write_hlog(
    histograms: HistogramSet,
    path: str | os.PathLike[str],
    *,
    interval_start_s: float = 0.0,
    interval_end_s: float,
    epoch_start_s: float | None = None,
) -> None:
    """Write one interval line per tag, covering ``[interval_start_s, interval_end_s]``.

    Interval times are relative to ``epoch_start_s`` (seconds since the epoch) when it is given,
    which is then recorded as the log's StartTime and BaseTime. Stamps each histogram's hdrh
    start and end timestamps with the interval.
    """
    log = io.StringIO()
    _write_log(log, histograms, interval_start_s, interval_end_s, epoch_start_s)
    write_atomically(path, log.getvalue().encode())


def _write_log(
    log: TextIO,
    histograms: HistogramSet,
    interval_start_s: float,
    interval_end_s: float,
    epoch_start_s: float | None,
) -> None:
    writer = HistogramLogWriter(log)
    writer.output_log_format_version()
    writer.output_comment("[pinsim latency histograms: values in us, Interval_Max in ms]")
    if epoch_start_s is not None:
        iso = datetime.fromtimestamp(epoch_start_s, UTC).isoformat(" ")
        writer.output_comment(f"[StartTime: {epoch_start_s:f} (seconds since epoch), {iso}]")
        writer.output_base_time(epoch_start_s * _MS_PER_S)
    for tag, histogram in histograms.items():
        if histogram.below_range_count or histogram.above_range_count:
            writer.output_comment(
                f"[pinsim out-of-range Tag={tag} "
                f"below_range_count={histogram.below_range_count} "
                f"above_range_count={histogram.above_range_count}]"
            )
    writer.output_legend()
    for tag, histogram in histograms.items():
        hdr = histogram.hdr
        hdr.set_start_time_stamp(interval_start_s * _MS_PER_S)
        hdr.set_end_time_stamp(interval_end_s * _MS_PER_S)
        if tag:
            log.write(f"Tag={tag},")
        # Zero start/end arguments make hdrh take the histogram's own timestamps.
        writer.output_interval_histogram(hdr, 0, 0, max_value_unit_ratio=_US_PER_MS)


def read_hlog(path: str | os.PathLike[str]) -> HistogramSet:
    """All intervals of a log, added together per tag (untagged lines under tag ``""``).

    The set takes the configuration of the first histogram in the log (the default one if the log
    is empty); a histogram with another configuration raises ValueError.
    """
    decoded: list[tuple[str, Any]] = []
    reader = HistogramLogReader(os.fspath(path), None)
    try:
        while (hdr := reader.get_next_interval_histogram()) is not None:
            decoded.append((check_tag(hdr.get_tag() or ""), hdr))
    finally:
        reader.close()
    if decoded:
        first = decoded[0][1]
        histograms = HistogramSet(
            int(first.lowest_trackable_value),
            int(first.highest_trackable_value),
            int(first.significant_figures),
        )
    else:
        histograms = HistogramSet()
    out_of_range = _out_of_range_counts(path)
    for tag, hdr in decoded:
        below, above = out_of_range.pop(tag, (0, 0))
        histograms.histogram(tag).merge_hdr(hdr, below, above)
    for tag, (below, above) in out_of_range.items():
        empty = LatencyHistogram(*histograms.config).hdr
        histograms.histogram(tag).merge_hdr(empty, below, above)
    return histograms


def _out_of_range_counts(path: str | os.PathLike[str]) -> dict[str, tuple[int, int]]:
    """``{tag: (below_range_count, above_range_count)}`` from the pinsim comment lines."""
    counts: dict[str, tuple[int, int]] = {}
    with open(path, encoding="utf-8") as log:
        for line in log:
            if found := _OUT_OF_RANGE.match(line):
                below, above = counts.get(found["tag"], (0, 0))
                counts[found["tag"]] = (below + int(found["below"]), above + int(found["above"]))
    return counts
