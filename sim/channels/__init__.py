"""sim.channels: sans-IO channel models (latency, failures, rate limits, connection pools).

``ChannelModel(profile, seed).admit(now, batch)`` turns a batch of deliveries into per-delivery
start, end, status, provider code and message columns. Time is always an argument; nothing here
reads a clock or does I/O.
"""

from .batch import Admission as Admission
from .batch import DeliveryBatch as DeliveryBatch
from .fleet import NO_I64 as NO_I64
from .fleet import SUCCESS_STATUS_CODE as SUCCESS_STATUS_CODE
from .fleet import ChannelFleet as ChannelFleet
from .fleet import ChannelState as ChannelState
from .fleet import seeded_streams as seeded_streams
from .kernels import UNDECIDED as UNDECIDED
from .latency import BasicLatency as BasicLatency
from .latency import ConstantLatency as ConstantLatency
from .latency import EmpiricalLatency as EmpiricalLatency
from .latency import ExponentialLatency as ExponentialLatency
from .latency import GammaLatency as GammaLatency
from .latency import LatencyDistribution as LatencyDistribution
from .latency import LognormalLatency as LognormalLatency
from .latency import MixtureComponent as MixtureComponent
from .latency import MixtureLatency as MixtureLatency
from .model import ChannelModel as ChannelModel
from .profile import ChannelProfile as ChannelProfile
from .profile import FailureRule as FailureRule
from .profile import Pool as Pool
from .profile import RateLimit as RateLimit
from .status import DUPLICATE as DUPLICATE
from .status import OPT_OUT as OPT_OUT
from .status import PERMANENT_FAILURE as PERMANENT_FAILURE
from .status import STATUS_CODES as STATUS_CODES
from .status import STATUS_NAMES as STATUS_NAMES
from .status import SUCCESSFUL as SUCCESSFUL
from .status import TEMPORARY_FAILURE as TEMPORARY_FAILURE
from .status import THROTTLED as THROTTLED
from .status import UNKNOWN_FAILURE as UNKNOWN_FAILURE
from .streams import LatencySampler as LatencySampler
from .streams import child_seed as child_seed

__all__ = [
    "DUPLICATE",
    "NO_I64",
    "OPT_OUT",
    "PERMANENT_FAILURE",
    "STATUS_CODES",
    "STATUS_NAMES",
    "SUCCESSFUL",
    "SUCCESS_STATUS_CODE",
    "TEMPORARY_FAILURE",
    "THROTTLED",
    "UNDECIDED",
    "UNKNOWN_FAILURE",
    "Admission",
    "BasicLatency",
    "ChannelFleet",
    "ChannelModel",
    "ChannelProfile",
    "ChannelState",
    "ConstantLatency",
    "DeliveryBatch",
    "EmpiricalLatency",
    "ExponentialLatency",
    "FailureRule",
    "GammaLatency",
    "LatencyDistribution",
    "LatencySampler",
    "LognormalLatency",
    "MixtureComponent",
    "MixtureLatency",
    "Pool",
    "RateLimit",
    "child_seed",
    "seeded_streams",
]
