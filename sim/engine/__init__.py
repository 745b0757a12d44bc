"""sim.engine: virtual-time simulation of whole workloads, columnar and batched.

``run(scenario)`` returns an :class:`EngineResult`; the rules and channel models are those of
sim.core and sim.channels, so results agree with the in-process client for the same seed.
"""

from sim.scenario.population import EndpointTable as EndpointTable
from sim.scenario.population import build_population as build_population

from .loop import DEFAULT_BLOCK_DELIVERIES as DEFAULT_BLOCK_DELIVERIES
from .loop import Progress as Progress
from .loop import StopFlag as StopFlag
from .loop import UnrunnableScenario as UnrunnableScenario
from .loop import channel_router as channel_router
from .loop import run as run
from .plan import PlanOutcome as PlanOutcome
from .plan import PlanTrial as PlanTrial
from .plan import plan as plan
from .plan import with_value as with_value
from .result import REQUEST_TAG as REQUEST_TAG
from .result import ChannelSeries as ChannelSeries
from .result import EngineResult as EngineResult
from .result import SloVerdict as SloVerdict
from .slo import error_ratio as error_ratio
from .slo import evaluate_slos as evaluate_slos
from .window import WindowOutcome as WindowOutcome

__all__ = [
    "DEFAULT_BLOCK_DELIVERIES",
    "REQUEST_TAG",
    "ChannelSeries",
    "EndpointTable",
    "EngineResult",
    "PlanOutcome",
    "PlanTrial",
    "Progress",
    "SloVerdict",
    "StopFlag",
    "UnrunnableScenario",
    "WindowOutcome",
    "build_population",
    "channel_router",
    "error_ratio",
    "evaluate_slos",
    "plan",
    "run",
    "with_value",
]
