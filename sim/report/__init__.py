"""sim.report: run results for every driver: summary.json, hlog, report.md, plots, comparison.

A driver fills a :class:`RunRecord` (generic figures and sim.metrics objects) and calls
:func:`write_run`; :func:`load_run` reads a run directory back and :func:`compare_runs` gives the
regression verdict. This package imports no driver (engine, emulator, Locust) so that each of
them can use it; matplotlib is imported only when plots are drawn.
"""

from sim._files import safe_name as safe_name

from ._compare import DEFAULT_MAX_REGRESSION as DEFAULT_MAX_REGRESSION
from ._compare import DEFAULT_WATCH as DEFAULT_WATCH
from ._compare import ERROR_RATIO_SLACK as ERROR_RATIO_SLACK
from ._compare import ComparedFigure as ComparedFigure
from ._compare import Comparison as Comparison
from ._compare import Figure as Figure
from ._compare import compare_runs as compare_runs
from ._compare import parse_tolerance as parse_tolerance
from ._compare import run_figures as run_figures
from ._figures import CHANNEL_STATUS as CHANNEL_STATUS
from ._figures import FAILURE_STATUSES as FAILURE_STATUSES
from ._figures import REQUEST_TAG as REQUEST_TAG
from ._figures import channel_histograms as channel_histograms
from ._figures import error_ratio as error_ratio
from ._figures import latency_stats as latency_stats
from ._figures import summarize as summarize
from ._markdown import render_markdown as render_markdown
from ._plan import PLAN_JSON as PLAN_JSON
from ._plan import PLAN_PNG as PLAN_PNG
from ._plan import PLAN_SCHEMA_VERSION as PLAN_SCHEMA_VERSION
from ._plan import Goal as Goal
from ._plan import PlanResult as PlanResult
from ._plan import PlanTrial as PlanTrial
from ._plan import decode_plan as decode_plan
from ._plan import encode_plan as encode_plan
from ._plan import new_plan_id as new_plan_id
from ._plan import plot_plan as plot_plan
from ._plan import write_plan as write_plan
from ._plots import plot_latency_spectrum as plot_latency_spectrum
from ._plots import plot_queue_depth as plot_queue_depth
from ._plots import plot_throughput as plot_throughput
from ._record import RunRecord as RunRecord
from ._record import RunSeries as RunSeries
from ._run_dir import HISTOGRAMS_HLOG as HISTOGRAMS_HLOG
from ._run_dir import REPORT_MD as REPORT_MD
from ._run_dir import SUMMARY_JSON as SUMMARY_JSON
from ._run_dir import LoadedRun as LoadedRun
from ._run_dir import load_run as load_run
from ._run_dir import new_run_id as new_run_id
from ._run_dir import write_run as write_run
from ._summary import SCHEMA_VERSION as SCHEMA_VERSION
from ._summary import Driver as Driver
from ._summary import HistogramConfig as HistogramConfig
from ._summary import LatencyStats as LatencyStats
from ._summary import SloCheck as SloCheck
from ._summary import Summary as Summary
from ._summary import Throughput as Throughput
from ._summary import Totals as Totals
from ._summary import decode_summary as decode_summary
from ._summary import encode_summary as encode_summary
from ._tables import PLAN_HEADERS as PLAN_HEADERS
from ._tables import comparison_table as comparison_table
from ._tables import plan_table as plan_table
from ._tables import plan_trial_row as plan_trial_row
from ._tables import summary_tables as summary_tables
from ._version import code_version as code_version

__all__ = [
    "CHANNEL_STATUS",
    "DEFAULT_MAX_REGRESSION",
    "DEFAULT_WATCH",
    "ERROR_RATIO_SLACK",
    "FAILURE_STATUSES",
    "HISTOGRAMS_HLOG",
    "PLAN_HEADERS",
    "PLAN_JSON",
    "PLAN_PNG",
    "PLAN_SCHEMA_VERSION",
    "REPORT_MD",
    "REQUEST_TAG",
    "SCHEMA_VERSION",
    "SUMMARY_JSON",
    "ComparedFigure",
    "Comparison",
    "Driver",
    "Figure",
    "Goal",
    "HistogramConfig",
    "LatencyStats",
    "LoadedRun",
    "PlanResult",
    "PlanTrial",
    "RunRecord",
    "RunSeries",
    "SloCheck",
    "Summary",
    "Throughput",
    "Totals",
    "channel_histograms",
    "code_version",
    "compare_runs",
    "comparison_table",
    "decode_plan",
    "decode_summary",
    "encode_plan",
    "encode_summary",
    "error_ratio",
    "latency_stats",
    "load_run",
    "new_plan_id",
    "new_run_id",
    "parse_tolerance",
    "plan_table",
    "plan_trial_row",
    "plot_latency_spectrum",
    "plot_plan",
    "plot_queue_depth",
    "plot_throughput",
    "render_markdown",
    "run_figures",
    "safe_name",
    "summarize",
    "summary_tables",
    "write_plan",
    "write_run",
]
