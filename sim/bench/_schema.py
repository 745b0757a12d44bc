"""The schema of a ``results/bench/<benchmark>.json`` file: one Struct, defined once.

Every figure carries its unit; a figure with a target carries the target and its verdict, and
the file's ``passed`` is true only when every verdict is a pass.
"""

from __future__ import annotations

from typing import Literal

import msgspec

SCHEMA_VERSION = 1

Comparison = Literal[">=", "<="]
Setting = str | int | float | bool | None


class Target(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A bound a figure must meet: ``value <comparison> bound`` in ``unit``."""

    comparison: Comparison
    bound: float
    unit: str

    def met_by(self, value: float) -> bool:
        return value >= self.bound if self.comparison == ">=" else value <= self.bound


class Figure(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One measured number; ``passed`` is the verdict against ``target`` (None: no target)."""

    name: str
    value: float
    unit: str
    description: str = ""
    target: Target | None = None
    passed: bool | None = None


class Machine(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    cpu_count: int
    python: str
    numpy: str
    msgspec: str
    numba: str | None
    platform: str


class BenchResult(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A whole results file."""

    schema_version: int = SCHEMA_VERSION
    benchmark: str
    code_version: str
    """``sim.__version__``, plus ``+g<short commit>`` when git knows the checkout and
    ``.dirty`` when tracked files under ``sim/`` had uncommitted changes."""
    sim_version: str
    git_commit: str | None
    git_dirty: bool | None
    machine: Machine
    started_utc: str
    duration_s: float
    quick: bool
    settings: dict[str, Setting]
    figures: list[Figure]
    passed: bool
    failed: list[str]
    """Names of the figures whose verdict is a fail."""


def figure(name: str, value: float, unit: str, description: str = "",
           target: Target | None = None) -> Figure:
    """A Figure with its verdict computed from ``target``."""
    if target is not None and target.unit != unit:
        raise ValueError(f"figure {name!r} is in {unit!r} but its target is in {target.unit!r}")
    return Figure(name=name, value=float(value), unit=unit, description=description,
                  target=target, passed=None if target is None else target.met_by(float(value)))


def at_least(bound: float, unit: str) -> Target:
    return Target(comparison=">=", bound=float(bound), unit=unit)


def at_most(bound: float, unit: str) -> Target:
    return Target(comparison="<=", bound=float(bound), unit=unit)
