"""Capacity search pieces: scenario overrides by key path, bisection on a monotone verdict."""

from __future__ import annotations

import pytest

from sim.engine.plan import bisect_boundary, with_value
from sim.scenario import scenario_from_toml

SCENARIO = """
name = "tiny"
duration_s = 5
[population]
users = 100
channel_mix = { APNS = 1.0 }
[workload]
arrival = { kind = "open", rate_per_s = 10 }
[channels.inline.APNS]
latency = { kind = "constant", value_s = 0.1 }
[slo]
request_p99_s = 1.0
"""


def test_with_value_creates_missing_tables_and_rechecks() -> None:
    scenario = scenario_from_toml(SCENARIO)
    assert scenario.channels.inline["APNS"].pool is None
    changed = with_value(scenario, "channels.inline.APNS.pool.connections", 7)
    pool = changed.channels.inline["APNS"].pool
    assert pool is not None and pool.connections == 7
    assert with_value(scenario, "workload.arrival.rate_per_s", 12.5) \
        .workload.arrival.rate_per_s == 12.5  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="conections"):
        with_value(scenario, "channels.inline.APNS.pool.conections", 7)
    with pytest.raises(ValueError):
        with_value(scenario, "channels.inline.APNS.pool.connections", 0)


@pytest.mark.parametrize("threshold", [1, 2, 17, 63, 64])
def test_bisection_finds_the_smallest_passing_integer(threshold: int) -> None:
    calls: list[float] = []

    def passes(value: float) -> bool:
        calls.append(value)
        assert value == int(value)
        return value >= threshold

    assert bisect_boundary(passes, 1, 64, "min", True, 1) == threshold
    assert len(calls) == len(set(calls)) <= 2 + 6


def test_bisection_for_the_largest_value_and_for_floats() -> None:
    largest = bisect_boundary(lambda v: v <= 300.0, 10.0, 1000.0, "max", False, 1.0)
    assert largest == pytest.approx(300.0, abs=1.0)
    assert bisect_boundary(lambda v: v <= 41, 1, 64, "max", True, 1) == 41


def test_no_passing_value_gives_none() -> None:
    assert bisect_boundary(lambda v: False, 1, 64, "min", True, 1) is None
