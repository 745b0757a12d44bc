"""Throughput of ChannelModel.admit (a script, not a test: timings do not belong in CI asserts).

Run from the repository root: ``python3 -m tests.channels.bench_admit``. Prints deliveries per
second for 1e6-delivery batches (80%-utilised pool behind a queue-mode bucket) and the cost of
one 100-delivery batch, the emulator's case.
"""

from __future__ import annotations

import time

import numpy as np

from sim.channels import (
    ChannelModel,
    ChannelProfile,
    DeliveryBatch,
    FailureRule,
    LognormalLatency,
    Pool,
    RateLimit,
)

UTILISATION = 0.8
LATENCY = LognormalLatency(median_s=0.1, sigma=0.6)


def arrival_rate_per_s(servers: int) -> float:
    return UTILISATION * servers / LATENCY.mean_s()


def profile(mode: str, servers: int = 100) -> ChannelProfile:
    return ChannelProfile(
        latency=LATENCY,
        failures=(
            FailureRule(status="PERMANENT_FAILURE", probability=0.02, status_code=410),
            FailureRule(status="TEMPORARY_FAILURE", probability=0.001, status_code=503),
            FailureRule(status="UNKNOWN_FAILURE", probability=0.005, status_code=500),
        ),
        rate_limit=RateLimit(
            rate_per_s=1.2 * arrival_rate_per_s(servers),
            burst=50,
            mode=mode,  # type: ignore[arg-type]
        ),
        pool=Pool(connections=servers),
    )


def big_batches(mode: str, servers: int, n: int = 1_000_000, repeats: int = 5) -> None:
    rng = np.random.default_rng(7)
    model = ChannelModel(profile(mode, servers), 1)
    now = 0.0
    best = np.inf
    for _ in range(repeats):
        arrival_s = now + np.cumsum(rng.exponential(1.0 / arrival_rate_per_s(servers), n))
        now = float(arrival_s[-1])
        batch = DeliveryBatch(arrival_s)
        t0 = time.perf_counter()
        admission = model.admit(now, batch)
        best = min(best, time.perf_counter() - t0)
    wait_s = admission.start_s - batch.arrival_s
    print(
        f"{mode:6s} 1e6 batch, {servers:5d} servers {UTILISATION:.0%} busy: "
        f"{n / best / 1e6:5.1f} M deliveries/s ({best * 1e3:.1f} ms), "
        f"mean wait {wait_s.mean() * 1e3:.2f} ms"
    )


def small_batches(mode: str, n: int = 100, calls: int = 20_000) -> None:
    model = ChannelModel(profile(mode), 2)
    gap_s = n / arrival_rate_per_s(100)
    model.admit(0.0, DeliveryBatch.at(0.0, n))
    t0 = time.perf_counter()
    for i in range(1, calls + 1):
        now = i * gap_s
        model.admit(now, DeliveryBatch.at(now, n))
    per_call_s = (time.perf_counter() - t0) / calls
    print(f"{mode:6s} {n}-delivery batch: {per_call_s * 1e6:.1f} us per admit() incl. batch")


def main() -> None:
    t0 = time.perf_counter()
    ChannelModel(profile("queue"), 0).admit(0.0, DeliveryBatch.at(0.0, 10))
    print(f"first admit() (numba compile or cache load): {time.perf_counter() - t0:.2f} s")
    for mode in ("queue", "reject"):
        for servers in (1, 100, 2000):
            big_batches(mode, servers)
        small_batches(mode)


if __name__ == "__main__":
    main()
