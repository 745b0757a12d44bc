"""The CI gate against the committed quickstart baseline (results/baselines/quickstart/).

If the engine's model changes on purpose, regenerate the baseline with
``python -m sim.commands run scenarios/quickstart.toml --out results/baselines --run-id baseline
--no-plots`` (after removing the old one) and commit it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.report import load_run

from .helpers import BASELINE, QUICKSTART, call, quickstart_variant, run_dir_from

SLOW_APNS = """
[channels.inline.APNS]
note = "degraded for the gate test: three times the default median latency"
latency = { kind = "lognormal", median_s = 0.300, sigma = 0.6 }
pool = { connections = 4, streams_per_connection = 500 }
"""


def _run(capsys: pytest.CaptureFixture[str], scenario: Path, out: Path) -> Path:
    capsys.readouterr()
    assert call("run", scenario, "--out", out, "--no-plots") == 0
    return run_dir_from(capsys.readouterr().out)


def test_committed_baseline_is_a_readable_quickstart_run() -> None:
    baseline = load_run(BASELINE)
    assert baseline.summary.scenario == "quickstart" and not baseline.summary.partial
    assert call("compare", BASELINE, BASELINE) == 0


def test_gate_passes_for_the_same_scenario_and_fails_for_slower_latency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = _run(capsys, QUICKSTART, tmp_path)
    assert call("compare", BASELINE, fresh) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("PASS")

    degraded = _run(capsys, quickstart_variant(tmp_path, extra=SLOW_APNS), tmp_path)
    assert call("compare", BASELINE, degraded) == 1
    verdict = capsys.readouterr().out.strip().splitlines()[-1]
    assert verdict.startswith("FAIL")
    assert "APNS.p99_s" in verdict and "request.p99_s" in verdict
    assert "GCM.p99_s" not in verdict  # only the degraded channel and what waits for it
