"""``pinsim bench emulator``: the HTTP emulator (``pinsim serve``) under load, on loopback.

1. SendMessages, 100 addresses (SMS, GCM, APNS), ``--pacing instant``: requests/s under wrk
   against a bare trio + h11 server answering the same bytes, same wrk settings, alternating
   rounds. Targets: >= 6,000 req/s (600,000 recipient results/s) and >= 0.5 x the bare rate.
2. GetEndpoint on the emulator against moto_server's GetApp. Target: >= 20 x moto's rate
   (recorded as not measured when moto is not installed).
3. ``--pacing realtime`` with a constant SMS latency: RSS per concurrent in-flight send.
   Target: <= 20 KB each, all answered.

Why ratios: the machine's two slow vCPUs give about one core, shared by the load generator and
the server, so absolute rates say as much about wrk as about the emulator. Each comparison is
measured in the same run with the same settings, and the CPU of both processes is recorded to
say which side saturated. Every server and client is a child process, stopped on any exit;
every load stops by itself (wrk ``-d``; the in-flight client's deadline).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ._emulator_get import run_get
from ._emulator_held import HeldPlan, run_held
from ._emulator_pair import WrkPlan
from ._emulator_send import run_send
from ._emulator_wrk import WRK_THREADS, wrk_binary
from ._registry import BenchOptions, Measurement
from ._schema import Figure, Setting

WRK_CONNECTIONS = 16
# wrk takes whole seconds
FULL_WRK = WrkPlan(connections=WRK_CONNECTIONS, duration_s=5.0, warmup_s=1.0, rounds=3)
QUICK_WRK = WrkPlan(connections=WRK_CONNECTIONS, duration_s=1.0, warmup_s=1.0, rounds=1)
IN_FLIGHT_SENDS = 20_000
FULL_HELD = HeldPlan(requested=IN_FLIGHT_SENDS, hold_s=10.0)
"""10 s, not 1 s: at the few thousand sends/s this machine admits, a 1 s hold would release
the first answers long before the 20,000th send arrived (see ``_emulator_held``)."""
QUICK_HELD = HeldPlan(requested=200, hold_s=1.0)


def wrk_version() -> str:
    binary = wrk_binary()
    if binary is None:
        return "not installed"
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10,
                          check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip() if (
        done.stdout or done.stderr) else "unknown"


def run(options: BenchOptions) -> Measurement:
    """All three parts in order, each with its own emulator process."""
    if wrk_binary() is None:
        raise RuntimeError("pinsim bench emulator needs the wrk binary on PATH "
                           "(Debian/Ubuntu: apt-get install wrk)")
    wrk = QUICK_WRK if options.quick else FULL_WRK
    held = QUICK_HELD if options.quick else FULL_HELD
    figures: list[Figure] = []
    settings: dict[str, Setting] = {
        "wrk": wrk_version(),
        "wrk_threads_connections": f"-t{WRK_THREADS} -c{wrk.connections}",
        "wrk_duration_s": wrk.duration_s,
        "wrk_warmup_s": wrk.warmup_s,
        "wrk_rounds": wrk.rounds,
        "rates_clock": "wall clock (wrk); rates judged on the best round, ratios on the median "
                       "of per-round ratios; CPU in % of one CPU over each run",
        "network": "loopback 127.0.0.1 only",
    }
    with tempfile.TemporaryDirectory(prefix="pinsim-bench-emulator-") as name:
        tmp = Path(name)
        for measured in (run_send(wrk, options.seed, tmp, options.log),
                         run_get(wrk, options.seed, tmp, options.log),
                         run_held(held, tmp, options.log)):
            figures.extend(measured.figures)
            settings.update(measured.settings)
    return Measurement(figures, settings)
