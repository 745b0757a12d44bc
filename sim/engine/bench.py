"""Engine benchmark: simulated deliveries per second, against SimPy on the same scenario.

The reference scenario has everything a real run has: four channels, an APNs pool of 500
streams at 80% utilisation, a part-counted SMS rate limit, a rejecting FCM quota, failures,
retries (a retry pass 30 s after the answer, as a campaign would), DUPLICATE, OPT_OUT, INACTIVE
and histogram recording. :func:`bench_engine` runs it through the engine and through the SimPy
model (sim.engine.simpy_reference) in one process and reports both rates and their ratio;
:func:`bench_large_run` runs 100 M deliveries in a child process to measure wall time and peak
memory. Timings are wall-clock on whatever machine runs them: compare ratios, not rates.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sim.scenario import Scenario, scenario_from_toml

from .loop import run
from .simpy_reference import simulate_with_simpy

RECIPIENTS_PER_REQUEST = 100
REQUESTS_PER_S = 67.0
"""About 3,340 APNs deliveries/s: 80% of 500 streams at a mean latency of 0.1197 s."""


def reference_scenario(requests: int, seed: int = 1) -> Scenario:
    """The benchmark's workload, ``requests`` requests of 100 recipients."""
    return scenario_from_toml(f"""
name = "bench-reference"
seed = {seed}
requests = {requests}

[population]
users = 2000000
endpoints_per_user = {{ kind = "uniform", min = 1, max = 3 }}
channel_mix = {{ APNS = 0.5, GCM = 0.35, SMS = 0.1, EMAIL = 0.05 }}
opt_out_rate = 0.03
inactive_rate = 0.02
invalid_address_rate = 0.005
duplicate_address_rate = 0.01

[workload]
recipients_per_request = {{ kind = "constant", value = {RECIPIENTS_PER_REQUEST} }}
arrival = {{ kind = "open", process = "poisson", rate_per_s = {REQUESTS_PER_S} }}
message = {{ body_chars = 200, encoding = "GSM7" }}

[retry]
max_attempts = 3
base_delay_s = 30
max_delay_s = 120
jitter = "equal"

[channels.inline.APNS]
latency = {{ kind = "lognormal", median_s = 0.1, sigma = 0.6 }}
pool = {{ connections = 1, streams_per_connection = 500 }}
failures = [{{ status = "PERMANENT_FAILURE", probability = 0.02, status_code = 410 }},
            {{ status = "TEMPORARY_FAILURE", probability = 0.01, status_code = 503 }}]

[channels.inline.GCM]
latency = {{ kind = "lognormal", median_s = 0.1, sigma = 0.6 }}
rate_limit = {{ rate_per_s = 2300, burst = 500, mode = "reject" }}
failures = [{{ status = "PERMANENT_FAILURE", probability = 0.03, status_code = 404 }}]

[channels.inline.SMS]
latency = {{ kind = "lognormal", median_s = 0.2, sigma = 0.5 }}
rate_limit = {{ rate_per_s = 1500, burst = 10, mode = "queue", unit = "part" }}
failures = [{{ status = "UNKNOWN_FAILURE", probability = 0.02, status_code = 500 }}]

[channels.inline.EMAIL]
latency = {{ kind = "lognormal", median_s = 0.15, sigma = 0.5 }}
pool = {{ connections = 100 }}
failures = [{{ status = "PERMANENT_FAILURE", probability = 0.01, status_code = 400 }}]
""")


@dataclass(frozen=True, slots=True)
class EngineBench:
    """Deliveries (attempts) per wall second of the engine and of SimPy, same scenario."""

    engine_deliveries: int
    engine_wall_s: float
    simpy_deliveries: int
    simpy_wall_s: float

    @property
    def engine_per_s(self) -> float:
        return self.engine_deliveries / self.engine_wall_s

    @property
    def simpy_per_s(self) -> float:
        return self.simpy_deliveries / self.simpy_wall_s

    @property
    def ratio(self) -> float:
        return self.engine_per_s / self.simpy_per_s


def bench_engine(*, engine_requests: int = 100_000, simpy_requests: int = 1_000, seed: int = 1,
                 log: Callable[[str], None] = lambda _: None) -> EngineBench:
    """Run the reference scenario through the engine (10 M deliveries by default) and SimPy."""
    run(reference_scenario(1_000, seed))  # compile and warm the kernels outside the timing
    log(f"engine: {engine_requests * RECIPIENTS_PER_REQUEST:,} deliveries")
    started = time.perf_counter()
    engine = run(reference_scenario(engine_requests, seed))
    engine_wall_s = time.perf_counter() - started
    log(f"simpy: {simpy_requests * RECIPIENTS_PER_REQUEST:,} deliveries")
    simpy = simulate_with_simpy(reference_scenario(simpy_requests, seed))
    return EngineBench(engine.attempts, engine_wall_s, simpy.attempts, simpy.wall_s)


@dataclass(frozen=True, slots=True)
class LargeRun:
    deliveries: int
    wall_s: float
    peak_rss_bytes: int


def bench_large_run(requests: int = 1_000_000, seed: int = 1) -> LargeRun:
    """100 M deliveries (by default) in a child process: wall time and peak resident memory."""
    out = subprocess.run([sys.executable, "-m", "sim.engine.bench", str(requests), str(seed)],
                         check=True, capture_output=True, text=True).stdout
    return LargeRun(**json.loads(out.strip().splitlines()[-1]))


def _child(requests: int, seed: int) -> None:
    import resource

    run(reference_scenario(1_000, seed))
    started = time.perf_counter()
    result = run(reference_scenario(requests, seed))
    wall_s = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(asdict(LargeRun(result.attempts, wall_s, peak_kib * 1024))))


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
