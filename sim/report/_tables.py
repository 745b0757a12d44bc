"""Rich tables for the terminal: a run's summary, a comparison of two runs, a capacity plan."""

from __future__ import annotations

import math

from rich.table import Table

from ._compare import ComparedFigure, Comparison
from ._markdown import seconds
from ._plan import PlanResult, PlanTrial
from ._summary import LatencyStats, Summary


def _latency_row(name: str, stats: LatencyStats, status_count: int | None) -> list[str]:
    return [
        name,
        f"{stats.count:,}" if status_count is None else f"{status_count:,}",
        seconds(stats.p50_s),
        seconds(stats.p99_s),
        seconds(stats.p999_s),
        seconds(stats.max_s),
    ]


def summary_tables(summary: Summary) -> list[Table]:
    """Counts and latency per channel and status, throughput, and SLO verdicts."""
    s = summary
    title = f"{s.scenario} ({s.driver}, seed {s.seed}){' PARTIAL' if s.partial else ''}"
    latency = Table(title=title, title_justify="left")
    for header in ("channel/status", "count", "p50 s", "p99 s", "p99.9 s", "max s"):
        latency.add_column(header, justify="left" if header == "channel/status" else "right")
    if "request" in s.latency:
        latency.add_row(*_latency_row("request", s.latency["request"], None), style="bold")
    for channel, row in sorted(s.status_counts.items()):
        for status, count in sorted(row.items()):
            tag = f"{channel}/{status}"
            if tag in s.latency:
                latency.add_row(*_latency_row(tag, s.latency[tag], count))
            else:
                latency.add_row(tag, f"{count:,}", "", "", "", "")

    t = s.throughput
    throughput = Table(title="throughput", title_justify="left")
    throughput.add_column("figure")
    throughput.add_column("value", justify="right")
    for name, value in (
        ("offered requests/s", f"{t.offered_requests_per_s:,.2f}"),
        ("offered deliveries/s", f"{t.offered_deliveries_per_s:,.2f}"),
        ("achieved requests/s", f"{t.achieved_requests_per_s:,.2f}"),
        ("achieved deliveries/s (successful)", f"{t.achieved_deliveries_per_s:,.2f}"),
        ("error ratio", f"{s.error_ratio:.3%}"),
        ("completion s", seconds(s.completion_s)),
        ("out-of-range latencies", f"{s.out_of_range_count:,}"),
    ):
        throughput.add_row(name, value)
    tables = [latency, throughput]

    if s.slo:
        slo = Table(title=f"SLOs: {'met' if s.slo_met else 'NOT MET'}", title_justify="left")
        for header in ("SLO", "target", "measured", "verdict"):
            slo.add_column(header, justify="left" if header == "SLO" else "right")
        for check in s.slo:
            slo.add_row(
                check.name,
                f"{check.comparison} {check.target:.4g}",
                f"{check.measured:.4g}",
                "[green]pass[/green]" if check.passed else "[bold red]FAIL[/bold red]",
            )
        tables.append(slo)
    return tables


def _value(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.2f}" if abs(value) >= 100 else f"{value:.4g}"


def _ratio(row: ComparedFigure) -> str:
    ratio = row.ratio
    if ratio is None:
        return "-"
    return "inf" if math.isinf(ratio) else f"{ratio:.3f}"


def comparison_table(comparison: Comparison) -> Table:
    """Both runs' figures side by side, new/base ratio, and the verdict of watched figures."""
    c = comparison
    table = Table(
        title=(
            f"base {c.base.scenario}/{c.base.run_id} ({c.base.driver}) vs "
            f"new {c.new.scenario}/{c.new.run_id} ({c.new.driver}); "
            f"tolerance {c.max_regression:.1%}"
        ),
        title_justify="left",
    )
    for header in ("figure", "better", "base", "new", "new/base", "verdict"):
        table.add_column(header, justify="left" if header in ("figure", "better") else "right")
    for row in c.rows:
        if row.regressed:
            verdict = "[bold red]REGRESSED[/bold red]"
        elif row.watched:
            verdict = "[green]ok[/green]"
        else:
            verdict = ""
        table.add_row(
            f"[bold]{row.name}[/bold]" if row.watched else row.name,
            row.better,
            _value(row.base),
            _value(row.new),
            _ratio(row),
            verdict,
        )
    return table


def plan_trial_row(trial: PlanTrial, integer: bool) -> list[str]:
    """One tried value: the figures the SLOs are usually about, and the verdict."""
    failed = ", ".join(c.name for c in trial.slo if not c.passed)
    return [
        f"{trial.value:g}" if not integer else f"{int(trial.value)}",
        seconds(trial.request_p99_s),
        f"{trial.achieved_deliveries_per_s:,.2f}",
        f"{trial.error_ratio:.3%}",
        seconds(trial.completion_s),
        "[green]met[/green]" if trial.slo_met else f"[red]missed[/red] {failed}",
    ]


PLAN_HEADERS = ("value", "request p99 s", "deliveries/s", "error ratio", "completion s", "SLOs")


def plan_table(plan: PlanResult) -> Table:
    """Every tried value in increasing order, with the answer in the title."""
    answer = "none in range" if plan.answer is None else f"{plan.answer:g}"
    table = Table(
        title=f"{plan.scenario}: {plan.key} in [{plan.low:g}, {plan.high:g}], "
        f"{'smallest' if plan.goal == 'min' else 'largest'} value meeting all SLOs: {answer}",
        title_justify="left",
    )
    for header in PLAN_HEADERS:
        table.add_column(header, justify="left" if header == "SLOs" else "right")
    for trial in sorted(plan.trials, key=lambda t: t.value):
        row = plan_trial_row(trial, plan.integer)
        style = "bold" if plan.answer is not None and trial.value == plan.answer else None
        table.add_row(*row, style=style)
    return table
