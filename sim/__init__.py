"""pinsim: simulation and load-test harness for Pinpoint-style fan-out messaging APIs.

``sim.Pinpoint`` is the in-process simulator with boto3's client interface. It is imported on
first use so that ``import sim.api`` (for example in a Locust worker) pulls in nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Pinpoint", "ServiceConfig", "__version__"]

if TYPE_CHECKING:
    from .client import Pinpoint as Pinpoint
    from .core.service import ServiceConfig as ServiceConfig


def __getattr__(name: str) -> Any:
    if name == "Pinpoint":
        from .client import Pinpoint

        return Pinpoint
    if name == "ServiceConfig":
        from .core.service import ServiceConfig

        return ServiceConfig
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
