"""A slow, obviously-right ChannelModel: one Python iteration per delivery.

heapq for the FIFO pool, the GCRA rule written out per key, and one scalar random draw per
delivery. The tests check that the numba kernels and block draws give exactly these numbers.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from sim.channels import (
    STATUS_CODES,
    SUCCESS_STATUS_CODE,
    SUCCESSFUL,
    THROTTLED,
    ChannelProfile,
    ConstantLatency,
    ExponentialLatency,
    GammaLatency,
    LatencyDistribution,
    LognormalLatency,
    MixtureLatency,
    child_seed,
)


@dataclass(frozen=True)
class Row:
    start_s: float
    end_s: float
    status: int
    status_code: int
    message: str


class ReferenceLatency:
    """One latency per call; a mixture picks a component, then draws from its own stream."""

    def __init__(self, dist: LatencyDistribution, seed: np.random.SeedSequence) -> None:
        self.dist = dist
        if isinstance(dist, MixtureLatency):
            self.choice = np.random.default_rng(child_seed(seed, 0))
            self.boundaries = [float(b) for b in dist.boundaries()]
            self.components = [
                ReferenceLatency(c.latency, child_seed(seed, i + 1))
                for i, c in enumerate(dist.components)
            ]
        else:
            self.rng = np.random.default_rng(seed)

    def draw(self) -> float:
        dist = self.dist
        if isinstance(dist, MixtureLatency):
            u = self.choice.random()
            k = sum(1 for b in self.boundaries if b <= u)
            return self.components[k].draw()
        if isinstance(dist, ConstantLatency):
            return dist.value_s
        if isinstance(dist, ExponentialLatency):
            return float(self.rng.exponential(dist.mean_value_s))
        if isinstance(dist, LognormalLatency):
            return float(self.rng.lognormal(dist.log_mu, dist.log_sigma))
        if isinstance(dist, GammaLatency):
            return float(self.rng.gamma(dist.shape, dist.scale_s))
        table = np.asarray(dist.quantiles, dtype=np.float64)
        return float(np.interp(self.rng.random(), table[:, 0], table[:, 1]))


class ReferenceChannel:
    """Same contract as ChannelModel(profile, seed), one delivery at a time."""

    def __init__(self, profile: ChannelProfile, seed: int) -> None:
        seq = np.random.SeedSequence(seed)
        self.profile = profile
        self.latency = ReferenceLatency(profile.latency, child_seed(seq, 0))
        self.outcome_rng = np.random.default_rng(child_seed(seq, 1))
        self.boundaries: list[float] = []
        total = 0.0
        for rule in profile.failures:
            total += rule.probability
            self.boundaries.append(total)
        self.draw_outcomes = total > 0
        limit = profile.rate_limit
        self.tat_s = [-math.inf] * (limit.keys if limit else 0)
        self.free_s = [-math.inf] * (profile.pool.servers if profile.pool else 0)

    def admit(
        self, arrival_s: list[float], parts: list[int] | None, key: list[int] | None
    ) -> list[Row]:
        return [
            self._one(t, 1 if parts is None else parts[i], 0 if key is None else key[i])
            for i, t in enumerate(arrival_s)
        ]

    def _one(self, t: float, parts: int, key: int) -> Row:
        limit = self.profile.rate_limit
        start = t
        if limit is not None:
            weight = float(parts) if limit.unit == "part" else 1.0
            need = min(weight, limit.burst)
            earliest = self.tat_s[key] - (limit.burst - need) * limit.interval_s
            if t < earliest:
                if limit.mode == "reject":
                    return Row(t, t, THROTTLED, limit.status_code, limit.status_message)
                start = earliest
            self.tat_s[key] = max(self.tat_s[key], start) + weight * limit.interval_s
        latency_s = self.latency.draw()
        if self.free_s:
            start = max(start, self.free_s[0])
            heapq.heapreplace(self.free_s, start + latency_s)
        end = start + latency_s
        if self.draw_outcomes:
            u = self.outcome_rng.random()
            k = sum(1 for b in self.boundaries if b <= u)
            if k < len(self.profile.failures):
                rule = self.profile.failures[k]
                return Row(
                    start, end, STATUS_CODES[rule.status], rule.status_code, rule.status_message
                )
        return Row(start, end, SUCCESSFUL, SUCCESS_STATUS_CODE, "")
