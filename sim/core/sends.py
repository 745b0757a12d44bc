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
)
from sim.channels import ChannelModel, ChannelProfile, ConstantLatency, DeliveryBatch, child_seed

from .channel_types import CHANNEL_TYPES, CODE, CODE_BY_NAME, FAMILY, NOT_SENDABLE
from .content import ContentResolver
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
    """Per-recipient results of one request, in recipient order."""

    status: npt.NDArray[np.uint8]
    status_code: npt.NDArray[np.int16]
    messages: list[str]
    message_ids: list[str | None]
    updated_tokens: dict[int, str]
    latency_s: npt.NDArray[np.float64]
    completion_s: float


def expand(app: AppStore, addresses: dict[str, AddressConfiguration] | None,
           endpoint_rows: Sequence[tuple[int, RecipientConfig]],
           sms_opt_out: frozenset[str] | set[str]) -> Expanded:
    """Columns for ``addresses`` (already validated) followed by the endpoint rows."""
    n_addr = len(addresses or {})
    n = n_addr + len(endpoint_rows)
    channel = np.empty(n, dtype=np.uint8)
    address_key = np.empty(n, dtype=np.int64)
    opted = np.zeros(n, dtype=bool)
    rows = np.full(n, -1, dtype=np.int64)
    configs: list[RecipientConfig] = []
    texts: list[str | None] = []
    fresh_key = len(app.addresses)
    index = app.address_index
    for i, (address, config) in enumerate((addresses or {}).items()):
        assert config.ChannelType is not None
        code = CODE[config.ChannelType]
        channel[i] = code
        known = index.get(address)
        address_key[i] = known if known is not None else fresh_key + i
        if code == _SMS and address in sms_opt_out:
            opted[i] = True
        configs.append(config)
        texts.append(address)
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
                            opted)
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

    def rate_limit_keys(self, code: int) -> int:
        limit = self.profiles[code].rate_limit
        return limit.keys if limit is not None else 1


#: A channel with no profile: instant and always SUCCESSFUL (deterministic tests of user code).
IDEAL_PROFILE = ChannelProfile(latency=ConstantLatency(value_s=0.0),
                               note="ideal: no profile configured for this channel")


def deliver(expanded: Expanded, config: DirectMessageConfiguration,
            context: dict[str, str] | None, now_s: float, channels: ChannelRouter,
            next_message_id: Callable[[], str], opt_out_as_permanent_p: float,
            rules_rng: np.random.Generator) -> Outcome:
    """Rules, content and channel admission for one request."""
    outcome = apply_rules(expanded.recipients, opt_out_as_permanent_p, rules_rng)
    status, code = outcome.status, outcome.status_code
    n = len(status)
    messages = [RULE_MESSAGES[m] for m in outcome.message.tolist()]
    latency = np.zeros(n, dtype=np.float64)
    resolver = ContentResolver(config, context)
    parts = np.ones(n, dtype=np.int64)
    channel = expanded.channel
    for i in np.flatnonzero(status == PASS).tolist():
        ch = int(channel[i])
        if ch == NO_CHANNEL or CHANNEL_TYPES[ch] in NOT_SENDABLE or ch in channels.disabled:
            status[i], code[i] = STATUS_PERMANENT, 400
            messages[i] = ("Endpoint has no channel type or address" if ch == NO_CHANNEL else
                           "Channel is not enabled" if ch in channels.disabled else
                           f"Channel type {CHANNEL_TYPES[ch].value} cannot be sent to directly")
            continue
        bad_address = address_problem(ch, expanded.addresses[i])
        if bad_address is not None:
            status[i], code[i], messages[i] = STATUS_PERMANENT, 400, bad_address
            continue
        resolved = resolver.for_recipient(CHANNEL_TYPES[ch], expanded.configs[i])
        if resolved.error is not None:
            status[i], code[i], messages[i] = STATUS_PERMANENT, 400, resolved.error
        else:
            parts[i] = resolved.sms_parts
    completion_s = now_s
    passing = status == PASS
    for ch in np.unique(channel[passing]).tolist():
        idx = np.flatnonzero(passing & (channel == ch))
        model = channels.model(ch)
        keys = channels.rate_limit_keys(ch)
        result = model.admit(now_s, DeliveryBatch.at(
            now_s, len(idx), parts[idx], sticky_keys(expanded.addresses, idx, keys)
            if keys > 1 else None))
        status[idx] = result.status
        code[idx] = result.status_code
        for j, m in zip(idx.tolist(), result.message.tolist(), strict=True):
            if m:
                messages[j] = model.messages[m]
        latency[idx] = result.end_s - now_s
        completion_s = max(completion_s, float(result.end_s.max()))
    message_ids: list[str | None] = [None] * n
    for i in np.flatnonzero(status == 0).tolist():
        mid = next_message_id()
        message_ids[i] = mid
        messages[i] = f"MessageId: {mid}"
    return Outcome(status, code, messages, message_ids, {}, latency, completion_s)


_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE_CHANNELS = frozenset({CODE[ChannelType.SMS], CODE[ChannelType.VOICE]})
_EMAIL_CHANNEL = CODE[ChannelType.EMAIL]


def address_problem(channel: int, address: str | None) -> str | None:
    """Why a delivery cannot go to ``address`` (a per-recipient PERMANENT_FAILURE), if it can't."""
    if address is None:
        return "Endpoint has no address"
    if channel in _PHONE_CHANNELS and _E164.fullmatch(address) is None:
        return f"Address {address!r} is not an E.164 phone number"
    if channel == _EMAIL_CHANNEL and _EMAIL.fullmatch(address) is None:
        return f"Address {address!r} is not an email address"
    return None


STATUS_PERMANENT = STATUSES.index(DeliveryStatus.PERMANENT_FAILURE)


def sticky_keys(addresses: list[str | None], idx: npt.NDArray[np.intp], keys: int
                ) -> npt.NDArray[np.int64]:
    """A fixed rate-limit key per address (a stable hash): the same sender for a recipient."""
    if keys <= 1:
        return np.zeros(len(idx), dtype=np.int64)
    return np.fromiter((zlib.crc32((addresses[i] or "").encode()) % keys for i in idx.tolist()),
                       dtype=np.int64, count=len(idx))
