"""The capacity search: range parsing, scenario overrides, bisection on a monotone verdict."""

from __future__ import annotations

import pytest

from sim.commands._search import bisect, override, parse_vary
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


def test_vary_ranges_parse_with_their_type() -> None:
    ints = parse_vary("channels.inline.APNS.pool.connections=1..64")
    assert (ints.path[-1], ints.low, ints.high, ints.integer) == ("connections", 1, 64, True)
    floats = parse_vary("workload.arrival.rate_per_s=0.5..250")
    assert (floats.low, floats.high, floats.integer) == (0.5, 250.0, False)
    assert floats.default_resolution() == pytest.approx(2.495)
    for bad in ("rate=5", "rate=9..3", "=1..2", "rate=a..b"):
        with pytest.raises(ValueError):
            parse_vary(bad)


def test_override_creates_missing_tables_and_rechecks() -> None:
    scenario = scenario_from_toml(SCENARIO)
    assert scenario.channels.inline["APNS"].pool is None
    changed = override(scenario, ("channels", "inline", "APNS", "pool", "connections"), 7)
    pool = changed.channels.inline["APNS"].pool
    assert pool is not None and pool.connections == 7
    assert override(scenario, ("workload", "arrival", "rate_per_s"), 12.5) \
        .workload.arrival.rate_per_s == 12.5  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="conections"):
        override(scenario, ("channels", "inline", "APNS", "pool", "conections"), 7)
    with pytest.raises(ValueError):
        override(scenario, ("channels", "inline", "APNS", "pool", "connections"), 0)


@pytest.mark.parametrize("threshold", [1, 2, 17, 63, 64])
def test_bisection_finds_the_smallest_passing_integer(threshold: int) -> None:
    calls: list[float] = []

    def passes(value: float) -> bool:
        calls.append(value)
        assert value == int(value)
        return value >= threshold

    assert bisect(passes, 1, 64, goal="min", integer=True, resolution=1) == threshold
    assert len(calls) == len(set(calls)) <= 2 + 6


def test_bisection_for_the_largest_value_and_for_floats() -> None:
    assert bisect(lambda v: v <= 300.0, 10.0, 1000.0, goal="max", integer=False,
                  resolution=1.0) == pytest.approx(300.0, abs=1.0)
    assert bisect(lambda v: v <= 41, 1, 64, goal="max", integer=True, resolution=1) == 41


def test_no_passing_value_gives_none() -> None:
    assert bisect(lambda v: False, 1, 64, goal="min", integer=True, resolution=1) is None
