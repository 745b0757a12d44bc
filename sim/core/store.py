"""Apps, endpoints and users: Pinpoint's endpoint store (reference/pinpoint.md §5), columnar.

One row per endpoint in numpy columns (channel, status, opt-out, address id, user, dates), with
Python dicts only for the id and address indexes and a sparse side table for the rarely used
members (attributes, demographic, location, metrics), so a million endpoints stay small and the
send rules can run vectorised over rows.

Rules and decisions:
- UpdateEndpoint is an upsert with field-level merge; each custom attribute's list is replaced,
  others are kept. Every write sets EndpointStatus ACTIVE (a requested status is ignored, as AWS
  does), sets EffectiveDate (the request's, else the write time) and keeps CreationDate.
- Writing an endpoint makes the older endpoint in the app with the same address INACTIVE.
- Endpoint ids are case-insensitive (stored and answered as first written); user ids are
  case-sensitive (decision: the docs say nothing). Ids may not be empty or contain ``$ { }``.
- At most 15 endpoints per user: a 16th push-type endpoint retires the user's push endpoint
  with the oldest EffectiveDate (INACTIVE, user removed); any other 16th is a 400.
- Limits checked before anything changes: 15 KB per endpoint (its JSON), attribute names 50 and
  values 100 characters, 50 values per attribute, 250 distinct names per app for each of
  Attributes, User.UserAttributes and Metrics (decision: the three are counted separately),
  OptOut is "ALL" or "NONE". A rejected write changes nothing.
- Times are seconds on the driver's clock; dates are rendered as ISO 8601 from ``epoch_unix_s``.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar

import msgspec
import numpy as np
import numpy.typing as npt

from sim.api import (
    MAX_ENDPOINTS_PER_USER,
    ChannelType,
    EndpointBatchItem,
    EndpointDemographic,
    EndpointLocation,
    EndpointRequest,
    EndpointResponse,
    EndpointUser,
    encode,
)
from sim.api.errors import BadRequest, NotFound

from .channel_types import CHANNEL_TYPES, CODE, IS_PUSH
from .columns import Column
from .index import StringIndex
from .packed import PackedStrings

MAX_ENDPOINT_BYTES = 15 * 1024
MAX_ATTRIBUTE_NAME_CHARS = 50
MAX_ATTRIBUTE_VALUE_CHARS = 100
MAX_VALUES_PER_ATTRIBUTE = 50
MAX_ATTRIBUTES_PER_APP = 250
NO_CHANNEL = 255

EndpointWrite = EndpointRequest | EndpointBatchItem


class _Sparse(msgspec.Struct, gc=False):
    """The members most endpoints never set, kept off the columns."""

    attributes: dict[str, list[str]] | None = None
    demographic: EndpointDemographic | None = None
    location: EndpointLocation | None = None
    metrics: dict[str, float] | None = None
    request_id: str | None = None
    user_attributes: dict[str, list[str]] | None = None


@functools.lru_cache(maxsize=4096)
def iso8601(unix_s: float) -> str:
    """ISO 8601 with milliseconds, UTC; memoised (many endpoints share a write time, and
    formatting a datetime costs more than the rest of a GetEndpoint answer)."""
    return datetime.fromtimestamp(unix_s, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def check_not_empty(kind: str, value: str) -> None:
    """An empty path label is a 400 (boto3 sends it as it is; reference §2)."""
    if not value:
        raise BadRequest(f"{kind} must not be empty")


def check_id(kind: str, value: str) -> None:
    """An id a write may store: not empty, and none of Pinpoint's refused characters."""
    check_not_empty(kind, value)
    if "$" in value or "{" in value or "}" in value:
        raise BadRequest(f"{kind} '{value}' contains an invalid character: '$', '{{' and '}}' "
                         "are not allowed")


def _check_attributes(field: str, attributes: dict[str, list[str]] | None) -> None:
    for name, values in (attributes or {}).items():
        if len(name) > MAX_ATTRIBUTE_NAME_CHARS:
            raise BadRequest(f"{field} name '{name[:60]}' has {len(name)} characters; the limit "
                             f"is {MAX_ATTRIBUTE_NAME_CHARS}")
        if len(values) > MAX_VALUES_PER_ATTRIBUTE:
            raise BadRequest(f"{field}.{name} has {len(values)} values; the limit is "
                             f"{MAX_VALUES_PER_ATTRIBUTE}")
        for value in values:
            if len(value) > MAX_ATTRIBUTE_VALUE_CHARS:
                raise BadRequest(f"{field}.{name} has a value of {len(value)} characters; the "
                                 f"limit is {MAX_ATTRIBUTE_VALUE_CHARS}")


class AppStore:
    """The endpoints and users of one app."""

    def __init__(self, app_id: str, name: str, created_s: float,
                 tags: dict[str, str] | None = None) -> None:
        self.app_id, self.name, self.created_s, self.tags = app_id, name, created_s, tags
        self.index = StringIndex(casefold=True)  # endpoint id (any case) -> row
        self.channel = Column(np.uint8, NO_CHANNEL)
        self.active = Column(np.bool_, False)
        self.opted_out = Column(np.bool_, False)
        self.deleted = Column(np.bool_, False)
        self.address_id = Column(np.int32, -1)
        self.user_row = Column(np.int32, -1)
        self.created_s_col = Column(np.float64, 0.0)
        self.effective_s = Column(np.float64, 0.0)
        self.address_index = StringIndex()  # address -> address id
        self.latest_row_of_address = Column(np.int32, -1)
        self.user_index: dict[str, int] = {}
        self.user_ids: list[str] = []
        self.user_rows: list[list[int]] = []
        self.sparse: dict[int, _Sparse] = {}
        self.attribute_names: dict[str, set[str]] = {"Attributes": set(),
                                                     "User.UserAttributes": set(),
                                                     "Metrics": set()}

    # -- lookups -------------------------------------------------------------------------

    def row_of(self, endpoint_id: str) -> int:
        row = self.index.get(endpoint_id, -1)
        if row < 0:
            raise NotFound(f"Resource not found: endpoint '{endpoint_id}' in app {self.app_id}")
        return row

    @property
    def addresses(self) -> PackedStrings:
        """Every address ever written, by address id."""
        return self.address_index.keys

    @property
    def ids(self) -> PackedStrings:
        """Every endpoint id ever written (as first written), by row."""
        return self.index.keys

    def intern_address(self, address: str) -> int:
        aid = self.address_index.add(address)
        if aid == len(self.latest_row_of_address):
            self.latest_row_of_address.append(-1)
        return aid

    def is_push_row(self, row: int) -> bool:
        code = int(self.channel[row])
        return code != NO_CHANNEL and bool(IS_PUSH[code])

    def user_size(self, user_id: str) -> int:
        user = self.user_index.get(user_id, -1)
        return len(self.user_rows[user]) if user >= 0 else 0

    def rows_of_user(self, user_id: str) -> list[int]:
        user = self.user_index.get(user_id, -1)
        return list(self.user_rows[user]) if user >= 0 else []

    # -- writes --------------------------------------------------------------------------

    def check_write(self, endpoint_id: str, write: EndpointWrite) -> None:
        """Every limit of one write, before anything changes."""
        check_id("Endpoint Id", endpoint_id)
        size = len(encode(write))
        if size > MAX_ENDPOINT_BYTES:
            raise BadRequest(f"Endpoint '{endpoint_id}' is {size} bytes; the limit is "
                             f"{MAX_ENDPOINT_BYTES} bytes (15 KB)")
        if write.OptOut is not None and write.OptOut not in ("ALL", "NONE"):
            raise BadRequest(f"OptOut must be 'ALL' or 'NONE', not '{write.OptOut}'")
        user = write.User
        if user is not None and user.UserId is not None:
            check_id("User.UserId", user.UserId)
        for field, names in (("Attributes", write.Attributes),
                             ("User.UserAttributes", user.UserAttributes if user else None),
                             ("Metrics", write.Metrics)):
            if not names:
                continue
            if field != "Metrics":
                _check_attributes(field, names)  # type: ignore[arg-type]
            if not names.keys() <= self.attribute_names[field]:
                known = self.attribute_names[field]
                total = len(known | names.keys())
                if total > MAX_ATTRIBUTES_PER_APP:
                    raise BadRequest(f"{field}: the app would have {total} distinct names; the "
                                     f"limit is {MAX_ATTRIBUTES_PER_APP} per app")
        if write.EffectiveDate is not None:
            _parse_date(write.EffectiveDate)

    def check_user_capacity(self, writes: Sequence[tuple[str, EndpointWrite]]) -> None:
        """The 15-endpoints-per-user rule for a batch applied in order, without applying it."""
        joining: dict[str, int] = {}
        for _, write in writes:
            if write.User is not None and write.User.UserId is not None:
                joining[write.User.UserId] = joining.get(write.User.UserId, 0) + 1
        if all(self.user_size(uid) + n <= MAX_ENDPOINTS_PER_USER for uid, n in joining.items()):
            return  # nobody can reach the limit: skip the exact replay below
        members: dict[str, list[tuple[bool, str]]] = {}  # user -> [(is_push, endpoint key)]
        for endpoint_id, write in writes:
            key = endpoint_id.lower()
            row = self.index.get(key, -1)
            old_user = self.user_ids[self.user_row[row]] if row >= 0 and self.user_row[row] >= 0 \
                else None
            new_user = write.User.UserId if write.User and write.User.UserId else old_user
            channel = write.ChannelType
            is_push = bool(IS_PUSH[CODE[channel]]) if channel is not None else (
                row >= 0 and self.is_push_row(row))
            for uid in {old_user, new_user} - {None}:
                assert uid is not None
                if uid not in members:
                    members[uid] = [(self.is_push_row(r), self.ids[r].lower())
                                    for r in self.rows_of_user(uid)]
            if old_user is not None and old_user != new_user:
                members[old_user] = [m for m in members[old_user] if m[1] != key]
            if new_user is None:
                continue
            current = [m for m in members[new_user] if m[1] != key]
            if len(current) >= MAX_ENDPOINTS_PER_USER:
                pushes = [m for m in current if m[0]]
                if not is_push or not pushes:
                    raise BadRequest("Exceeded maximum endpoint per user count: "
                                     f"{MAX_ENDPOINTS_PER_USER}")  # AWS's words, exactly
                current.remove(pushes[0])
            members[new_user] = [*current, (is_push, key)]

    def upsert(self, endpoint_id: str, write: EndpointWrite, now_s: float, epoch_unix_s: float
               ) -> int:
        """Apply one already-checked write; returns the row."""
        row = self.index.get(endpoint_id, -1)
        if row < 0:
            row = self._new_row(endpoint_id, now_s)
        if write.ChannelType is not None:
            self.channel[row] = CODE[write.ChannelType]
        if write.OptOut is not None:
            self.opted_out[row] = write.OptOut == "ALL"
        self.effective_s[row] = (_parse_date(write.EffectiveDate) - epoch_unix_s
                                 if write.EffectiveDate is not None else now_s)
        self.active[row] = True
        if write.Attributes or write.Metrics or write.User or write.Demographic or \
                write.Location or write.RequestId:
            self._merge_sparse(row, write)
        if write.Address is not None:
            self._set_address(row, write.Address)
        elif self.address_id[row] >= 0:
            self._retire_older_same_address(row, int(self.address_id[row]))
        if write.User is not None and write.User.UserId is not None:
            self._set_user(row, write.User.UserId)
        return row

    def bulk_load(self, ids: Sequence[str], channel: npt.NDArray[np.uint8],
                  addresses: Sequence[str], users: Sequence[str],
                  user_of_row: npt.NDArray[np.int64], opted_out: npt.NDArray[np.bool_],
                  active: npt.NDArray[np.bool_], now_s: float) -> None:
        """Append many new endpoints in one pass (a preloaded population).

        Every id, address and user must be new and distinct (a generated population is), else
        ValueError before anything changes; ``user_of_row[i]`` indexes ``users`` (-1: none).
        """
        keys = [i.lower() for i in ids]
        per_user = np.bincount(user_of_row[user_of_row >= 0], minlength=len(users))
        if (len(set(keys)) < len(keys) or len(set(addresses)) < len(addresses)
                or len(set(users)) < len(users) or (self.index.get_many(keys) >= 0).any()
                or (self.address_index.get_many(addresses) >= 0).any()
                or any(u in self.user_index for u in users)
                or (per_user > MAX_ENDPOINTS_PER_USER).any()):
            raise ValueError("bulk_load needs new, distinct ids, addresses and users, and at "
                             f"most {MAX_ENDPOINTS_PER_USER} endpoints per user")
        first_row = len(self.ids)
        count = len(ids)
        for endpoint_id in ids:
            self.index.add(endpoint_id)
        first_address = len(self.addresses)
        for address in addresses:
            self.address_index.add(address)
        rows = np.arange(first_row, first_row + count)
        self.latest_row_of_address.extend(rows)
        self.address_id.extend(np.arange(first_address, first_address + count))
        self.channel.extend(channel)
        self.opted_out.extend(opted_out)
        self.active.extend(active)
        self.deleted.extend(np.zeros(count, dtype=bool))
        first_user = len(self.user_ids)
        self.user_row.extend(np.where(user_of_row >= 0, user_of_row + first_user, -1))
        self.created_s_col.extend(np.full(count, now_s))
        self.effective_s.extend(np.full(count, now_s))
        members: list[list[int]] = [[] for _ in users]
        for row, user in zip(rows.tolist(), user_of_row.tolist(), strict=True):
            if user >= 0:
                members[user].append(row)
        for user_id, rows_of_user in zip(users, members, strict=True):
            self.user_index[user_id] = len(self.user_ids)
            self.user_ids.append(user_id)
            self.user_rows.append(rows_of_user)

    def _new_row(self, endpoint_id: str, now_s: float) -> int:
        row = self.index.add(endpoint_id)
        assert row == len(self.channel), "endpoint rows and index entries are appended together"
        for col in (self.channel, self.active, self.opted_out, self.deleted, self.address_id,
                    self.user_row, self.effective_s):
            col.append()
        self.created_s_col.append(now_s)
        return row

    def _set_address(self, row: int, address: str) -> None:
        aid = self.intern_address(address)
        self.address_id[row] = aid
        self._retire_older_same_address(row, aid)

    def _retire_older_same_address(self, row: int, aid: int) -> None:
        previous = int(self.latest_row_of_address[aid])
        if previous >= 0 and previous != row and not self.deleted[previous] \
                and self.address_id[previous] == aid:
            self.active[previous] = False
        self.latest_row_of_address[aid] = row

    def _set_user(self, row: int, user_id: str) -> None:
        old = int(self.user_row[row])
        if old >= 0 and self.user_ids[old] == user_id:
            return
        if old >= 0:
            self.user_rows[old].remove(row)
        user = self.user_index.get(user_id, -1)
        if user < 0:
            user = len(self.user_ids)
            self.user_ids.append(user_id)
            self.user_rows.append([])
            self.user_index[user_id] = user
        members = self.user_rows[user]
        if len(members) >= MAX_ENDPOINTS_PER_USER:  # checked: a push endpoint can be retired
            pushes = [r for r in members if self.is_push_row(r)]
            oldest = min(pushes, key=lambda r: (self.effective_s[r], r))
            members.remove(oldest)
            self.user_row[oldest] = -1
            self.active[oldest] = False
        members.append(row)
        self.user_row[row] = user

    def _merge_sparse(self, row: int, write: EndpointWrite) -> None:
        user_attrs = write.User.UserAttributes if write.User is not None else None
        if not (write.Attributes or write.Demographic or write.Location or write.Metrics
                or write.RequestId or user_attrs):
            return
        sparse = self.sparse.setdefault(row, _Sparse())
        if write.Attributes:
            sparse.attributes = {**(sparse.attributes or {}), **write.Attributes}
            self.attribute_names["Attributes"].update(write.Attributes)
        if write.Metrics:
            sparse.metrics = {**(sparse.metrics or {}), **write.Metrics}
            self.attribute_names["Metrics"].update(write.Metrics)
        if user_attrs:
            sparse.user_attributes = {**(sparse.user_attributes or {}), **user_attrs}
            self.attribute_names["User.UserAttributes"].update(user_attrs)
        if write.Demographic is not None:
            sparse.demographic = _merge_struct(sparse.demographic, write.Demographic)
        if write.Location is not None:
            sparse.location = _merge_struct(sparse.location, write.Location)
        if write.RequestId is not None:
            sparse.request_id = write.RequestId

    def delete(self, row: int) -> None:
        self.deleted[row] = True
        self.active[row] = False
        self.index.remove(self.ids[row])
        user = int(self.user_row[row])
        if user >= 0:
            self.user_rows[user].remove(row)
            self.user_row[row] = -1
        self.sparse.pop(row, None)

    # -- reads ---------------------------------------------------------------------------

    def response(self, row: int, epoch_unix_s: float) -> EndpointResponse:
        """GetEndpoint's answer for ``row``; on every read's path, so it reads each column
        cell once as a Python scalar (``ndarray.item``) and dates through ``iso8601``'s memo."""
        sparse = self.sparse.get(row) or _EMPTY_SPARSE
        code = self.channel.raw.item(row)
        aid = self.address_id.raw.item(row)
        user = self.user_row.raw.item(row)
        endpoint_id = self.ids[row]
        user_struct = None
        if user >= 0 or sparse.user_attributes:
            user_struct = EndpointUser(UserId=self.user_ids[user] if user >= 0 else None,
                                       UserAttributes=sparse.user_attributes)
        return EndpointResponse(
            Address=self.addresses[aid] if aid >= 0 else None,
            ApplicationId=self.app_id,
            Attributes=sparse.attributes,
            ChannelType=CHANNEL_TYPES[code] if code != NO_CHANNEL else None,
            CohortId=str(zlib.crc32(endpoint_id.lower().encode()) % 100),
            CreationDate=iso8601(epoch_unix_s + self.created_s_col.raw.item(row)),
            Demographic=sparse.demographic,
            EffectiveDate=iso8601(epoch_unix_s + self.effective_s.raw.item(row)),
            EndpointStatus="ACTIVE" if self.active.raw.item(row) else "INACTIVE",
            Id=endpoint_id,
            Location=sparse.location,
            Metrics=sparse.metrics,
            OptOut="ALL" if self.opted_out.raw.item(row) else "NONE",
            RequestId=sparse.request_id,
            User=user_struct,
        )


_EMPTY_SPARSE = _Sparse()


_S = TypeVar("_S", EndpointDemographic, EndpointLocation)


def _merge_struct(old: _S | None, new: _S) -> _S:
    """Field-level merge of two Structs of one type: the new one's non-None fields win."""
    if old is None:
        return new
    changes = {f: v for f in new.__struct_fields__ if (v := getattr(new, f)) is not None}
    return msgspec.structs.replace(old, **changes)


def _parse_date(text: str) -> float:
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise BadRequest(f"EffectiveDate '{text}' is not an ISO 8601 date") from None

__all__ = ["AppStore", "ChannelType", "EndpointWrite", "check_id", "iso8601"]
