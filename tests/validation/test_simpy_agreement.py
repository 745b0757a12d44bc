"""The engine against an independent SimPy model of the same scenario (sim.engine.simpy_reference).

Fan-out to a pooled channel near 80% utilisation and to a rejecting token bucket, with
OPT_OUT, INACTIVE, DUPLICATE and retries: the two implementations share no queueing code and
use different random streams, so they must agree within sampling error. Standard errors come
from batch means (queueing output is strongly autocorrelated); a difference of more than four
combined standard errors fails.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from sim.channels import STATUS_CODES
from sim.core.channel_types import CODE_BY_NAME
from sim.engine.simpy_reference import simulate_with_simpy
from sim.scenario import Scenario, scenario_from_toml

from .harness import Measured, agree, measure

PROVIDER_ANSWERED = [STATUS_CODES[s] for s in ("SUCCESSFUL", "TEMPORARY_FAILURE")]


def fan_out_scenario(max_attempts: int) -> Scenario:
    return scenario_from_toml(f"""
name = "simpy-agreement"
seed = 31
requests = 40000
[population]
users = 200000
channel_mix = {{ APNS = 0.5, GCM = 0.5 }}
opt_out_rate = 0.05
inactive_rate = 0.03
duplicate_address_rate = 0.04
[workload]
recipients_per_request = {{ kind = "uniform", min = 1, max = 10 }}
arrival = {{ kind = "open", process = "poisson", rate_per_s = 200 }}
[retry]
max_attempts = {max_attempts}
base_delay_s = 0.5
jitter = "equal"
[channels.inline.APNS]
latency = {{ kind = "exponential", mean_s = 0.02 }}
pool = {{ connections = 14 }}
failures = [{{ status = "TEMPORARY_FAILURE", probability = 0.05, status_code = 503 }}]
[channels.inline.GCM]
latency = {{ kind = "lognormal", median_s = 0.05, sigma = 0.6 }}
rate_limit = {{ rate_per_s = 480, burst = 20, mode = "reject" }}
""")


@pytest.mark.slow
@pytest.mark.parametrize("max_attempts", [1, 3])
def test_engine_agrees_with_simpy(max_attempts: int) -> None:
    scenario = fan_out_scenario(max_attempts)
    engine = measure(scenario)
    simpy = simulate_with_simpy(scenario)
    final = ~engine.retried
    for channel in ("APNS", "GCM"):
        ours = engine.status[final & (engine.channel == CODE_BY_NAME[channel])]
        theirs = np.array([s for c, s, _ in simpy.finals if c == channel])
        for status in ("SUCCESSFUL", "THROTTLED", "TEMPORARY_FAILURE", "OPT_OUT",
                       "PERMANENT_FAILURE", "DUPLICATE"):
            code = STATUS_CODES[status]
            ok, detail = agree(ours == code, theirs == code)
            assert ok, f"{channel} {status} share: {detail}"
    admitted = (engine.channel == CODE_BY_NAME["APNS"]) & np.isin(engine.status,
                                                                  PROVIDER_ANSWERED)
    ok, detail = agree(engine.wait_s[admitted], simpy.waits_s["APNS"])
    assert ok, f"APNS pool wait: {detail}"
    ours_request = _request_latencies(engine)
    theirs_request = np.asarray(simpy.request_latency_s)
    ok, detail = agree(ours_request, theirs_request)
    assert ok, f"request latency: {detail}"
    for q in (0.5, 0.9, 0.99):
        ok, detail = agree(ours_request <= np.quantile(theirs_request, q),
                           theirs_request <= np.quantile(theirs_request, q))
        assert ok, f"request latency quantile {q}: {detail}"
    ok, detail = agree(engine.attempt[final], [a for _, _, a in simpy.finals])
    assert ok, f"attempts per recipient: {detail}"


def _request_latencies(engine: Measured) -> npt.NDArray[np.float64]:
    """Each request's answer time minus its intended send time, in send order."""
    requests = int(engine.request_id.max()) + 1
    answered_s = np.zeros(requests)
    np.maximum.at(answered_s, engine.request_id, engine.end_s)
    intended_s = np.zeros(requests)
    first = engine.attempt == 1
    intended_s[engine.request_id[first]] = engine.arrival_s[first]
    return answered_s - intended_s
