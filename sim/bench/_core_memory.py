"""RSS growth of the endpoint store for many endpoints, measured in a fresh interpreter.

``measure_memory`` starts ``python -m sim.bench._core_memory`` so that nothing the parent
process allocated earlier (the other benchmarks, pytest) blurs the figure. The child imports
everything, creates the service and warms the write path on a throwaway app, reads its RSS,
then creates the endpoints through ``Service.update_endpoints_batch`` (the fastest public write
path: 100 typed items per call, every check applied) with generated UUID-4 ids and production-
shaped addresses, and reads its RSS again with the service still alive.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import msgspec

from sim.api import EndpointBatchItem, EndpointBatchRequest

from ._core_service import new_service
from ._environment import python_env
from ._population import Population, channel_mix

BATCH = 100
WRITE_PATH = "Service.update_endpoints_batch, 100 items per call"


class MemoryReport(msgspec.Struct, frozen=True, kw_only=True):
    endpoints: int
    baseline_rss_bytes: int
    final_rss_bytes: int
    peak_rss_bytes: int
    create_s: float
    rss_source: str


def rss_bytes() -> tuple[int, str]:
    """Resident set size of this process and where it was read."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"), "/proc/self/statm"
    except OSError:
        import psutil

        return int(psutil.Process().memory_info().rss), "psutil"


def peak_rss_bytes() -> int:
    """The high-water mark of RSS: VmHWM, else ru_maxrss (KiB on Linux, updated lazily)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _batch_request(population: Population, count: int) -> EndpointBatchRequest:
    mix = channel_mix(count)
    ids = population.uuids(count)
    addresses = population.addresses(mix)
    return EndpointBatchRequest(Item=[
        EndpointBatchItem(Id=ids[i], ChannelType=mix[i], Address=addresses[i])
        for i in range(count)])


def fill(endpoints: int, seed: int) -> MemoryReport:
    """Create ``endpoints`` endpoints in one app and report this process's RSS around it."""
    if endpoints < 1:
        raise ValueError("endpoints must be >= 1")
    population = Population(seed)
    scratch, scratch_app = new_service(seed, {})
    scratch.update_endpoints_batch(scratch_app, _batch_request(population, BATCH), 0.0)
    del scratch
    service, app_id = new_service(seed, {})
    gc.collect()
    baseline, source = rss_bytes()
    start = time.perf_counter()
    for done in range(0, endpoints, BATCH):
        request = _batch_request(population, min(BATCH, endpoints - done))
        service.update_endpoints_batch(app_id, request, done * 1e-4)
    create_s = time.perf_counter() - start
    del request
    gc.collect()
    final, _ = rss_bytes()
    stored = len(service.app(app_id).index)
    if stored != endpoints:
        raise RuntimeError(f"the store holds {stored} endpoints, not {endpoints}")
    peak = max(final, peak_rss_bytes())
    return MemoryReport(endpoints=endpoints, baseline_rss_bytes=baseline, final_rss_bytes=final,
                        peak_rss_bytes=peak, create_s=create_s, rss_source=source)


def measure_memory(endpoints: int, seed: int, timeout_s: float = 900.0) -> MemoryReport:
    """``fill`` run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-m", __name__, "--endpoints", str(endpoints), "--seed", str(seed)],
        capture_output=True, env=python_env(), timeout=timeout_s, check=False, cwd=Path.cwd())
    if done.returncode != 0:
        raise RuntimeError(f"memory benchmark child failed ({done.returncode}): "
                           f"{done.stderr.decode(errors='replace')[-2000:]}")
    return msgspec.json.decode(done.stdout, type=MemoryReport)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    report = fill(args.endpoints, args.seed)
    sys.stdout.buffer.write(msgspec.json.encode(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
