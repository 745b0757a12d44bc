"""The Pinpoint REST API over HTTP, on trio + h11: ``serve`` in a trio program, or
``run_in_thread`` / ``start_in_thread`` for synchronous callers (boto3, tests).

Every operation goes through ``sim.core.service.Service.call``; this package adds only HTTP:
routing from ``sim.api.OPERATIONS``, AWS error rendering, request quotas, SigV4 checks,
real-time pacing of answers, stats and shutdown. The CLI glue is ``sim.emulator.cli``.
"""

from ._app import Emulator as Emulator
from ._config import DEFAULT_ACCESS_KEY_ID as DEFAULT_ACCESS_KEY_ID
from ._config import DEFAULT_PORT as DEFAULT_PORT
from ._config import DEFAULT_SECRET_ACCESS_KEY as DEFAULT_SECRET_ACCESS_KEY
from ._config import MAX_BODY_BYTES as MAX_BODY_BYTES
from ._config import EmulatorConfig as EmulatorConfig
from ._quotas import QUOTA_PROFILES as QUOTA_PROFILES
from ._quotas import OperationQuotas as OperationQuotas
from ._quotas import TokenBucket as TokenBucket
from ._routing import Route as Route
from ._routing import Router as Router
from ._server import serve as serve
from ._sigv4 import SigV4Verifier as SigV4Verifier
from ._stats import StatsReport as StatsReport
from ._thread import EmulatorThread as EmulatorThread
from ._thread import run_in_thread as run_in_thread
from ._thread import start_in_thread as start_in_thread

__all__ = [
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_PORT",
    "DEFAULT_SECRET_ACCESS_KEY",
    "MAX_BODY_BYTES",
    "QUOTA_PROFILES",
    "Emulator",
    "EmulatorConfig",
    "EmulatorThread",
    "OperationQuotas",
    "Route",
    "Router",
    "SigV4Verifier",
    "StatsReport",
    "TokenBucket",
    "run_in_thread",
    "serve",
    "start_in_thread",
]
