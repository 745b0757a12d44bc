"""``pinsim bench BENCHMARK``: run a registered benchmark and write ``<out>/<benchmark>.json``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from rich.console import Console

from ._output import result_table
from ._registry import BenchOptions, benchmark_names
from ._runner import run_and_write

ALL = "all"
DEFAULT_OUT = Path("results") / "bench"
WIDE_COLUMNS = 120


def add_arguments(parser: argparse.ArgumentParser) -> None:
    names = benchmark_names()
    parser.add_argument("benchmark", choices=[*names, ALL],
                        help=f"which benchmark to run ({', '.join(names)}, or {ALL})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=f"folder of the results files (default: {DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        help="smaller counts and shorter rounds (tests, CI smoke runs); "
                             "figures are noisier")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated workload")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 if any target is missed")


def main(args: argparse.Namespace) -> int:
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = max(console.width, WIDE_COLUMNS)  # logs and CI: keep names whole
    names = benchmark_names() if args.benchmark == ALL else [args.benchmark]
    options = BenchOptions(quick=args.quick, seed=args.seed,
                           log=lambda message: console.print(f"[dim]{message}[/dim]"))
    missed = False
    for name in names:
        result, path = run_and_write(name, options, args.out)
        console.print(result_table(result))
        console.print(f"wrote {path}")
        missed = missed or not result.passed
    return 1 if args.check and missed else 0
