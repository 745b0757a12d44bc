"""Part 3: memory of many concurrent in-flight sends in ``realtime`` pacing.

The SMS channel gets a constant latency, so the emulator holds every SMS send for exactly that
long. A client process (``_emulator_inflight``) opens one keep-alive connection per send and,
on a signal, writes all the sends at once; meanwhile this process polls ``GET /_pinsim/stats``
(the emulator's own in-flight count: proof the sends were concurrent) and the server's RSS
(psutil). KB per in-flight send = (RSS at the peak - RSS before the connections were opened)
/ sends in flight at the peak, connection included; the split is reported too.

Two limits of this machine shape the run, and are recorded in the results:
- file descriptors: the hard RLIMIT_NOFILE (20,000 here, not raisable without
  CAP_SYS_RESOURCE) caps the connections one server process can hold, so the count is the
  requested one or the fd budget, whichever is smaller;
- admission rate: the server parses and admits a few thousand sends per second, so with a 1 s
  latency the first answers leave before the last sends arrive. The hold therefore lasts long
  enough for every send to be admitted first (``--quick``: 200 sends, held the 1 s asked).
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import msgspec
import psutil

from ._emulator_inflight import Connected, InFlightReport, raise_nofile_limit
from ._emulator_procs import (
    HOST,
    call,
    cpu_s,
    emulator_argv,
    fetch_stats,
    log_tail,
    running,
    stop,
)
from ._emulator_send import APP_ID, JSON
from ._environment import REPO_ROOT, python_env
from ._registry import Measurement
from ._schema import Setting, at_least, at_most, figure

TARGET_KB_PER_IN_FLIGHT = 20.0
FD_MARGIN = 16
"""File descriptors kept free in the server beyond those open at start and the stats one."""
POLL_S = 0.05
CLIENT_SLACK_S = 120.0
"""How long after the hold the client waits for answers before giving up."""
CONNECT_TIMEOUT_S = 60.0
KB = 1024
SMS_SEND = (b'{"Addresses":{"+12065550100":{"ChannelType":"SMS"}},"MessageConfiguration":'
            b'{"SMSMessage":{"Body":"Your Acme code is 482913","MessageType":"TRANSACTIONAL"}}}')
WARM_SEND = (b'{"Addresses":{"warm-token:APA91bwarm":{"ChannelType":"GCM"}},'
             b'"MessageConfiguration":{"DefaultPushNotificationMessage":{"Body":"warm"}}}')
"""GCM has no profile here (ideal: answered at once), so warming up does not wait."""


class HeldPlan(NamedTuple):
    requested: int
    hold_s: float


class Peak(NamedTuple):
    in_flight: int
    rss_bytes: int
    ramp_s: float
    """From the go signal to the first stats answer that counted the peak."""


def _in_flight(connection: http.client.HTTPConnection) -> int:
    return fetch_stats(connection).in_flight  # API requests only (not this stats request)


def profile_file(tmp: Path, hold_s: float) -> Path:
    path = tmp / "held-sms.toml"
    path.write_text(f'[channels.SMS]\nlatency = {{kind = "constant", value_s = {hold_s!r}}}\n')
    return path


def fd_budget(server: psutil.Process) -> int:
    """Connections the server can still accept: its hard fd limit minus what it holds."""
    _, hard = server.rlimit(psutil.RLIMIT_NOFILE)
    return int(hard) - int(server.num_fds()) - 1 - FD_MARGIN


def watch(stats: http.client.HTTPConnection, server: psutil.Process,
          client: subprocess.Popen[bytes], go_s: float, deadline: float) -> Peak:
    """Poll in-flight count and RSS until the client exits; the highest count and its RSS."""
    peak = Peak(0, server.memory_info().rss, 0.0)
    while client.poll() is None and time.monotonic() < deadline:
        in_flight = _in_flight(stats)
        rss = server.memory_info().rss
        if in_flight > peak.in_flight:
            peak = Peak(in_flight, rss, time.perf_counter() - go_s)
        time.sleep(POLL_S)
    return peak


def _wait_for_connections(stats: http.client.HTTPConnection, count: int) -> None:
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while (open_now := fetch_stats(stats).open_connections) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the emulator holds {open_now} connections, not {count}")
        time.sleep(POLL_S)


def run_held(plan: HeldPlan, tmp: Path, log: Callable[[str], None]) -> Measurement:
    body_file = tmp / "held-send.json"
    body_file.write_bytes(SMS_SEND)
    argv = emulator_argv("realtime", APP_ID, tmp / "results", profile_file(tmp, plan.hold_s))
    path = f"/v1/apps/{APP_ID}/messages"
    with running(argv, log=tmp / "emulator-held.log", many_files=True) as emulator:
        stats = http.client.HTTPConnection(HOST, emulator.port, timeout=120)
        status, answer = call(stats, "POST", path, WARM_SEND, JSON)
        if status != 200:
            raise RuntimeError(f"warm-up SendMessages answered {status}: {answer[:300]!r}")
        server = emulator.process
        fd_limit = int(server.rlimit(psutil.RLIMIT_NOFILE)[1])
        count = min(plan.requested, fd_budget(server))
        rss_before = server.memory_info().rss
        log(f"held: {count:,} connections, then {count:,} SMS sends held {plan.hold_s:g} s")
        with open(tmp / "client.log", "ab") as client_log:
            client = subprocess.Popen(
                [sys.executable, "-m", "sim.bench._emulator_inflight", "--host", HOST,
                 "--port", str(emulator.port), "--path", path, "--body-file", str(body_file),
                 "--count", str(count), "--timeout-s", str(plan.hold_s + CLIENT_SLACK_S)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=client_log,
                env=python_env(), cwd=REPO_ROOT, preexec_fn=raise_nofile_limit)
        try:
            assert client.stdin is not None and client.stdout is not None
            line = client.stdout.readline()
            if not line:
                raise RuntimeError(f"the in-flight client failed: {log_tail(tmp / 'client.log')}")
            connected = msgspec.json.decode(line, type=Connected)
            _wait_for_connections(stats, count + 1)  # + the stats connection
            rss_connected = server.memory_info().rss
            server_cpu = cpu_s(server)
            go_s = time.perf_counter()
            client.stdin.write(b"go\n")
            client.stdin.flush()
            peak = watch(stats, server, client, go_s,
                         time.monotonic() + plan.hold_s + CLIENT_SLACK_S + 30)
            raw = client.stdout.read()
            if not raw:
                raise RuntimeError(f"the in-flight client failed: {log_tail(tmp / 'client.log')}")
            report = msgspec.json.decode(raw, type=InFlightReport)
            server_cpu = cpu_s(server) - server_cpu
        finally:
            stop(client)
            stats.close()
    answered_200 = report.statuses.get("200", 0)
    per_in_flight = (peak.rss_bytes - rss_before) / max(peak.in_flight, 1) / KB
    admission = peak.in_flight / max(peak.ramp_s, 1e-9)
    figures = [
        figure("held_in_flight_peak", peak.in_flight, "requests",
               "most sends the emulator counted in flight at once (/_pinsim/stats)",
               at_least(count, "requests")),
        figure("held_kb_per_in_flight", per_in_flight, "KB",
               "server RSS growth per in-flight send, its keep-alive connection included: "
               "(RSS at the peak - RSS before connecting) / peak", at_most(
                   TARGET_KB_PER_IN_FLIGHT, "KB")),
        figure("held_kb_per_connection", (rss_connected - rss_before) / count / KB, "KB",
               "server RSS growth per idle keep-alive connection, before any send"),
        figure("held_kb_per_send_on_open_connection",
               (peak.rss_bytes - rss_connected) / max(peak.in_flight, 1) / KB, "KB",
               "server RSS growth per in-flight send beyond its open connection"),
        figure("held_rss_before_mb", rss_before / 1e6, "MB", "server RSS after warm-up"),
        figure("held_rss_peak_mb", peak.rss_bytes / 1e6, "MB", "server RSS at the peak"),
        figure("held_answered_200_fraction", answered_200 / count, "fraction",
               "sends answered 200 by the client's deadline", at_least(1.0, "fraction")),
        figure("held_latency_min_s", report.latency_min_s, "s",
               f"client-side send-to-answer time, fastest (hold {plan.hold_s:g} s)"),
        figure("held_latency_median_s", report.latency_median_s, "s", "the same, median"),
        figure("held_latency_max_s", report.latency_max_s, "s", "the same, slowest"),
        figure("held_ramp_s", peak.ramp_s, "s",
               "go signal to the first stats answer showing the peak (upper bound)"),
        figure("held_admission_per_s", admission, "req/s",
               "sends admitted per second while ramping (lower bound: peak / ramp)"),
        figure("held_server_cpu_s", server_cpu, "s", "server CPU from go to the last answer"),
        figure("held_client_cpu_s", report.exchange_cpu_s, "s",
               "in-flight client CPU from its first request to its last answer"),
    ]
    settings: dict[str, Setting] = {
        "held_requested": plan.requested,
        "held_connections": count,
        "held_hold_s": plan.hold_s,
        "held_server_fd_limit": fd_limit,
        "held_connections_limited_by": (
            "requested count" if count == plan.requested else
            f"the server's hard RLIMIT_NOFILE ({fd_limit}) minus the descriptors it holds: "
            "one connection per in-flight send"),
        "held_connect_s": round(connected.connect_s, 3),
        "held_client_cpu_whole_run_s": round(report.cpu_s, 3),
        "held_client_send_span_s": round(report.send_span_s, 4),
        "held_statuses": ", ".join(f"{n} x {s}" for s, n in sorted(report.statuses.items())),
        "held_rss_source": "psutil memory_info().rss of the emulator process",
    }
    return Measurement(figures, settings)
