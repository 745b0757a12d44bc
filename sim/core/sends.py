"""One send request, from recipients to per-recipient results (the data flow of DESIGN.md).

Recipients are expanded into columns in request order (``Addresses`` in JSON order, then
``Endpoints``; for SendUsersMessages each user's endpoints in store order), then go through
``rules.apply_rules``, content and address checks, and one ``ChannelFleet.admit`` call for all
channels; the results are built last.

Speed: a request has at most 100 recipients, where a numpy call (about 1 us) costs as much as
a Python pass over all of them, so the common case (only ``Addresses``, no overrides) is a few
C-level passes (``map``, ``bytes``, ``list.count``) and one kernel call; only what a request
actually uses (endpoints, overrides, opt-outs, sticky senders) costs more.

Decisions where reference §3 is silent (each tested):
- A rate limit with several keys (SMS origination numbers) gives each recipient address a fixed
  key (a stable hash of the address: sticky sender).
- Message ids are deterministic: a per-service counter and the recipient's position, so a seed
  reproduces a run byte for byte.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from itertools import compress
from operator import attrgetter, eq
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sim.api import (
    MAX_ENDPOINTS_PER_USER,
    MAX_RECIPIENTS_PER_REQUEST,
    AddressConfiguration,
    DeliveryStatus,
    DirectMessageConfiguration,
    EndpointSendConfiguration,
    encode,
)
from sim.api.errors import BadRequest
from sim.channels import NO_I64, PERMANENT_FAILURE, SUCCESSFUL, UNDECIDED

from .addresses import CHECKED_ADDRESS_CHANNELS, address_problem, all_valid
from .channel_types import CHANNEL_TYPES, CODE_BY_NAME, FAMILY
from .content import ContentResolver, ResolvedContent, has_own_content
from .messages import MessageTable
from .plain_send import CODE_BY_PLAIN_ADDRESS, plain_addresses
from .router import ChannelRouter
from .rules import Recipients, apply_rules
from .store import NO_CHANNEL, AppStore

STATUSES: tuple[DeliveryStatus, ...] = tuple(DeliveryStatus)
_SMS = CODE_BY_NAME["SMS"]
GCM_CODE = CODE_BY_NAME["GCM"]

RecipientConfig = AddressConfiguration | EndpointSendConfiguration | None
_CHANNEL_NAME = attrgetter("ChannelType._value_")
_PLAIN_ADDRESS = tuple(AddressConfiguration(ChannelType=ct) for ct in CHANNEL_TYPES)
_SELECT = tuple(bytes(int(i == code) for i in range(256)) for code in range(len(CHANNEL_TYPES)))
"""``codes.translate(_SELECT[c])``: 1 where the code is c, else 0 (a mask for ``compress``)."""


class Expanded(NamedTuple):
    """Recipients of one request as columns plus the few per-recipient objects."""

    channel: npt.NDArray[np.uint8]
    codes: bytes  # the same channel codes, for C-level passes
    recipients: Recipients | None  # None: no rule can apply (distinct addresses, no opt-out)
    rows: npt.NDArray[np.int64] | None  # endpoint row, -1 for a bare address; None: all bare
    configs: list[RecipientConfig]
    addresses: list[str | None]
    plain_count: int = 0
    """The first ``plain_count`` configs hold only their ChannelType (proven by the decode)."""


class Outcome(NamedTuple):
    """Per-recipient results of one request, in recipient order.

    ``message`` indexes ``message_texts``; a SUCCESSFUL recipient's StatusMessage is
    "MessageId: <its message id>", which is ``message_id_prefix`` followed by
    ``MESSAGE_ID_SUFFIXES[position]``. ``unsuccessful`` lists the positions of the others.
    """

    status: npt.NDArray[np.uint8]
    status_code: npt.NDArray[np.int16]
    message: npt.NDArray[np.int32]
    message_texts: Sequence[str]
    message_id_prefix: str
    unsuccessful: list[int]
    updated_tokens: dict[int, str]
    latency_s: npt.NDArray[np.float64]
    completion_s: float

    def message_id(self, i: int) -> str | None:
        """Recipient ``i``'s message id; None unless SUCCESSFUL."""
        return None if self.status[i] != SUCCESSFUL else (
            self.message_id_prefix + MESSAGE_ID_SUFFIXES[i])


MESSAGE_ID_SUFFIXES = tuple(
    f"{i:04x}" for i in range(MAX_RECIPIENTS_PER_REQUEST * MAX_ENDPOINTS_PER_USER))
"""Message id endings by recipient position (a SendUsersMessages reaches every endpoint of
each of its users); concatenating a prefix is cheaper than formatting a number per recipient."""


def expand(app: AppStore, addresses: dict[str, AddressConfiguration] | None,
           endpoint_rows: Sequence[tuple[int, RecipientConfig]],
           sms_opt_out: frozenset[str] | set[str]) -> Expanded:
    """Columns for ``addresses`` (already validated) followed by the endpoint rows. Plain
    address configs (``plain_send.PLAIN_ADDRESSES``) give their channel by their class."""
    addresses = addresses or {}
    texts: list[str | None] = list(addresses)
    configs: list[RecipientConfig] = list(addresses.values())
    plain = plain_addresses(configs)
    try:
        codes = bytes(map(CODE_BY_PLAIN_ADDRESS.__getitem__, map(type, configs))) if plain else (
            bytes(map(CODE_BY_NAME.__getitem__, map(_CHANNEL_NAME, configs))))
    except AttributeError:
        missing = next(a for a, c in addresses.items() if c.ChannelType is None)
        raise BadRequest(f"MessageRequest.Addresses.{missing}.ChannelType is required") from None
    if not endpoint_rows and not (sms_opt_out and _SMS in codes):
        # a writable column (a view of bytes is read-only, which numba compiles apart)
        return Expanded(np.frombuffer(bytearray(codes), dtype=np.uint8), codes, None, None,
                        configs, texts, len(configs) if plain else 0)
    n_addr = len(addresses)
    n = n_addr + len(endpoint_rows)
    channel = np.empty(n, dtype=np.uint8)
    channel[:n_addr] = np.frombuffer(codes, dtype=np.uint8)
    address_key = np.empty(n, dtype=np.int64)
    opted = np.zeros(n, dtype=bool)
    rows = np.full(n, -1, dtype=np.int64)
    if addresses:
        if endpoint_rows:
            known = app.address_index.get_many(texts)  # type: ignore[arg-type]
            unseen = known < 0  # addresses no endpoint has: a fresh key each (they differ)
            known[unseen] = len(app.addresses) + np.flatnonzero(unseen)
            address_key[:n_addr] = known
        else:  # Addresses keys are distinct, so only endpoints could share an address
            address_key[:n_addr] = np.arange(n_addr)
        if sms_opt_out:
            opted[:n_addr] = [code == _SMS and a in sms_opt_out
                              for code, a in zip(codes, texts, strict=True)]
    if endpoint_rows:
        picked = np.fromiter((r for r, _ in endpoint_rows), dtype=np.int64,
                             count=len(endpoint_rows))
        known_rows = picked >= 0
        safe = np.where(known_rows, picked, 0)
        rows[n_addr:] = picked
        channel[n_addr:] = np.where(known_rows, app.channel.take(safe), NO_CHANNEL)
        address_key[n_addr:] = np.where(known_rows, app.address_id.take(safe), -1)
        opted[n_addr:] = known_rows & app.opted_out.take(safe)
        for i, (_, endpoint_config) in enumerate(endpoint_rows, start=n_addr):
            configs.append(endpoint_config)
            aid = int(address_key[i])
            text = app.addresses[aid] if aid >= 0 else None
            texts.append(text)
            if text is not None and channel[i] == _SMS and text in sms_opt_out:
                opted[i] = True
    unknown = rows < 0
    unknown[:n_addr] = False
    inactive = np.zeros(n, dtype=bool)
    if endpoint_rows:
        live = rows[n_addr:] >= 0
        inactive[n_addr:][live] = ~app.active.take(rows[n_addr:][live])
    family = FAMILY[np.minimum(channel, len(FAMILY) - 1)]
    recipients = Recipients(np.zeros(n, dtype=np.int64), family, address_key, unknown, inactive,
                            opted, distinct_addresses=not endpoint_rows)
    return Expanded(channel, channel.tobytes(), recipients, rows, configs, texts,
                    n_addr if plain else 0)


def deliver(expanded: Expanded, config: DirectMessageConfiguration,
            context: dict[str, str] | None, now_s: float, channels: ChannelRouter,
            plain_content: PlainContentCache, next_message_prefix: Callable[[], str],
            opt_out_as_permanent_p: float, rules_rng: np.random.Generator) -> Outcome:
    """Rules, content and address checks, then one admission for every channel."""
    channel, codes = expanded.channel, expanded.codes
    n = len(codes)
    if n > len(MESSAGE_ID_SUFFIXES):
        raise ValueError(f"A request of {n} recipients exceeds the message id space")
    messages = MessageTable(channels.messages)
    if expanded.recipients is None:
        status = np.empty(n, dtype=np.uint8)
        status.fill(UNDECIDED)
        code = np.zeros(n, dtype=np.int16)
        message = np.zeros(n, dtype=np.int32)
    else:
        rules = apply_rules(expanded.recipients, opt_out_as_permanent_p, rules_rng)
        status, code = rules.status, rules.status_code
        message = messages.rule_index[rules.message]
    checks = _RequestChecks(expanded, config, context, plain_content, messages, status, code,
                            message)
    fleet = channels.fleet
    parts_by_slot = fleet.parts_by_slot.copy()
    present = set(codes)
    for ch in present:
        blocked = channels.blocked.get(ch)
        if blocked is not None:
            checks.fail(np.flatnonzero(channel == ch).tolist(), blocked)
        else:
            parts_by_slot[ch] = checks.channel(ch)
    key = _address_hashes(expanded, channels.keyed) if not channels.keyed.isdisjoint(
        present) else NO_I64
    end_s = np.empty(n)
    end_s.fill(now_s)
    admitted = fleet.admit(channel, status, code, message, np.empty(n), end_s, all_at_s=now_s,
                           parts=checks.parts(parts_by_slot), key=key,
                           parts_by_slot=parts_by_slot)
    return Outcome(status, code, message, messages.texts, next_message_prefix(),
                   admitted.unsuccessful.tolist(), {}, end_s - now_s,
                   max(admitted.latest_end_s, now_s))


class _RequestChecks:
    """Content and address checks of one request's channel groups; failures are written into
    the request's columns (PERMANENT_FAILURE 400 with the reason)."""

    def __init__(self, expanded: Expanded, config: DirectMessageConfiguration,
                 context: dict[str, str] | None, plain_content: PlainContentCache,
                 messages: MessageTable, status: npt.NDArray[np.uint8],
                 code: npt.NDArray[np.int16], message: npt.NDArray[np.int32]) -> None:
        self._expanded = expanded
        self._config, self._context = config, context
        self._resolver: ContentResolver | None = None
        self._plain = plain_content.for_message(config, context)
        self._messages = messages
        self._status, self._code, self._message = status, code, message
        self._own = _own_content(expanded)
        self._own_parts: dict[int, int] = {}

    def resolver(self) -> ContentResolver:
        if self._resolver is None:
            self._resolver = ContentResolver(self._config, self._context)
        return self._resolver

    def fail(self, idx: Sequence[int], reason: str) -> None:
        """Recipients ``idx`` that are still undecided fail with ``reason``."""
        status = self._status
        for i in idx:
            if status[i] == UNDECIDED:
                status[i], self._code[i] = PERMANENT_FAILURE, 400
                self._message[i] = self._messages.add(reason)

    def channel(self, ch: int) -> int:
        """Check channel ``ch``'s recipients; returns the SMS parts of its shared content."""
        expanded = self._expanded
        if ch in CHECKED_ADDRESS_CHANNELS:
            addresses = list(compress(expanded.addresses, expanded.codes.translate(_SELECT[ch])))
            if not all_valid(ch, addresses):
                for i in np.flatnonzero(expanded.channel == ch).tolist():
                    problem = address_problem(ch, expanded.addresses[i])
                    if problem is not None:
                        self.fail((i,), problem)
        plain = self._plain.get(ch)
        if plain is None:
            plain = self._plain[ch] = self.resolver().for_recipient(CHANNEL_TYPES[ch])
        own = [i for i in self._own if expanded.channel[i] == ch]
        if plain.error is not None:
            mine = set(np.flatnonzero(expanded.channel == ch).tolist()) - set(own)
            self.fail(sorted(mine), plain.error)
        for i in own:
            content = self.resolver().for_recipient(CHANNEL_TYPES[ch], expanded.configs[i])
            if content.error is not None:
                self.fail((i,), content.error)
            self._own_parts[i] = max(content.sms_parts, 1)
        return max(plain.sms_parts, 1)

    def parts(self, parts_by_slot: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Per-recipient parts when some recipient has its own content, else none (by slot)."""
        if not self._own_parts:
            return NO_I64
        parts = parts_by_slot.take(self._expanded.channel, mode="clip")  # 255: decided
        for i, count in self._own_parts.items():
            parts[i] = count
        return parts


def _own_content(expanded: Expanded) -> list[int]:
    """Positions of recipients with their own content. Plain addresses (from
    ``decode_message_request``) have none; bare addresses whose configs equal their channel's
    plain one are proven to have none by one C-level pass."""
    configs = expanded.configs
    first = expanded.plain_count
    if first == len(configs) or (first == 0 and expanded.rows is None and all(
            map(eq, configs, map(_PLAIN_ADDRESS.__getitem__, expanded.codes)))):
        return []
    return [i for i in range(first, len(configs)) if has_own_content(configs[i])]


def _address_hashes(expanded: Expanded, keyed: frozenset[int]) -> npt.NDArray[np.int64]:
    """A stable hash of each address on a ``keyed`` channel (0 elsewhere): the rate-limit key
    that always sends to a recipient from the same sender (the fleet takes it modulo keys)."""
    key = np.zeros(len(expanded.codes), dtype=np.int64)
    for i, (ch, address) in enumerate(zip(expanded.codes, expanded.addresses, strict=True)):
        if ch in keyed:
            key[i] = zlib.crc32((address or "").encode())
    return key


class PlainContentCache:
    """Content of recipients without overrides, per channel, shared by requests whose message
    configuration and context are the same (the requests of one campaign); bounded, oldest out.
    """

    def __init__(self, max_messages: int = 256) -> None:
        self._by_message: dict[bytes, dict[int, ResolvedContent]] = {}
        self._max_messages = max_messages

    def for_message(self, config: DirectMessageConfiguration, context: dict[str, str] | None
                    ) -> dict[int, ResolvedContent]:
        key = encode(config) + (encode(context) if context else b"")
        found = self._by_message.get(key)
        if found is None:
            if len(self._by_message) >= self._max_messages:
                del self._by_message[next(iter(self._by_message))]
            found = self._by_message[key] = {}
        return found
