"""The columns a window of attempts is made of: one row per attempt-request, one per recipient.

An *attempt-request* (a group) is one SendMessages/SendUsersMessages call: a first attempt or a
retry. Recipients are in request order within a group and groups in send order, the order in
which the channel models must see them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Self

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
U8 = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]


class _Columns:
    """Equal-length numpy columns that can be sliced, gathered and concatenated together."""

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(getattr(self, self._names()[0]))

    def take(self, rows: npt.NDArray[np.intp] | npt.NDArray[np.int64] | slice) -> Self:
        return type(self)(*[getattr(self, name)[rows] for name in self._names()])

    @classmethod
    def concat(cls, parts: list[Self]) -> Self:
        if len(parts) == 1:
            return parts[0]
        return cls(*[np.concatenate([getattr(p, name) for p in parts]) for name in cls._names()])

    @classmethod
    def empty(cls) -> Self:
        return cls.allocate(0)

    @classmethod
    def allocate(cls, n: int) -> Self:
        """``n`` rows of uninitialised columns, for a kernel to fill."""
        return cls(*[np.empty(n, dtype=dtype) for dtype in cls._dtypes()])

    @classmethod
    def _dtypes(cls) -> tuple[Any, ...]:
        raise NotImplementedError


@dataclass(slots=True)
class Recipients(_Columns):
    """One row per recipient entry. ``row`` is the endpoint row, which is also its address id;
    ``is_copy`` marks an entry listed in ``Addresses`` that repeats an endpoint's address;
    ``keyed`` marks entries the DUPLICATE rule must compare (copies and their endpoints)."""

    group: I64
    channel: U8
    row: I64
    is_copy: Bools
    keyed: Bools
    opted: Bools
    inactive: Bools
    invalid: Bools

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return _RECIPIENT_FIELDS

    @classmethod
    def _dtypes(cls) -> tuple[Any, ...]:
        return (np.int64, np.uint8, np.int64, np.bool_, np.bool_, np.bool_, np.bool_, np.bool_)


@dataclass(slots=True)
class Groups(_Columns):
    """One row per attempt-request: send time, the first attempt's intended time, attempt
    number (1 = first), caller (closed-loop client, else -1), logical request id, and whether
    its recipients still have to be drawn (a first attempt) or travel with it (a retry)."""

    time_s: F64
    intended_s: F64
    attempt: I32
    client: I32
    request_id: I64
    fresh: Bools

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return _GROUP_FIELDS

    @classmethod
    def _dtypes(cls) -> tuple[Any, ...]:
        return (np.float64, np.float64, np.int32, np.int32, np.int64, np.bool_)


_RECIPIENT_FIELDS = ("group", "channel", "row", "is_copy", "keyed", "opted", "inactive", "invalid")
_GROUP_FIELDS = ("time_s", "intended_s", "attempt", "client", "request_id", "fresh")


@dataclass(slots=True)
class PendingRetries:
    """Retry requests waiting for their send time: a group row and its recipients."""

    groups: Groups
    recipients: Recipients
    """``group`` indexes ``groups``."""

    @classmethod
    def none(cls) -> PendingRetries:
        return cls(Groups.empty(), Recipients.empty())

    def add(self, groups: Groups, recipients: Recipients) -> None:
        shifted = recipients.take(slice(None))
        shifted.group = recipients.group + len(self.groups)
        self.groups = Groups.concat([self.groups, groups])
        self.recipients = Recipients.concat([self.recipients, shifted])

    def split(self, until_s: float, limit: int | None = None) -> PendingRetries:
        """Remove and return the retries sent at or before ``until_s`` (at most ``limit``,
        earliest first), in send order; both parts keep their recipients."""
        order = np.argsort(self.groups.time_s, kind="stable")
        due = int(np.searchsorted(self.groups.time_s[order], until_s, side="right"))
        if limit is not None:
            due = min(due, limit)
        taken, kept = order[:due], np.sort(order[due:])
        result = _select(self, taken)
        rest = _select(self, kept)
        self.groups, self.recipients = rest.groups, rest.recipients
        return result


def _select(pending: PendingRetries, group_rows: npt.NDArray[np.intp]) -> PendingRetries:
    """Groups ``group_rows`` (in that order) and their recipients, renumbered 0..k-1."""
    new_index = np.full(len(pending.groups), -1, dtype=np.int64)
    new_index[group_rows] = np.arange(len(group_rows))
    mapped = new_index[pending.recipients.group]
    rows = np.flatnonzero(mapped >= 0)
    rows = rows[np.argsort(mapped[rows], kind="stable")]
    recipients = pending.recipients.take(rows)
    recipients.group = mapped[rows]
    return PendingRetries(pending.groups.take(group_rows), recipients)


for _cls in (Recipients, Groups):  # the cached names must follow the dataclass fields
    assert _cls._names() == tuple(f.name for f in fields(_cls)), _cls
