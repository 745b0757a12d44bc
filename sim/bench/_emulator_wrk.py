"""wrk as the load generator: its Lua script, one bounded run, and the CPU both sides used.

wrk (C, epoll) costs far less CPU per request than any Python client, which matters when it
shares the one core with the server. The script sets method, body and headers and has no
``response`` hook (that would make wrk hand every answer to Lua); its ``done`` hook prints the
totals as one JSON line, including ``errors.status``, wrk's count of answers >= 400. The
CPU of the server (psutil, before and after) and of wrk (``wait4`` rusage, exact) over the
run tells which side saturated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import msgspec
import psutil

from ._emulator_procs import cpu_s

WRK_THREADS = 1
MARKER = "PINSIM_WRK "
KILL_GRACE_S = 15.0

_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('%s{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,' ..
    '"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\\n',
    "MARKER", summary.requests, summary.duration, summary.bytes, e.connect, e.read,
    e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
end
""".replace("MARKER", MARKER)


class WrkTotals(msgspec.Struct, frozen=True):
    requests: int
    duration_us: int
    bytes: int
    connect: int
    read: int
    write: int
    status: int
    timeout: int
    p50_us: int
    p99_us: int


class WrkRun(NamedTuple):
    """One wrk run and the CPU used meanwhile, in % of one CPU over the run's wall time."""

    totals: WrkTotals
    requests_per_s: float
    server_cpu_pct: float
    wrk_cpu_pct: float
    machine_cpu_pct: float
    """All CPUs busy over the run, in % of one CPU (at most 100 x cpu_count)."""

    @property
    def socket_errors(self) -> int:
        t = self.totals
        return t.connect + t.read + t.write + t.timeout


def wrk_binary() -> str | None:
    return shutil.which("wrk")


def _lua_string(text: str) -> str:
    if "]==]" in text:
        raise ValueError("text cannot be quoted as a Lua long string")
    return f"[==[{text}]==]"


def write_script(path: Path, method: str, headers: Mapping[str, str],
                 body_file: Path | None = None) -> Path:
    """A wrk Lua script for one request shape; the body is read from ``body_file``."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    if body_file is not None:
        lines += [f"local f = assert(io.open({_lua_string(str(body_file))}, 'rb'))",
                  "wrk.body = f:read('*a')", "f:close()"]
    lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()]
    path.write_text("\n".join(lines) + "\n" + _DONE)
    return path


def parse_output(stdout: str) -> WrkTotals:
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            return msgspec.json.decode(line[len(MARKER):], type=WrkTotals)
    raise RuntimeError(f"wrk printed no totals: {stdout[-1000:]!r}")


def run_wrk(url: str, script: Path, connections: int, duration_s: float,
            server: psutil.Process, out_dir: Path) -> WrkRun:
    """``wrk -t<WRK_THREADS> -c<connections> -d<duration_s>`` against ``url``; stops by itself."""
    binary = wrk_binary()
    if binary is None:
        raise RuntimeError("the wrk binary is not installed (apt-get install wrk)")
    seconds = max(1, round(duration_s))  # wrk takes whole seconds (s, m, h units only)
    argv = [binary, f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s",
            "--timeout", "5s", "-s", str(script), url]
    out_path = out_dir / "wrk.out"
    machine_before = psutil.cpu_times()
    server_before, wall = cpu_s(server), time.perf_counter()
    with open(out_path, "wb") as out:
        popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT)
    try:
        usage = _wait_with_usage(popen, seconds + KILL_GRACE_S)
    finally:
        if popen.returncode is None and popen.poll() is None:
            popen.kill()
            popen.wait()
    wall_s = time.perf_counter() - wall
    server_s = cpu_s(server) - server_before
    machine_after = psutil.cpu_times()
    busy_s = sum(machine_after) - sum(machine_before) - (
        machine_after.idle - machine_before.idle) - (
        getattr(machine_after, "iowait", 0.0) - getattr(machine_before, "iowait", 0.0))
    output = out_path.read_text(errors="replace")
    if popen.returncode != 0:
        raise RuntimeError(f"wrk exited with {popen.returncode}: {output[-1000:]}")
    totals = parse_output(output)
    return WrkRun(totals, totals.requests / max(totals.duration_us / 1e6, 1e-9),
                  100 * server_s / wall_s, 100 * usage / wall_s, 100 * busy_s / wall_s)


def _wait_with_usage(popen: subprocess.Popen[bytes], timeout_s: float) -> float:
    """Wait for ``popen`` (killing it after ``timeout_s``); its user + system CPU seconds."""
    deadline = time.monotonic() + timeout_s
    while True:
        pid, status, usage = os.wait4(popen.pid, os.WNOHANG)
        if pid == popen.pid:
            popen.returncode = os.waitstatus_to_exitcode(status)
            return float(usage.ru_utime + usage.ru_stime)
        if time.monotonic() > deadline:
            popen.kill()
            _, status, usage = os.wait4(popen.pid, 0)
            popen.returncode = os.waitstatus_to_exitcode(status)
            raise RuntimeError(f"wrk did not stop within {timeout_s:g} s; killed")
        time.sleep(0.02)
