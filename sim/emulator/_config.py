"""What one emulator process is: the simulated account, how it listens, paces and guards.

Every limit is a named field with its unit, so a test can shrink a timeout instead of waiting for
it, and the CLI maps one flag to one field.
"""

from __future__ import annotations

import time
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sim._files import safe_name
from sim.core.service import ServiceConfig
from sim.scenario import Population

Pacing = Literal["realtime", "instant", "virtual"]
AuthMode = Literal["none", "sigv4"]
QuotaProfileName = Literal["aws-2023", "aws-2026", "unlimited"]

DEFAULT_PORT = 8080
DEFAULT_ACCESS_KEY_ID = "AKIAPINSIMEXAMPLE000"
"""Test credentials checked under ``--auth sigv4`` unless others are configured."""
DEFAULT_SECRET_ACCESS_KEY = "pinsim-secret-access-key-for-tests-only"

MAX_BODY_BYTES = 7 * 1024 * 1024
"""Pinpoint's 7 MB request body limit (reference §5); above it: 413 before the body is read."""
MAX_HEADER_BYTES = 16 * 1024
"""Request line plus headers; above it: 400 (h11 stops buffering there)."""


def default_run_id() -> str:
    """A run id that sorts by start time and does not collide between two servers."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{time.monotonic_ns() % 1_000_000:06d}"


@dataclass(frozen=True, kw_only=True)
class EmulatorConfig:
    """Settings of one emulator; ``service`` is the simulated account every request goes to.

    ``pacing``: ``realtime`` answers a send when its simulated deliveries complete; ``instant``
    answers at once (service time is still real elapsed time); ``virtual`` answers at once and
    moves the service clock to each send's completion, like ``sim.Pinpoint``'s default clock.
    """

    service: ServiceConfig = field(default_factory=ServiceConfig)
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    pacing: Pacing = "realtime"
    auth: AuthMode = "none"
    access_key_id: str = DEFAULT_ACCESS_KEY_ID
    secret_access_key: str = DEFAULT_SECRET_ACCESS_KEY
    max_clock_skew_s: float = 15 * 60.0
    quota_profile: QuotaProfileName = "unlimited"
    quota_burst_s: float = 1.0
    """Each operation's token bucket holds this many seconds of its rate (at least 1 token)."""
    app_ids: tuple[str, ...] = ()
    """Apps created at start (and after each reset) with these exact ids."""
    app_name: str = "pinsim"
    population: Population | None = None
    """Endpoints and users generated into ``population_app_id`` at start and after each reset
    (sim.emulator._preload names them)."""
    population_app_id: str = "pinsim"
    max_body_bytes: int = MAX_BODY_BYTES
    max_header_bytes: int = MAX_HEADER_BYTES
    request_timeout_s: float = 10.0
    """From a request's first byte to its last; a client that stalls gets 408 after it."""
    idle_timeout_s: float = 60.0
    """A keep-alive connection with no request in progress is closed after this."""
    send_timeout_s: float = 30.0
    """A client that does not read its response within this is disconnected."""
    shutdown_grace_s: float = 30.0
    """After SIGINT/SIGTERM, in-flight requests get this long to be answered."""
    results_dir: Path | None = Path("results")
    """Final stats go to ``<results_dir>/emulator/<run_id>/stats.json``; None writes nothing."""
    run_id: str = field(default_factory=default_run_id)
    wall_clock: Callable[[], float] = time.time
    """Unix time for SigV4 skew checks (tests move it; pacing uses trio's clock)."""

    def __post_init__(self) -> None:
        for name in ("max_clock_skew_s", "quota_burst_s", "request_timeout_s",
                     "idle_timeout_s", "send_timeout_s", "shutdown_grace_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"EmulatorConfig.{name} must be > 0, not {getattr(self, name)}")
        for name, allowed in (("pacing", Pacing), ("auth", AuthMode),
                              ("quota_profile", QuotaProfileName)):
            if getattr(self, name) not in typing.get_args(allowed):
                raise ValueError(f"EmulatorConfig.{name} must be one of "
                                 f"{', '.join(typing.get_args(allowed))}, not "
                                 f"{getattr(self, name)!r}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"--port must be in [0, 65535], not {self.port}")
        safe_name(self.run_id, "--run-id")  # one folder under <results_dir>/emulator
        if self.max_body_bytes < 0 or self.max_header_bytes < 1024:
            raise ValueError("EmulatorConfig.max_body_bytes must be >= 0 and max_header_bytes "
                             ">= 1024")
