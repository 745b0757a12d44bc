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

SERVERS = 100
UTILISATION = 0.8
LATENCY = LognormalLatency(median_s=0.1, sigma=0.6)
ARRIVAL_RATE_PER_S = UTILISATION * SERVERS / LATENCY.mean_s()


def profile(mode: str) -> ChannelProfile:
    return ChannelProfile(
        latency=LATENCY,
        failures=(
            FailureRule(status="PERMANENT_FAILURE", probability=0.02, status_code=410),
            FailureRule(status="TEMPORARY_FAILURE", probability=0.001, status_code=503),
            FailureRule(status="UNKNOWN_FAILURE", probability=0.005, status_code=500),
        ),
        rate_limit=RateLimit(
            rate_per_s=1.2 * ARRIVAL_RATE_PER_S,
            burst=50,
            mode=mode,  # type: ignore[arg-type]
        ),
        pool=Pool(connections=10, streams_per_connection=SERVERS // 10),
    )


def big_batches(mode: str, n: int = 1_000_000, repeats: int = 5) -> None:
    rng = np.random.default_rng(7)
    model = ChannelModel(profile(mode), 1)
    now = 0.0
    best = np.inf
    for _ in range(repeats):
        arrival_s = now + np.cumsum(rng.exponential(1.0 / ARRIVAL_RATE_PER_S, n))
        now = float(arrival_s[-1])
        batch = DeliveryBatch(arrival_s)
        t0 = time.perf_counter()
        admission = model.admit(now, batch)
        best = min(best, time.perf_counter() - t0)
    wait_s = admission.start_s - batch.arrival_s
    print(
        f"{mode:6s} 1e6 batch: {n / best / 1e6:6.1f} M deliveries/s ({best * 1e3:.1f} ms), "
        f"mean wait {wait_s.mean() * 1e3:.2f} ms, busy {UTILISATION:.0%}"
    )


def small_batches(mode: str, n: int = 100, calls: int = 20_000) -> None:
    model = ChannelModel(profile(mode), 2)
    gap_s = n / ARRIVAL_RATE_PER_S
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
        big_batches(mode)
        small_batches(mode)


if __name__ == "__main__":
    main()
