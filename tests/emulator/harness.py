"""Start an emulator for a ServiceConfig and hand back what a boto3 client needs.

The core's semantic suite (tests/semantics) runs a second time through boto3 over HTTP with
this. Pacing is ``virtual``: answers leave at once and the service clock moves to each send's
completion, exactly like ``sim.Pinpoint``'s default clock, so both flavours see the same times.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.core.service import ServiceConfig
from sim.emulator import EmulatorConfig, start_in_thread


def start_emulator(config: ServiceConfig, **settings: object) -> tuple[str, Callable[[], None]]:
    """(endpoint URL for boto3, stop) for an emulator on an ephemeral loopback port.

    ``settings`` override EmulatorConfig fields (e.g. ``pacing="realtime"``).
    """
    fields: dict[str, object] = {"port": 0, "pacing": "virtual", "results_dir": None,
                                 **settings}
    server = start_in_thread(EmulatorConfig(service=config, **fields))  # type: ignore[arg-type]

    def stop() -> None:
        server.stop()

    return server.url, stop
