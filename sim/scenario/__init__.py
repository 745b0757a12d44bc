"""sim.scenario: scenario files (TOML) decoded into msgspec Structs, and channel profiles.

``load_scenario(path)`` decodes and checks a file; every error names the file, the line and the
key path. The engine (sim.engine) runs the result.
"""

from .checks import check_scenario as check_scenario
from .checks import profile_for as profile_for
from .counts import ConstantCount as ConstantCount
from .counts import CountDistribution as CountDistribution
from .counts import PoissonCount as PoissonCount
from .counts import UniformCount as UniformCount
from .counts import WeightedCount as WeightedCount
from .errors import ScenarioError as ScenarioError
from .errors import ScenarioProblem as ScenarioProblem
from .loading import load_profile_file as load_profile_file
from .loading import load_scenario as load_scenario
from .loading import resolve_scenario as resolve_scenario
from .loading import scenario_from_toml as scenario_from_toml
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
    "ScenarioError",
    "ScenarioProblem",
    "Slo",
    "Stage",
    "UniformCount",
    "WeightedCount",
    "Workload",
    "check_scenario",
    "load_profile_file",
    "load_scenario",
    "profile_for",
    "resolve_scenario",
    "scenario_from_toml",
]
