"""plan.json and plan.png: the values a capacity search tried and what each run measured.

The search itself re-runs a driver (sim.commands.plan); this module only defines the results
file, so any driver's search writes the same shape, atomically, under
``results/<scenario>/plan-<id>/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import msgspec

from sim._files import safe_name

from ._atomic import staged_directory, write_file_durably
from ._plots import new_figure, save_png
from ._run_dir import new_run_id
from ._summary import SloCheck

PLAN_SCHEMA_VERSION = 1
PLAN_JSON = "plan.json"
PLAN_PNG = "plan.png"
_LOG_SCALE_SPAN = 20.0

Goal = Literal["min", "max"]
"""``min``: smallest value meeting every SLO (more capacity helps, e.g. connections);
``max``: largest such value (more load hurts, e.g. an arrival rate)."""


class PlanTrial(msgspec.Struct, frozen=True, kw_only=True):
    """One run of the search at ``value``."""

    value: float
    slo_met: bool
    partial: bool = False
    request_p99_s: float
    achieved_deliveries_per_s: float
    error_ratio: float
    completion_s: float
    wall_s: float
    slo: tuple[SloCheck, ...] = ()


class PlanResult(msgspec.Struct, frozen=True, kw_only=True):
    """A finished search: ``answer`` is None when no value in the range meets the SLOs."""

    schema_version: int = PLAN_SCHEMA_VERSION
    scenario: str
    plan_id: str
    driver: str
    seed: int | None
    code_version: str
    key: str
    """Dotted key path into the scenario, e.g. ``channels.inline.APNS.pool.connections``."""
    low: float
    high: float
    integer: bool
    goal: Goal
    answer: float | None
    trials: tuple[PlanTrial, ...]
    """In the order they ran."""


_encoder = msgspec.json.Encoder(order="deterministic")


def encode_plan(plan: PlanResult) -> bytes:
    return msgspec.json.format(_encoder.encode(plan), indent=2) + b"\n"


def decode_plan(data: bytes | str) -> PlanResult:
    """A PlanResult from plan.json (ValueError for bad data or another schema version)."""
    try:
        plan = msgspec.json.decode(data, type=PlanResult)
    except msgspec.DecodeError as exc:
        raise ValueError(f"invalid plan.json: {exc}") from None
    if plan.schema_version != PLAN_SCHEMA_VERSION:
        raise ValueError(f"plan schema_version {plan.schema_version} is not supported")
    return plan


def new_plan_id() -> str:
    return f"plan-{new_run_id()}"


def write_plan(plan: PlanResult, results_dir: str | os.PathLike[str] = "results") -> Path:
    """Write plan.json and plan.png into ``results/<scenario>/<plan_id>/`` atomically."""
    final = (
        Path(results_dir)
        / safe_name(plan.scenario, "scenario name")
        / safe_name(plan.plan_id, "plan id")
    )
    with staged_directory(final) as staging:
        write_file_durably(staging / PLAN_JSON, encode_plan(plan))
        plot_plan(plan, staging / PLAN_PNG)
    return final


def plot_plan(plan: PlanResult, path: Path) -> None:
    """Request p99 and achieved throughput against the varied value; failed trials in red."""
    figure, (latency_axes, throughput_axes) = new_figure(rows=2)
    trials = sorted(plan.trials, key=lambda t: t.value)
    values = [t.value for t in trials]
    latency_axes.plot(values, [t.request_p99_s for t in trials], color="0.6", linewidth=1)
    throughput_axes.plot(values, [t.achieved_deliveries_per_s for t in trials], color="0.6",
                         linewidth=1)
    for met, color, label in ((True, "tab:green", "SLOs met"), (False, "tab:red", "SLOs missed")):
        chosen = [t for t in trials if t.slo_met is met]
        if not chosen:
            continue
        latency_axes.scatter([t.value for t in chosen], [t.request_p99_s for t in chosen],
                             color=color, label=label, zorder=3)
        throughput_axes.scatter([t.value for t in chosen],
                                [t.achieved_deliveries_per_s for t in chosen], color=color,
                                zorder=3)
    targets = {c.target for t in trials for c in t.slo if c.name == "request_p99_s"}
    for target in targets:
        latency_axes.axhline(target, color="tab:orange", linestyle="--", label="request p99 SLO")
    if plan.answer is not None:
        for axes in (latency_axes, throughput_axes):
            axes.axvline(plan.answer, color="tab:blue", linestyle=":",
                         label=f"answer {plan.answer:g}" if axes is latency_axes else None)
    which = "smallest" if plan.goal == "min" else "largest"
    latency_axes.set_title(f"{plan.scenario}: {which} {plan.key} meeting all SLOs")
    latency_axes.set_ylabel("request p99 (s)")
    throughput_axes.set_ylabel("successful deliveries/s")
    throughput_axes.set_xlabel(plan.key)
    p99s = [t.request_p99_s for t in trials if t.request_p99_s > 0]
    if p99s and max(p99s) > _LOG_SCALE_SPAN * min(p99s):
        latency_axes.set_yscale("log")  # overloaded trials would flatten the interesting ones
    else:
        latency_axes.set_ylim(bottom=0.0)
    throughput_axes.set_ylim(bottom=0.0)
    for axes in (latency_axes, throughput_axes):
        axes.grid(True, alpha=0.4)
    latency_axes.legend(loc="best", fontsize="small")
    save_png(figure, path)
