"""Raw HTTP helpers: blocking sockets for byte-exact requests, and an h11 client on trio
streams for tests that run the server under trio's MockClock."""

from __future__ import annotations

import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

import h11
import trio
from trio.testing import MockClock

from sim.emulator import Emulator, EmulatorConfig, StatsReport, serve


class RawResponse(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


def parse_response(data: bytes) -> RawResponse:
    """The first response in ``data`` (must be complete); headers lower-cased."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    assert sep, f"no complete response head in {data[:200]!r}"
    lines = head.decode("latin-1").split("\r\n")
    version, status, *_ = lines[0].split(" ", 2)
    assert version == "HTTP/1.1", lines[0]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    assert len(rest) >= length, "response body cut short"
    return RawResponse(int(status), headers, rest[:length])


def raw_exchange(port: int, data: bytes, *, half_close: bool = True,
                 timeout_s: float = 5.0) -> tuple[bytes, float]:
    """Send ``data``, read until the server closes; (everything read, seconds it took)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks), time.monotonic() - started


def request_bytes(method: str, target: str, body: bytes = b"",
                  headers: list[tuple[str, str]] | None = None) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or [])]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class TrioHttpClient:
    """One keep-alive HTTP/1.1 connection on a trio stream, parsed with h11."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream = stream
        self.h11 = h11.Connection(h11.CLIENT)

    @classmethod
    async def connect(cls, port: int) -> TrioHttpClient:
        """Connect; use as ``async with await TrioHttpClient.connect(port) as client``."""
        return cls(await trio.open_tcp_stream("127.0.0.1", port))

    async def __aenter__(self) -> TrioHttpClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stream.aclose()

    async def request(self, method: str, target: str, body: bytes = b"",
                      headers: list[tuple[str, str]] | None = None) -> RawResponse:
        if self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE:
            self.h11.start_next_cycle()
        all_headers = [("host", "127.0.0.1"), ("content-length", str(len(body))),
                       *(headers or [])]
        data = self.h11.send(h11.Request(method=method, target=target, headers=all_headers))
        data += self.h11.send(h11.Data(data=body)) if body else b""
        data += self.h11.send(h11.EndOfMessage())
        await self.stream.send_all(data)
        return await self.response()

    async def response(self) -> RawResponse:
        status, headers, chunks = 0, {}, []
        while True:
            event = self.h11.next_event()
            if event is h11.NEED_DATA:
                self.h11.receive_data(await self.stream.receive_some(65536))
            elif isinstance(event, h11.Response):
                status = event.status_code
                headers = {k.decode(): v.decode() for k, v in event.headers}
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return RawResponse(status, headers, b"".join(chunks))
            else:
                raise AssertionError(f"unexpected event {event!r}")

    async def aclose(self) -> None:
        await self.stream.aclose()


def run_on_mock_clock(test: Callable[[Emulator], Awaitable[None]], **fields: Any) -> StatsReport:
    """Run ``test(emulator)`` against a server in one trio loop on ``MockClock``: time only
    moves when every task waits, so timeouts and pacing are exact and take no real time."""

    async def main() -> StatsReport:
        report: list[StatsReport] = []

        async def serve_and_keep(task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
            report.append(await serve(config, task_status=task_status))

        async with trio.open_nursery() as nursery:
            emulator = await nursery.start(serve_and_keep)
            await test(emulator)
            emulator.request_shutdown()
        return report[0]

    fields.setdefault("port", 0)
    fields.setdefault("results_dir", None)
    config = EmulatorConfig(**fields)
    result: StatsReport = trio.run(main, clock=MockClock(autojump_threshold=0))
    return result
