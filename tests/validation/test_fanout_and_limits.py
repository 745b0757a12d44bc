"""Fan-out, tail at scale, token buckets, retries and SMS drain against their formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from sim.channels import SUCCESSFUL, THROTTLED

from .harness import measure, relative_error, single_channel

POISSON_10 = '{ kind = "open", process = "poisson", rate_per_s = 10 }'


@pytest.mark.parametrize(("k", "median_s", "sigma", "tolerance"), [
    (10, 0.050, 0.5, 0.015),   # reference/validation.md: 112.87 ms, 234.27 ms
    (3, 0.200, 1.0, 0.03),
])
def test_fan_out_completion_is_the_maximum_of_k_deliveries(
        k: int, median_s: float, sigma: float, tolerance: float) -> None:
    dist = stats.lognorm(s=sigma, scale=median_s)
    expected_mean, _ = integrate.quad(lambda x: 1 - dist.cdf(x) ** k, 0, np.inf)
    expected_p99 = math.exp(math.log(median_s) + sigma * stats.norm.ppf(0.99 ** (1 / k)))
    m = measure(single_channel(
        seed=6, requests=1_000_000 // k, recipients=k, arrival=POISSON_10,
        channel=f'latency = {{ kind = "lognormal", median_s = {median_s}, sigma = {sigma} }}'))
    request = m.result.histograms["request"]
    assert relative_error(request.mean_us / 1e6, expected_mean) < tolerance, "seed 6"
    assert relative_error(request.percentile_us(99) / 1e6, expected_p99) < tolerance, "seed 6"


@pytest.mark.parametrize(("p", "k", "requests"), [(0.01, 100, 60_000), (0.002, 20, 200_000)])
def test_tail_at_scale(p: float, k: int, requests: int) -> None:
    m = measure(single_channel(
        seed=7, requests=requests, recipients=k, arrival=POISSON_10,
        channel=f"""latency = {{ kind = "mixture", components = [
  {{ weight = {1 - p}, latency = {{ kind = "constant", value_s = 0.01 }} }},
  {{ weight = {p}, latency = {{ kind = "constant", value_s = 1.0 }} }}] }}"""))
    completion = m.end_s.reshape(requests, k).max(axis=1) - m.arrival_s[::k]
    slow = float(np.mean(completion >= 1.0))
    assert abs(slow - (1 - (1 - p) ** k)) < 0.005, "seed 7"


@pytest.mark.parametrize(("rate", "tokens_per_s"), [(100.0, 100.0), (50.0, 100.0),
                                                    (400.0, 100.0)])
def test_token_bucket_of_one_accepts_r_over_lambda_plus_r(rate: float,
                                                          tokens_per_s: float) -> None:
    m = measure(single_channel(
        seed=8, requests=1_000_000, channel_type="GCM",
        arrival=f'{{ kind = "open", process = "poisson", rate_per_s = {rate} }}',
        channel=f'latency = {{ kind = "constant", value_s = 0.001 }}\n'
                f'rate_limit = {{ rate_per_s = {tokens_per_s}, burst = 1, mode = "reject" }}'))
    accepted = float(np.mean(m.status != THROTTLED))
    assert abs(accepted - tokens_per_s / (rate + tokens_per_s)) < 0.002, "seed 8"


def test_token_bucket_window_bound_and_long_run_throughput() -> None:
    rate, tokens_per_s, burst = 300.0, 100.0, 5
    m = measure(single_channel(
        seed=9, requests=200_000, channel_type="GCM",
        arrival=f'{{ kind = "open", process = "poisson", rate_per_s = {rate} }}',
        channel=f'latency = {{ kind = "constant", value_s = 0.001 }}\n'
                f'rate_limit = {{ rate_per_s = {tokens_per_s}, burst = {burst} }}'))
    accepted_s = np.sort(m.start_s[m.status != THROTTLED])
    for window_s in (0.05, 1.0, 10.0):
        in_window = np.searchsorted(accepted_s, accepted_s + window_s, side="right") - np.arange(
            len(accepted_s))
        assert in_window.max() <= burst + tokens_per_s * window_s + 1e-9
    span_s = float(m.arrival_s.max() - m.arrival_s.min())
    assert relative_error(len(accepted_s) / span_s, min(rate, tokens_per_s)) < 0.01


@pytest.mark.parametrize("rate", [50.0, 150.0])
def test_queueing_bucket_throughput_is_min_of_lambda_and_r(rate: float) -> None:
    tokens_per_s = 100.0
    m = measure(single_channel(
        seed=10, requests=100_000, channel_type="GCM",
        arrival=f'{{ kind = "open", process = "poisson", rate_per_s = {rate} }}',
        channel=f'latency = {{ kind = "constant", value_s = 0.001 }}\n'
                f'rate_limit = {{ rate_per_s = {tokens_per_s}, burst = 1, mode = "queue" }}'))
    throughput = len(m.start_s) / float(m.start_s.max() - m.start_s.min())
    assert relative_error(throughput, min(rate, tokens_per_s)) < 0.01


@pytest.mark.parametrize(("p", "attempts"), [(0.2, 3), (0.5, 4)])
def test_retries_success_probability_and_mean_attempts(p: float, attempts: int) -> None:
    m = measure(single_channel(
        seed=11, requests=1_000_000, arrival='{ kind = "open", rate_per_s = 1000 }',
        channel=f'latency = {{ kind = "constant", value_s = 0.001 }}\n'
                f'failures = [{{ status = "TEMPORARY_FAILURE", probability = {p}, '
                f'status_code = 503 }}]',
        retry=f"[retry]\nmax_attempts = {attempts}\nbase_delay_s = 600\nmax_delay_s = 600\n"
              'jitter = "none"'))
    result = m.result
    success = result.counts.get("APNS", "SUCCESSFUL") / result.recipients
    assert abs(success - (1 - p ** attempts)) < 0.001, "seed 11"
    mean_attempts = result.attempts / result.recipients
    assert abs(mean_attempts - (1 - p ** attempts) / (1 - p)) < 0.001 * 1.24, "seed 11"
    assert int(m.attempt.max()) == attempts
    assert int(np.count_nonzero(m.status == SUCCESSFUL)) == result.counts.get("APNS",
                                                                             "SUCCESSFUL")


@pytest.mark.parametrize(("messages", "mps", "body_chars", "numbers", "expected_parts"), [
    (10_000, 3.0, 150, 1, 1),      # reference/validation.md: 3,333 s on a toll-free number
    (5_000, 100.0, 200, 1, 2),     # two-part GSM-7 messages on a short code
    (2_000, 1.0, 60, 10, 1),       # 10DLC: ten numbers at 1 MPS, recipients sticky to one
])
def test_sms_drain_time_is_parts_over_mps(messages: int, mps: float, body_chars: int,
                                          numbers: int, expected_parts: int) -> None:
    m = measure(single_channel(
        seed=12, requests=messages // 100, recipients=100, channel_type="SMS",
        arrival=f'{{ kind = "open", bursts = [{{ at_s = 0, requests = {messages // 100} }}] }}',
        message=f'message = {{ body_chars = {body_chars}, encoding = "GSM7" }}',
        channel=f'latency = {{ kind = "constant", value_s = 0.0 }}\n'
                f'rate_limit = {{ rate_per_s = {mps}, burst = 1, mode = "queue", unit = "part",'
                f' keys = {numbers} }}'))
    tick_s = 1 / mps
    per_number = messages / numbers * expected_parts
    drain_s = m.result.completion_s
    assert abs(drain_s - per_number / mps) <= tick_s * expected_parts + 1e-9
