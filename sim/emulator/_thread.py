"""An emulator on a background thread with its own trio loop, for synchronous callers.

Tests, the harness and scripts that drive it with boto3 (which blocks) use this; everything
else should ``await serve(...)`` in its own trio program.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import trio

from ._app import Emulator
from ._config import EmulatorConfig
from ._server import serve
from ._stats import StatsReport

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 60.0


class EmulatorThread:
    """A running background emulator: its ``url``, ``port``, and ``stop()``."""

    def __init__(self, emulator: Emulator, token: Any, thread: threading.Thread,
                 outcome: queue.Queue[BaseException | StatsReport]) -> None:
        self.emulator = emulator
        self._token = token
        self._thread = thread
        self._outcome = outcome
        self.final_report: StatsReport | None = None

    @property
    def url(self) -> str:
        return self.emulator.url

    @property
    def port(self) -> int:
        return self.emulator.port

    def call(self, fn: Any, *args: Any) -> Any:
        """Run a synchronous function on the emulator's trio thread (e.g. ``emulator.report``)."""
        return trio.from_thread.run_sync(fn, *args, trio_token=self._token)

    def stop(self) -> StatsReport:
        """Shut down as on SIGTERM and wait; returns the final stats (re-raises a crash)."""
        if self.final_report is not None:
            return self.final_report
        if self._thread.is_alive():
            with suppress(trio.RunFinishedError):
                self.call(self.emulator.request_shutdown)
        self._thread.join(STOP_TIMEOUT_S)
        if self._thread.is_alive():
            raise RuntimeError(f"emulator thread did not stop within {STOP_TIMEOUT_S:g} s")
        outcome = self._outcome.get_nowait()
        if isinstance(outcome, BaseException):
            raise RuntimeError("the emulator thread failed") from outcome
        self.final_report = outcome
        return outcome


def start_in_thread(config: EmulatorConfig) -> EmulatorThread:
    """Start an emulator on a daemon thread; returns once it accepts connections."""
    started: queue.Queue[BaseException | tuple[Emulator, Any]] = queue.Queue()
    outcome: queue.Queue[BaseException | StatsReport] = queue.Queue()

    def main() -> None:
        try:
            outcome.put(trio.run(_serve_and_report, config, started))
        except BaseException as exc:
            started.put(exc)
            outcome.put(exc)

    thread = threading.Thread(target=main, name=f"pinsim-emulator-{config.port}", daemon=True)
    thread.start()
    try:
        first = started.get(timeout=START_TIMEOUT_S)
    except queue.Empty:
        raise RuntimeError(f"emulator did not start within {START_TIMEOUT_S:g} s") from None
    if isinstance(first, BaseException):
        raise RuntimeError("the emulator failed to start") from first
    emulator, token = first
    return EmulatorThread(emulator, token, thread, outcome)


async def _serve_and_report(config: EmulatorConfig,
                            started: queue.Queue[BaseException | tuple[Emulator, Any]]
                            ) -> StatsReport:
    result: list[StatsReport] = []

    async def keep(task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        result.append(await serve(config, task_status=task_status))

    async with trio.open_nursery() as nursery:
        emulator = await nursery.start(keep)
        started.put((emulator, trio.lowlevel.current_trio_token()))
    return result[0]


@contextmanager
def run_in_thread(config: EmulatorConfig) -> Iterator[EmulatorThread]:
    """``with run_in_thread(config) as server: boto3.client(..., endpoint_url=server.url)``"""
    server = start_in_thread(config)
    try:
        yield server
    finally:
        server.stop()
