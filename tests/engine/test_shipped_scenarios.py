"""Every shipped scenario runs (shortened), and quickstart meets its SLOs as shipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine import run, with_value
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_runs(path: Path) -> None:
    scenario = with_value(load_scenario(path), "requests", 300)
    result = run(scenario)
    assert not result.partial
    assert 0 < result.requests <= 300
    assert result.counts.total == result.recipients > 0
    assert sum(h.count for t, h in result.histograms.items() if t != "request") == \
        result.recipients


def test_quickstart_meets_its_slos() -> None:
    result = run(load_scenario(ROOT / "scenarios" / "quickstart.toml"))
    assert result.slo_verdicts and result.slo_met, result.slo_verdicts
