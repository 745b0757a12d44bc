"""Closed versus open load at the same throughput (reference/measurement.md).

Exact mean value analysis of N clients with think time Z around one exponential server of
mean S gives throughput X and response time R; an open Poisson stream at rate X into the same
server is an M/M/1 queue with response time 1 / (1/S - X), about twice as long.
"""

from __future__ import annotations

import pytest

from .harness import measure, relative_error, single_channel


def mean_value_analysis(clients: int, think_s: float, service_s: float) -> tuple[float, float]:
    """(throughput, response time) of a closed loop around one FCFS exponential server."""
    queue = 0.0
    throughput = response_s = 0.0
    for n in range(1, clients + 1):
        response_s = service_s * (1 + queue)
        throughput = n / (response_s + think_s)
        queue = throughput * response_s
    return throughput, response_s


@pytest.mark.slow
def test_closed_loop_matches_mva_and_open_loop_is_slower_at_same_throughput() -> None:
    clients, think_s, service_s = 10, 9.0, 1.0
    throughput, response_s = mean_value_analysis(clients, think_s, service_s)
    assert round(throughput, 3) == 0.832 and round(response_s, 2) == 3.02  # the reference's
    server = (f'latency = {{ kind = "exponential", mean_s = {service_s} }}\n'
              'pool = { connections = 1 }')
    closed = measure(single_channel(
        seed=13, requests=20_000, channel=server,
        arrival=f'{{ kind = "closed", clients = {clients}, think_time = '
                f'{{ kind = "exponential", mean_s = {think_s} }} }}'))
    measured_x = closed.result.requests / closed.result.completion_s
    assert relative_error(measured_x, throughput) < 0.03, "seed 13"
    assert relative_error(float(closed.response_s.mean()), response_s) < 0.04, "seed 13"
    opened = measure(single_channel(
        seed=14, requests=300_000, channel=server,
        arrival=f'{{ kind = "open", process = "poisson", rate_per_s = {throughput} }}'))
    open_response_s = 1 / (1 / service_s - throughput)
    assert relative_error(float(opened.response_s.mean()), open_response_s) < 0.05, "seed 14"
    assert float(opened.response_s.mean()) > 1.8 * float(closed.response_s.mean())
