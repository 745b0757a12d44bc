"""PNG plots of a run, drawn with matplotlib's Agg canvas (no pyplot, no display, no globals).

matplotlib is imported inside each function: it takes about a second to import and the Locust
side imports sim.report only for the summary and the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.metrics import LatencyHistogram

from ._record import RunSeries

LATENCY_PNG = "latency_spectrum.png"
THROUGHPUT_PNG = "throughput.png"
QUEUE_DEPTH_PNG = "queue_depth.png"

_MAX_NINES = 6
"""Deepest percentile plotted: 99.9999% (and never beyond what the sample count supports)."""
_POINTS = 240
_DPI = 100


def new_figure(rows: int = 1) -> tuple[Any, list[Any]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 3.2 * rows + 0.8), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = [figure.add_subplot(rows, 1, row + 1) for row in range(rows)]
    return figure, axes


def save_png(figure: Any, path: Path) -> None:
    figure.savefig(path, format="png", metadata={"Software": None})


def spectrum_points(
    histogram: LatencyHistogram,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """``(1 / (1 - q), latency_s at q)`` from q = 0 up to the last percentile ``count`` resolves."""
    nines = min(_MAX_NINES, max(1.0, float(np.log10(max(histogram.count, 1)))))
    x = np.logspace(0.0, nines, _POINTS)
    percentiles = np.clip(100.0 * (1.0 - 1.0 / x), 0.0, 100.0)
    latency_s = histogram.percentiles_us(percentiles).astype(np.float64) / 1e6
    return x, latency_s


def plot_latency_spectrum(
    histograms: Mapping[str, LatencyHistogram], path: Path, title: str
) -> None:
    """Latency by percentile, HdrHistogram style: x is 1/(1-q) on a log scale, so the tail shows."""
    figure, (axes,) = new_figure()
    deepest = 1.0
    for label, histogram in histograms.items():
        if not histogram.count:
            continue
        x, latency_s = spectrum_points(histogram)
        deepest = max(deepest, float(x[-1]))
        axes.plot(x, latency_s, label=f"{label} (n={histogram.count:,})", linewidth=1.4)
    axes.set_xscale("log")
    ticks = [10.0**k for k in range(round(np.log10(deepest)) + 1)]
    axes.set_xticks(ticks, [_percentile_label(1.0 - 1.0 / t) for t in ticks])
    axes.set_xlim(1.0, deepest)
    axes.set_ylim(bottom=0.0)
    axes.set_xlabel("percentile")
    axes.set_ylabel("latency (s)")
    axes.set_title(title)
    axes.grid(True, which="major", alpha=0.4)
    axes.legend(loc="upper left", fontsize="small")
    save_png(figure, path)


def _percentile_label(q: float) -> str:
    return f"{100.0 * q:.10g}%"


def _time_axis(length: int, bin_s: float) -> npt.NDArray[np.float64]:
    return np.arange(length, dtype=np.float64) * bin_s


def plot_throughput(series: RunSeries, path: Path, title: str) -> None:
    """Requests offered and completed per second, and successful deliveries per channel."""
    figure, (requests_axes, deliveries_axes) = new_figure(rows=2)
    for label, counts in (
        ("offered requests/s", series.offered_requests),
        ("completed requests/s", series.completed_requests),
    ):
        if len(counts):
            requests_axes.step(
                _time_axis(len(counts), series.bin_s), counts / series.bin_s, where="post",
                label=label, linewidth=1.2,
            )
    for channel, counts in sorted(series.channel_successes.items()):
        if len(counts):
            deliveries_axes.step(
                _time_axis(len(counts), series.bin_s), counts / series.bin_s, where="post",
                label=f"{channel} successful/s", linewidth=1.2,
            )
    requests_axes.set_title(title)
    requests_axes.set_ylabel("requests/s")
    deliveries_axes.set_ylabel("deliveries/s")
    deliveries_axes.set_xlabel("time (s)")
    for axes in (requests_axes, deliveries_axes):
        axes.set_ylim(bottom=0.0)
        axes.grid(True, alpha=0.4)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(loc="upper right", fontsize="small")
    save_png(figure, path)


def plot_queue_depth(series: RunSeries, path: Path, title: str) -> None:
    """Deliveries waiting (for a token or a connection) and held by a connection, per channel."""
    panels = [("waiting", series.channel_queue_depth)]
    if any(len(s) for s in series.channel_in_flight.values()):
        panels.append(("in flight", series.channel_in_flight))
    figure, all_axes = new_figure(rows=len(panels))
    for axes, (what, by_channel) in zip(all_axes, panels, strict=True):
        for channel, depth in sorted(by_channel.items()):
            if len(depth):  # sampled at the end of each bin, starting empty at time 0
                axes.plot(
                    _time_axis(len(depth) + 1, series.bin_s), np.concatenate(([0], depth)),
                    label=channel, linewidth=1.2,
                )
        axes.set_ylabel(f"deliveries {what}")
        axes.set_ylim(bottom=0.0)
        axes.grid(True, alpha=0.4)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(loc="upper right", fontsize="small")
    all_axes[0].set_title(title)
    all_axes[-1].set_xlabel("time (s)")
    save_png(figure, path)
