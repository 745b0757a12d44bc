"""Many concurrent in-flight requests, one per keep-alive connection, from a separate process.

``python -m sim.bench._emulator_inflight --port P --path /v1/... --body-file F --count N``
opens N connections, prints ``{"connected": N, ...}`` and waits for a line on stdin; then it
writes one request on every connection as fast as it can and reads the N answers, and prints
one ``InFlightReport`` as JSON. Plain non-blocking sockets and ``select.epoll``, not an
async framework: the client shares the one core with the server under test, so every
microsecond it spends is taken from the server; writing 20,000 prepared requests costs it
tens of milliseconds. It runs in its own process so its file descriptors, CPU and memory are
not the benchmark's or the server's.
"""

from __future__ import annotations

import argparse
import errno
import resource
import select
import socket
import statistics
import sys
import time
from pathlib import Path

import msgspec

CONNECT_BATCH = 256
"""Connections opened at a time: the listen backlog (somaxconn) must not overflow, or a lost
SYN costs a 1 s retransmit."""
RECEIVE_BYTES = 65536
MAX_EVENTS = 1024
"""Events per epoll wait (``selectors`` would size each wait's buffer to every socket)."""


class InFlightReport(msgspec.Struct, frozen=True, kw_only=True):
    """The exchange after ``Connected`` (one request on each connected socket)."""

    statuses: dict[str, int]
    """HTTP status -> answers."""
    send_span_s: float
    """From the first request written to the last."""
    latency_min_s: float
    latency_median_s: float
    latency_max_s: float
    """From a request written to its answer complete."""
    cpu_s: float
    """This client's CPU time (user + system) for the whole run; most of it is kernel time in
    ``connect()``, which on loopback also does the server's half of the handshake."""
    exchange_cpu_s: float
    """The same from the first request written to the last answer read."""


class Connected(msgspec.Struct, frozen=True, kw_only=True):
    connected: int
    connect_s: float


def raise_nofile_limit() -> None:
    """Raise the soft open-files limit to the hard one (no privilege needed; also a server's
    ``preexec_fn``, run in the child)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def open_connections(host: str, port: int, count: int, timeout_s: float) -> list[socket.socket]:
    """``count`` connected non-blocking sockets, opened ``CONNECT_BATCH`` at a time."""
    deadline = time.monotonic() + timeout_s
    done: list[socket.socket] = []
    with select.epoll() as poller:
        while len(done) < count:
            pending: dict[int, socket.socket] = {}
            for _ in range(min(CONNECT_BATCH, count - len(done))):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.setblocking(False)
                code = sock.connect_ex((host, port))
                if code not in (0, errno.EINPROGRESS):
                    sock.close()
                    raise OSError(code, f"connect to {host}:{port}: {errno.errorcode[code]}")
                poller.register(sock.fileno(), select.EPOLLOUT)
                pending[sock.fileno()] = sock
            while pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"only {len(done)} of {count} connections opened")
                for fd, _ in poller.poll(left, MAX_EVENTS):
                    poller.unregister(fd)
                    sock = pending.pop(fd)
                    code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if code:
                        raise OSError(code, f"connect failed: {errno.errorcode.get(code)}")
                    done.append(sock)
    return done


def _answer_status(buffer: bytearray) -> int | None:
    """The status of a complete HTTP/1.1 answer in ``buffer``, None while incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if len(buffer) < end + 4 + length:
        return None
    return int(head[0].split()[1])


def exchange(sockets: list[socket.socket], request: bytes, timeout_s: float
             ) -> tuple[dict[str, int], list[float], float]:
    """Write ``request`` on every socket, then read one answer from each.

    Returns statuses, latencies and the span of the writes; answers missing at the
    deadline are simply not counted.
    """
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    sent_at: dict[int, float] = {}
    buffers: dict[int, bytearray] = {}
    by_fd = {sock.fileno(): sock for sock in sockets}
    with select.epoll() as poller:
        first = time.perf_counter()
        for fd, sock in by_fd.items():
            sock.sendall(request)  # small request, empty socket buffer: never blocks here
            sent_at[fd] = time.perf_counter()
            buffers[fd] = bytearray()
            poller.register(fd, select.EPOLLIN)
        span_s = time.perf_counter() - first
        deadline = time.monotonic() + timeout_s
        waiting = len(sockets)
        while waiting and time.monotonic() < deadline:
            for fd, _ in poller.poll(max(0.0, deadline - time.monotonic()), MAX_EVENTS):
                data = by_fd[fd].recv(RECEIVE_BYTES)
                buffer = buffers[fd]
                buffer += data
                status = _answer_status(buffer)
                if status is None and data:
                    continue
                poller.unregister(fd)
                waiting -= 1
                if status is not None:
                    latencies.append(time.perf_counter() - sent_at[fd])
                    statuses[str(status)] = statuses.get(str(status), 0) + 1
    return statuses, latencies, span_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--timeout-s", type=float, default=60.0)
    args = parser.parse_args(argv)
    raise_nofile_limit()
    body = args.body_file.read_bytes()
    request = (f"POST {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
               ).encode("latin-1") + body
    wall, cpu = time.perf_counter(), time.process_time()
    sockets = open_connections(args.host, args.port, args.count, args.timeout_s)
    connect_s = time.perf_counter() - wall
    out = sys.stdout.buffer
    out.write(msgspec.json.encode(Connected(connected=len(sockets), connect_s=connect_s)) + b"\n")
    out.flush()
    if not sys.stdin.readline():
        return 1  # the parent went away
    exchange_cpu = time.process_time()
    statuses, latencies, span_s = exchange(sockets, request, args.timeout_s)
    exchange_cpu = time.process_time() - exchange_cpu
    for sock in sockets:
        sock.close()
    report = InFlightReport(
        statuses=statuses, send_span_s=span_s, latency_min_s=min(latencies, default=0.0),
        latency_median_s=statistics.median(latencies) if latencies else 0.0,
        latency_max_s=max(latencies, default=0.0), cpu_s=time.process_time() - cpu,
        exchange_cpu_s=exchange_cpu)
    out.write(msgspec.json.encode(report) + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
