"""``pinsim bench core``: the sans-IO core in process (sends, endpoint writes, store memory).

1. SendMessages, 100 addresses over SMS, GCM and APNS, bytes to bytes through ``Service.call``,
   against a msgspec codec floor timed in the same rounds. Targets: >= 1,000,000 recipient
   results/s and >= 0.35 x the floor's rate.
2. UpdateEndpoint through ``Service.call`` with realistic bodies. Target: >= 100,000 updates/s.
3. RSS growth of 1 M endpoints in the store, in a fresh interpreter. Target: <= 300 MB
   (10^6 bytes) more RSS. ``--quick`` creates fewer endpoints and judges the linear
   extrapolation to 1 M, which is labelled as such.
"""

from __future__ import annotations

from ._core_memory import WRITE_PATH, measure_memory
from ._core_send import run_send
from ._core_update import run_update
from ._registry import BenchOptions, Measurement
from ._schema import Figure, Setting, at_most, figure

MEMORY_ENDPOINTS = 1_000_000
QUICK_MEMORY_ENDPOINTS = 50_000
TARGET_RSS_GROWTH_MB = 300.0
MB = 1e6
RATES_CLOCK = ("targets judged on per-CPU-second rates (time.process_time of this process, "
               "single-threaded work); wall-clock rates reported beside them")


def run_memory(options: BenchOptions) -> Measurement:
    endpoints = QUICK_MEMORY_ENDPOINTS if options.quick else MEMORY_ENDPOINTS
    options.log(f"memory: {endpoints:,} endpoints in a fresh interpreter")
    report = measure_memory(endpoints, options.seed)
    growth = report.final_rss_bytes - report.baseline_rss_bytes
    per_million_mb = growth / MB * MEMORY_ENDPOINTS / endpoints
    figures = [
        figure("memory_rss_growth_mb", growth / MB, "MB",
               f"RSS after creating {endpoints:,} endpoints minus RSS before"),
        figure("memory_rss_growth_per_million_endpoints_mb", per_million_mb, "MB",
               "RSS growth for 1 M endpoints" + (
                   "" if endpoints == MEMORY_ENDPOINTS else
                   f" (linear extrapolation from {endpoints:,}: --quick)"),
               at_most(TARGET_RSS_GROWTH_MB, "MB")),
        figure("memory_bytes_per_endpoint", growth / endpoints, "bytes",
               "RSS growth per endpoint"),
        figure("memory_peak_rss_growth_mb",
               (report.peak_rss_bytes - report.baseline_rss_bytes) / MB, "MB",
               "peak RSS (ru_maxrss) minus RSS before"),
        figure("memory_endpoints_created_per_s", endpoints / report.create_s, "endpoints/s",
               "creation rate in the child, including generating ids and addresses"),
    ]
    settings: dict[str, Setting] = {
        "memory_endpoints": endpoints,
        "memory_write_path": WRITE_PATH,
        "memory_baseline_rss_mb": round(report.baseline_rss_bytes / MB, 1),
        "memory_rss_source": report.rss_source,
    }
    return Measurement(figures, settings)


def run(options: BenchOptions) -> Measurement:
    """All three parts, in order; the figures and settings of each are concatenated."""
    figures: list[Figure] = []
    settings: dict[str, Setting] = {"rates_clock": RATES_CLOCK}
    for part in (run_send, run_update, run_memory):
        measured = part(options)
        figures.extend(measured.figures)
        settings.update(measured.settings)
    return Measurement(figures, settings)
