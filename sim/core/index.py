"""StringIndex: str -> entry number, an open-addressing hash table on numpy arrays.

A Python dict of a million strings costs about 60 MB on top of the strings themselves (its
table plus one int object per value). The endpoint store keeps two such indexes (endpoint ids
and addresses), so it uses this table instead: int32 slots and one int64 hash per entry, about
16 MB per million. Entries are numbered in insertion order (the caller's row or address id),
the strings are kept once, packed (``keys``, a PackedStrings), and a lookup compares the string
itself, so a hash collision can cost a probe but never a wrong answer. With ``casefold`` keys
match case-insensitively (endpoint ids) and are kept as first written. Python's ``hash`` is
salted per process; that changes only where entries sit in the table, never what a lookup
returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from .columns import Column
from .packed import PackedStrings

EMPTY = -1
REMOVED = -2
_MAX_LOAD = 0.5

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def _jit(fn: _Fn) -> _Fn:
    return cast(_Fn, numba.njit(cache=True, nogil=True)(fn))


@_jit
def _candidates(slots: npt.NDArray[np.int32], hashes: npt.NDArray[np.int64], wanted: int,
                out: npt.NDArray[np.int64]) -> int:
    """Entries whose hash equals ``wanted``, in probe order; returns how many (at most len(out))."""
    mask = slots.shape[0] - 1
    i = wanted & mask
    found = 0
    while found < out.shape[0]:
        entry = slots[i]
        if entry == EMPTY:
            break
        if entry >= 0 and hashes[entry] == wanted:
            out[found] = entry
            found += 1
        i = (i + 1) & mask
    return found


@_jit
def _first_candidate(slots: npt.NDArray[np.int32], hashes: npt.NDArray[np.int64],
                     wanted: int) -> int:
    mask = slots.shape[0] - 1
    i = wanted & mask
    while True:
        entry = slots[i]
        if entry == EMPTY:
            return -1
        if entry >= 0 and hashes[entry] == wanted:
            return int(entry)
        i = (i + 1) & mask


@_jit
def _first_candidates(slots: npt.NDArray[np.int32], hashes: npt.NDArray[np.int64],
                      wanted: npt.NDArray[np.int64], out: npt.NDArray[np.int64]) -> None:
    """For each wanted hash, the first entry with that hash (-1 when none)."""
    mask = slots.shape[0] - 1
    for k in range(wanted.shape[0]):
        h = wanted[k]
        i = h & mask
        out[k] = -1
        while True:
            entry = slots[i]
            if entry == EMPTY:
                break
            if entry >= 0 and hashes[entry] == h:
                out[k] = entry
                break
            i = (i + 1) & mask


@_jit
def _place(slots: npt.NDArray[np.int32], hashes: npt.NDArray[np.int64], entry: int) -> None:
    mask = slots.shape[0] - 1
    i = hashes[entry] & mask
    while slots[i] >= 0:
        i = (i + 1) & mask
    slots[i] = entry


@_jit
def _unplace(slots: npt.NDArray[np.int32], hashes: npt.NDArray[np.int64], entry: int) -> None:
    mask = slots.shape[0] - 1
    i = hashes[entry] & mask
    while slots[i] != entry:
        i = (i + 1) & mask
    slots[i] = REMOVED


@_jit
def _rebuild(slots: npt.NDArray[np.int32], hashes: npt.NDArray[np.int64],
             live: npt.NDArray[np.bool_]) -> None:
    mask = slots.shape[0] - 1
    for entry in range(hashes.shape[0]):
        if live[entry]:
            i = hashes[entry] & mask
            while slots[i] >= 0:
                i = (i + 1) & mask
            slots[i] = entry


class StringIndex:
    """Maps strings to entry numbers 0, 1, 2... in the order they were added."""

    def __init__(self, capacity: int = 1024, *, casefold: bool = False) -> None:
        self.keys = PackedStrings()
        self._casefold = casefold
        self._hashes = Column(np.int64, 0)
        self._live = Column(np.bool_, False)
        self._slots = np.full(_power_of_two(capacity), EMPTY, dtype=np.int32)
        self._used = 0  # live entries plus REMOVED marks: what the probe chains cross
        self._probe = np.empty(8, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.keys)

    def _same(self, entry: int, key: str) -> bool:
        if self.keys.equals(entry, key):
            return True
        return self._casefold and self.keys[entry].lower() == key.lower()

    def _hash(self, key: str) -> int:
        return hash(key.lower() if self._casefold else key)

    def get(self, key: str, default: int = -1) -> int:
        """The entry of ``key``, else ``default``; probes in Python (cheaper than a compiled
        call for one key: a lookup usually reads one slot)."""
        wanted = self._hash(key)
        slots, hashes = self._slots, self._hashes.raw
        mask = len(slots) - 1
        i = wanted & mask
        for _ in range(8):
            entry = slots.item(i)
            if entry == EMPTY:
                return default
            if entry >= 0 and hashes.item(entry) == wanted and self._same(entry, key):
                return int(entry)
            i = (i + 1) & mask
        while True:  # a long probe chain (or many equal hashes): walk every candidate
            found = _candidates(self._slots, self._hashes.values, wanted, self._probe)
            for entry in self._probe[:found].tolist():
                if self._same(entry, key):
                    return int(entry)
            if found < len(self._probe):
                return default
            self._probe = np.empty(len(self._probe) * 2, dtype=np.int64)  # many equal hashes

    def get_many(self, keys: Sequence[str]) -> npt.NDArray[np.int64]:
        """``get`` of each key (-1 when absent), one compiled probe pass for all of them."""
        wanted = np.array([self._hash(k) for k in keys], dtype=np.int64)
        entries = np.empty(len(keys), dtype=np.int64)
        _first_candidates(self._slots, self._hashes.values, wanted, entries)
        for i, (entry, key) in enumerate(zip(entries.tolist(), keys, strict=True)):
            if entry >= 0 and not self._same(entry, key):  # a collision: take the slow path
                entries[i] = self.get(key)
        return entries

    def add(self, key: str) -> int:
        """The entry of ``key``, appended if it is not there yet."""
        found = self.get(key)
        if found >= 0:
            return found
        if self._used + 1 > _MAX_LOAD * len(self._slots):
            live = int(self._live.values.sum())
            grow = live + 1 > _MAX_LOAD * len(self._slots) / 2
            self._resize(len(self._slots) * 2 if grow else len(self._slots))
        entry = len(self.keys)
        self.keys.append(key)
        self._hashes.append(self._hash(key))
        self._live.append(True)
        _place(self._slots, self._hashes.values, entry)
        self._used += 1
        return entry

    def remove(self, key: str) -> int:
        """Forget ``key`` (its entry number is not reused); returns the entry or -1."""
        entry = self.get(key)
        if entry >= 0:
            _unplace(self._slots, self._hashes.values, entry)
            self._live[entry] = False
        return entry

    def _resize(self, size: int) -> None:
        """A fresh table of ``size`` slots with the live entries (drops REMOVED marks)."""
        self._slots = np.full(size, EMPTY, dtype=np.int32)
        _rebuild(self._slots, self._hashes.values, self._live.values)
        self._used = int(self._live.values.sum())


def _power_of_two(n: int) -> int:
    return 1 << max(4, (n - 1).bit_length())
