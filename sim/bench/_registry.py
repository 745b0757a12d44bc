"""The benchmark registry: every public module of ``sim.bench`` except ``cli`` is a benchmark.

A benchmark is a module ``sim/bench/<name>.py`` with a function
``run(options: BenchOptions) -> Measurement``. Dropping such a file in (``engine.py``,
``emulator.py``) makes ``pinsim bench <name>`` available; nothing else needs to change. The
framework adds the code version, machine, timestamps and verdicts, and writes the file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol, cast

from ._schema import Figure, Setting

NOT_BENCHMARKS = frozenset({"cli"})


def _silent(message: str) -> None:
    pass


@dataclass(frozen=True, kw_only=True)
class BenchOptions:
    """What every benchmark is told: reduced counts (``quick``), the seed, a progress log."""

    quick: bool = False
    seed: int = 1
    log: Callable[[str], None] = field(default=_silent, compare=False)


class Measurement(NamedTuple):
    """What a benchmark returns: its figures (with targets) and the settings it ran with."""

    figures: list[Figure]
    settings: dict[str, Setting]


class Benchmark(Protocol):
    def __call__(self, options: BenchOptions) -> Measurement: ...


def benchmark_names() -> list[str]:
    """The registered benchmarks, found without importing them."""
    here = str(Path(__file__).resolve().parent)
    return sorted(m.name for m in pkgutil.iter_modules([here])
                  if not m.name.startswith("_") and m.name not in NOT_BENCHMARKS)


def load_benchmark(name: str) -> Benchmark:
    """The ``run`` function of benchmark ``name``."""
    if name not in benchmark_names():
        raise KeyError(f"no benchmark {name!r}; registered: {', '.join(benchmark_names())}")
    module = importlib.import_module(f"{__package__}.{name}")
    run = getattr(module, "run", None)
    if not callable(run):
        raise TypeError(f"sim.bench.{name} has no run(options) -> Measurement function")
    return cast(Benchmark, run)
