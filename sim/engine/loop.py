"""The virtual-time run loop: windows of attempt-requests in send order, undone when needed.

A window takes the next first attempts (about ``block_deliveries`` recipients) and every retry
due by the last of them, merged in send order. Follow-ups (retries, a closed-loop client's
next request) are sent after their request's answer; if one falls inside the window, the
requests after it must wait for it: the window is undone (its state restored from a copy) and
redone up to that time, which gives the same results for the requests it keeps, because every
model is causal and draws one value per request or recipient in send order. The rest goes back
and the window size adapts, so memory stays flat and the cost of undoing stays small.
State is saved and restored by sim.engine.snapshot (generator states and arrays only).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.channels import LatencySampler
from sim.core.router import ChannelRouter
from sim.scenario import ClosedArrivals, Scenario, resolve_scenario
from sim.scenario.population import EndpointTable, build_population

from .columns import Groups, PendingRetries, Recipients
from .recipients import RecipientPicker, Sweep
from .recorder import Recorder
from .result import EngineResult
from .seeding import (
    ARRIVALS,
    COPIES,
    POPULATION,
    RECIPIENTS,
    RETRY_JITTER,
    ROUTER,
    RULES,
    THINK_TIME,
    RunSeeds,
)
from .snapshot import StateSaver
from .sources import FirstAttempts, first_attempts
from .window import RunState, WindowOutcome, WindowProcessor

DEFAULT_BLOCK_DELIVERIES = 1 << 20
MIN_BLOCK_DELIVERIES = 256


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a run is, reported after every window."""

    virtual_time_s: float
    requests: int
    attempts: int
    wall_s: float


def run(scenario: Scenario, *, seed: int | None = None,
        progress: Callable[[Progress], None] | None = None, stop: StopFlag | None = None,
        block_deliveries: int = DEFAULT_BLOCK_DELIVERIES, exact_rule_keys: bool = False,
        on_window: Callable[[WindowOutcome], None] | None = None) -> EngineResult:
    """Simulate ``scenario`` in virtual time; ``seed`` overrides the scenario's.

    ``stop.is_set()`` is checked between windows: when true, no further request is sent and the
    result is marked partial. ``on_window`` sees every kept window's columns (tests, traces).
    """
    wall_start = time.perf_counter()
    scenario = resolve_scenario(scenario)
    seed = scenario.seed if seed is None else seed
    _check_modelled(scenario)  # before the population is drawn (millions of endpoints)
    seeds = RunSeeds.of(seed)
    table = build_population(scenario.population, seeds.rng(POPULATION))
    _check_fan_out(scenario, table)
    arrival = scenario.workload.arrival
    think = (LatencySampler(arrival.think_time, seeds.rng(THINK_TIME))
             if isinstance(arrival, ClosedArrivals) else None)
    state = RunState(
        router=ChannelRouter(scenario.channels.inline, seeds.sequence(ROUTER)),
        rules_rng=seeds.rng(RULES), jitter_rng=seeds.rng(RETRY_JITTER), think=think,
        sweep=Sweep(seeds.rng(RECIPIENTS), seeds.rng(COPIES)))
    picker = RecipientPicker(scenario, table, exact_keys=exact_rule_keys)
    loop = _Loop(scenario, WindowProcessor(scenario, picker), first_attempts(
        scenario, seeds.rng(ARRIVALS)), Recorder(scenario, seed), block_deliveries,
        _mean_recipients(scenario, table))
    partial = loop.run(state, progress, stop, on_window, wall_start)
    return loop.recorder.result(partial=partial, wall_s=time.perf_counter() - wall_start)


def _mean_recipients(scenario: Scenario, table: EndpointTable) -> float:
    mean = scenario.workload.recipients_per_request.mean()
    if scenario.workload.operation == "send_users_messages":
        mean *= table.endpoints / max(table.users, 1)
    return max(mean, 1.0)


class UnrunnableScenario(ValueError):
    """A valid scenario the engine cannot run, found before its first request."""


def _check_modelled(scenario: Scenario) -> None:
    if scenario.channels.failure_marks_inactive:
        raise UnrunnableScenario(
            "channels.failure_marks_inactive: the engine does not model endpoints turned "
            "INACTIVE by failures during a run (pinsim serve and sim.Pinpoint do)")


def _check_fan_out(scenario: Scenario, table: EndpointTable) -> None:
    most = scenario.workload.recipients_per_request.max_value()
    users = scenario.workload.operation == "send_users_messages"
    have = table.users if users else table.endpoints
    if most > have:
        raise UnrunnableScenario(
            f"workload.recipients_per_request: a request can list {most} "
            f"{'users' if users else 'endpoints'}, but the population drawn has only {have}")


class _Loop:
    def __init__(self, scenario: Scenario, processor: WindowProcessor, sends: FirstAttempts,
                 recorder: Recorder, block_deliveries: int, mean_recipients: float) -> None:
        self.scenario, self.processor, self.sends, self.recorder = (
            scenario, processor, sends, recorder)
        self.block = max(block_deliveries, MIN_BLOCK_DELIVERIES)
        self.target = self.block
        self.mean_recipients = mean_recipients
        self.pending = PendingRetries.none()
        self.next_request_id = 0
        self.follow_ups = (scenario.retry.max_attempts > 1
                           or isinstance(scenario.workload.arrival, ClosedArrivals))
        self._saver: StateSaver | None = None

    def run(self, state: RunState, progress: Callable[[Progress], None] | None,
            stop: StopFlag | None, on_window: Callable[[WindowOutcome], None] | None,
            wall_start: float) -> bool:
        while True:
            if stop is not None and stop.is_set():
                return True
            window = self._next_window()
            if window is None:
                return False
            groups, retried = window
            state, outcome = self._process(state, groups, retried)
            self.recorder.record(outcome)
            self.pending.add(outcome.retries.groups, outcome.retries.recipients)
            self.sends.wake(outcome.wakeup_s, outcome.wakeup_client)
            if on_window is not None:
                on_window(outcome)
            if progress is not None:
                progress(Progress(float(groups.time_s[-1]), self.recorder.requests,
                                  self.recorder.attempts, time.perf_counter() - wall_start))

    def _next_window(self) -> tuple[Groups, Recipients] | None:
        n_groups = max(1, int(self.target / self.mean_recipients))
        times, clients = self.sends.take(n_groups)
        if len(times):
            due = self.pending.split(float(times[-1]))
        elif len(self.pending.groups):
            due = self.pending.split(np.inf, limit=n_groups)
        else:
            return None
        fresh = Groups(time_s=times, intended_s=times, attempt=np.ones(len(times), np.int32),
                       client=clients, request_id=np.full(len(times), -1, dtype=np.int64),
                       fresh=np.ones(len(times), dtype=bool))
        groups = Groups.concat([fresh, due.groups])
        kind = np.concatenate([np.zeros(len(fresh), np.int8), np.ones(len(due.groups), np.int8)])
        order = np.lexsort((kind, groups.time_s))
        groups = groups.take(order)
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        retried = due.recipients
        retried.group = position[len(fresh) + retried.group]
        new = np.flatnonzero(groups.fresh)
        groups.request_id[new] = self.next_request_id + np.arange(len(new))
        return groups, retried

    def _process(self, state: RunState, groups: Groups, retried: Recipients
                 ) -> tuple[RunState, WindowOutcome]:
        if self.follow_ups and self._saver is None:
            self._saver = StateSaver(state)
        saved = self._saver.save() if self._saver is not None else None
        outcome = self.processor.process(state, groups, retried)
        follow_up_s = outcome.earliest_follow_up_s
        keep = int(np.searchsorted(groups.time_s, follow_up_s, side="right"))
        if keep < len(groups):
            assert saved is not None and self._saver is not None
            self._saver.restore(saved)
            self._give_back(groups, retried, keep)
            groups = groups.take(slice(0, keep))
            retried = retried.take(np.flatnonzero(retried.group < keep))
            outcome = self.processor.process(state, groups, retried)
            assert outcome.earliest_follow_up_s >= groups.time_s[-1], "window not causal"
            # Aim below the gap to the first follow-up, so most windows need no second pass.
            self.target = max(MIN_BLOCK_DELIVERIES, 3 * len(outcome.recipients) // 4)
        else:
            self.target = min(self.block, self.target + self.target // 8 + 1)
        sent = int(groups.fresh.sum())
        self.next_request_id += sent
        self.sends.commit(sent)
        return state, outcome

    def _give_back(self, groups: Groups, retried: Recipients, keep: int) -> None:
        later = groups.take(slice(keep, None))
        fresh = later.fresh
        self.sends.give_back(later.time_s[fresh], later.client[fresh])
        back = np.flatnonzero(~fresh)
        position = np.full(len(groups), -1, dtype=np.int64)
        position[keep + back] = np.arange(len(back))
        rows = np.flatnonzero(retried.group >= keep)
        moved = retried.take(rows)
        moved.group = position[moved.group]
        self.pending.add(later.take(back), moved)


def channel_router(scenario: Scenario, seed: int) -> ChannelRouter:
    """The router the engine builds for ``scenario`` and ``seed`` (same as sim.core's)."""
    return ChannelRouter(scenario.channels.inline, RunSeeds.of(seed).sequence(ROUTER))
