"""Saving and restoring the mutable state of a run's models, fast enough to do every window.

``copy.deepcopy`` of the channel models costs about a millisecond, mostly in re-creating numpy
Generators. The state that changes between windows is small: random generator states, a few
numpy arrays updated in place (token-bucket and server free times) and scalar attributes. A
:class:`StateSaver` finds these once by walking the objects' attributes (generically: it knows
nothing of their classes), then saves and restores only them.
"""

from __future__ import annotations

from typing import Any

import msgspec
import numpy as np

_SCALARS = (int, float, bool, np.integer, np.floating)


class StateSaver:
    """Save/restore every Generator, numpy array and scalar attribute reachable from roots.

    Objects created after construction are not tracked: create every model first. Immutable
    Structs (profiles, distributions) are skipped.
    """

    def __init__(self, *roots: Any) -> None:
        self._generators: list[np.random.Generator] = []
        self._arrays: list[np.ndarray[Any, Any]] = []
        self._scalar_owners: list[tuple[Any, str]] = []
        seen: set[int] = set()
        for root in roots:
            self._walk(root, seen)

    def _walk(self, value: Any, seen: set[int]) -> None:
        if id(value) in seen or isinstance(value, msgspec.Struct | str | bytes):
            return
        seen.add(id(value))
        if isinstance(value, np.random.Generator):
            self._generators.append(value)
        elif isinstance(value, np.ndarray):
            self._arrays.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                self._walk(item, seen)
        elif isinstance(value, list | tuple):
            for item in value:
                self._walk(item, seen)
        elif hasattr(value, "__dict__") or hasattr(value, "__slots__"):
            for name in _attribute_names(value):
                attribute = getattr(value, name)
                if isinstance(attribute, _SCALARS):
                    self._scalar_owners.append((value, name))
                else:
                    self._walk(attribute, seen)

    def save(self) -> tuple[list[Any], list[np.ndarray[Any, Any]], list[Any]]:
        return ([g.bit_generator.state for g in self._generators],
                [a.copy() for a in self._arrays],
                [getattr(owner, name) for owner, name in self._scalar_owners])

    def restore(self, saved: tuple[list[Any], list[np.ndarray[Any, Any]], list[Any]]) -> None:
        states, arrays, scalars = saved
        for generator, state in zip(self._generators, states, strict=True):
            generator.bit_generator.state = state
        for array, copy in zip(self._arrays, arrays, strict=True):
            np.copyto(array, copy)
        for (owner, name), value in zip(self._scalar_owners, scalars, strict=True):
            setattr(owner, name, value)


def _attribute_names(value: Any) -> list[str]:
    names = list(vars(value)) if hasattr(value, "__dict__") else []
    for cls in type(value).__mro__:
        slots = getattr(cls, "__slots__", ())
        names += [slots] if isinstance(slots, str) else [s for s in slots if s != "__dict__"]
    return [n for n in dict.fromkeys(names) if hasattr(value, n)]
