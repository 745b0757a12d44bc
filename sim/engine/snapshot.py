"""Saving and restoring the mutable state of a run's models, fast enough to do every window.

The state that changes between windows is small: random generator states, numpy arrays (token
bucket and server free times, values drawn ahead) and scalar attributes. A :class:`StateSaver`
finds them once by walking attributes, containers, closures and bound methods (generically: it
knows nothing of the models' classes), then saves and restores only them. ``copy.deepcopy``
would be slower and would share generators captured in closures instead of copying them.

Attributes holding arrays are saved by value and restored by assignment, so it does not matter
whether a model updates an array in place or replaces it. The engine's determinism tests (the
same results whatever the window size) fail if a model ever holds state this cannot see.
"""

from __future__ import annotations

import types
from typing import Any

import msgspec
import numpy as np

_SCALARS = (int, float, bool, np.integer, np.floating)
Saved = tuple[list[Any], list[Any]]


class StateSaver:
    """Save/restore every Generator, and every array or scalar attribute, reachable from roots.

    Objects created after construction are not tracked: create every model first. Immutable
    Structs (profiles, distributions) are skipped.
    """

    def __init__(self, *roots: Any) -> None:
        self._generators: list[np.random.Generator] = []
        self._attributes: list[tuple[Any, str]] = []
        seen: set[int] = set()
        for root in roots:
            self._walk(root, seen)

    def _walk(self, value: Any, seen: set[int]) -> None:
        if id(value) in seen or isinstance(value, msgspec.Struct | str | bytes | np.ndarray):
            return
        seen.add(id(value))
        if isinstance(value, np.random.Generator):
            self._generators.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                self._walk(item, seen)
        elif isinstance(value, list | tuple):
            for item in value:
                self._walk(item, seen)
        elif isinstance(value, types.MethodType):
            self._walk(value.__self__, seen)
        elif isinstance(value, types.FunctionType):
            for cell in value.__closure__ or ():
                self._walk(cell.cell_contents, seen)
        elif hasattr(value, "__dict__") or hasattr(value, "__slots__"):
            for name in _attribute_names(value):
                attribute = getattr(value, name)
                if isinstance(attribute, (*_SCALARS, np.ndarray)):
                    self._attributes.append((value, name))
                else:
                    self._walk(attribute, seen)

    def save(self) -> Saved:
        values = []
        for owner, name in self._attributes:
            value = getattr(owner, name)
            values.append(value.copy() if isinstance(value, np.ndarray) else value)
        return [g.bit_generator.state for g in self._generators], values

    def restore(self, saved: Saved) -> None:
        """Put back a saved state (each saved state may be restored once)."""
        states, values = saved
        for generator, state in zip(self._generators, states, strict=True):
            generator.bit_generator.state = state
        for (owner, name), value in zip(self._attributes, values, strict=True):
            setattr(owner, name, value)


def _attribute_names(value: Any) -> list[str]:
    names = list(vars(value)) if hasattr(value, "__dict__") else []
    for cls in type(value).__mro__:
        slots = getattr(cls, "__slots__", ())
        names += [slots] if isinstance(slots, str) else [s for s in slots if s != "__dict__"]
    return [n for n in dict.fromkeys(names) if hasattr(value, n)]
