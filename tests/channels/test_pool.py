"""FIFO server pool against queueing theory (reference/validation.md), expected values computed.

About 1 M deliveries per case, as validation.md asks for 5-8% checks at 80% utilisation; fixed
seeds, so each check always passes or always fails.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from sim.channels import (
    Admission,
    ChannelModel,
    ChannelProfile,
    ConstantLatency,
    DeliveryBatch,
    ExponentialLatency,
    LatencyDistribution,
    LognormalLatency,
    Pool,
)
from tests.theory import erlang_c

N = 1_000_000
SEED = 8


def run_pool(
    servers: int | None, latency: LatencyDistribution, rate_per_s: float, n: int = N
) -> tuple[npt.NDArray[np.float64], Admission]:
    """Poisson arrivals into a pool (None: unlimited); returns arrivals and the admission."""
    pool = None if servers is None else Pool(connections=servers)
    model = ChannelModel(ChannelProfile(latency=latency, pool=pool), SEED)
    arrival_s = np.cumsum(np.random.default_rng(SEED).exponential(1.0 / rate_per_s, n))
    return arrival_s, model.admit(float(arrival_s[-1]), DeliveryBatch(arrival_s))


def within(measured: float, expected: float, rel: float) -> bool:
    return abs(measured - expected) <= rel * expected


def test_mm1_wait_and_response_time() -> None:
    lam, mu = 0.8, 1.0
    arrival_s, admission = run_pool(1, ExponentialLatency(mean_value_s=1 / mu), lam)
    wait_s = admission.start_s - arrival_s
    response_s = admission.end_s - arrival_s
    assert within(wait_s.mean(), lam / (mu * (mu - lam)), 0.05), f"seed {SEED}"
    assert within(response_s.mean(), 1 / (mu - lam), 0.05), f"seed {SEED}"
    # Response time is exponential with rate mu - lambda.
    for q, rel in ((0.5, 0.05), (0.99, 0.07)):
        expected = -math.log(1 - q) / (mu - lam)
        assert within(float(np.quantile(response_s, q)), expected, rel), (q, SEED)


def test_mm10_probability_of_waiting_and_mean_wait() -> None:
    lam, mu, c = 8.0, 1.0, 10
    arrival_s, admission = run_pool(c, ExponentialLatency(mean_value_s=1 / mu), lam)
    wait_s = admission.start_s - arrival_s
    p_wait = erlang_c(c, lam / mu)
    assert within(float(np.mean(wait_s > 0)), p_wait, 0.08), f"seed {SEED}"
    assert within(wait_s.mean(), p_wait / (c * mu - lam), 0.08), f"seed {SEED}"
    for t in (0.2, 0.5):
        expected_tail = p_wait * math.exp(-(c * mu - lam) * t)
        assert within(float(np.mean(wait_s > t)), expected_tail, 0.08), (t, SEED)


@pytest.mark.parametrize(
    "latency",
    [LognormalLatency(median_s=1.0, sigma=0.5), ConstantLatency(value_s=0.05)],
    ids=["lognormal", "deterministic"],
)
def test_mg1_wait_follows_pollaczek_khinchine(latency: LatencyDistribution) -> None:
    rho = 0.7
    if isinstance(latency, LognormalLatency):
        m, s = latency.log_mu, latency.log_sigma
        mean_s, second_moment = math.exp(m + s**2 / 2), math.exp(2 * m + 2 * s**2)
    else:
        mean_s = latency.mean_s()
        second_moment = mean_s**2
    lam = rho / mean_s
    arrival_s, admission = run_pool(1, latency, lam)
    expected = lam * second_moment / (2 * (1 - rho))
    assert within(float(np.mean(admission.start_s - arrival_s)), expected, 0.05), f"seed {SEED}"


def test_unlimited_pool_never_delays() -> None:
    arrival_s, admission = run_pool(None, ExponentialLatency(mean_value_s=5.0), 100.0, n=10_000)
    np.testing.assert_array_equal(admission.start_s, arrival_s)
    assert np.all(admission.end_s > admission.start_s)


def test_simultaneous_arrivals_fill_servers_in_waves() -> None:
    servers, n, service_s = 7, 100, 0.25
    model = ChannelModel(
        ChannelProfile(
            latency=ConstantLatency(value_s=service_s),
            pool=Pool(connections=servers, streams_per_connection=1),
        ),
        0,
    )
    admission = model.admit(3.0, DeliveryBatch.at(3.0, n))
    np.testing.assert_allclose(admission.start_s, 3.0 + (np.arange(n) // servers) * service_s)
    # The pool remembers: the next delivery waits for the end of the last wave.
    later = model.admit(3.1, DeliveryBatch([3.1]))
    assert later.start_s[0] == pytest.approx(3.0 + (n // servers) * service_s)


def test_streams_per_connection_multiply_servers() -> None:
    profile = ChannelProfile(
        latency=ConstantLatency(value_s=1.0), pool=Pool(connections=3, streams_per_connection=4)
    )
    model = ChannelModel(profile, 0)
    assert model.servers == 12
    admission = model.admit(0.0, DeliveryBatch.at(0.0, 13))
    np.testing.assert_array_equal(admission.start_s, [0.0] * 12 + [1.0])
