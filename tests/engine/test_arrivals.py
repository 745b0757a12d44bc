"""Arrival schedules: rates, ramps, bursts, replays and limits, whatever the chunk size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.engine.arrivals import OpenSchedule, ReplaySchedule
from sim.scenario import Burst, OpenArrivals, ReplayArrivals, Stage


def drain(source: OpenSchedule | ReplaySchedule, chunk: int) -> np.ndarray:
    parts = []
    while len(part := source.take(chunk)):
        parts.append(part)
    return np.concatenate(parts) if parts else np.empty(0)


def open_times(arrival: OpenArrivals, duration_s: float | None = None,
               requests: int | None = None, chunk: int = 1000, seed: int = 5) -> np.ndarray:
    return drain(OpenSchedule(arrival, duration_s, requests, np.random.default_rng(seed)), chunk)


def test_poisson_rate_and_gaps() -> None:
    times = open_times(OpenArrivals(rate_per_s=200.0), duration_s=500.0)
    expected = 200 * 500
    assert abs(len(times) - expected) < 4 * np.sqrt(expected)
    gaps = np.diff(times)
    assert abs(gaps.std() / gaps.mean() - 1) < 0.02  # exponential gaps
    assert np.all(gaps >= 0) and times[-1] < 500.0


def test_constant_spacing_and_request_limit() -> None:
    times = open_times(OpenArrivals(process="constant", rate_per_s=4.0), requests=10)
    np.testing.assert_allclose(times, np.arange(10) / 4.0)


def test_linear_ramp_follows_the_integral_of_the_rate() -> None:
    ramp = OpenArrivals(process="constant", stages=(
        Stage(duration_s=10, rate_per_s=0, end_rate_per_s=100), Stage(duration_s=5,
                                                                      rate_per_s=40)))
    times = open_times(ramp)
    # Lambda(t) = 5 t^2 on the ramp: 125 sends in [0, 5), 375 in [5, 10), then 40/s for 5 s.
    counts = np.histogram(times, bins=[0, 5, 10, 15])[0]
    assert np.all(np.abs(counts - [125, 375, 200]) <= 1)


def test_bursts_merge_in_order_and_respect_the_horizon() -> None:
    arrival = OpenArrivals(rate_per_s=10.0, bursts=(Burst(at_s=3.0, requests=50, spread_s=1.0),
                                                    Burst(at_s=7.5, requests=20)))
    times = open_times(arrival, duration_s=10.0, chunk=7)
    assert np.all(np.diff(times) >= 0)
    assert np.count_nonzero(times == 7.5) >= 20
    assert np.count_nonzero((times >= 3.0) & (times < 4.0)) >= 50


@pytest.mark.parametrize("arrival", [
    OpenArrivals(rate_per_s=50.0, bursts=(Burst(at_s=2.0, requests=30, spread_s=0.5),)),
    OpenArrivals(stages=(Stage(duration_s=4, rate_per_s=10, end_rate_per_s=90),)),
])
def test_chunk_size_does_not_change_the_schedule(arrival: OpenArrivals) -> None:
    whole = open_times(arrival, duration_s=20.0, chunk=100_000)
    np.testing.assert_array_equal(open_times(arrival, duration_s=20.0, chunk=3), whole)


def test_replay_sorts_shifts_and_speeds_up(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("other,timestamp_s\nx,105\ny,101\nz,103\n", encoding="utf-8")
    times = drain(ReplaySchedule(ReplayArrivals(file=str(path), speedup=2.0), None, None), 2)
    np.testing.assert_allclose(times, [0.0, 1.0, 2.0])
    limited = drain(ReplaySchedule(ReplayArrivals(file=str(path)), 3.0, None), 10)
    np.testing.assert_allclose(limited, [0.0, 2.0])


def test_replay_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("timestamp_s\n1.0\nsoon\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.csv:3: timestamp_s is not a number: 'soon'"):
        ReplaySchedule(ReplayArrivals(file=str(path)), None, None)
