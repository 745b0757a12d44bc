"""SendMessages with 100 addresses, request bytes to response bytes, against a codec floor.

The floor is the least any implementation must do per request: decode the same request bytes
into ``MessageRequest`` and encode a ``MessageResponse`` with the same results (decoded once,
beforehand, from a real answer). Both are timed in alternating rounds, so the ratio of their
rates cancels the machine's drift. Absolute rates are judged on the best round (noise only ever
slows a round down); the ratio on the median of the per-round ratios. Rates are per second of
this process's CPU time (see ``_timing``); wall-clock rates are reported beside them.
"""

from __future__ import annotations

from collections import Counter

import msgspec

from sim.api import (
    Action,
    AddressConfiguration,
    DefaultPushNotificationMessage,
    DirectMessageConfiguration,
    MessageRequest,
    MessageResponse,
    MessageType,
    SMSMessage,
    encode,
)
from sim.core.sms import measure_sms

from ._comparison import comparison_figures
from ._core_service import new_service, shipped_profiles, sustainable_step_s
from ._population import Population, channel_mix
from ._registry import BenchOptions, Measurement
from ._schema import Setting, at_least, figure
from ._timing import Subject, calls_for, interleave

RECIPIENTS = 100
TARGET_RECIPIENTS_PER_S = 1_000_000
TARGET_FLOOR_RATIO = 0.35
RATE_UNIT = "recipients/s"
SMS_BODY = "Your Acme verification code is 482913. It expires in 10 minutes."


def request_body(population: Population) -> bytes:
    mix = channel_mix(RECIPIENTS)
    addresses = population.addresses(mix)
    request = MessageRequest(
        Addresses={a: AddressConfiguration(ChannelType=c) for a, c in zip(addresses, mix,
                                                                          strict=True)},
        MessageConfiguration=DirectMessageConfiguration(
            SMSMessage=SMSMessage(Body=SMS_BODY, MessageType=MessageType.TRANSACTIONAL),
            DefaultPushNotificationMessage=DefaultPushNotificationMessage(
                Title="Flash sale", Body="20% off everything until midnight",
                Action=Action.OPEN_APP, Data={"campaign": "spring-sale"})))
    return encode(request)


def run_send(options: BenchOptions) -> Measurement:
    channels, profile = shipped_profiles()
    service, app_id = new_service(options.seed, channels)
    body = request_body(Population(options.seed))
    step_s = sustainable_step_s(channels, channel_mix(RECIPIENTS), measure_sms(SMS_BODY).parts)
    params = {"application-id": app_id}
    clock = [0.0]

    def send(calls: int) -> None:
        call, now = service.call, clock[0]
        for _ in range(calls):
            if call("SendMessages", params, {}, body, now).status != 200:
                raise RuntimeError("SendMessages failed during the benchmark")
            now += step_s
        clock[0] = now

    options.log("SendMessages: warming up (numba kernels compile on first use)")
    reply = service.call("SendMessages", params, {}, body, 0.0)
    if reply.status != 200:
        raise RuntimeError(f"SendMessages answered {reply.status}: {reply.body[:300]!r}")
    send(20 if options.quick else 200)
    last_bytes = service.call("SendMessages", params, {}, body, clock[0]).body
    last = msgspec.json.decode(last_bytes, type=MessageResponse)
    results = last.Result or {}
    if len(results) != RECIPIENTS:
        raise RuntimeError(f"SendMessages answered {len(results)} results, not {RECIPIENTS}")

    decoder = msgspec.json.Decoder(MessageRequest)
    encoder = msgspec.json.Encoder()
    response_bytes = encoder.encode(last)

    def floor(calls: int) -> None:
        decode, enc = decoder.decode, encoder.encode
        for _ in range(calls):
            decode(body)
            enc(last)

    floor(20)
    round_s = 0.05 if options.quick else 0.3
    rounds = 5 if options.quick else 15
    subjects = [Subject("service", send, calls_for(send, round_s), RECIPIENTS),
                Subject("floor", floor, calls_for(floor, round_s), RECIPIENTS)]
    options.log(f"SendMessages: {rounds} interleaved rounds of ~{round_s} CPU s each")
    rates = interleave(subjects, rounds)
    service_rate = rates["service"]
    figures = comparison_figures(
        "send_recipients", RATE_UNIT, "SendMessages via Service.call, request bytes to response "
        "bytes, 100 recipients a call", "msgspec decode of the request + encode of an equal "
        "response", service_rate, rates["floor"],
        at_least(TARGET_RECIPIENTS_PER_S, "recipients/cpu_s"), at_least(TARGET_FLOOR_RATIO,
                                                                         "ratio"))
    figures.append(figure("send_call_cpu_us_median", 1e6 * RECIPIENTS / service_rate.cpu.median,
                          "us", "CPU time of one 100-recipient SendMessages call, median round"))
    statuses = Counter(r.DeliveryStatus.value for r in results.values()
                       if r.DeliveryStatus is not None)
    settings: dict[str, Setting] = {
        "send_channel_profile": profile,
        "send_recipients_per_call": RECIPIENTS,
        "send_channel_mix": ", ".join(f"{n} {c}" for c, n in
                                      Counter(c.value for c in channel_mix(RECIPIENTS)).items()),
        "send_request_bytes": len(body),
        "send_response_bytes": len(last_bytes),
        "send_floor_response_bytes": len(response_bytes),
        "send_step_s": step_s,
        "send_rounds": rounds,
        "send_calls_per_round": subjects[0].calls_per_round,
        "floor_calls_per_round": subjects[1].calls_per_round,
        "send_last_response_statuses": ", ".join(f"{n} {s}" for s, n in
                                                 sorted(statuses.items())),
    }
    return Measurement(figures, settings)
