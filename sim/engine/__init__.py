"""sim.engine: virtual-time simulation of whole workloads, columnar and batched.

``run(scenario)`` returns an :class:`EngineResult`; the rules and channel models are those of
sim.core and sim.channels, so results agree with the in-process client for the same seed.
"""

from .result import REQUEST_TAG as REQUEST_TAG
from .result import ChannelSeries as ChannelSeries
from .result import EngineResult as EngineResult
from .result import SloVerdict as SloVerdict

__all__ = ["REQUEST_TAG", "ChannelSeries", "EngineResult", "SloVerdict"]
