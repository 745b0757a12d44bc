"""``pinsim bench engine``: the virtual-time engine against an independent SimPy model.

Runs ``sim.engine.bench``'s reference scenario (mixed channels, an APNs pool at about 80%
utilisation, a part-counted SMS rate limit, a rejecting FCM quota, failures, retries, DUPLICATE,
OPT_OUT, histogram recording) through the engine and through the SimPy model of the same
scenario in this process, then a 100 M-delivery run in a child process for wall time and peak
RSS. Targets: >= 10 M simulated deliveries/s, >= 100x SimPy, 100 M deliveries in < 60 s and
< 4 GB peak RSS. ``--quick`` shrinks every count (the large run to 1 M deliveries, judged on
the same per-delivery rate, labelled as such).
"""

from __future__ import annotations

from sim.engine.bench import RECIPIENTS_PER_REQUEST, bench_engine, bench_large_run

from ._registry import BenchOptions, Measurement
from ._schema import Setting, at_least, at_most, figure

LARGE_DELIVERIES = 100_000_000
GB = 1e9


def run(options: BenchOptions) -> Measurement:
    engine_requests, simpy_requests, large_requests = (
        (2_000, 100, 10_000) if options.quick else
        (100_000, 1_000, LARGE_DELIVERIES // RECIPIENTS_PER_REQUEST))
    options.log("engine vs SimPy on the reference scenario")
    same = bench_engine(engine_requests=engine_requests, simpy_requests=simpy_requests,
                        seed=options.seed, log=options.log)
    options.log(f"large run: {large_requests * RECIPIENTS_PER_REQUEST:,} deliveries "
                "in a child process")
    large = bench_large_run(large_requests, options.seed)
    scale = LARGE_DELIVERIES / (large_requests * RECIPIENTS_PER_REQUEST)  # 1 unless --quick
    figures = [
        figure("engine_deliveries_per_s", same.engine_per_s, "deliveries/s",
               f"{same.engine_deliveries:,} simulated deliveries (attempts) per wall second",
               at_least(10_000_000, "deliveries/s")),
        figure("simpy_deliveries_per_s", same.simpy_per_s, "deliveries/s",
               f"the SimPy model of the same scenario ({same.simpy_deliveries:,} deliveries)"),
        figure("engine_to_simpy_ratio", same.ratio, "ratio", "measured in the same process",
               at_least(100, "ratio")),
        figure("large_run_wall_s", large.wall_s * scale, "s",
               f"100 M first-attempt deliveries ({large.deliveries:,} with retries)" + (
                   "" if scale == 1 else " (extrapolated linearly: --quick)"),
               at_most(60, "s")),
        figure("large_run_peak_rss_gb", large.peak_rss_bytes / GB, "GB",
               f"peak RSS of the run of {large.deliveries:,} deliveries",
               at_most(4, "GB") if scale == 1 else None),
    ]
    settings: dict[str, Setting] = {
        "engine_requests": engine_requests,
        "simpy_requests": simpy_requests,
        "large_run_deliveries": large.deliveries,
        "recipients_per_request": RECIPIENTS_PER_REQUEST,
    }
    return Measurement(figures, settings)
