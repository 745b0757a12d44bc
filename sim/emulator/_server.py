"""``serve``: listen, serve connections, shut down in order, write the final stats.

Shutdown (``Emulator.request_shutdown()``, or SIGINT/SIGTERM with ``handle_signals=True``):
stop accepting, answer the requests already in progress, refuse new ones on open connections
with 503 and close idle keep-alive connections. A real-time send still held for its simulated
completion after ``shutdown_grace_s`` (or at a second signal) is answered 503 at once; a
connection still open ``REFUSAL_S`` after that (a client not reading its answer) is closed.
Then the final stats go to ``<results_dir>/emulator/<run_id>/stats.json``, written atomically,
and ``serve`` returns them.
"""

from __future__ import annotations

import functools
import logging
import signal

import msgspec
import trio

from sim._files import write_atomically
from sim.core.service import warm_up

from ._app import Emulator
from ._config import EmulatorConfig
from ._http import serve_connection
from ._stats import StatsReport

log = logging.getLogger("sim.emulator")

REFUSAL_S = 2.0
"""How long refused connections get to take their 503 before they are closed."""


async def serve(config: EmulatorConfig, *, handle_signals: bool = False,
                task_status: trio.TaskStatus[Emulator] = trio.TASK_STATUS_IGNORED
                ) -> StatsReport:
    """Run an emulator until shutdown is requested; reports the running ``Emulator`` (with
    its bound ``port`` and ``url``) to ``nursery.start`` once it accepts connections."""
    emulator = Emulator(config)
    warm_up()  # compile the core's kernels now, not during the first client's request
    listeners = await trio.open_tcp_listeners(config.port, host=config.host)
    emulator.port = listeners[0].socket.getsockname()[1]
    handler = functools.partial(_serve_stream, emulator)
    async with trio.open_nursery() as background:  # cancelled once the final stats are out
        connections_scope: list[trio.CancelScope] = []
        background.start_soon(emulator.deadlines.run)
        if handle_signals:  # lives until the final stats are written: see _shutdown_on_signal
            await background.start(_shutdown_on_signal, emulator, connections_scope)
        async with trio.open_nursery() as connections:
            connections_scope.append(connections.cancel_scope)
            async with trio.open_nursery() as accepting:
                accepting.start_soon(functools.partial(
                    trio.serve_listeners, handler, listeners, handler_nursery=connections))
                log.info("pinsim emulator listening on %s (pacing %s, auth %s, quotas %s)",
                         emulator.url, config.pacing, config.auth, config.quota_profile)
                task_status.started(emulator)
                await emulator.shutdown_requested.wait()
                accepting.cancel_scope.cancel()
            emulator.begin_draining()
            in_flight = emulator.stats.in_flight
            if in_flight:
                log.info("answering %d request(s) in flight; after %g s, or at a second "
                         "signal, sends still held are refused with 503", in_flight,
                         config.shutdown_grace_s)
            background.start_soon(_refuse_after, emulator, config.shutdown_grace_s,
                                  connections.cancel_scope)
        report = emulator.report(final=True)
        if config.results_dir is not None:
            path = config.results_dir / "emulator" / config.run_id / "stats.json"
            write_atomically(path, msgspec.json.format(msgspec.json.encode(report)) + b"\n")
            log.info("final stats written to %s", path)
        background.cancel_scope.cancel()
    return report


async def _serve_stream(emulator: Emulator, stream: trio.SocketStream) -> None:
    emulator.stats.open_connections += 1
    try:
        await serve_connection(stream, emulator)
    finally:
        emulator.stats.open_connections -= 1


async def _refuse_after(emulator: Emulator, grace_s: float,
                        connections: trio.CancelScope) -> None:
    await trio.sleep(grace_s)
    _refuse_now(emulator, [connections])


def _refuse_now(emulator: Emulator, connections_scope: list[trio.CancelScope]) -> None:
    """Held sends answer 503 now; connections get ``REFUSAL_S`` to take their answers."""
    emulator.refuse_held()
    for scope in connections_scope:
        scope.deadline = min(scope.deadline, trio.current_time() + REFUSAL_S)


async def _shutdown_on_signal(emulator: Emulator, connections_scope: list[trio.CancelScope],
                              task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
                              ) -> None:
    """The first SIGINT/SIGTERM drains (in-flight requests get the grace period); a second one
    refuses what is still held at once. Either way the final stats are written: the signals
    stay caught until then, so a second Ctrl-C cannot interrupt the write. They are caught
    before ``serve`` reports that it listens, so a signal sent as soon as it does is a clean
    shutdown too.

    After a signal has started the shutdown, SIGINT and SIGTERM stay ignored for the rest of
    the process (``handle_signals`` is for the process that owns the emulator, as ``pinsim
    serve``): a second Ctrl-C that comes after the write, while trio winds down, would
    otherwise end a clean shutdown in a KeyboardInterrupt traceback and a failing exit status.
    """
    received = False
    try:
        with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            task_status.started()
            async for signum in signals:
                received = True
                name = signal.Signals(signum).name
                if not emulator.shutdown_requested.is_set():
                    log.info("received %s: shutting down", name)
                    emulator.request_shutdown()
                else:
                    log.info("received %s again: refusing requests still in flight", name)
                    _refuse_now(emulator, connections_scope)
    finally:
        if received:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, signal.SIG_IGN)
