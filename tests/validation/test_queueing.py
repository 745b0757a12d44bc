"""Queues against closed forms: M/M/1, M/M/c (Erlang C), M/G/1 (Pollaczek-Khinchine), Little.

Expected values are computed here from the formulas of reference/validation.md; each check runs
about a million customers with a fixed seed (printed on failure), so it always passes or always
fails. Times are in units of the mean service time (1 s).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.theory import erlang_c

from .harness import measure, relative_error, single_channel


def mm_c(rate: float, servers: int, seed: int, requests: int = 1_000_000):
    return measure(single_channel(
        seed=seed, requests=requests,
        arrival=f'{{ kind = "open", process = "poisson", rate_per_s = {rate} }}',
        channel=f'latency = {{ kind = "exponential", mean_s = 1.0 }}\n'
                f'pool = {{ connections = {servers} }}'))


@pytest.mark.slow
@pytest.mark.parametrize(("rate", "seed"), [(0.8, 1), (0.5, 2)])
def test_mm1_waits_and_response_quantiles(rate: float, seed: int) -> None:
    mu = 1.0
    m = mm_c(rate, 1, seed)
    expected_w, expected_wq = 1 / (mu - rate), rate / mu / (mu - rate)
    response = stats.expon(scale=1 / (mu - rate))  # response time ~ Exp(mu - lambda)
    hist = m.result.histograms["request"]
    info = f"seed {seed}"
    assert relative_error(float(m.wait_s.mean()), expected_wq) < 0.05, info
    assert relative_error(float(m.response_s.mean()), expected_w) < 0.05, info
    assert relative_error(hist.mean_us / 1e6, expected_w) < 0.05, info
    assert relative_error(hist.percentile_us(50) / 1e6, response.ppf(0.5)) < 0.05, info
    assert relative_error(hist.percentile_us(99) / 1e6, response.ppf(0.99)) < 0.07, info


@pytest.mark.slow
@pytest.mark.parametrize(("rate", "servers", "seed"), [(8.0, 10, 3), (45.0, 50, 4)])
def test_mmc_erlang_c(rate: float, servers: int, seed: int) -> None:
    m = mm_c(rate, servers, seed)
    load = rate / 1.0
    c = erlang_c(servers, load)
    gap = servers * 1.0 - rate
    info = f"seed {seed}: C = {c:.5f}"
    assert abs(float(np.mean(m.wait_s > 0)) - c) < 0.01, info
    assert relative_error(float(m.wait_s.mean()), c / gap) < 0.08, info
    t = 0.1
    assert abs(float(np.mean(m.wait_s > t)) - c * math.exp(-gap * t)) < 0.01, info
    # Little's law on the per-second series: customers in system = lambda * W.
    series = m.result.channel_series["APNS"]
    in_system = (series.queue_depth() + series.in_flight())[100:-100]
    assert relative_error(float(in_system.mean()), rate * float(m.response_s.mean())) < 0.03


@pytest.mark.slow
@pytest.mark.parametrize(("latency", "second_moment", "mean_s"), [
    ('{ kind = "lognormal", median_s = 0.8824969, sigma = 0.5 }',
     math.exp(2 * math.log(0.8824969) + 2 * 0.25), math.exp(math.log(0.8824969) + 0.125)),
    ('{ kind = "constant", value_s = 1.0 }', 1.0, 1.0),
    ('{ kind = "gamma", shape = 4, mean_s = 1.0 }', 1.0 + 1.0 / 4, 1.0),
])
def test_mg1_pollaczek_khinchine(latency: str, second_moment: float, mean_s: float) -> None:
    rate = 0.7 / mean_s
    m = measure(single_channel(
        seed=5, requests=1_000_000,
        arrival=f'{{ kind = "open", process = "poisson", rate_per_s = {rate} }}',
        channel=f"latency = {latency}\npool = {{ connections = 1 }}"))
    rho = rate * mean_s
    expected_wq = rate * second_moment / (2 * (1 - rho))
    assert relative_error(float(m.wait_s.mean()), expected_wq) < 0.05, "seed 5"
