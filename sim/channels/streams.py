"""Random streams: one numpy Generator per purpose, derived from a SeedSequence.

Each stream is consumed one value per delivery in delivery order, so drawing n values at once or
in consecutive pieces gives the same numbers (numpy generates element by element), which makes
admission independent of how deliveries are split into batches.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from .latency import LatencyDistribution, MixtureLatency

F64 = npt.NDArray[np.float64]
BLOCK = 1024
"""Values drawn ahead per stream: small batches (one request's deliveries) then cost a slice
instead of a generator call; the values and their order are the same either way."""


class BlockDraws:
    """``draw(n)`` served from blocks drawn ahead: the same sequence as drawing on demand, as
    numpy's generators produce arrays value by value from one bit stream."""

    __slots__ = ("_block", "_draw", "_pos")

    def __init__(self, draw: Callable[[int], F64]) -> None:
        self._draw = draw
        self._block: F64 = np.empty(0, dtype=np.float64)
        self._pos = 0

    def take(self, n: int) -> F64:
        pos, block = self._pos, self._block
        if pos + n <= len(block):
            self._pos = pos + n
            return block[pos: pos + n]
        head = block[pos:]
        need = n - len(head)
        if need >= BLOCK:  # a big batch: draw exactly what it needs
            self._block, self._pos = np.empty(0, dtype=np.float64), 0
            return np.concatenate((head, self._draw(need))) if len(head) else self._draw(need)
        self._block, self._pos = self._draw(BLOCK), need
        return np.concatenate((head, self._block[:need]))
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

    __slots__ = ("_boundaries", "_choice", "_components", "_dist", "_values")

    def __init__(self, dist: LatencyDistribution, source: StreamSource) -> None:
        self._dist = dist
        self._components: list[LatencySampler] = []
        if isinstance(dist, MixtureLatency):
            rngs = child_streams(source, len(dist.components) + 1)
            self._choice = BlockDraws(rngs[0].random)
            self._boundaries = dist.boundaries()
            self._components = [
                LatencySampler(c.latency, rng)
                for c, rng in zip(dist.components, rngs[1:], strict=True)
            ]
        else:
            rng = (
                source if isinstance(source, np.random.Generator) else np.random.default_rng(source)
            )
            self._values = BlockDraws(lambda n: dist.sample(rng, n))

    def draw(self, n: int) -> F64:
        """The next ``n`` latencies (read-only: may be a view of the block drawn ahead)."""
        if not self._components:
            return self._values.take(n)
        choice = np.searchsorted(self._boundaries, self._choice.take(n), side="right")
        if len(self._components) == 1:
            return self._components[0].draw(n)
        out = np.empty(n, dtype=np.float64)
        for k, component in enumerate(self._components):
            chosen = choice == k
            out[chosen] = component.draw(int(np.count_nonzero(chosen)))
        return out
