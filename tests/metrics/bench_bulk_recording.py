"""Throughput of bulk histogram recording vs hdrh's record_value (a script, not a test).

Run from the repository root: ``python3 -m tests.metrics.bench_bulk_recording``. Prints values
per second for float-seconds and integer-microsecond bulk recording, grouped recording into a
tagged set, hdrh's per-value ``record_value``, and the cost of percentile lookups, encode and
merge. Ratios measured in one run are what matter on a shared machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from hdrh.histogram import HdrHistogram

from sim.metrics import HistogramSet, LatencyHistogram, PerSecondCounts

N_BULK = 10_000_000
N_LOOP = 300_000
PERCENTILES = [50.0, 90.0, 99.0, 99.9, 99.99, 100.0]


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """Fastest wall time of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    latency_s = rng.lognormal(np.log(0.1), 1.0, N_BULK)
    latency_us = np.rint(latency_s * 1e6).astype(np.int64)
    codes = rng.integers(0, 6, N_BULK).astype(np.uint8)
    tags = [f"CH{i}/SUCCESSFUL" for i in range(6)]

    rates = {
        "record_s (float seconds)": N_BULK
        / best_of(3, lambda: LatencyHistogram().record_s(latency_s)),
        "record_us (int64 us)": N_BULK
        / best_of(3, lambda: LatencyHistogram().record_us(latency_us)),
        "record_grouped_s (6 tags)": N_BULK
        / best_of(3, lambda: HistogramSet().record_grouped_s(tags, codes, latency_s)),
        "PerSecondCounts.add": N_BULK / best_of(3, lambda: PerSecondCounts().add(latency_s)),
    }
    loop_values = latency_us[:N_LOOP].tolist()

    def one_by_one() -> None:
        hdr = HdrHistogram(1, 3_600_000_000, 3)
        for value in loop_values:
            hdr.record_value(value)

    rates["hdrh record_value loop"] = N_LOOP / best_of(2, one_by_one)
    loop_rate = rates["hdrh record_value loop"]
    for name, rate in rates.items():
        print(f"{name:28s} {rate / 1e6:8.1f} M values/s  ({rate / loop_rate:6.1f}x record_value)")

    histogram = LatencyHistogram()
    histogram.record_s(latency_s)
    other = histogram.copy()
    wire = histogram.to_wire()
    costs_us = {
        f"percentiles_us ({len(PERCENTILES)} at once)": best_of(
            20, lambda: histogram.percentiles_us(PERCENTILES)
        ),
        f"hdrh get_value_at_percentile x{len(PERCENTILES)}": best_of(
            3, lambda: [histogram.hdr.get_value_at_percentile(p) for p in PERCENTILES]
        ),
        "mean_us": best_of(20, lambda: histogram.mean_us),
        "hdrh get_mean_value": best_of(3, histogram.hdr.get_mean_value),
        "to_wire (hdrh encode)": best_of(20, histogram.to_wire),
        "merge_wire (decode_and_add)": best_of(20, lambda: other.merge_wire(wire)),
        "merge (hdrh add)": best_of(20, lambda: other.merge(histogram)),
    }
    for name, seconds in costs_us.items():
        print(f"{name:36s} {seconds * 1e6:10.1f} us")


if __name__ == "__main__":
    main()
