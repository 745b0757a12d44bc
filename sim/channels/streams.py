"""Random streams: one numpy Generator per purpose, derived from a SeedSequence.

Each stream is consumed one value per delivery in delivery order, so drawing n values at once or
in consecutive pieces gives the same numbers (numpy generates element by element), which makes
admission independent of how deliveries are split into batches.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .latency import LatencyDistribution, MixtureLatency

F64 = npt.NDArray[np.float64]
StreamSource = np.random.SeedSequence | np.random.Generator


def child_seed(seed: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """The index-th child of ``seed``, without SeedSequence.spawn's hidden counter.

    ``seed.spawn`` numbers children from how many were spawned before, so building two models
    from one SeedSequence object would give different streams; this always gives the same one.
    """
    return np.random.SeedSequence(
        seed.entropy, spawn_key=(*seed.spawn_key, index), pool_size=seed.pool_size
    )


def child_streams(source: StreamSource, count: int) -> list[np.random.Generator]:
    if isinstance(source, np.random.Generator):
        return source.spawn(count)
    return [np.random.default_rng(child_seed(source, i)) for i in range(count)]


class LatencySampler:
    """Draws one latency per delivery, in order; a mixture gets a stream per component.

    With a stream per component, which component a delivery picks does not shift the draws of
    the others, so mixtures stay chunk-invariant too.
    """

    __slots__ = ("_boundaries", "_choice", "_components", "_dist", "_rng")

    def __init__(self, dist: LatencyDistribution, source: StreamSource) -> None:
        self._dist = dist
        self._components: list[LatencySampler] = []
        if isinstance(dist, MixtureLatency):
            rngs = child_streams(source, len(dist.components) + 1)
            self._choice = rngs[0]
            self._boundaries = dist.boundaries()
            self._components = [
                LatencySampler(c.latency, rng)
                for c, rng in zip(dist.components, rngs[1:], strict=True)
            ]
        else:
            self._rng = (
                source if isinstance(source, np.random.Generator) else np.random.default_rng(source)
            )

    def draw(self, n: int) -> F64:
        if not self._components:
            return self._dist.sample(self._rng, n)
        choice = np.searchsorted(self._boundaries, self._choice.random(n), side="right")
        if len(self._components) == 1:
            return self._components[0].draw(n)
        out = np.empty(n, dtype=np.float64)
        for k, component in enumerate(self._components):
            chosen = choice == k
            out[chosen] = component.draw(int(np.count_nonzero(chosen)))
        return out
