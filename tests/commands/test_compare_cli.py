"""``pinsim compare`` as CI runs it: a real subprocess, its exit status and its last line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.report import write_run

from ..report.records import make_record

ROOT = Path(__file__).resolve().parents[2]


def compare(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim.commands", "compare", *map(str, arguments)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )


def test_gate_passes_on_equal_runs_and_fails_on_slower_ones(tmp_path: Path) -> None:
    base = write_run(make_record(), tmp_path, run_id="base", plots=False)
    slow = write_run(make_record(latency_scale=1.3), tmp_path, run_id="slow", plots=False)

    same = compare(base, base)
    assert same.returncode == 0, same.stderr
    assert same.stdout.strip().splitlines()[-1].startswith("PASS")
    assert "request.p99_s" in same.stdout

    worse = compare(base, slow)
    assert worse.returncode == 1
    last = worse.stdout.strip().splitlines()[-1]
    assert last.startswith("FAIL") and "request.p99_s" in last

    assert compare(base, slow, "--max-regression", "50%").returncode == 0
    assert compare(base, slow, "--metric", "achieved_deliveries_per_s").returncode == 0


def test_unusable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    base = write_run(make_record(), tmp_path, run_id="base", plots=False)
    for arguments in ([base, tmp_path / "nope"], [base, base, "--max-regression", "lots"],
                      [base, base, "--metric", "no.such_figure"]):
        done = compare(*arguments)
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
        assert done.stderr.startswith("pinsim compare: ")
        if "lots" in arguments:
            assert "--max-regression: tolerance 'lots'" in done.stderr


def test_compare_does_not_load_the_engine() -> None:
    code = ("import sys, sim.commands.compare; "
            "print(any(m.startswith(('sim.engine', 'sim.core', 'numba')) for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"
