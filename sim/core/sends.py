"""One send request, from recipients to per-recipient results (the data flow of DESIGN.md).

Recipients are expanded into columns in request order (``Addresses`` in JSON order, then
``Endpoints``; for SendUsersMessages each user's endpoints in store order), then go through
``rules.apply_rules``, content resolution and the channel models; the results are built last.

Decisions where reference §3 is silent (each tested):
- A channel type without a configured profile is served by an ideal channel (instant,
  SUCCESSFUL); APNS_SANDBOX, APNS_VOIP and APNS_VOIP_SANDBOX use the APNS profile unless they
  have their own. A channel listed in ``ServiceConfig.disabled_channels`` answers
  PERMANENT_FAILURE 400 "Channel is not enabled".
- A rate limit with several keys (SMS origination numbers) gives each recipient address a fixed
  key (a stable hash of the address: sticky sender).
- Message ids are deterministic: a per-service counter, so a seed reproduces a run byte for byte.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sim.api import (
    AddressConfiguration,
    ChannelType,
    DeliveryStatus,
    DirectMessageConfiguration,
    EndpointSendConfiguration,
    encode,
)
from sim.api.errors import BadRequest
from sim.channels import (
    PERMANENT_FAILURE,
    SUCCESSFUL,
    ChannelModel,
    ChannelProfile,
    ConstantLatency,
    DeliveryBatch,
    child_seed,
)

from .channel_types import CHANNEL_TYPES, CODE, CODE_BY_NAME, FAMILY, NOT_SENDABLE
from .content import ContentResolver, ResolvedContent, has_own_content
from .rules import PASS, RULE_MESSAGES, Recipients, apply_rules
from .store import NO_CHANNEL, AppStore

STATUSES: tuple[DeliveryStatus, ...] = tuple(DeliveryStatus)
_SMS = CODE[ChannelType.SMS]
GCM_CODE = CODE[ChannelType.GCM]

RecipientConfig = AddressConfiguration | EndpointSendConfiguration | None


class Expanded(NamedTuple):
    """Recipients of one request as columns plus the few per-recipient objects."""

    channel: npt.NDArray[np.uint8]
    recipients: Recipients
    rows: npt.NDArray[np.int64]  # endpoint row, -1 for a bare address
    configs: list[RecipientConfig]
    addresses: list[str | None]


class Outcome(NamedTuple):
    """Per-recipient results of one request, in recipient order.

    ``message`` indexes ``message_texts``; a SUCCESSFUL recipient's StatusMessage is
    "MessageId: <its message id>".
    """

    status: npt.NDArray[np.uint8]
    status_code: npt.NDArray[np.int16]
    message: npt.NDArray[np.int32]
    message_texts: list[str]
    message_ids: list[str | None]
    updated_tokens: dict[int, str]
    latency_s: npt.NDArray[np.float64]
    completion_s: float


def expand(app: AppStore, addresses: dict[str, AddressConfiguration] | None,
           endpoint_rows: Sequence[tuple[int, RecipientConfig]],
           sms_opt_out: frozenset[str] | set[str]) -> Expanded:
    """Columns for ``addresses`` (already validated) followed by the endpoint rows."""
    addresses = addresses or {}
    n_addr = len(addresses)
    n = n_addr + len(endpoint_rows)
    channel = np.empty(n, dtype=np.uint8)
    address_key = np.empty(n, dtype=np.int64)
    opted = np.zeros(n, dtype=bool)
    rows = np.full(n, -1, dtype=np.int64)
    texts: list[str | None] = list(addresses)
    configs: list[RecipientConfig] = list(addresses.values())
    if addresses:
        try:
            codes = [CODE_BY_NAME[c.ChannelType._value_] for c in configs]  # type: ignore[union-attr]
        except AttributeError:
            missing = next(a for a, c in addresses.items() if c.ChannelType is None)
            raise BadRequest(f"MessageRequest.Addresses.{missing}.ChannelType is required"
                             ) from None
        channel[:n_addr] = codes
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
    return Expanded(channel, recipients, rows, configs, texts)


class ChannelRouter:
    """The channel model serving each channel type, each seeded ``child_seed(seed, code)``.

    Seeding by channel code (not by creation order) lets the engine build the same models and
    get the same draws as the service for the same seed.
    """

    def __init__(self, profiles: Mapping[str, ChannelProfile], seed: np.random.SeedSequence,
                 disabled: Iterable[str] = ()) -> None:
        self._seed = seed
        self._models: dict[int, ChannelModel] = {}
        self.disabled = frozenset(CODE_BY_NAME[name] for name in disabled)
        self.profiles: dict[int, ChannelProfile] = {}
        for code, channel_type in enumerate(CHANNEL_TYPES):
            profile = profiles.get(channel_type.value)
            if profile is None and channel_type.value.startswith("APNS"):
                profile = profiles.get("APNS")
            self.profiles[code] = profile or IDEAL_PROFILE

    def model(self, code: int) -> ChannelModel:
        found = self._models.get(code)
        if found is None:
            found = self._models[code] = ChannelModel(self.profiles[code],
                                                      child_seed(self._seed, code))
        return found

    def blocked_reason(self, code: int) -> str | None:
        """Why no delivery of channel ``code`` can be attempted at all, if none can."""
        if code == NO_CHANNEL:
            return "Endpoint has no channel type"
        if CHANNEL_TYPES[code] in NOT_SENDABLE:
            return f"Channel type {CHANNEL_TYPES[code].value} cannot be sent to directly"
        if code in self.disabled:
            return "Channel is not enabled"
        return None

    def rate_limit_keys(self, code: int) -> int:
        limit = self.profiles[code].rate_limit
        return limit.keys if limit is not None else 1


#: A channel with no profile: instant and always SUCCESSFUL (deterministic tests of user code).
IDEAL_PROFILE = ChannelProfile(latency=ConstantLatency(value_s=0.0),
                               note="ideal: no profile configured for this channel")


def deliver(expanded: Expanded, config: DirectMessageConfiguration,
            context: dict[str, str] | None, now_s: float, channels: ChannelRouter,
            plain_content: PlainContentCache, next_message_ids: Callable[[int], list[str]],
            opt_out_as_permanent_p: float, rules_rng: np.random.Generator) -> Outcome:
    """Rules, content and channel admission for one request, one channel group at a time."""
    rules = apply_rules(expanded.recipients, opt_out_as_permanent_p, rules_rng)
    status, code = rules.status, rules.status_code
    messages = MessageTable()
    message = rules.message.astype(np.int32)  # rule messages are the first table rows
    n = len(status)
    latency = np.zeros(n, dtype=np.float64)
    channel = expanded.channel
    passing = status == PASS
    completion_s = now_s
    resolver = ContentResolver(config, context)
    plain_by_channel = plain_content.for_message(config, context)
    for ch in np.unique(channel[passing]).tolist():
        idx = np.flatnonzero(passing & (channel == ch))
        blocked = channels.blocked_reason(ch)
        if blocked is not None:
            status[idx], code[idx], message[idx] = PERMANENT_FAILURE, 400, messages.add(blocked)
            continue
        parts, failed = _content_checks(ch, idx, expanded, resolver, plain_by_channel, messages,
                                        message)
        if failed.any():
            status[idx[failed]], code[idx[failed]] = PERMANENT_FAILURE, 400
            idx, parts = idx[~failed], parts[~failed]
            if not len(idx):
                continue
        model = channels.model(ch)
        keys = channels.rate_limit_keys(ch)
        result = model.admit(now_s, DeliveryBatch.at(
            now_s, len(idx), parts,
            sticky_keys(expanded.addresses, idx, keys) if keys > 1 else None))
        status[idx] = result.status
        code[idx] = result.status_code
        message[idx] = messages.add_all(model.messages)[result.message]
        latency[idx] = result.end_s - now_s
        completion_s = max(completion_s, float(result.end_s.max()))
    succeeded = status == SUCCESSFUL
    count = int(np.count_nonzero(succeeded))
    message_ids: list[str | None]
    if count == n:
        message_ids = list(next_message_ids(n))
    else:
        fresh = iter(next_message_ids(count))
        message_ids = [next(fresh) if ok else None for ok in succeeded.tolist()]
    return Outcome(status, code, message, messages.texts, message_ids, {}, latency, completion_s)


def _content_checks(ch: int, idx: npt.NDArray[np.intp], expanded: Expanded,
                    resolver: ContentResolver, plain_by_channel: dict[int, ResolvedContent],
                    messages: MessageTable, message: npt.NDArray[np.int32]
                    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Address format and content of one channel group: SMS parts, and which recipients fail."""
    rows = idx.tolist()
    failed = np.zeros(len(rows), dtype=bool)
    if ch in _CHECKED_ADDRESS_CHANNELS:
        addresses = [expanded.addresses[i] for i in rows]
        if None in addresses or not _all_valid(ch, addresses):
            for k, address in enumerate(addresses):
                problem = address_problem(ch, address)
                if problem is not None:
                    failed[k] = True
                    message[rows[k]] = messages.add(problem)
    configs = expanded.configs
    own = [k for k, i in enumerate(rows) if has_own_content(configs[i])]
    plain = plain_by_channel.get(ch)
    if plain is None:
        plain = plain_by_channel[ch] = resolver.for_recipient(CHANNEL_TYPES[ch])
    parts = np.full(len(rows), max(plain.sms_parts, 1), dtype=np.int64)
    if plain.error is not None:
        plain_rows = np.ones(len(rows), dtype=bool)
        plain_rows[own] = False
        message[idx[plain_rows & ~failed]] = messages.add(plain.error)
        failed |= plain_rows
    for k in own:
        content = resolver.for_recipient(CHANNEL_TYPES[ch], configs[rows[k]])
        if content.error is not None:
            if not failed[k]:
                message[rows[k]] = messages.add(content.error)
            failed[k] = True
        parts[k] = max(content.sms_parts, 1)
    return parts, failed


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


class MessageTable:
    """The distinct StatusMessages of one request; recipients hold an index into it."""

    __slots__ = ("_index", "texts")

    def __init__(self) -> None:
        self.texts: list[str] = list(RULE_MESSAGES)
        self._index: dict[str, int] = {t: i for i, t in enumerate(self.texts)}

    def add(self, text: str) -> int:
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.texts)
            self.texts.append(text)
        return found

    def add_all(self, texts: Sequence[str]) -> npt.NDArray[np.int32]:
        return np.array([self.add(t) for t in texts], dtype=np.int32)


_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE_CHANNELS = frozenset({CODE[ChannelType.SMS], CODE[ChannelType.VOICE]})
_EMAIL_CHANNEL = CODE[ChannelType.EMAIL]
_CHECKED_ADDRESS_CHANNELS = _PHONE_CHANNELS | {_EMAIL_CHANNEL}


_E164_LINES = re.compile(r"(?:\+[1-9][0-9]{1,14}\n)*")
_EMAIL_LINES = re.compile(r"(?:[^@\s]+@[^@\s]+\n)*")


def _all_valid(channel: int, addresses: list[str]) -> bool:
    """Every address well-formed, checked with one regex pass over all of them."""
    lines = _E164_LINES if channel in _PHONE_CHANNELS else _EMAIL_LINES
    return lines.fullmatch("\n".join(addresses) + "\n") is not None


def address_problem(channel: int, address: str | None) -> str | None:
    """Why a delivery cannot go to ``address`` (a per-recipient PERMANENT_FAILURE), if it can't."""
    if address is None:
        return "Endpoint has no address"
    if channel in _PHONE_CHANNELS and _E164.fullmatch(address) is None:
        return f"Address {address!r} is not an E.164 phone number"
    if channel == _EMAIL_CHANNEL and _EMAIL.fullmatch(address) is None:
        return f"Address {address!r} is not an email address"
    return None




def sticky_keys(addresses: list[str | None], idx: npt.NDArray[np.intp], keys: int
                ) -> npt.NDArray[np.int64]:
    """A fixed rate-limit key per address (a stable hash): the same sender for a recipient."""
    if keys <= 1:
        return np.zeros(len(idx), dtype=np.int64)
    return np.fromiter((zlib.crc32((addresses[i] or "").encode()) % keys for i in idx.tolist()),
                       dtype=np.int64, count=len(idx))
