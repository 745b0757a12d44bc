"""``pinsim bench``: in-process throughput and memory benchmarks that write results/bench/.

A benchmark is a module ``sim/bench/<name>.py`` with ``run(options: BenchOptions) ->
Measurement`` (see ``_registry``); the framework adds code version, machine and verdicts and
writes one ``BenchResult`` file atomically.
"""

from ._comparison import comparison_figures as comparison_figures
from ._output import read_result as read_result
from ._output import result_table as result_table
from ._output import write_result as write_result
from ._registry import Benchmark as Benchmark
from ._registry import BenchOptions as BenchOptions
from ._registry import Measurement as Measurement
from ._registry import benchmark_names as benchmark_names
from ._registry import load_benchmark as load_benchmark
from ._runner import run_and_write as run_and_write
from ._runner import run_benchmark as run_benchmark
from ._schema import BenchResult as BenchResult
from ._schema import Figure as Figure
from ._schema import Machine as Machine
from ._schema import Setting as Setting
from ._schema import Target as Target
from ._schema import at_least as at_least
from ._schema import at_most as at_most
from ._schema import figure as figure
from ._timing import Rates as Rates
from ._timing import Subject as Subject
from ._timing import Timed as Timed
from ._timing import calls_for as calls_for
from ._timing import interleave as interleave
from ._timing import median_ratio as median_ratio
from ._timing import paired_ratios as paired_ratios

__all__ = [
    "BenchOptions",
    "BenchResult",
    "Benchmark",
    "Figure",
    "Machine",
    "Measurement",
    "Rates",
    "Setting",
    "Subject",
    "Target",
    "Timed",
    "at_least",
    "at_most",
    "benchmark_names",
    "calls_for",
    "comparison_figures",
    "figure",
    "interleave",
    "load_benchmark",
    "median_ratio",
    "paired_ratios",
    "read_result",
    "result_table",
    "run_and_write",
    "run_benchmark",
    "write_result",
]
