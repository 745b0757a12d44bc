"""Capacity search finds the boundary that running every value would find."""

from __future__ import annotations

import pytest

from sim.engine import run
from sim.engine.plan import plan, with_value
from sim.scenario import Scenario, scenario_from_toml

KEY = "channels.inline.APNS.pool.connections"


def pooled(slo: str) -> Scenario:
    return scenario_from_toml(f"""
name = "plan"
seed = 3
requests = 20000
[population]
users = 1000
channel_mix = {{ APNS = 1.0 }}
[workload]
recipients_per_request = {{ kind = "constant", value = 4 }}
arrival = {{ kind = "open", process = "poisson", rate_per_s = 100 }}
[channels.inline.APNS]
latency = {{ kind = "exponential", mean_s = 0.05 }}
pool = {{ connections = 1 }}
[slo]
{slo}
""")


def test_smallest_pool_meeting_the_slo_matches_brute_force() -> None:
    scenario = pooled("request_p99_s = 0.35")
    outcome = plan(scenario, KEY, 21, 40)
    passing = [c for c in range(21, 41) if run(with_value(scenario, KEY, c)).slo_met]
    assert outcome.answer == passing[0]
    assert passing == list(range(passing[0], 41))  # the verdict is monotone here
    assert len(outcome.trials) <= 7
    tried = {t.value: t.slo_met for t in outcome.trials}
    assert tried[outcome.answer] and not tried.get(outcome.answer - 1, False)


def test_largest_rate_and_no_answer() -> None:
    scenario = pooled("request_p99_s = 0.35")
    scenario = with_value(scenario, KEY, 30)
    rate = "workload.arrival.rate_per_s"
    outcome = plan(scenario, rate, 50.0, 600.0, goal="max", resolution=10.0)
    assert outcome.answer is not None and 50.0 <= outcome.answer < 600.0
    assert run(with_value(scenario, rate, outcome.answer)).slo_met
    assert not run(with_value(scenario, rate, outcome.answer + 10.0)).slo_met
    assert plan(pooled("request_p99_s = 0.001"), KEY, 1, 4).answer is None


def test_misspelt_key_fails_with_its_path() -> None:
    with pytest.raises(ValueError, match="pool"):
        with_value(pooled(""), "channels.inline.APNS.pool.conections", 3)
