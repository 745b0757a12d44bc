"""sim.scenario: scenario files (TOML) decoded into msgspec Structs, and channel profiles.

``load_scenario(path)`` decodes and checks a file; every error names the file, the line and the
key path. The engine (sim.engine) runs the result.
"""

from .counts import ConstantCount as ConstantCount
from .counts import CountDistribution as CountDistribution
from .counts import PoissonCount as PoissonCount
from .counts import UniformCount as UniformCount
from .counts import WeightedCount as WeightedCount
from .schema import Channels as Channels
from .schema import Population as Population
from .schema import RetryPolicy as RetryPolicy
from .schema import Scenario as Scenario
from .schema import Slo as Slo
from .workload import ArrivalModel as ArrivalModel
from .workload import Burst as Burst
from .workload import ClosedArrivals as ClosedArrivals
from .workload import Message as Message
from .workload import OpenArrivals as OpenArrivals
from .workload import ReplayArrivals as ReplayArrivals
from .workload import Stage as Stage
from .workload import Workload as Workload

__all__ = [
    "ArrivalModel",
    "Burst",
    "Channels",
    "ClosedArrivals",
    "ConstantCount",
    "CountDistribution",
    "Message",
    "OpenArrivals",
    "PoissonCount",
    "Population",
    "ReplayArrivals",
    "RetryPolicy",
    "Scenario",
    "Slo",
    "Stage",
    "UniformCount",
    "WeightedCount",
    "Workload",
]
