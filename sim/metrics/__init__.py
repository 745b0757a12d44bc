"""Metrics: latency histograms (HdrHistogram, bulk numpy recording), counters, time series.

Used by the engine, the emulator and the Locust plugin, so it depends only on numpy, hdrh and
msgspec. Every mergeable object has ``merge``, ``to_wire`` / ``from_wire`` (msgspec Structs) and
``merge_wire`` so a Locust master or a sharded run can combine reports from other processes.
"""

from ._counter_table import CounterTable as CounterTable
from ._histogram_set import HistogramSet as HistogramSet
from ._hlog import read_hlog as read_hlog
from ._hlog import write_hlog as write_hlog
from ._latency_histogram import DEFAULT_HIGHEST_US as DEFAULT_HIGHEST_US
from ._latency_histogram import DEFAULT_LOWEST_US as DEFAULT_LOWEST_US
from ._latency_histogram import DEFAULT_SIGNIFICANT_DIGITS as DEFAULT_SIGNIFICANT_DIGITS
from ._latency_histogram import LatencyHistogram as LatencyHistogram
from ._per_second_counts import PerSecondCounts as PerSecondCounts
from ._per_second_gauge import PerSecondGauge as PerSecondGauge
from ._wire import CounterTableWire as CounterTableWire
from ._wire import HistogramSetWire as HistogramSetWire
from ._wire import HistogramWire as HistogramWire
from ._wire import PerSecondCountsWire as PerSecondCountsWire
from ._wire import PerSecondGaugeWire as PerSecondGaugeWire

__all__ = [
    "DEFAULT_HIGHEST_US",
    "DEFAULT_LOWEST_US",
    "DEFAULT_SIGNIFICANT_DIGITS",
    "CounterTable",
    "CounterTableWire",
    "HistogramSet",
    "HistogramSetWire",
    "HistogramWire",
    "LatencyHistogram",
    "PerSecondCounts",
    "PerSecondCountsWire",
    "PerSecondGauge",
    "PerSecondGaugeWire",
    "read_hlog",
    "write_hlog",
]
