"""UpdateEndpoint in process, request bytes to response bytes, with realistic bodies.

Each body sets ChannelType, Address, two Attributes and User.UserId (two devices per user),
like an app registering a device. A first pass creates every endpoint (timed once, as inserts);
the measured rounds then re-send the same bodies, which is the steady state of an app that
refreshes its endpoints on every launch. A codec floor (decode the body, encode the answer) is
timed in the same rounds for reference.
"""

from __future__ import annotations

import msgspec

from sim.api import EndpointRequest, EndpointUser, MessageBody, encode

from ._comparison import comparison_figures
from ._core_service import new_service, shipped_profiles
from ._population import Population, channel_mix
from ._registry import BenchOptions, Measurement
from ._schema import Setting, at_least, figure
from ._timing import Subject, calls_for, interleave, time_calls

TARGET_UPDATES_PER_S = 100_000
RATE_UNIT = "updates/s"
PLANS = ("free", "basic", "premium")
LANGUAGES = ("en-US", "es-MX", "fr-FR", "de-DE")
STEP_S = 1e-3


def endpoint_bodies(population: Population, count: int) -> tuple[list[str], list[bytes]]:
    """``count`` endpoint ids and their UpdateEndpoint bodies."""
    ids = population.uuids(count)
    mix = channel_mix(count)
    addresses = population.addresses(mix)
    users = population.uuids((count + 1) // 2)
    bodies = [encode(EndpointRequest(
        ChannelType=mix[i], Address=addresses[i],
        Attributes={"plan": [PLANS[i % len(PLANS)]],
                    "language": [LANGUAGES[i % len(LANGUAGES)]]},
        User=EndpointUser(UserId=f"user-{users[i // 2]}"))) for i in range(count)]
    return ids, bodies


def run_update(options: BenchOptions) -> Measurement:
    channels, _ = shipped_profiles()
    service, app_id = new_service(options.seed, channels)
    count = 2_000 if options.quick else 20_000
    ids, bodies = endpoint_bodies(Population(options.seed + 1), count)
    params = [{"application-id": app_id, "endpoint-id": endpoint_id} for endpoint_id in ids]
    state = [0, 0.0]  # next body, simulated time

    def update(calls: int) -> None:
        call, i, now = service.call, int(state[0]), float(state[1])
        for _ in range(calls):
            reply = call("UpdateEndpoint", params[i], {}, bodies[i], now)
            if reply.status != 202:
                raise RuntimeError(f"UpdateEndpoint answered {reply.status}: {reply.body!r}")
            i = i + 1 if i + 1 < count else 0
            now += STEP_S
        state[0], state[1] = i, now

    options.log(f"UpdateEndpoint: creating {count:,} endpoints")
    insert_cpu_s, _ = time_calls(update, count)
    if len(service.app(app_id).index) != count:
        raise RuntimeError("UpdateEndpoint did not create one endpoint per id")

    decoder = msgspec.json.Decoder(EndpointRequest)
    encoder = msgspec.json.Encoder()
    answer = msgspec.json.decode(service.call("UpdateEndpoint", params[0], {}, bodies[0],
                                              0.0).body, type=MessageBody)
    where = [0]

    def floor(calls: int) -> None:
        decode, enc, i = decoder.decode, encoder.encode, where[0]
        for _ in range(calls):
            decode(bodies[i])
            enc(answer)
            i = i + 1 if i + 1 < count else 0
        where[0] = i

    round_s = 0.05 if options.quick else 0.3
    rounds = 5 if options.quick else 15
    subjects = [Subject("service", update, calls_for(update, round_s), 1),
                Subject("floor", floor, calls_for(floor, round_s), 1)]
    options.log(f"UpdateEndpoint: {rounds} interleaved rounds of ~{round_s} CPU s each")
    rates = interleave(subjects, rounds)
    figures = comparison_figures(
        "update_endpoint", RATE_UNIT, "UpdateEndpoint of an existing endpoint via Service.call",
        "msgspec decode of the body + encode of the answer", rates["service"], rates["floor"],
        at_least(TARGET_UPDATES_PER_S, "updates/cpu_s"))
    figures.append(figure("update_endpoint_inserts_per_cpu_s", count / insert_cpu_s,
                          "updates/cpu_s", "UpdateEndpoint creating new endpoints "
                          "(one pass, not interleaved)"))
    settings: dict[str, Setting] = {
        "update_endpoints": count,
        "update_body_bytes_mean": round(sum(map(len, bodies)) / count, 1),
        "update_rounds": rounds,
        "update_calls_per_round": subjects[0].calls_per_round,
    }
    return Measurement(figures, settings)
