"""Content resolution (reference/pinpoint.md §4 and the decisions in sim/core/content.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    RawEmail,
    SimpleEmail,
    SimpleEmailPart,
    SMSMessage,
    VoiceMessage,
)
from sim.core.content import (
    DEFAULT_PAYLOAD_LIMIT_BYTES,
    EMPTY_BODY_MESSAGE,
    ContentLimits,
    ContentResolver,
    ResolvedContent,
    substitute,
)
from sim.core.sms import SmsEncoding, measure_sms

CT = ChannelType
PUSH_TYPES = [
    CT.GCM, CT.APNS, CT.APNS_SANDBOX, CT.APNS_VOIP, CT.APNS_VOIP_SANDBOX, CT.BAIDU, CT.ADM
]
NON_PUSH_TYPES = [CT.SMS, CT.EMAIL, CT.VOICE, CT.CUSTOM]
SENDABLE = PUSH_TYPES + NON_PUSH_TYPES
Recipient = AddressConfiguration | EndpointSendConfiguration


def resolve(
    config: DirectMessageConfiguration,
    channel_type: ChannelType,
    recipient: Recipient | None = None,
    context: Mapping[str, str] | None = None,
) -> ResolvedContent:
    return ContentResolver(config, context).for_recipient(channel_type, recipient)


def default_only(body: str, **subs: list[str]) -> DirectMessageConfiguration:
    return DirectMessageConfiguration(
        DefaultMessage=DefaultMessage(Body=body, Substitutions=subs or None)
    )


def email(
    subject: str | None = None, text: str | None = None, html: str | None = None
) -> SimpleEmail:
    def part(data: str | None) -> SimpleEmailPart | None:
        return SimpleEmailPart(Data=data) if data is not None else None

    return SimpleEmail(Subject=part(subject), TextPart=part(text), HtmlPart=part(html))


# ---------------------------------------------------------------------------------------------
# Which message member a channel type reads, and the fallback chain

EVERY_MEMBER = DirectMessageConfiguration(
    GCMMessage=GCMMessage(Body="gcm"),
    APNSMessage=APNSMessage(Body="apns"),
    BaiduMessage=BaiduMessage(Body="baidu"),
    ADMMessage=ADMMessage(Body="adm"),
    SMSMessage=SMSMessage(Body="sms"),
    EmailMessage=EmailMessage(SimpleEmail=email(text="email")),
    VoiceMessage=VoiceMessage(Body="voice"),
    DefaultPushNotificationMessage=DefaultPushNotificationMessage(Body="push-default"),
    DefaultMessage=DefaultMessage(Body="default"),
)
DEFAULTS_ONLY = DirectMessageConfiguration(
    DefaultPushNotificationMessage=DefaultPushNotificationMessage(Body="push-default"),
    DefaultMessage=DefaultMessage(Body="default"),
)


@pytest.mark.parametrize(
    ("channel_type", "body"),
    [
        (CT.GCM, "gcm"),
        (CT.APNS, "apns"),
        (CT.APNS_SANDBOX, "apns"),
        (CT.APNS_VOIP, "apns"),
        (CT.APNS_VOIP_SANDBOX, "apns"),
        (CT.BAIDU, "baidu"),
        (CT.ADM, "adm"),
        (CT.SMS, "sms"),
        (CT.EMAIL, "email"),
        (CT.VOICE, "voice"),
        (CT.CUSTOM, "default"),
    ],
)
def test_channel_type_reads_its_own_member(channel_type: ChannelType, body: str) -> None:
    resolved = resolve(EVERY_MEMBER, channel_type)
    assert (resolved.body, resolved.error) == (body, None)


@pytest.mark.parametrize(
    ("channel_type", "body"),
    [(ct, "push-default") for ct in PUSH_TYPES] + [(ct, "default") for ct in NON_PUSH_TYPES],
)
def test_without_own_member_push_falls_back_to_push_default_others_to_default(
    channel_type: ChannelType, body: str
) -> None:
    assert resolve(DEFAULTS_ONLY, channel_type).body == body


@pytest.mark.parametrize("channel_type", SENDABLE)
def test_default_message_is_the_last_fallback(channel_type: ChannelType) -> None:
    assert resolve(default_only("default"), channel_type).body == "default"


@pytest.mark.parametrize("channel_type", [CT.PUSH, CT.IN_APP])
def test_push_and_in_app_are_not_sendable(channel_type: ChannelType) -> None:
    resolved = resolve(EVERY_MEMBER, channel_type, AddressConfiguration(BodyOverride="x"))
    assert resolved.error == f"Channel type {channel_type.value} cannot be sent to directly"
    assert (resolved.sms_parts, resolved.ok) == (0, False)


# ---------------------------------------------------------------------------------------------
# Field-by-field fallback


@pytest.mark.parametrize(
    ("config", "channel_type", "title", "body"),
    [
        pytest.param(
            DirectMessageConfiguration(
                GCMMessage=GCMMessage(Sound="ding"),
                DefaultPushNotificationMessage=DefaultPushNotificationMessage(Title="T"),
                DefaultMessage=DefaultMessage(Body="B"),
            ),
            CT.GCM, "T", "B", id="sound-only-member-takes-title-and-body-from-defaults",
        ),
        pytest.param(
            DirectMessageConfiguration(
                APNSMessage=APNSMessage(Title="own"),
                DefaultPushNotificationMessage=DefaultPushNotificationMessage(
                    Title="push-default", Body="push-default body"
                ),
            ),
            CT.APNS, "own", "push-default body", id="own-title-default-body",
        ),
        pytest.param(
            DirectMessageConfiguration(
                BaiduMessage=BaiduMessage(Body="own"),
                DefaultPushNotificationMessage=DefaultPushNotificationMessage(Title="dt"),
            ),
            CT.BAIDU, "dt", "own", id="own-body-default-title",
        ),
        pytest.param(
            DirectMessageConfiguration(
                SMSMessage=SMSMessage(OriginationNumber="+15550000000"),
                DefaultMessage=DefaultMessage(Body="B"),
            ),
            CT.SMS, None, "B", id="sms-member-without-body-takes-default-body",
        ),
        pytest.param(
            DirectMessageConfiguration(
                GCMMessage=GCMMessage(Body=""), DefaultMessage=DefaultMessage(Body="B")
            ),
            CT.GCM, None, "B", id="empty-string-counts-as-unset",
        ),
    ],
)
def test_fallback_is_field_by_field(
    config: DirectMessageConfiguration, channel_type: ChannelType, title: str | None, body: str
) -> None:
    resolved = resolve(config, channel_type)
    assert (resolved.title, resolved.body) == (title, body)


def test_push_data_falls_back_to_push_default_and_sound_comes_from_member() -> None:
    config = DirectMessageConfiguration(
        GCMMessage=GCMMessage(Sound="s"),
        DefaultPushNotificationMessage=DefaultPushNotificationMessage(
            Title="T", Body="B", Data={"k": "v"}
        ),
    )
    expected = b'{"notification":{"title":"T","body":"B","sound":"s"},"data":{"k":"v"}}'
    assert resolve(config, CT.GCM).payload_bytes == len(expected)


# ---------------------------------------------------------------------------------------------
# Precedence: recipient RawContent > member RawContent > overrides > member > defaults

RAW_MEMBER = DirectMessageConfiguration(
    GCMMessage=GCMMessage(Title="t", Body="b", RawContent='{"member":1}')
)
FIELDS_MEMBER = DirectMessageConfiguration(
    GCMMessage=GCMMessage(Title="t", Body="b"), DefaultMessage=DefaultMessage(Body="d")
)


@pytest.mark.parametrize(
    ("config", "recipient", "expected"),
    [
        pytest.param(
            RAW_MEMBER, AddressConfiguration(RawContent='{"recipient":1}', BodyOverride="o"),
            (None, None, '{"recipient":1}'), id="recipient-raw-beats-member-raw",
        ),
        pytest.param(
            RAW_MEMBER, AddressConfiguration(BodyOverride="o", TitleOverride="ot"),
            (None, None, '{"member":1}'), id="member-raw-beats-recipient-overrides",
        ),
        pytest.param(
            FIELDS_MEMBER, AddressConfiguration(RawContent='{"recipient":1}'),
            (None, None, '{"recipient":1}'), id="recipient-raw-beats-member-fields",
        ),
        pytest.param(
            FIELDS_MEMBER, AddressConfiguration(BodyOverride="o", TitleOverride="ot"),
            ("ot", "o", None), id="overrides-beat-member-fields",
        ),
        pytest.param(
            FIELDS_MEMBER, AddressConfiguration(BodyOverride="o"),
            ("t", "o", None), id="body-override-alone-keeps-member-title",
        ),
        pytest.param(
            FIELDS_MEMBER, EndpointSendConfiguration(TitleOverride="ot"),
            ("ot", "b", None), id="title-override-alone-keeps-member-body",
        ),
        pytest.param(
            FIELDS_MEMBER, AddressConfiguration(BodyOverride="", RawContent=""),
            ("t", "b", None), id="empty-overrides-are-unset",
        ),
        pytest.param(FIELDS_MEMBER, None, ("t", "b", None), id="member-fields"),
    ],
)
def test_precedence(
    config: DirectMessageConfiguration,
    recipient: Recipient | None,
    expected: tuple[str | None, str | None, str | None],
) -> None:
    resolved = resolve(config, CT.GCM, recipient)
    assert (resolved.title, resolved.body, resolved.raw) == expected
    assert resolved.ok


@pytest.mark.parametrize("channel_type", NON_PUSH_TYPES)
def test_recipient_raw_content_applies_to_every_channel(channel_type: ChannelType) -> None:
    resolved = resolve(EVERY_MEMBER, channel_type, AddressConfiguration(RawContent="raw"))
    assert (resolved.raw, resolved.body, resolved.ok) == ("raw", None, True)


@pytest.mark.parametrize("channel_type", [CT.SMS, CT.VOICE, CT.CUSTOM])
def test_channels_without_titles_ignore_title_override(channel_type: ChannelType) -> None:
    resolved = resolve(default_only("B"), channel_type, AddressConfiguration(TitleOverride="T"))
    assert (resolved.title, resolved.body) == (None, "B")


# ---------------------------------------------------------------------------------------------
# Email


@pytest.mark.parametrize(
    ("message", "recipient", "expected"),
    [
        pytest.param(
            EmailMessage(SimpleEmail=email("S", "text", "<p>html</p>")), None,
            ("S", "text", None, len("S" + "text" + "<p>html</p>")),
            id="text-part-is-body-html-still-counted",
        ),
        pytest.param(
            EmailMessage(SimpleEmail=email(html="<p>h</p>")), None,
            (None, "<p>h</p>", None, 8), id="html-part-when-no-text-part",
        ),
        pytest.param(
            EmailMessage(Body="plain"), None, (None, "plain", None, 5),
            id="email-message-body-when-no-simple-email",
        ),
        pytest.param(
            EmailMessage(FromAddress="a@example.com"), None, (None, "default", None, 7),
            id="default-message-body-last",
        ),
        pytest.param(
            EmailMessage(SimpleEmail=email("S", "text", "<p>html</p>")),
            AddressConfiguration(BodyOverride="o", TitleOverride="T"),
            ("T", "o", None, 2), id="overrides-replace-subject-and-both-parts",
        ),
        pytest.param(
            EmailMessage(RawEmail=RawEmail(Data=b"Subject: x\r\n\r\n{{N}}"),
                         SimpleEmail=email("S", "text")),
            AddressConfiguration(BodyOverride="o", Substitutions={"N": ["v"]}),
            (None, None, "Subject: x\r\n\r\n{{N}}", 19),
            id="raw-email-beats-overrides-and-is-verbatim",
        ),
        pytest.param(
            EmailMessage(RawEmail=RawEmail(Data=b"mime")),
            AddressConfiguration(RawContent="mine"),
            (None, None, "mine", 4), id="recipient-raw-beats-raw-email",
        ),
    ],
)
def test_email_content(
    message: EmailMessage,
    recipient: Recipient | None,
    expected: tuple[str | None, str | None, str | None, int],
) -> None:
    config = DirectMessageConfiguration(
        EmailMessage=message, DefaultMessage=DefaultMessage(Body="default")
    )
    resolved = resolve(config, CT.EMAIL, recipient)
    got = (resolved.title, resolved.body, resolved.raw, resolved.payload_bytes)
    assert got == expected
    assert resolved.ok


# ---------------------------------------------------------------------------------------------
# No body


@pytest.mark.parametrize(
    ("config", "channel_type", "recipient"),
    [
        pytest.param(DirectMessageConfiguration(), CT.GCM, None, id="nothing-at-all"),
        pytest.param(
            DirectMessageConfiguration(
                GCMMessage=GCMMessage(Title="only a title", Sound="s")
            ),
            CT.GCM, None, id="title-without-body",
        ),
        pytest.param(
            DirectMessageConfiguration(
                DefaultPushNotificationMessage=DefaultPushNotificationMessage(Body="push")
            ),
            CT.SMS, None, id="sms-never-reads-push-default",
        ),
        pytest.param(default_only("{{Missing}}"), CT.SMS, None, id="body-renders-empty"),
        pytest.param(
            DirectMessageConfiguration(),
            CT.APNS, AddressConfiguration(RawContent="{{Missing}}"), id="raw-renders-empty",
        ),
        pytest.param(
            DirectMessageConfiguration(EmailMessage=EmailMessage(SimpleEmail=email("subject"))),
            CT.EMAIL, None, id="email-subject-without-body",
        ),
    ],
)
def test_no_body_is_a_per_recipient_failure(
    config: DirectMessageConfiguration, channel_type: ChannelType, recipient: Recipient | None
) -> None:
    resolved = resolve(config, channel_type, recipient)
    assert resolved.error == EMPTY_BODY_MESSAGE
    assert (resolved.sms_parts, resolved.payload_bytes) == (0, 0)


def test_body_override_rescues_a_request_without_body() -> None:
    resolver = ContentResolver(DirectMessageConfiguration())
    assert resolver.for_recipient(CT.GCM).error == EMPTY_BODY_MESSAGE
    assert resolver.for_recipient(CT.GCM, AddressConfiguration(BodyOverride="hi")).ok


# ---------------------------------------------------------------------------------------------
# Substitutions


def push_with_subs(
    recipient_value: str | None = None,
    member_value: str | None = None,
    push_default_value: str | None = None,
    default_value: str | None = None,
) -> tuple[DirectMessageConfiguration, AddressConfiguration | None]:
    def subs(value: str | None) -> dict[str, list[str]] | None:
        return {"N": [value]} if value is not None else None

    config = DirectMessageConfiguration(
        GCMMessage=GCMMessage(Body="Hi {{N}}", Substitutions=subs(member_value)),
        DefaultPushNotificationMessage=DefaultPushNotificationMessage(
            Substitutions=subs(push_default_value)
        ),
        DefaultMessage=DefaultMessage(Substitutions=subs(default_value)),
    )
    recipient = AddressConfiguration(Substitutions=subs(recipient_value)) if recipient_value \
        else None
    return config, recipient


@pytest.mark.parametrize(
    ("levels", "body"),
    [
        pytest.param(("r", "m", "p", "d"), "Hi r", id="recipient-wins"),
        pytest.param((None, "m", "p", "d"), "Hi m", id="member-beats-push-default"),
        pytest.param((None, None, "p", "d"), "Hi p", id="push-default-beats-default"),
        pytest.param((None, None, None, "d"), "Hi d", id="default"),
        pytest.param((None, None, None, None), "Hi ", id="missing-renders-empty"),
    ],
)
def test_substitution_precedence(
    levels: tuple[str | None, str | None, str | None, str | None], body: str
) -> None:
    config, recipient = push_with_subs(*levels)
    assert resolve(config, CT.GCM, recipient).body == body


def test_non_push_channels_ignore_push_default_substitutions() -> None:
    config = DirectMessageConfiguration(
        SMSMessage=SMSMessage(Body="Hi {{N}}"),
        DefaultPushNotificationMessage=DefaultPushNotificationMessage(Substitutions={"N": ["p"]}),
        DefaultMessage=DefaultMessage(Substitutions={"N": ["d"]}),
    )
    assert resolve(config, CT.SMS).body == "Hi d"


def test_substitutions_merge_key_by_key() -> None:
    config = DirectMessageConfiguration(
        DefaultMessage=DefaultMessage(Body="{{A}} {{B}} {{C}}", Substitutions={"C": ["d"]}),
        SMSMessage=SMSMessage(Substitutions={"B": ["m"], "C": ["m"]}),
    )
    recipient = AddressConfiguration(Substitutions={"A": ["r"]})
    assert resolve(config, CT.SMS, recipient).body == "r m m"


@pytest.mark.parametrize(
    ("template", "subs", "rendered"),
    [
        pytest.param("{{N}}", {"N": ["first", "second"]}, "first", id="list-renders-first-value"),
        pytest.param("a{{N}}b", {"N": []}, "ab", id="empty-list-renders-empty"),
        pytest.param("a{{X}}b", {"N": ["v"]}, "ab", id="missing-renders-empty"),
        pytest.param("{{ N }}", {"N": ["v"]}, "v", id="whitespace-inside-braces"),
        pytest.param("{{n}}", {"N": ["v"]}, "", id="names-are-case-sensitive"),
        pytest.param("{{User.Name}}", {"User.Name": ["v"]}, "v", id="dotted-name"),
        pytest.param("{{A}}", {"A": ["{{B}}"], "B": ["x"]}, "{{B}}", id="values-not-rescanned"),
        pytest.param("{N} {{ }} {{a b}}", {"N": ["v"]}, "{N} {{ }} {{a b}}", id="not-placeholders"),
        pytest.param("{{A}}{{A}}", {"A": ["v"]}, "vv", id="every-occurrence"),
    ],
)
def test_substitute(template: str, subs: dict[str, list[str]], rendered: str) -> None:
    assert substitute(template, subs) == rendered


def test_present_key_with_empty_list_hides_lower_levels() -> None:
    config = default_only("Hi {{N}}", N=["d"])
    assert resolve(config, CT.SMS, AddressConfiguration(Substitutions={"N": []})).body == "Hi "


def test_substitutions_apply_to_title_and_raw_content() -> None:
    config = DirectMessageConfiguration(
        APNSMessage=APNSMessage(Title="For {{N}}", Body="b", Substitutions={"N": ["Ann"]})
    )
    assert resolve(config, CT.APNS).title == "For Ann"
    recipient = AddressConfiguration(RawContent='{"to":"{{N}}"}')
    assert resolve(config, CT.APNS, recipient).raw == '{"to":"Ann"}'


def test_title_rendering_empty_is_dropped() -> None:
    config = DirectMessageConfiguration(GCMMessage=GCMMessage(Title="{{T}}", Body="b"))
    assert resolve(config, CT.GCM).title is None


def test_data_is_not_substituted() -> None:
    config = DirectMessageConfiguration(
        GCMMessage=GCMMessage(Body="B", Data={"k": "{{N}}"}, Substitutions={"N": ["long value"]})
    )
    expected = b'{"notification":{"body":"B"},"data":{"k":"{{N}}"}}'
    assert resolve(config, CT.GCM).payload_bytes == len(expected)


# ---------------------------------------------------------------------------------------------
# Context


@pytest.mark.parametrize(
    ("request_context", "recipient_context", "merged"),
    [
        pytest.param(None, None, {}, id="none"),
        pytest.param({"a": "1"}, None, {"a": "1"}, id="request-only"),
        pytest.param(None, {"b": "2"}, {"b": "2"}, id="recipient-only"),
        pytest.param({"a": "1", "b": "1"}, {"b": "2"}, {"a": "1", "b": "2"}, id="recipient-wins"),
    ],
)
def test_context_merge(
    request_context: dict[str, str] | None,
    recipient_context: dict[str, str] | None,
    merged: dict[str, str],
) -> None:
    recipient = AddressConfiguration(Context=recipient_context)
    resolved = resolve(default_only("B"), CT.SMS, recipient, request_context)
    assert dict(resolved.context) == merged


def test_context_is_read_only_and_isolated_from_the_callers_dict() -> None:
    request_context = {"a": "1"}
    resolver = ContentResolver(default_only("B"), request_context)
    request_context["a"] = "changed"
    resolved = resolver.for_recipient(CT.SMS)
    assert dict(resolved.context) == dict(resolver.context) == {"a": "1"}
    with pytest.raises(TypeError):
        resolved.context["a"] = "x"  # type: ignore[index]


# ---------------------------------------------------------------------------------------------
# Payload size


@pytest.mark.parametrize(
    ("channel_type", "document"),
    [
        (CT.APNS, b'{"aps":{"alert":{"title":"T","body":"B"},"sound":"s"},"data":{"k":"v"}}'),
        (CT.APNS_VOIP, b'{"aps":{"alert":{"title":"T","body":"B"},"sound":"s"},"data":{"k":"v"}}'),
        (CT.GCM, b'{"notification":{"title":"T","body":"B","sound":"s"},"data":{"k":"v"}}'),
        (CT.BAIDU, b'{"title":"T","description":"B","sound":"s","custom_content":{"k":"v"}}'),
        (CT.ADM, b'{"data":{"k":"v","title":"T","body":"B","sound":"s"}}'),
    ],
)
def test_push_payload_is_the_provider_json(channel_type: ChannelType, document: bytes) -> None:
    member: dict[str, Any] = {"Title": "T", "Body": "B", "Sound": "s", "Data": {"k": "v"}}
    config = DirectMessageConfiguration(
        GCMMessage=GCMMessage(**member),
        APNSMessage=APNSMessage(**member),
        BaiduMessage=BaiduMessage(**member),
        ADMMessage=ADMMessage(**member),
    )
    assert resolve(config, channel_type).payload_bytes == len(document)


@pytest.mark.parametrize(
    ("body", "extra_bytes"),
    [
        pytest.param("é", 2, id="utf8-two-bytes"),
        pytest.param("😀", 4, id="utf8-four-bytes"),
        pytest.param('"', 2, id="json-escaped-quote"),
        pytest.param("\n", 2, id="json-escaped-newline"),
    ],
)
def test_payload_counts_utf8_bytes_of_the_json(body: str, extra_bytes: int) -> None:
    base = resolve(default_only("x"), CT.GCM).payload_bytes
    assert resolve(default_only("x" + body), CT.GCM).payload_bytes == base + extra_bytes


@pytest.mark.parametrize(
    ("channel_type", "limit"),
    [
        (CT.APNS, 4096),
        (CT.APNS_SANDBOX, 4096),
        (CT.APNS_VOIP, 5120),
        (CT.APNS_VOIP_SANDBOX, 5120),
        (CT.GCM, 4096),
        (CT.BAIDU, 4096),
        (CT.ADM, 6144),
    ],
)
def test_payload_limit_at_and_over_the_boundary(channel_type: ChannelType, limit: int) -> None:
    overhead = resolve(default_only("x"), channel_type).payload_bytes - 1
    at_limit = resolve(default_only("x" * (limit - overhead)), channel_type)
    assert (at_limit.payload_bytes, at_limit.error, at_limit.sms_parts) == (limit, None, 1)
    over = resolve(default_only("x" * (limit - overhead + 1)), channel_type)
    assert over.error == (
        f"Payload of {limit + 1} bytes exceeds the {channel_type.value} limit of {limit} bytes"
    )
    assert (over.payload_bytes, over.sms_parts) == (limit + 1, 0)


@pytest.mark.parametrize(("size", "ok"), [(4096, True), (4097, False)])
def test_raw_content_counts_its_own_bytes_against_the_limit(size: int, ok: bool) -> None:
    raw = "é" * (size // 2) + "x" * (size % 2)
    resolved = resolve(DirectMessageConfiguration(), CT.GCM, AddressConfiguration(RawContent=raw))
    assert (resolved.payload_bytes, resolved.ok) == (size, ok)


@pytest.mark.parametrize("channel_type", [CT.EMAIL, CT.VOICE, CT.CUSTOM])
def test_email_voice_custom_have_no_size_limit(channel_type: ChannelType) -> None:
    resolved = resolve(default_only("x" * 100_000), channel_type)
    assert (resolved.payload_bytes, resolved.ok) == (100_000, True)


def test_limits_are_configurable_and_absent_means_unlimited() -> None:
    limits = ContentLimits(payload_limit_bytes={CT.GCM: 10})
    resolver = ContentResolver(default_only("x" * 5000), None, limits)
    assert resolver.for_recipient(CT.GCM).error is not None
    assert resolver.for_recipient(CT.APNS).ok
    assert DEFAULT_PAYLOAD_LIMIT_BYTES[CT.GCM] == 4096


# ---------------------------------------------------------------------------------------------
# SMS through the resolver


@pytest.mark.parametrize(
    ("body", "parts", "encoding"),
    [
        pytest.param("a" * 160, 1, SmsEncoding.GSM7, id="160-gsm"),
        pytest.param("a" * 161, 2, SmsEncoding.GSM7, id="161-gsm"),
        pytest.param("a" * 306, 2, SmsEncoding.GSM7, id="306-gsm"),
        pytest.param("a" * 307, 3, SmsEncoding.GSM7, id="307-gsm"),
        pytest.param("ж" * 70, 1, SmsEncoding.UCS2, id="70-ucs2"),
        pytest.param("ж" * 71, 2, SmsEncoding.UCS2, id="71-ucs2"),
        pytest.param("a" * 159 + "€", 2, SmsEncoding.GSM7, id="euro-counts-two-septets"),
        pytest.param("a" * 159 + "{", 2, SmsEncoding.GSM7, id="brace-counts-two-septets"),
    ],
)
def test_sms_parts(body: str, parts: int, encoding: SmsEncoding) -> None:
    resolved = resolve(default_only(body), CT.SMS)
    assert (resolved.sms_parts, resolved.sms_encoding, resolved.ok) == (parts, encoding, True)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param("a" * 1600, None, id="1600-gsm-ok"),
        pytest.param(
            "a" * 1601, "SMS body of 1601 GSM-7 septets exceeds the limit of 1600 septets",
            id="1601-gsm-fails",
        ),
        pytest.param("ж" * 700, None, id="700-ucs2-ok"),
        pytest.param(
            "ж" * 701, "SMS body of 701 UCS-2 characters exceeds the limit of 700 characters",
            id="701-ucs2-fails",
        ),
    ],
)
def test_sms_size_limit(body: str, error: str | None) -> None:
    resolved = resolve(default_only(body), CT.SMS)
    assert resolved.error == error
    assert resolved.sms_parts == (0 if error else measure_sms(body).parts)


def test_sms_parts_are_counted_after_substitution() -> None:
    config = default_only("{{N}}", N=["a" * 161])
    assert resolve(config, CT.SMS).sms_parts == 2
    assert resolve(config, CT.SMS, AddressConfiguration(Substitutions={"N": ["a"]})).sms_parts == 1


def test_sms_raw_content_is_what_is_counted() -> None:
    resolved = resolve(default_only("short"), CT.SMS, AddressConfiguration(RawContent="a" * 200))
    assert resolved.sms_parts == 2


@pytest.mark.parametrize("channel_type", [CT.GCM, CT.EMAIL, CT.VOICE, CT.CUSTOM])
def test_non_sms_messages_are_one_part(channel_type: ChannelType) -> None:
    resolved = resolve(default_only("a" * 500), channel_type)
    assert (resolved.sms_parts, resolved.sms_encoding) == (1, None)


# ---------------------------------------------------------------------------------------------
# Caching: plain recipients share one result; own configs never leak into others


def test_plain_recipients_share_one_resolution_per_channel_type() -> None:
    resolver = ContentResolver(EVERY_MEMBER, {"a": "1"})
    first = resolver.for_recipient(CT.GCM, AddressConfiguration(ChannelType=CT.GCM))
    assert resolver.for_recipient(CT.GCM) is first
    assert resolver.for_recipient(CT.GCM, EndpointSendConfiguration()) is first
    assert resolver.for_recipient(CT.APNS).body == "apns"


def test_a_recipients_overrides_do_not_leak_to_plain_recipients() -> None:
    resolver = ContentResolver(default_only("Hi {{N}}", N=["d"]))
    own = resolver.for_recipient(
        CT.SMS, AddressConfiguration(Substitutions={"N": ["r"]}, Context={"k": "v"})
    )
    plain = resolver.for_recipient(CT.SMS)
    assert (own.body, dict(own.context)) == ("Hi r", {"k": "v"})
    assert (plain.body, dict(plain.context)) == ("Hi d", {})


def test_one_config_on_two_channel_types_is_resolved_per_channel_type() -> None:
    # SendUsersMessages applies one user config to each of the user's endpoints.
    resolver = ContentResolver(EVERY_MEMBER)
    user = EndpointSendConfiguration(TitleOverride="T", Context={"k": "v"})
    gcm = resolver.for_recipient(CT.GCM, user)
    sms = resolver.for_recipient(CT.SMS, user)
    assert (gcm.body, gcm.title, sms.body, sms.title) == ("gcm", "T", "sms", None)
    assert resolver.for_recipient(CT.GCM, user) is gcm


# ---------------------------------------------------------------------------------------------
# Properties

FRAGMENTS = [
    "{{N}}", "{{M}}", "{{", "}}", "{", "a", "é", "€", "ж", "😀", "\ud800", '"', "\\", "\n",
    "a" * 150, "ж" * 60, "€" * 500,
]
texts = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=6).map("".join)
maybe_texts = st.none() | texts
subs = st.none() | st.dictionaries(
    st.sampled_from(["N", "M"]), st.lists(texts, max_size=2), max_size=2
)
contexts = st.none() | st.dictionaries(st.sampled_from(["a", "b"]), texts, max_size=2)


@st.composite
def configs(draw: st.DrawFn) -> DirectMessageConfiguration:
    def push(cls: type[Any]) -> Any:
        return draw(st.none() | st.builds(
            cls, Title=maybe_texts, Body=maybe_texts, RawContent=maybe_texts,
            Sound=maybe_texts, Substitutions=subs,
            Data=st.none() | st.dictionaries(texts, texts, max_size=2),
        ))

    return DirectMessageConfiguration(
        GCMMessage=push(GCMMessage),
        APNSMessage=push(APNSMessage),
        BaiduMessage=push(BaiduMessage),
        ADMMessage=push(ADMMessage),
        SMSMessage=draw(st.none() | st.builds(SMSMessage, Body=maybe_texts, Substitutions=subs)),
        VoiceMessage=draw(st.none() | st.builds(VoiceMessage, Body=maybe_texts)),
        EmailMessage=draw(st.none() | st.builds(
            EmailMessage, Body=maybe_texts, Substitutions=subs,
            SimpleEmail=st.none() | st.builds(
                email, subject=maybe_texts, text=maybe_texts, html=maybe_texts
            ),
            RawEmail=st.none() | st.builds(RawEmail, Data=st.none() | st.binary(max_size=8)),
        )),
        DefaultPushNotificationMessage=draw(st.none() | st.builds(
            DefaultPushNotificationMessage, Title=maybe_texts, Body=maybe_texts,
            Substitutions=subs,
        )),
        DefaultMessage=draw(st.none() | st.builds(
            DefaultMessage, Body=maybe_texts, Substitutions=subs
        )),
    )


recipients = st.none() | st.builds(
    AddressConfiguration, BodyOverride=maybe_texts, TitleOverride=maybe_texts,
    RawContent=maybe_texts, Substitutions=subs, Context=contexts,
)
channel_types = st.sampled_from(list(ChannelType))


def unshared(resolved: ResolvedContent) -> dict[str, Any]:
    fields = msgspec.structs.asdict(resolved)
    fields["context"] = dict(resolved.context)
    return fields


@given(configs(), contexts, st.lists(st.tuples(channel_types, recipients), max_size=8))
def test_resolution_never_raises_and_is_consistent(
    config: DirectMessageConfiguration,
    context: dict[str, str] | None,
    batch: list[tuple[ChannelType, AddressConfiguration | None]],
) -> None:
    resolver = ContentResolver(config, context)
    results = [resolver.for_recipient(ct, r) for ct, r in batch]
    for (channel_type, recipient), resolved in zip(batch, results, strict=True):
        # Cached and shortcut paths give what the general path gives.
        assert resolved == resolver.for_recipient(channel_type, recipient)
        assert unshared(resolved) == unshared(resolver.resolve_uncached(channel_type, recipient))
        assert resolved.channel_type is channel_type
        if resolved.error is not None:
            assert resolved.sms_parts == 0
            continue
        text = resolved.raw if resolved.raw is not None else resolved.body
        assert text
        if channel_type is CT.SMS:
            measure = measure_sms(text)
            assert (resolved.sms_parts, resolved.sms_encoding) == (measure.parts, measure.encoding)
        else:
            assert resolved.sms_parts == 1
            limit = DEFAULT_PAYLOAD_LIMIT_BYTES.get(channel_type)
            assert limit is None or resolved.payload_bytes <= limit
            if limit is not None:  # push: the payload carries at least the text
                assert resolved.payload_bytes >= len(text.encode("utf-8", "surrogatepass"))
