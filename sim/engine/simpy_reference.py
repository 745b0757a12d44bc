"""An independent discrete-event model of a scenario in SimPy, to check the engine against.

It shares only the scenario Structs and the latency distributions' definitions with the engine;
the fan-out, rules, token bucket (GCRA), FIFO connection pool, failure draw and client retries
are written here again, one SimPy process per request and per delivery, the way a simulation
textbook would. Agreement within sampling error (tests/validation) is evidence that both are
right; the speed ratio is the engine benchmark's yardstick. SimPy is a test dependency, so it
is imported only when a model runs.

Supported: open Poisson or evenly spaced arrivals at ``rate_per_s``, SendMessages, and every
population, channel and retry feature. Recipients are drawn independently per request (the
endpoint sweep of the engine only decides *which* endpoint, not its statistics).
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.channels import STATUS_CODES, ChannelProfile, LatencyDistribution
from sim.core.sms import SmsEncoding, parts_for
from sim.scenario import OpenArrivals, Scenario, profile_for

THROTTLED, SUCCESSFUL = STATUS_CODES["THROTTLED"], STATUS_CODES["SUCCESSFUL"]
OPT_OUT, DUPLICATE = STATUS_CODES["OPT_OUT"], STATUS_CODES["DUPLICATE"]
PERMANENT = STATUS_CODES["PERMANENT_FAILURE"]
_ADDRESS_CHECKED = frozenset({"SMS", "VOICE", "EMAIL"})
_BLOCK = 4096


class _Draws:
    """Values of one distribution, drawn in blocks and handed out one at a time."""

    def __init__(self, dist: LatencyDistribution, rng: np.random.Generator) -> None:
        self._dist, self._rng = dist, rng
        self._values: Iterator[float] = iter(())

    def next(self) -> float:
        value = next(self._values, None)
        if value is None:
            self._values = iter(self._dist.sample(self._rng, _BLOCK).tolist())
            value = next(self._values)
        return value


class _Channel:
    """A provider: GCRA token buckets, a FIFO pool of servers, latency and failure mix."""

    def __init__(self, env: Any, profile: ChannelProfile, rng: np.random.Generator) -> None:
        import simpy

        self.profile, self.rng = profile, rng
        self.latency = _Draws(profile.latency, rng)
        self.pool = simpy.Resource(env, capacity=profile.pool.servers) if profile.pool else None
        limit = profile.rate_limit
        self.tat_s = [-math.inf] * (limit.keys if limit else 0)
        self.failures = [(r.probability, STATUS_CODES[r.status]) for r in profile.failures]

    def bucket(self, now_s: float, weight: float, key: int) -> float | None:
        """When the delivery may start (None: throttled): virtual scheduling, per key."""
        limit = self.profile.rate_limit
        if limit is None:
            return now_s
        interval_s = 1.0 / limit.rate_per_s
        need = min(weight, limit.burst)
        earliest_s = self.tat_s[key] - (limit.burst - need) * interval_s
        if now_s < earliest_s and limit.mode == "reject":
            return None
        start_s = max(now_s, earliest_s)
        self.tat_s[key] = max(self.tat_s[key], start_s) + weight * interval_s
        return start_s

    def outcome(self) -> int:
        u = float(self.rng.random())
        for probability, status in self.failures:
            if u < probability:
                return status
            u -= probability
        return SUCCESSFUL


@dataclass
class SimpyResult:
    """What the reference model measured: final statuses, latencies, attempts, wall time."""

    counts: dict[tuple[str, int], int] = field(default_factory=dict)
    request_latency_s: list[float] = field(default_factory=list)
    delivery_latency_s: dict[str, list[float]] = field(default_factory=dict)
    """SUCCESSFUL recipients' latency from the request's intended send time, per channel."""
    waits_s: dict[str, list[float]] = field(default_factory=dict)
    """Time from reaching the channel to holding a server (or a token), per channel."""
    finals: list[tuple[str, int, int]] = field(default_factory=list)
    """(channel, final status, attempts) of each recipient, in the order they finished."""
    attempts: int = 0
    recipients: int = 0
    wall_s: float = 0.0


def simulate_with_simpy(scenario: Scenario, *, seed: int | None = None,
                        requests: int | None = None) -> SimpyResult:
    """Run ``scenario`` (open arrivals at a fixed rate, SendMessages) in SimPy."""
    import simpy

    arrival = scenario.workload.arrival
    if not (isinstance(arrival, OpenArrivals) and arrival.rate_per_s is not None
            and scenario.workload.operation == "send_messages"):
        raise ValueError("the SimPy reference models open fixed-rate SendMessages workloads")
    wall_start = time.perf_counter()
    rng = np.random.default_rng(np.random.SeedSequence([scenario.seed if seed is None
                                                        else seed, 0x51A9]))
    env = simpy.Environment()
    model = _Model(env, scenario, rng)
    limit = requests if requests is not None else scenario.requests
    total = math.inf if limit is None else float(limit)
    env.process(model.arrivals(arrival, total, scenario.duration_s))
    env.run()
    model.result.wall_s = time.perf_counter() - wall_start
    return model.result


class _Model:
    def __init__(self, env: Any, scenario: Scenario, rng: np.random.Generator) -> None:
        self.env, self.scenario, self.rng = env, scenario, rng
        population = scenario.population
        self.names = list(population.channel_mix)
        shares = np.array([population.channel_mix[n] for n in self.names])
        self.mix = np.cumsum(shares / shares.sum())
        self.channels = {n: _Channel(env, profile, rng) for n in self.names
                         if (profile := profile_for(n, scenario.channels.inline)) is not None}
        message = scenario.workload.message
        self.sms_parts = parts_for(message.body_chars, SmsEncoding(message.encoding))
        self.retry_statuses = {STATUS_CODES[s] for s in scenario.retry.statuses}
        self.result = SimpyResult()

    def arrivals(self, arrival: OpenArrivals, total: float, duration_s: float | None
                 ) -> Generator[Any, Any, None]:
        assert arrival.rate_per_s is not None
        sent = 0
        while sent < total:
            if sent:
                gap = (self.rng.exponential(1 / arrival.rate_per_s)
                       if arrival.process == "poisson" else 1 / arrival.rate_per_s)
                yield self.env.timeout(gap)
            if duration_s is not None and self.env.now >= duration_s:
                return
            self.env.process(self.request(self.recipients()))
            sent += 1

    def recipients(self) -> list[tuple[str, int, int]]:
        """(channel, status decided before any provider or -1, rate-limit key) per entry.

        ``copies`` Addresses entries repeat the first endpoints' addresses and come first, so
        those endpoints are DUPLICATE (unless INACTIVE, which is decided before duplicates).
        """
        p = self.scenario.population
        k = int(self.scenario.workload.recipients_per_request.sample(self.rng, 1)[0])
        copies = min(int(self.rng.binomial(k, p.duplicate_address_rate)), k // 2)
        endpoints = []
        for _ in range(k - copies):
            name = self.names[int(np.searchsorted(self.mix[:-1], self.rng.random(),
                                                  side="right"))]
            limit = self.channels[name].profile.rate_limit
            key = int(self.rng.integers(limit.keys)) if limit is not None else 0
            u = float(self.rng.random())
            category = "ok"
            if u < p.opt_out_rate:
                category = "opted"
            elif u < p.opt_out_rate + p.inactive_rate:
                category = "inactive"
            elif u < p.opt_out_rate + p.inactive_rate + p.invalid_address_rate and (
                    name in _ADDRESS_CHECKED):
                category = "invalid"
            endpoints.append((name, category, key))
        rule = {"ok": -1, "opted": OPT_OUT, "inactive": PERMANENT, "invalid": PERMANENT}
        entries = [(name, OPT_OUT if category == "opted" and name == "SMS"
                    else PERMANENT if category == "invalid" else -1, key)
                   for name, category, key in endpoints[:copies]]
        entries += [(name, DUPLICATE if i < copies and category != "inactive"
                     else rule[category], key)
                    for i, (name, category, key) in enumerate(endpoints)]
        flip = self.scenario.channels.opt_out_as_permanent_p
        return [(n, PERMANENT if r == OPT_OUT and flip and self.rng.random() < flip else r, key)
                for n, r, key in entries]

    def request(self, entries: list[tuple[str, int, int]]) -> Generator[Any, Any, None]:
        intended_s = self.env.now
        retry = self.scenario.retry
        result = self.result
        pending = entries
        for attempt in range(1, retry.max_attempts + 1):
            sent_s = self.env.now
            deliveries = [self.env.process(self.delivery(name, key)) for name, rule, key
                          in pending if rule < 0]
            if deliveries:
                yield self.env.all_of(deliveries)
            outcomes = iter(d.value for d in deliveries)
            again: list[tuple[str, int, int]] = []
            for name, rule, key in pending:
                result.attempts += 1
                status, end_s = (rule, sent_s) if rule >= 0 else next(outcomes)
                if status in self.retry_statuses and attempt < retry.max_attempts:
                    again.append((name, -1, key))
                    continue
                result.recipients += 1
                result.counts[name, status] = result.counts.get((name, status), 0) + 1
                result.finals.append((name, status, attempt))
                if status == SUCCESSFUL:
                    result.delivery_latency_s.setdefault(name, []).append(end_s - intended_s)
            if not again:
                break
            delay = min(retry.max_delay_s, retry.base_delay_s * retry.multiplier ** (attempt - 1))
            if retry.jitter == "full":
                delay *= float(self.rng.random())
            elif retry.jitter == "equal":
                delay = 0.5 * delay * (1.0 + float(self.rng.random()))
            yield self.env.timeout(delay)
            pending = again
        result.request_latency_s.append(self.env.now - intended_s)

    def delivery(self, name: str, key: int) -> Generator[Any, Any, tuple[int, float]]:
        channel = self.channels[name]
        arrived_s = self.env.now
        weight = float(self.sms_parts) if name in ("SMS", "VOICE") else 1.0
        limit = channel.profile.rate_limit
        if limit is not None and limit.unit == "message":
            weight = 1.0
        ready_s = channel.bucket(arrived_s, weight, key)
        if ready_s is None:
            return THROTTLED, arrived_s
        if ready_s > arrived_s:
            yield self.env.timeout(ready_s - arrived_s)
        if channel.pool is None:
            self.result.waits_s.setdefault(name, []).append(ready_s - arrived_s)
            yield self.env.timeout(channel.latency.next())
            return channel.outcome(), self.env.now
        with channel.pool.request() as slot:
            yield slot
            self.result.waits_s.setdefault(name, []).append(self.env.now - arrived_s)
            yield self.env.timeout(channel.latency.next())
        return channel.outcome(), self.env.now

