"""``pinsim compare BASE_RUN_DIR NEW_RUN_DIR``: figures side by side, and a CI regression gate.

Reads only summary.json and histograms.hlog of each run, so runs of any driver compare. Exit
status: 0 when no watched figure regressed beyond ``--max-regression``, 1 when one did, 2 when
a run directory or an option cannot be used. Watched by default: p99 of requests and of each
channel, achieved (successful) deliveries per second, and the error ratio.
"""

from __future__ import annotations

import argparse

from sim.report import (
    DEFAULT_WATCH,
    ERROR_RATIO_SLACK,
    Comparison,
    compare_runs,
    comparison_table,
    load_run,
    parse_tolerance,
)

from ._console import error, make_console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", metavar="BASE_RUN_DIR", help="run directory of the baseline")
    parser.add_argument("new", metavar="NEW_RUN_DIR", help="run directory to check")
    parser.add_argument(
        "--max-regression", default="10%", metavar="TOLERANCE",
        help="how far a watched figure may move the wrong way, e.g. 10%% or 0.1 (default 10%%); "
        f"the error ratio may also rise by {ERROR_RATIO_SLACK:g} absolute",
    )
    parser.add_argument(
        "--metric", action="append", default=None, metavar="NAME",
        help="figure to gate on (repeatable; fnmatch patterns such as '*.p999_s'); replaces "
        f"the default set {', '.join(DEFAULT_WATCH)}",
    )


def verdict_line(comparison: Comparison) -> str:
    """The last line of the output: what a CI log reader looks for."""
    tolerance = f"{comparison.max_regression:.1%}"
    regressions = comparison.regressions
    if not regressions:
        watched = sum(row.watched for row in comparison.rows)
        return f"PASS: none of {watched} watched figures regressed beyond {tolerance}"
    details = ", ".join(
        f"{row.name} ({'missing' if row.new is None else f'{row.base:.4g} -> {row.new:.4g}'})"
        for row in regressions
    )
    return f"FAIL: {len(regressions)} watched figure(s) regressed beyond {tolerance}: {details}"


def main(args: argparse.Namespace) -> int:
    try:
        tolerance = parse_tolerance(args.max_regression)
    except ValueError as exc:
        error("compare", f"--max-regression: {exc} (for example 10% or 0.1)")
        return 2
    try:
        base, new = load_run(args.base), load_run(args.new)
        comparison = compare_runs(
            base, new, max_regression=tolerance, watch=args.metric or DEFAULT_WATCH
        )
    except (OSError, ValueError) as exc:
        error("compare", str(exc))
        return 2
    console = make_console()
    console.print(comparison_table(comparison))
    for warning in comparison.warnings:
        console.print(f"warning: {warning}")
    console.print(verdict_line(comparison), markup=False, highlight=False, soft_wrap=True)
    return 0 if comparison.passed else 1
