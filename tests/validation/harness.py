"""Single-purpose scenarios for the theory checks, and the per-delivery columns they measure.

Each check builds a small scenario (one channel unless said otherwise), runs the engine with a
fixed seed and collects, through ``on_window``, every attempt's arrival, start, end and status.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.engine import EngineResult, WindowOutcome, run
from sim.scenario import Scenario, scenario_from_toml

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Measured:
    result: EngineResult
    arrival_s: F64
    start_s: F64
    end_s: F64
    status: npt.NDArray[np.uint8]
    attempt: npt.NDArray[np.int32]
    request_id: npt.NDArray[np.int64]
    channel: npt.NDArray[np.uint8]
    retried: npt.NDArray[np.bool_]

    @property
    def wait_s(self) -> F64:
        return self.start_s - self.arrival_s

    @property
    def response_s(self) -> F64:
        return self.end_s - self.arrival_s


def measure(scenario: Scenario) -> Measured:
    columns: dict[str, list[npt.NDArray[np.generic]]] = {
        k: [] for k in ("arrival_s", "start_s", "end_s", "status", "attempt", "request_id",
                        "channel", "retried")}

    def collect(w: WindowOutcome) -> None:
        group = w.recipients.group
        columns["arrival_s"].append(w.groups.time_s[group])
        columns["start_s"].append(w.start_s)
        columns["end_s"].append(w.end_s)
        columns["status"].append(w.status)
        columns["attempt"].append(w.groups.attempt[group])
        columns["request_id"].append(w.groups.request_id[group])
        columns["channel"].append(w.recipients.channel)
        columns["retried"].append(w.retried)

    result = run(scenario, on_window=collect)
    return Measured(result, **{k: np.concatenate(v) for k, v in columns.items()})  # type: ignore[arg-type]


def single_channel(*, seed: int, requests: int, arrival: str, channel: str,
                   recipients: int = 1, retry: str = "", message: str = "",
                   channel_type: str = "APNS") -> Scenario:
    """A scenario of ``requests`` requests to ``recipients`` distinct endpoints each."""
    return scenario_from_toml(f"""
name = "validation"
seed = {seed}
requests = {requests}
[population]
users = {max(recipients, 1000)}
channel_mix = {{ {channel_type} = 1.0 }}
[workload]
recipients_per_request = {{ kind = "constant", value = {recipients} }}
arrival = {arrival}
{message}
{retry}
[channels.inline.{channel_type}]
{channel}
""")


def relative_error(measured: float, expected: float) -> float:
    return abs(measured - expected) / abs(expected)


def batch_means(values: npt.ArrayLike, batches: int = 20) -> tuple[float, float]:
    """(mean, standard error) by the method of batch means, which allows for the strong
    autocorrelation of queueing output (consecutive customers wait alike)."""
    column = np.asarray(values, dtype=np.float64)
    parts = np.array_split(column, batches)
    means = np.array([p.mean() for p in parts])
    return float(column.mean()), float(means.std(ddof=1) / np.sqrt(batches))


def agree(ours: npt.ArrayLike, theirs: npt.ArrayLike, z: float = 4.0) -> tuple[bool, str]:
    """Whether two outputs' means differ by less than ``z`` combined standard errors."""
    mean_a, se_a = batch_means(ours)
    mean_b, se_b = batch_means(theirs)
    limit = z * float(np.hypot(se_a, se_b))
    return abs(mean_a - mean_b) <= limit, f"{mean_a:.6g} vs {mean_b:.6g} (limit {limit:.3g})"
