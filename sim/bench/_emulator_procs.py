"""Child processes of the emulator benchmark: start, wait until ready, always stop.

Every server runs in its own process so that the one measured is alone in its interpreter
and its CPU and memory can be read with psutil. ``running`` stops the child (SIGTERM, then
SIGKILL) on every way out, including exceptions and KeyboardInterrupt.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, NamedTuple

import msgspec
import psutil

from ._emulator_inflight import raise_nofile_limit
from ._environment import REPO_ROOT, python_env

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
URL_PATTERN = re.compile(rb"listening on (http://[0-9.]+:(\d+))")


class Child(NamedTuple):
    """A running server: its process, and the port it listens on."""

    popen: subprocess.Popen[bytes]
    process: psutil.Process
    port: int


class ServedStats(msgspec.Struct):
    """The parts of ``GET /_pinsim/stats`` the benchmarks read."""

    requests: dict[str, dict[str, int]]
    """Operation -> HTTP status -> answers."""
    in_flight: int
    open_connections: int


def fetch_stats(connection: http.client.HTTPConnection) -> ServedStats:
    """The emulator's ``GET /_pinsim/stats`` (its own request counts as one in flight)."""
    status, body = call(connection, "GET", "/_pinsim/stats")
    if status != 200:
        raise RuntimeError(f"GET /_pinsim/stats answered {status}")
    return msgspec.json.decode(body, type=ServedStats)


def free_port() -> int:
    """A port nothing listens on now (for servers that cannot be told ``--port 0``)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _read_line(stream: IO[bytes], deadline: float) -> bytes:
    """One line of a child's stdout, or b"" when it closed or the deadline passed."""
    fd, line = stream.fileno(), b""
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return b""
        byte = os.read(fd, 1)
        if not byte:
            return line
        line += byte
    return line


def _wait_for_port(popen: subprocess.Popen[bytes], port: int, deadline: float) -> None:
    while time.monotonic() < deadline and popen.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1.0):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{popen.args!r} did not listen on port {port}")


def stop(popen: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the emulator then drains and exits 0), SIGKILL if that takes too long."""
    if popen.poll() is None:
        popen.send_signal(signal.SIGTERM)
        try:
            popen.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(STOP_TIMEOUT_S)
    for stream in (popen.stdin, popen.stdout, popen.stderr):
        if stream is not None:
            stream.close()


@contextlib.contextmanager
def running(argv: Sequence[str], *, port: int | None = None, log: Path,
            many_files: bool = False) -> Iterator[Child]:
    """Start ``argv``; ready when it prints ``listening on http://host:port`` (``port`` None)
    or accepts connections on ``port``. Its stderr goes to ``log``."""
    deadline = time.monotonic() + START_TIMEOUT_S
    with open(log, "ab") as errors:
        popen = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=errors, env=python_env(), cwd=REPO_ROOT,
                                 preexec_fn=raise_nofile_limit if many_files else None)
    try:
        if port is None:
            assert popen.stdout is not None
            line = _read_line(popen.stdout, deadline)
            found = URL_PATTERN.search(line)
            if found is None:
                raise RuntimeError(f"{' '.join(argv)} did not start: {line[-300:]!r}; "
                                   f"its log: {log_tail(log)}")
            port = int(found.group(2))
        else:
            _wait_for_port(popen, port, deadline)
        yield Child(popen, psutil.Process(popen.pid), port)
    finally:
        stop(popen)


def log_tail(path: Path) -> str:
    try:
        return path.read_bytes()[-1500:].decode(errors="replace")
    except OSError:
        return "(none)"


def emulator_argv(pacing: str, app_id: str, results_dir: Path,
                  scenario: Path | None = None) -> list[str]:
    """``pinsim serve`` exactly as a user starts it, on an ephemeral loopback port."""
    argv = [sys.executable, "-m", "sim.cli", "serve", "--host", HOST, "--port", "0",
            "--pacing", pacing, "--app-id", app_id, "--results-dir", str(results_dir),
            "--log-level", "WARNING"]
    return [*argv, "--scenario", str(scenario)] if scenario is not None else argv


def call(connection: http.client.HTTPConnection, method: str, path: str,
         body: bytes | None = None, headers: Mapping[str, str] | None = None
         ) -> tuple[int, bytes]:
    """One request on a keep-alive connection: status and body."""
    connection.request(method, path, body=body, headers=dict(headers or {}))
    response = connection.getresponse()
    return response.status, response.read()


def cpu_s(process: psutil.Process) -> float:
    """User + system CPU seconds of a live process so far."""
    times = process.cpu_times()
    return float(times.user + times.system)
