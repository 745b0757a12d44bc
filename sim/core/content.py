"""Which content each recipient gets (reference/pinpoint.md §4), and whether it can be sent.

A :class:`ContentResolver` is built once per request. The content of a recipient without its own
overrides depends only on the channel type, so it is resolved once per (request, channel type)
and the same :class:`ResolvedContent` is returned for every such recipient; only recipients with
their own ``RawContent``/``BodyOverride``/``TitleOverride``/``Substitutions``/``Context`` cost
extra work (and a recipient object seen again, e.g. a user's config applied to each of the
user's endpoints, is resolved once per channel type). A failure is a ``ResolvedContent`` with
``error`` set (the StatusMessage; the caller reports PERMANENT_FAILURE); resolution never raises.

Decisions where reference §4 is silent:

- **Not sendable.** PUSH and IN_APP fail with ``Channel type PUSH cannot be sent to directly``.
- **Field by field.** Title and body each fall back separately along the chain of §4; push
  ``Data`` falls back to DefaultPushNotificationMessage's; ``Sound`` comes from the channel
  message only. DefaultPushNotificationMessage is never used for non-push channels.
- **Empty text is unset.** ``""`` at any level counts as absent: it never hides a lower level,
  and a ``BodyOverride`` of ``""`` does not clear the body.
- **Titles** exist for push (``Title``) and email (the subject) only; SMS, VOICE and CUSTOM
  have no title and ignore ``TitleOverride``.
- **Email.** Title: ``SimpleEmail.Subject``. Body: ``SimpleEmail.TextPart``, else ``HtmlPart``,
  else ``EmailMessage.Body``, else ``DefaultMessage.Body``. With both parts, ``body`` is the text
  part and the HTML part is still rendered and counted in ``payload_bytes``. A ``BodyOverride``
  replaces both parts. ``RawEmail`` is the email channel's raw content (it ranks with a channel
  message's ``RawContent``, above recipient overrides) and is used verbatim (no substitutions):
  ``raw`` is its UTF-8 decoding (invalid bytes replaced), ``payload_bytes`` its byte length.
- **Raw content** wins over everything else, is not parsed or validated as JSON, and yields
  ``raw`` with ``title`` and ``body`` None. The empty check, SMS parts and size limits apply to
  the raw text. It applies to every channel type, as §4 does not restrict it.
- **Substitutions** merge key by key: DefaultMessage < DefaultPushNotificationMessage (push only)
  < channel message < recipient; a key present at a higher level wins even with an empty list.
  The merged map applies to every rendered text, whichever level the text came from. A
  placeholder is ``{{Name}}`` (whitespace inside the braces allowed, names case-sensitive, any
  characters but whitespace and braces, so ``{{User.Name}}`` is one name). One pass: inserted
  values are not scanned again. A missing name or an empty list renders ``""``. Rendered: title,
  body, the email HTML part and ``RawContent`` (values inserted as-is, not JSON-escaped); not
  ``Data``, ``Sound`` or ``RawEmail``. Endpoint and user attributes are not substitution
  sources (``{{Attributes.X}}`` renders empty).
- **Empty body** is checked after substitution: ``Message body is empty``. A title that renders
  empty is dropped (None). ``SilentPush`` does not waive the body requirement.
- **Context**: the request's map updated with the recipient's, exposed read-only.
- **Payload size** (``payload_bytes``) is the UTF-8 length of a compact JSON model of what the
  provider receives, built from the resolved title, body, sound and data (keys omitted when
  unset): APNs ``{"aps":{"alert":{"title","body"},"sound"},"data"}``; GCM/FCM
  ``{"notification":{"title","body","sound"},"data"}``; Baidu ``{"title","description","sound",
  "custom_content"}``; ADM ``{"data":{...Data,"title","body","sound"}}``. Other presentation
  fields (badge, URLs, images, action, priority, TTL) and Pinpoint's own metadata are not
  counted. Raw content counts its UTF-8 length. Limits are inclusive: 4 KB = 4,096 bytes for
  APNS, APNS_SANDBOX, GCM, BAIDU; 5,120 for APNS_VOIP(_SANDBOX); 6,144 for ADM; over it:
  ``Payload of N bytes exceeds the APNS limit of 4096 bytes``. SMS: see :mod:`sim.core.sms`.
  EMAIL, VOICE and CUSTOM have no limit; their size is the UTF-8 length of title + body (+ HTML
  part), or of the raw content.
- **Failures** carry ``sms_parts == 0`` (nothing is sent, so nothing counts against part rate
  limits) and the measured ``payload_bytes`` (0 when the failure came before measuring). Checks
  run in this order: sendable, body present, size.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeGuard

import msgspec

from sim.api import (
    AddressConfiguration,
    ADMMessage,
    APNSMessage,
    BaiduMessage,
    ChannelType,
    DefaultMessage,
    DefaultPushNotificationMessage,
    DirectMessageConfiguration,
    EmailMessage,
    EndpointSendConfiguration,
    GCMMessage,
    SimpleEmail,
    SimpleEmailPart,
    SMSMessage,
    VoiceMessage,
)
from sim.core.sms import (
    MAX_GSM7_SEPTETS,
    MAX_UCS2_UNITS,
    SmsEncoding,
    measure_sms,
    over_limit_message,
)

RecipientConfig = AddressConfiguration | EndpointSendConfiguration
PushMessage = GCMMessage | APNSMessage | BaiduMessage | ADMMessage

EMPTY_BODY_MESSAGE = "Message body is empty"

DEFAULT_PAYLOAD_LIMIT_BYTES: Mapping[ChannelType, int] = MappingProxyType(
    {
        ChannelType.APNS: 4096,
        ChannelType.APNS_SANDBOX: 4096,
        ChannelType.APNS_VOIP: 5120,
        ChannelType.APNS_VOIP_SANDBOX: 5120,
        ChannelType.GCM: 4096,
        ChannelType.BAIDU: 4096,
        ChannelType.ADM: 6144,
    }
)

_EMPTY_CONTEXT: Mapping[str, str] = MappingProxyType({})
_NO_SUBSTITUTIONS: Mapping[str, list[str]] = MappingProxyType({})
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
_APNS_TYPES = frozenset(
    {
        ChannelType.APNS,
        ChannelType.APNS_SANDBOX,
        ChannelType.APNS_VOIP,
        ChannelType.APNS_VOIP_SANDBOX,
    }
)


class ContentLimits(msgspec.Struct, frozen=True, kw_only=True):
    """Size limits; defaults are reference §4. A channel type absent from the map has none."""

    payload_limit_bytes: dict[ChannelType, int] = msgspec.field(
        default_factory=lambda: dict(DEFAULT_PAYLOAD_LIMIT_BYTES)
    )
    sms_max_gsm7_septets: int = MAX_GSM7_SEPTETS
    sms_max_ucs2_units: int = MAX_UCS2_UNITS


DEFAULT_LIMITS = ContentLimits()


class ResolvedContent(msgspec.Struct, frozen=True, gc=False):
    """What one recipient gets; shared between recipients, so never mutate ``context``."""

    channel_type: ChannelType
    title: str | None
    body: str | None
    raw: str | None
    payload_bytes: int
    sms_parts: int  # 1 for a sendable non-SMS message, 0 for a failure
    sms_encoding: SmsEncoding | None  # SMS only
    error: str | None  # the StatusMessage of a per-recipient PERMANENT_FAILURE
    context: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return self.error is None


class _Family(enum.Enum):
    PUSH = "push"
    SMS = "sms"
    EMAIL = "email"
    VOICE = "voice"
    CUSTOM = "custom"
    NOT_SENDABLE = "not sendable"


_FAMILY: dict[ChannelType, _Family] = {
    ChannelType.GCM: _Family.PUSH,
    ChannelType.APNS: _Family.PUSH,
    ChannelType.APNS_SANDBOX: _Family.PUSH,
    ChannelType.APNS_VOIP: _Family.PUSH,
    ChannelType.APNS_VOIP_SANDBOX: _Family.PUSH,
    ChannelType.BAIDU: _Family.PUSH,
    ChannelType.ADM: _Family.PUSH,
    ChannelType.SMS: _Family.SMS,
    ChannelType.EMAIL: _Family.EMAIL,
    ChannelType.VOICE: _Family.VOICE,
    ChannelType.CUSTOM: _Family.CUSTOM,
    ChannelType.PUSH: _Family.NOT_SENDABLE,
    ChannelType.IN_APP: _Family.NOT_SENDABLE,
}
_TITLED = frozenset({_Family.PUSH, _Family.EMAIL})


class _Plan(msgspec.Struct, frozen=True, gc=False):
    """The request-level content of one channel type, before recipient overrides."""

    channel_type: ChannelType
    family: _Family
    title: str | None = None
    body: str | None = None
    extra_html: str | None = None  # email HTML part when the text part is the body
    raw: str | None = None
    raw_email: bytes | None = None
    sound: str | None = None
    data: Mapping[str, str] | None = None
    substitutions: Mapping[str, list[str]] = _NO_SUBSTITUTIONS
    templated: bool = False  # some text has a placeholder, so substitutions matter


def substitute(template: str, substitutions: Mapping[str, list[str]]) -> str:
    """``template`` with each ``{{Name}}`` replaced by the first value of ``Name`` (else "")."""
    if "{{" not in template:
        return template

    def value(match: re.Match[str]) -> str:
        values = substitutions.get(match.group(1))
        return values[0] if values else ""

    return _PLACEHOLDER.sub(value, template)


def _first_text(*candidates: str | None) -> str | None:
    for text in candidates:
        if text:
            return text
    return None


def _merged(*layers: Mapping[str, list[str]] | None) -> Mapping[str, list[str]]:
    present = [layer for layer in layers if layer]
    if not present:
        return _NO_SUBSTITUTIONS
    if len(present) == 1:
        return present[0]
    merged: dict[str, list[str]] = {}
    for layer in present:
        merged.update(layer)
    return merged


# Stand-ins for absent members, so plan building reads fields without None checks.
_NO_GCM, _NO_APNS, _NO_BAIDU, _NO_ADM = GCMMessage(), APNSMessage(), BaiduMessage(), ADMMessage()
_NO_PUSH_DEFAULT = DefaultPushNotificationMessage()
_NO_DEFAULT, _NO_EMAIL, _NO_SIMPLE_EMAIL = DefaultMessage(), EmailMessage(), SimpleEmail()
_NO_SMS, _NO_VOICE = SMSMessage(), VoiceMessage()


def _push_message(config: DirectMessageConfiguration, channel_type: ChannelType) -> PushMessage:
    if channel_type is ChannelType.GCM:
        return config.GCMMessage or _NO_GCM
    if channel_type is ChannelType.BAIDU:
        return config.BaiduMessage or _NO_BAIDU
    if channel_type is ChannelType.ADM:
        return config.ADMMessage or _NO_ADM
    return config.APNSMessage or _NO_APNS


def _part_text(part: SimpleEmailPart | None) -> str | None:
    return part.Data if part is not None else None


def _plan_for(config: DirectMessageConfiguration, channel_type: ChannelType) -> _Plan:
    family = _FAMILY[channel_type]
    default = config.DefaultMessage or _NO_DEFAULT
    if family is _Family.NOT_SENDABLE:
        return _Plan(channel_type, family)
    if family is _Family.PUSH:
        message = _push_message(config, channel_type)
        push_default = config.DefaultPushNotificationMessage or _NO_PUSH_DEFAULT
        plan = _Plan(
            channel_type,
            family,
            title=_first_text(message.Title, push_default.Title),
            body=_first_text(message.Body, push_default.Body, default.Body),
            raw=_first_text(message.RawContent),
            sound=_first_text(message.Sound),
            data=message.Data or push_default.Data or None,
            substitutions=_merged(
                default.Substitutions, push_default.Substitutions, message.Substitutions
            ),
        )
    elif family is _Family.EMAIL:
        email = config.EmailMessage or _NO_EMAIL
        simple = email.SimpleEmail or _NO_SIMPLE_EMAIL
        text, html = _part_text(simple.TextPart), _part_text(simple.HtmlPart)
        plan = _Plan(
            channel_type,
            family,
            title=_first_text(_part_text(simple.Subject)),
            body=_first_text(text, html, email.Body, default.Body),
            extra_html=_first_text(html) if text else None,
            raw_email=(email.RawEmail.Data if email.RawEmail else None) or None,
            substitutions=_merged(default.Substitutions, email.Substitutions),
        )
    else:
        own: SMSMessage | VoiceMessage | DefaultMessage = (
            (config.SMSMessage or _NO_SMS) if family is _Family.SMS
            else (config.VoiceMessage or _NO_VOICE) if family is _Family.VOICE
            else _NO_DEFAULT  # CUSTOM: DefaultMessage only
        )
        plan = _Plan(
            channel_type,
            family,
            body=_first_text(own.Body, default.Body),
            substitutions=_merged(default.Substitutions, own.Substitutions),
        )
    texts = (plan.title, plan.body, plan.extra_html, plan.raw)
    if any(text is not None and "{{" in text for text in texts):
        return msgspec.structs.replace(plan, templated=True)
    return plan


def _utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _json_bytes(document: dict[str, Any]) -> int:
    try:
        return len(msgspec.json.encode(document))
    except UnicodeEncodeError:  # a lone surrogate, only possible for Structs built in process
        compact = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return _utf8_bytes(compact)


def _push_payload_bytes(
    channel_type: ChannelType,
    title: str | None,
    body: str,
    sound: str | None,
    data: Mapping[str, str] | None,
) -> int:
    """Size of the notification as the provider would get it (see the module docstring)."""
    fields: dict[str, Any] = {"title": title} if title else {}
    fields["body"] = body
    if channel_type in _APNS_TYPES:
        aps: dict[str, Any] = {"alert": fields}
        if sound:
            aps["sound"] = sound
        document: dict[str, Any] = {"aps": aps}
        if data:
            document["data"] = data
    elif channel_type is ChannelType.GCM:
        if sound:
            fields["sound"] = sound
        document = {"notification": fields}
        if data:
            document["data"] = data
    elif channel_type is ChannelType.BAIDU:
        document = {"title": title} if title else {}
        document["description"] = body
        if sound:
            document["sound"] = sound
        if data:
            document["custom_content"] = data
    else:  # ADM carries only a flat string map
        if sound:
            fields["sound"] = sound
        document = {"data": {**data, **fields} if data else fields}
    return _json_bytes(document)


def has_own_content(recipient: RecipientConfig | None) -> TypeGuard[RecipientConfig]:
    """Whether a recipient's config changes its content or context (an empty string or
    mapping counts as unset); recipients without get their channel's shared content."""
    return recipient is not None and bool(
        recipient.BodyOverride
        or recipient.TitleOverride
        or recipient.RawContent
        or recipient.Substitutions
        or recipient.Context
    )


class ContentResolver:
    """Resolves the content of every recipient of one request; see the module docstring."""

    __slots__ = ("_by_recipient", "_config", "_context", "_limits", "_plain", "_plans")

    def __init__(
        self,
        config: DirectMessageConfiguration,
        context: Mapping[str, str] | None = None,
        limits: ContentLimits = DEFAULT_LIMITS,
    ) -> None:
        self._config = config
        self._context: Mapping[str, str] = (
            MappingProxyType(dict(context)) if context else _EMPTY_CONTEXT
        )
        self._limits = limits
        self._plans: dict[ChannelType, _Plan] = {}
        self._plain: dict[ChannelType, ResolvedContent] = {}
        # (id(recipient), channel type) -> (recipient, content); keeping the recipient alive
        # keeps its id from being reused within the request.
        self._by_recipient: dict[
            tuple[int, ChannelType], tuple[RecipientConfig, ResolvedContent]
        ] = {}

    @property
    def context(self) -> Mapping[str, str]:
        """The request's context (what a recipient without its own Context gets)."""
        return self._context

    def for_recipient(
        self, channel_type: ChannelType, recipient: RecipientConfig | None = None
    ) -> ResolvedContent:
        """The content of a recipient of ``channel_type`` with its own config (or None)."""
        if has_own_content(recipient):
            key = (id(recipient), channel_type)
            seen = self._by_recipient.get(key)
            if seen is not None:
                return seen[1]
            resolved = self._resolve_own(channel_type, recipient)
            self._by_recipient[key] = (recipient, resolved)
            return resolved
        found = self._plain.get(channel_type)
        if found is None:
            found = self._plain[channel_type] = self._render(
                self._plan(channel_type), None, self._context
            )
        return found

    def resolve_uncached(
        self, channel_type: ChannelType, recipient: RecipientConfig | None = None
    ) -> ResolvedContent:
        """The general path, without caches or shortcuts: what the fast paths must equal."""
        context = self._context
        if recipient is not None and recipient.Context:
            context = MappingProxyType({**self._context, **recipient.Context})
        return self._render(_plan_for(self._config, channel_type), recipient, context)

    def _plan(self, channel_type: ChannelType) -> _Plan:
        plan = self._plans.get(channel_type)
        if plan is None:
            plan = self._plans[channel_type] = _plan_for(self._config, channel_type)
        return plan

    def _resolve_own(
        self, channel_type: ChannelType, recipient: RecipientConfig
    ) -> ResolvedContent:
        plan = self._plan(channel_type)
        context = self._context
        if recipient.Context:
            context = MappingProxyType({**self._context, **recipient.Context})
        changes_content = (
            recipient.RawContent
            or recipient.BodyOverride
            or (recipient.TitleOverride and plan.family in _TITLED)
            or (recipient.Substitutions and plan.templated)
        )
        if changes_content:
            return self._render(plan, recipient, context)
        plain = self.for_recipient(channel_type)
        if context is self._context:
            return plain
        return msgspec.structs.replace(plain, context=context)

    def _render(
        self, plan: _Plan, recipient: RecipientConfig | None, context: Mapping[str, str]
    ) -> ResolvedContent:
        channel_type = plan.channel_type
        if plan.family is _Family.NOT_SENDABLE:
            message = f"Channel type {channel_type.value} cannot be sent to directly"
            return ResolvedContent(channel_type, None, None, None, 0, 0, None, message, context)
        substitutions = plan.substitutions
        if recipient is not None and recipient.Substitutions:
            substitutions = {**substitutions, **recipient.Substitutions}

        own_raw = recipient.RawContent if recipient is not None else None
        raw_template = _first_text(own_raw, plan.raw)
        if raw_template is None and plan.raw_email is not None:
            raw_email = plan.raw_email.decode("utf-8", "replace")
            return self._checked_size(
                channel_type, None, None, raw_email, len(plan.raw_email), context
            )
        title: str | None = None
        body: str | None = None
        raw: str | None = None
        html: str | None = None
        if raw_template is not None:
            raw = substitute(raw_template, substitutions)
        else:
            title_template, body_template, html_template = plan.title, plan.body, plan.extra_html
            if recipient is not None:
                if recipient.BodyOverride:
                    body_template, html_template = recipient.BodyOverride, None
                if recipient.TitleOverride and plan.family in _TITLED:
                    title_template = recipient.TitleOverride
            if title_template is not None:
                title = substitute(title_template, substitutions) or None
            if body_template is not None:
                body = substitute(body_template, substitutions)
            if html_template is not None:
                html = substitute(html_template, substitutions)
        text = raw if raw is not None else body
        if not text:
            return ResolvedContent(
                channel_type, title, body, raw, 0, 0, None, EMPTY_BODY_MESSAGE, context
            )

        if plan.family is _Family.SMS:
            measure = measure_sms(text)
            error = over_limit_message(
                measure, self._limits.sms_max_gsm7_septets, self._limits.sms_max_ucs2_units
            )
            return ResolvedContent(
                channel_type,
                None,
                body,
                raw,
                measure.payload_bytes,
                0 if error else measure.parts,
                measure.encoding,
                error,
                context,
            )
        if raw is not None:
            payload_bytes = _utf8_bytes(raw)
        elif plan.family is _Family.PUSH:
            payload_bytes = _push_payload_bytes(channel_type, title, text, plan.sound, plan.data)
        else:
            payload_bytes = _utf8_bytes(text)
            if title:
                payload_bytes += _utf8_bytes(title)
            if html:
                payload_bytes += _utf8_bytes(html)
        return self._checked_size(channel_type, title, body, raw, payload_bytes, context)

    def _checked_size(
        self,
        channel_type: ChannelType,
        title: str | None,
        body: str | None,
        raw: str | None,
        payload_bytes: int,
        context: Mapping[str, str],
    ) -> ResolvedContent:
        limit = self._limits.payload_limit_bytes.get(channel_type)
        error = None
        if limit is not None and payload_bytes > limit:
            error = (
                f"Payload of {payload_bytes} bytes exceeds the {channel_type.value} limit "
                f"of {limit} bytes"
            )
        return ResolvedContent(
            channel_type, title, body, raw, payload_bytes, 0 if error else 1, None, error, context
        )
