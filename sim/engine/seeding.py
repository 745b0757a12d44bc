"""One SeedSequence per run, one random stream per purpose.

The first three children mirror ``sim.core.service.Service`` exactly (channel router, rules,
token refresh: ``SeedSequence(seed).spawn(3)``), so the engine's channel models and the rules'
OPT_OUT coin draw the same numbers as the in-process client for the same seed. The engine's
own purposes take children 3 and up (``child_seed``), which cannot collide with those.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.channels import child_seed

ROUTER, RULES, TOKENS = 0, 1, 2
POPULATION, ARRIVALS, RECIPIENTS, RETRY_JITTER, THINK_TIME, COPIES = 3, 4, 5, 6, 7, 8


@dataclass(frozen=True, slots=True)
class RunSeeds:
    """The run's root seed and the stream of each purpose."""

    root: np.random.SeedSequence

    @classmethod
    def of(cls, seed: int) -> RunSeeds:
        return cls(np.random.SeedSequence(seed))

    def sequence(self, purpose: int) -> np.random.SeedSequence:
        """Child ``purpose`` of the root, as ``root.spawn`` would number it (no hidden counter)."""
        return child_seed(self.root, purpose)

    def rng(self, purpose: int) -> np.random.Generator:
        return np.random.default_rng(self.sequence(purpose))
