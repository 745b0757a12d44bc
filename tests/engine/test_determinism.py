"""Same scenario and seed give identical results, whatever the window size or fast path."""

from __future__ import annotations

from typing import Any

import msgspec
import numpy as np
import pytest

from sim.engine import EngineResult, Progress, run
from sim.scenario import scenario_from_toml

from .scenarios import mixed


def fingerprint(result: EngineResult) -> Any:
    series = {name: [s.arrivals.counts.tolist(), s.starts.counts.tolist(),
                     s.ends.counts.tolist(), s.successes.counts.tolist()]
              for name, s in result.channel_series.items()}
    return (result.counts.to_dict(), result.attempt_counts.to_dict(),
            msgspec.json.encode(result.histograms.to_wire()), series,
            result.requests_offered.counts.tolist(), result.requests_completed.counts.tolist(),
            result.completion_s, result.retries, result.retry_requests, result.failed_requests)


@pytest.mark.parametrize("operation", ["send_messages", "send_users_messages"])
def test_window_size_and_fast_path_do_not_change_results(operation: str) -> None:
    scenario = mixed(operation, requests=2000,
                     duplicate_address_rate=0.05 if operation == "send_messages" else 0.0)
    reference = fingerprint(run(scenario, block_deliveries=1 << 20))
    assert fingerprint(run(scenario, block_deliveries=300)) == reference
    assert fingerprint(run(scenario, block_deliveries=5000, exact_rule_keys=True)) == reference


def test_seed_changes_results_and_is_reported() -> None:
    scenario = mixed(requests=500)
    first, again, other = run(scenario), run(scenario), run(scenario, seed=99)
    assert fingerprint(first) == fingerprint(again)
    assert fingerprint(first) != fingerprint(other)
    assert (first.seed, other.seed) == (21, 99)


def test_closed_loop_is_deterministic_across_window_sizes() -> None:
    scenario = scenario_from_toml("""
name = "closed"
seed = 4
requests = 3000
[population]
users = 500
channel_mix = { APNS = 1.0 }
[workload]
recipients_per_request = { kind = "uniform", min = 1, max = 5 }
arrival = { kind = "closed", clients = 7, think_time = { kind = "exponential", mean_s = 0.2 } }
[retry]
max_attempts = 2
[channels.inline.APNS]
latency = { kind = "exponential", mean_s = 0.05 }
pool = { connections = 2 }
failures = [{ status = "TEMPORARY_FAILURE", probability = 0.2, status_code = 503 }]
""")
    reference = run(scenario)
    assert reference.requests == 3000
    assert fingerprint(run(scenario, block_deliveries=256)) == fingerprint(reference)


class StopAfter:
    """A stop flag that trips after ``windows`` progress reports."""

    def __init__(self, windows: int) -> None:
        self.left = windows

    def __call__(self, progress: Progress) -> None:
        self.left -= 1

    def is_set(self) -> bool:
        return self.left <= 0


def test_stop_returns_a_partial_result() -> None:
    scenario = mixed(requests=5000, max_attempts=1)
    stop = StopAfter(2)
    result = run(scenario, block_deliveries=1000, progress=stop, stop=stop)
    assert result.partial
    assert 0 < result.requests < 5000
    assert result.counts.total == result.recipients
    complete = run(scenario)
    assert not complete.partial and complete.requests == 5000


def test_a_run_stopped_with_retries_due_accounts_for_every_attempt() -> None:
    """attempts = recipients (final outcomes) + retries sent + retries due but not sent."""
    scenario = mixed(requests=5000, max_attempts=3)
    stop = StopAfter(3)
    result = run(scenario, block_deliveries=1000, progress=stop, stop=stop)
    assert result.partial and result.unsent_retries > 0
    assert result.counts.total == result.recipients
    assert result.attempt_counts.total == result.attempts
    # each retry sent and each retry due came from an attempt with a retryable status
    retryable = sum(n for (_, status), n in _cells(result.attempt_counts.to_dict())
                    if status in scenario.retry.statuses)
    assert retryable >= result.retries + result.unsent_retries
    assert run(scenario).unsent_retries == 0


def test_counts_histograms_and_series_agree() -> None:
    result = run(mixed(requests=1500))
    per_tag = {tag: h.count for tag, h in result.histograms.items() if tag != "request"}
    assert sum(per_tag.values()) == result.recipients == result.counts.total
    for channel, cells in result.counts.to_dict().items():
        for status, count in cells.items():
            assert per_tag[f"{channel}/{status}"] == count
    assert result.attempt_counts.total == result.attempts == result.recipients + result.retries
    assert result.histograms["request"].count == result.requests - result.failed_requests
    assert result.requests_offered.total == result.requests
    arrivals = sum(s.arrivals.total for s in result.channel_series.values())
    assert arrivals == result.attempts
    for series in result.channel_series.values():
        assert series.queue_depth()[-1] == 0 and series.in_flight()[-1] == 0
        assert np.all(series.queue_depth() >= 0) and np.all(series.in_flight() >= 0)


def _cells(table: dict[str, dict[str, int]]) -> list[tuple[tuple[str, str], int]]:
    return [((channel, status), n) for channel, row in table.items() for status, n in row.items()]
