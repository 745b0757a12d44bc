"""PackedStrings: many strings in one bytearray, for the store's ids and addresses.

A Python str costs about 49 bytes of header on top of its characters and 8 more for the list
slot that holds it; a million endpoint ids and a million addresses spend ~100 MB on that alone.
Here they are UTF-8 bytes back to back plus one int64 offset each, and a str is made only when
one is read (a response, a lookup's final comparison).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .columns import Column


class PackedStrings:
    """An append-only sequence of str stored as UTF-8 in one bytearray."""

    __slots__ = ("_data", "_ends")

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = Column(np.int64, 0)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        return self.raw(index).decode()

    def raw(self, index: int) -> bytes:
        """The UTF-8 bytes of item ``index``."""
        if not 0 <= index < len(self._ends):
            raise IndexError(index)
        start = int(self._ends[index - 1]) if index else 0
        return bytes(self._data[start: int(self._ends[index])])

    def equals(self, index: int, text: str) -> bool:
        """Whether item ``index`` is ``text`` (compared as UTF-8, without making a str)."""
        ends = self._ends.raw
        start = ends.item(index - 1) if index else 0
        return self._data[start: ends.item(index)] == text.encode()

    def append(self, text: str) -> int:
        self._data += text.encode()
        return self._ends.append(len(self._data))

    def extend(self, texts: Iterable[str]) -> None:
        encoded = [t.encode() for t in texts]
        lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
        self._ends.extend(len(self._data) + np.cumsum(lengths))
        self._data += b"".join(encoded)
