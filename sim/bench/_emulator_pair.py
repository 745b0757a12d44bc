"""Two HTTP servers under the same wrk settings, in alternating rounds, and their figures.

The machine's two slow vCPUs give about one core together, shared by wrk and the server, so
absolute rates drift with whatever else runs. Each round runs both subjects back to back (the
order flipped every round); the median of the per-round ratios is the judged comparison, and
the CPU both processes used says which side saturated.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import psutil

from ._emulator_wrk import WrkRun, run_wrk
from ._schema import Figure, Setting, Target, figure
from ._timing import Rates, median_ratio


class WrkSubject(NamedTuple):
    name: str
    url: str
    script: Path
    server: psutil.Process


class WrkPlan(NamedTuple):
    connections: int
    duration_s: float
    warmup_s: float
    rounds: int


def paired_runs(subjects: Sequence[WrkSubject], plan: WrkPlan, out_dir: Path,
                log: Callable[[str], None]) -> dict[str, list[WrkRun]]:
    """A warm-up run of each subject, then ``plan.rounds`` alternating measured rounds."""
    for subject in subjects:
        run_wrk(subject.url, subject.script, plan.connections, plan.warmup_s, subject.server,
                out_dir)
    runs: dict[str, list[WrkRun]] = {s.name: [] for s in subjects}
    for r in range(plan.rounds):
        for subject in (subjects if r % 2 == 0 else list(reversed(subjects))):
            run = run_wrk(subject.url, subject.script, plan.connections, plan.duration_s,
                          subject.server, out_dir)
            log(f"  round {r + 1}/{plan.rounds} {subject.name}: {run.requests_per_s:,.0f} "
                f"req/s, server {run.server_cpu_pct:.0f}% CPU, wrk {run.wrk_cpu_pct:.0f}%")
            runs[subject.name].append(run)
    return runs


def request_rates(runs: list[WrkRun]) -> Rates:
    """The requests per second of each round."""
    return Rates([r.requests_per_s for r in runs])


def _median(runs: list[WrkRun], value: Callable[[WrkRun], float]) -> float:
    return statistics.median(value(r) for r in runs)


def subject_figures(prefix: str, name: str, what: str, runs: list[WrkRun],
                    rate_target: Target | None = None) -> list[Figure]:
    """Rate (best and median round), latency and CPU of one subject."""
    rates = request_rates(runs)
    p = f"{prefix}_{name}"
    return [
        figure(f"{p}_req_per_s_best", rates.best, "req/s",
               f"{what}; wrk requests/s, best round", rate_target),
        figure(f"{p}_req_per_s_median", rates.median, "req/s",
               "the same, median round"),
        figure(f"{p}_latency_p50_ms", _median(runs, lambda r: r.totals.p50_us / 1e3), "ms",
               "wrk latency p50 (closed loop: not CO-corrected), median round"),
        figure(f"{p}_latency_p99_ms", _median(runs, lambda r: r.totals.p99_us / 1e3), "ms",
               "wrk latency p99 (closed loop: not CO-corrected), median round"),
        figure(f"{p}_server_cpu_pct", _median(runs, lambda r: r.server_cpu_pct),
               "% of one CPU", "server process CPU over the run (psutil), median round"),
        figure(f"{p}_wrk_cpu_pct", _median(runs, lambda r: r.wrk_cpu_pct), "% of one CPU",
               "wrk CPU over the run (wait4 rusage), median round"),
        figure(f"{p}_machine_cpu_pct", _median(runs, lambda r: r.machine_cpu_pct),
               "% of one CPU", "all CPUs busy over the run, median round"),
        figure(f"{p}_error_answers", sum(r.totals.status for r in runs), "answers",
               "answers with status >= 400 counted by wrk, all measured rounds"),
        figure(f"{p}_socket_errors", sum(r.socket_errors for r in runs), "errors",
               "wrk connect/read/write errors and timeouts, all measured rounds"),
    ]


def ratio_figures(prefix: str, top: str, bottom: str, runs: dict[str, list[WrkRun]],
                  ratio_target: Target | None = None) -> list[Figure]:
    """``top`` / ``bottom`` request rates: median of the per-round ratios, and best / best."""
    tops, bottoms = request_rates(runs[top]), request_rates(runs[bottom])
    name = f"{prefix}_{top}_to_{bottom}_ratio"
    return [
        figure(f"{name}_median", median_ratio(tops, bottoms), "ratio",
               f"{top} / {bottom} req/s, median of the per-round ratios (same wrk settings, "
               "same run)", ratio_target),
        figure(f"{name}_best", tops.best / bottoms.best, "ratio",
               f"best {top} round / best {bottom} round"),
    ]


def saturation(runs: list[WrkRun]) -> Setting:
    """Which side used more CPU in the median round, in words, for the results file."""
    server = _median(runs, lambda r: r.server_cpu_pct)
    wrk = _median(runs, lambda r: r.wrk_cpu_pct)
    machine = _median(runs, lambda r: r.machine_cpu_pct)
    side = "server" if server >= wrk else "wrk"
    return (f"{side} (server {server:.0f}%, wrk {wrk:.0f}% of one CPU; machine "
            f"{machine:.0f}% of {100 * (psutil.cpu_count() or 1)}%)")
