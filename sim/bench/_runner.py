"""Run one registered benchmark and turn its Measurement into a results file."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import sim

from ._environment import code_version, git_commit, git_dirty, machine
from ._output import write_result
from ._registry import BenchOptions, load_benchmark
from ._schema import BenchResult


def run_benchmark(name: str, options: BenchOptions) -> BenchResult:
    """Run benchmark ``name`` in this process and return its result (not yet written)."""
    benchmark = load_benchmark(name)
    started = datetime.now(UTC)
    start = time.perf_counter()
    measured = benchmark(options)
    duration_s = time.perf_counter() - start
    commit, dirty = git_commit(), git_dirty()
    failed = [f.name for f in measured.figures if f.passed is False]
    return BenchResult(
        benchmark=name, code_version=code_version(commit, dirty), sim_version=sim.__version__,
        git_commit=commit, git_dirty=dirty, machine=machine(),
        started_utc=started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        duration_s=round(duration_s, 3), quick=options.quick, settings=measured.settings,
        figures=measured.figures, passed=not failed, failed=failed)


def run_and_write(name: str, options: BenchOptions, out_dir: Path) -> tuple[BenchResult, Path]:
    result = run_benchmark(name, options)
    return result, write_result(result, out_dir)
