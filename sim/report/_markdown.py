"""report.md: the human report of a run, tables from the Summary and links to its plots."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ._summary import LatencyStats, Summary

_LATENCY_HEADER = ("count", "p50 (s)", "p90 (s)", "p99 (s)", "p99.9 (s)", "max (s)", "mean (s)")


def seconds(value: float) -> str:
    """Four significant figures: HdrHistogram keeps three, so more would be noise."""
    return f"{value:.4g}"


def latency_cells(stats: LatencyStats) -> list[str]:
    """The columns of :data:`_LATENCY_HEADER` for one histogram."""
    return [
        f"{stats.count:,}",
        *(seconds(v) for v in (stats.p50_s, stats.p90_s, stats.p99_s, stats.p999_s)),
        seconds(stats.max_s),
        seconds(stats.mean_s),
    ]


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return [*lines, ""]


def render_markdown(summary: Summary, plots: Sequence[tuple[str, str]]) -> str:
    """The report text; ``plots`` are ``(caption, file name)`` pairs in the run directory."""
    s = summary
    state = "complete"
    if s.partial:
        state = "PARTIAL (stopped early; figures cover only what had happened)"
    lines = [
        f"# {s.scenario}: run {s.run_id}",
        "",
        f"- driver: {s.driver}, seed: {s.seed}, code: {s.code_version}, created: {s.created_utc}",
        f"- state: {state}",
        f"- offered for {seconds(s.offered_duration_s)} s, last answer at "
        f"{seconds(s.completion_s)} s (wall time {s.wall_s:.2f} s)",
    ]
    lines.extend(f"- note: {note}" for note in s.notes)
    if s.out_of_range_count or s.out_of_window_count:
        lines.append(
            f"- outside the measured range: {s.out_of_range_count:,} latencies (clamped into the "
            f"histograms), {s.out_of_window_count:,} events (not in the time series)"
        )
    lines.append("")

    lines += ["## Throughput", ""]
    t, n = s.throughput, s.totals
    lines += _table(
        ("figure", "value"),
        [
            ("offered requests/s", f"{t.offered_requests_per_s:,.2f}"),
            ("offered deliveries/s", f"{t.offered_deliveries_per_s:,.2f}"),
            ("achieved requests/s", f"{t.achieved_requests_per_s:,.2f}"),
            ("achieved (successful) deliveries/s", f"{t.achieved_deliveries_per_s:,.2f}"),
            ("requests (failed as a whole)", f"{n.requests:,} ({n.failed_requests:,})"),
            ("recipients", f"{n.recipients:,}"),
            ("attempts (retries, retry requests)",
             f"{n.attempts:,} ({n.retries:,}, {n.retry_requests:,})"),
            *([("retries due but not sent (run stopped)", f"{n.unsent_retries:,}")]
              if n.unsent_retries else []),
            ("error ratio", f"{s.error_ratio:.4%}"),
        ],
    )

    if s.slo:
        lines += [f"## SLOs: {'all met' if s.slo_met else 'NOT MET'}", ""]
        lines += _table(
            ("SLO", "target", "measured", "verdict"),
            [
                (c.name, f"{c.comparison} {c.target:.4g}", f"{c.measured:.4g}",
                 "pass" if c.passed else "**FAIL**")
                for c in s.slo
            ],
        )

    lines += ["## Final status per channel (recipients)", ""]
    statuses = sorted({status for row in s.status_counts.values() for status in row})
    lines += _table(
        ("channel", *statuses),
        [
            (channel, *(f"{row.get(status, 0):,}" for status in statuses))
            for channel, row in sorted(s.status_counts.items())
        ],
    )

    lines += ["## Latency", "", "Request latency runs from the intended send time to the last "
              "answer; delivery latency from the intended send time to the provider's answer.", ""]
    rows = [("request", *latency_cells(s.latency["request"]))] if "request" in s.latency else []
    rows += [(f"{ch} (successful deliveries)", *latency_cells(st))
             for ch, st in sorted(s.channel_latency.items())]
    rows += [(tag, *latency_cells(st)) for tag, st in sorted(s.latency.items()) if tag != "request"]
    lines += _table(("histogram", *_LATENCY_HEADER), rows)

    if plots:
        lines += ["## Plots", ""]
        for caption, file_name in plots:
            lines += [f"### {caption}", "", f"![{caption}]({file_name})", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
