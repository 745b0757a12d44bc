"""The StatusMessages of one request: recipients hold an index into a table of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .rules import RULE_MESSAGES


class SharedMessages(NamedTuple):
    """The messages every request starts with: the channel fleet's (the admission kernel
    writes their indices), then the rules' (``rule_index`` maps a rule message to its row)."""

    texts: list[str]
    positions: dict[str, int]
    rule_index: npt.NDArray[np.int32]

    @classmethod
    def of(cls, channel_messages: Sequence[str]) -> SharedMessages:
        texts = [*channel_messages, *RULE_MESSAGES[1:]]
        index = {t: i for i, t in reversed(list(enumerate(texts)))}
        return cls(texts, index, np.array([index[t] for t in RULE_MESSAGES], dtype=np.int32))


class MessageTable:
    """One request's messages: the shared ones, copied only when the request adds its own."""

    __slots__ = ("_index", "_owned", "rule_index", "texts")

    def __init__(self, shared: SharedMessages) -> None:
        self.texts, self._index, self.rule_index = shared
        self._owned = False

    def add(self, text: str) -> int:
        found = self._index.get(text)
        if found is None:
            if not self._owned:
                self.texts, self._index, self._owned = list(self.texts), dict(self._index), True
            found = self._index[text] = len(self.texts)
            self.texts.append(text)
        return found
