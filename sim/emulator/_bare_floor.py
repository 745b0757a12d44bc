"""The floor for the emulator's HTTP rate: a bare trio + h11 server answering a fixed body.

It does what any trio + h11 server must do per request (read and parse the request, body
included, and write a keep-alive response with the emulator's headers, built by the same
``json_response``, and body) and nothing else, so ``emulator rate / bare rate`` is what the
emulator keeps of a plain trio + h11 server's rate (the emulator itself frames requests of the
common shape without h11, ``_fastpath``, and does its socket I/O with one trio schedule point
per exchange instead of trio's two, ``_socket_io``; this server keeps h11 and trio's
``SocketStream``, as the plain server the ratio is defined against).
``python -m sim.emulator._bare_floor --body-file F`` prints
``listening on http://127.0.0.1:<port>`` once it accepts connections.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
from pathlib import Path

import h11
import trio

from ._http import RECEIVE_CHUNK_BYTES
from ._responses import json_response


async def serve_connection(body: bytes, stream: trio.SocketStream) -> None:
    """Answer every request on one connection with ``body`` until the peer closes."""
    connection = h11.Connection(h11.SERVER)
    headers = json_response(200, body, "00000000-0000-4000-8000-000000000000", "bare").headers
    try:
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                connection.receive_data(await stream.receive_some(RECEIVE_CHUNK_BYTES))
            elif isinstance(event, h11.EndOfMessage):
                await stream.send_all(
                    connection.send(h11.Response(status_code=200, headers=headers))
                    + connection.send(h11.Data(data=body)) + connection.send(h11.EndOfMessage()))
                connection.start_next_cycle()
            elif isinstance(event, h11.ConnectionClosed):
                return
    except (h11.RemoteProtocolError, h11.LocalProtocolError, trio.BrokenResourceError,
            trio.ClosedResourceError):
        return
    finally:
        await stream.aclose()


async def serve(body: bytes, host: str, port: int) -> None:
    listeners = await trio.open_tcp_listeners(port, host=host)
    bound = listeners[0].socket.getsockname()[1]
    async with trio.open_nursery() as nursery:
        await nursery.start(trio.serve_listeners,
                            functools.partial(serve_connection, body), listeners)
        print(f"listening on http://{host}:{bound}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        trio.run(serve, args.body_file.read_bytes(), args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
