"""Semantic checks run before any simulation: each returns (key path, reason) problems.

Decoding already rejected unknown keys, wrong types and values outside a field's own range;
these are the rules that involve several fields, Pinpoint's limits, or other files.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

from sim.api import MAX_ENDPOINTS_PER_USER, MAX_RECIPIENTS_PER_REQUEST, ChannelType
from sim.channels import ChannelProfile
from sim.core.sms import MAX_GSM7_SEPTETS, MAX_UCS2_UNITS

from .counts import CountDistribution
from .schema import Scenario
from .toml_lines import KeyPath
from .workload import ClosedArrivals, OpenArrivals

MIX_SUM_TOLERANCE = 1e-9
UNSENDABLE = frozenset({"PUSH", "IN_APP"})
CHANNEL_NAMES = frozenset(ct.value for ct in ChannelType)

Problem = tuple[KeyPath, str]


def profile_for(channel: str, profiles: Mapping[str, ChannelProfile]) -> ChannelProfile | None:
    """The profile serving ``channel``: its own, else APNS for the APNS variants (as sim.core)."""
    found = profiles.get(channel)
    if found is None and channel.startswith("APNS"):
        found = profiles.get("APNS")
    return found


def check_scenario(scenario: Scenario, profiles: Mapping[str, ChannelProfile]) -> list[Problem]:
    """Every semantic problem of ``scenario`` whose channels resolve to ``profiles``."""
    return [
        *_check_length(scenario),
        *_check_arrivals(scenario),
        *_check_population(scenario, profiles),
        *_check_fan_out(scenario),
        *_check_retry_and_slo(scenario),
    ]


def _check_length(scenario: Scenario) -> Iterator[Problem]:
    arrival = scenario.workload.arrival
    bounded = scenario.duration_s is not None or scenario.requests is not None
    if isinstance(arrival, ClosedArrivals) and not bounded:
        yield ("workload", "arrival"), "a closed workload needs `duration_s` or `requests`"
    if isinstance(arrival, OpenArrivals) and arrival.rate_per_s is not None and not bounded:
        yield ("workload", "arrival", "rate_per_s"), (
            "an open workload at a fixed rate never ends: set `duration_s` or `requests`")


def _check_arrivals(scenario: Scenario) -> Iterator[Problem]:
    arrival = scenario.workload.arrival
    base: KeyPath = ("workload", "arrival")
    if not isinstance(arrival, OpenArrivals):
        return
    if arrival.rate_per_s is not None and arrival.stages:
        yield (*base, "stages"), "give either `rate_per_s` or `stages`, not both"
    if arrival.rate_per_s is None and not arrival.stages and not arrival.bursts:
        yield base, "an open workload needs `rate_per_s`, `stages` or `bursts`"
    for i, stage in enumerate(arrival.stages):
        for name, rate in (("rate_per_s", stage.rate_per_s), ("end_rate_per_s",
                                                            stage.end_rate_per_s)):
            if rate is not None and not math.isfinite(rate):
                yield (*base, "stages", i, name), f"must be finite, got {rate}"
    if arrival.stages and not arrival.bursts and all(
        s.rate_per_s == 0 and not s.end_rate_per_s for s in arrival.stages
    ):
        yield (*base, "stages"), "every stage has a zero rate: no request would be sent"
    horizon = scenario.duration_s
    if horizon is None and arrival.stages:
        horizon = math.fsum(s.duration_s for s in arrival.stages)
    for i, burst in enumerate(arrival.bursts):
        if horizon is not None and burst.at_s >= horizon:
            yield (*base, "bursts", i, "at_s"), (
                f"{burst.at_s} s is not before the end of the workload at {horizon} s")


def _check_population(scenario: Scenario, profiles: Mapping[str, ChannelProfile]
                      ) -> Iterator[Problem]:
    population = scenario.population
    base: KeyPath = ("population",)
    mix = population.channel_mix
    if not mix:
        yield (*base, "channel_mix"), "needs at least one channel"
    for channel in mix:
        if channel not in CHANNEL_NAMES:
            yield (*base, "channel_mix", channel), (
                f"unknown channel type; expected one of {', '.join(sorted(CHANNEL_NAMES))}")
        elif channel in UNSENDABLE:
            yield (*base, "channel_mix", channel), "this channel type cannot be sent to directly"
        elif profile_for(channel, profiles) is None:
            yield (*base, "channel_mix", channel), (
                "has no channel profile: set `channels.profile` or `channels.inline."
                f"{channel}`")
    total = math.fsum(mix.values())
    if mix and abs(total - 1.0) > MIX_SUM_TOLERANCE:
        yield (*base, "channel_mix"), f"fractions must sum to 1, got {total:.12g}"
    exclusive = math.fsum((population.opt_out_rate, population.inactive_rate,
                           population.invalid_address_rate))
    if exclusive > 1.0 + MIX_SUM_TOLERANCE:
        yield base, ("opt_out_rate + inactive_rate + invalid_address_rate must be <= 1 (they are "
                     f"exclusive fractions of endpoints), got {exclusive:.12g}")
    if population.duplicate_address_rate > 0.5:
        yield (*base, "duplicate_address_rate"), (
            "must be <= 0.5: each duplicate repeats the address of another recipient")
    if population.duplicate_address_rate > 0 and \
            scenario.workload.operation == "send_users_messages":
        yield (*base, "duplicate_address_rate"), (
            "SendUsersMessages lists no Addresses, and the endpoint store makes the older of "
            "two endpoints with one address INACTIVE, so no DUPLICATE can arise: use "
            "inactive_rate")
    yield from _check_counts(population.endpoints_per_user, (*base, "endpoints_per_user"),
                             0, MAX_ENDPOINTS_PER_USER, "endpoints per user")
    for channel in ("SMS", "VOICE"):
        if channel in mix:
            message = scenario.workload.message
            limit = MAX_GSM7_SEPTETS if message.encoding == "GSM7" else MAX_UCS2_UNITS
            if message.body_chars > limit:
                yield ("workload", "message", "body_chars"), (
                    f"{message.body_chars} {message.encoding} characters exceed the SMS limit "
                    f"of {limit}")
    for channel in scenario.channels.inline:
        if channel not in CHANNEL_NAMES:
            yield ("channels", "inline", channel), "unknown channel type"


def _check_counts(dist: CountDistribution, path: KeyPath, lo: int, hi: int, what: str
                  ) -> Iterator[Problem]:
    if dist.min_value() < lo:
        yield path, f"can draw {dist.min_value()} {what}; the minimum is {lo}"
    if dist.max_value() > hi:
        yield path, f"can draw {dist.max_value()} {what}; Pinpoint's limit is {hi}"


def _check_fan_out(scenario: Scenario) -> Iterator[Problem]:
    workload, population = scenario.workload, scenario.population
    path: KeyPath = ("workload", "recipients_per_request")
    what = "users" if workload.operation == "send_users_messages" else "recipients"
    yield from _check_counts(workload.recipients_per_request, path, 1,
                             MAX_RECIPIENTS_PER_REQUEST, f"{what} per request")
    most = workload.recipients_per_request.max_value()
    if workload.operation == "send_users_messages":
        if population.users < most:
            yield path, (f"a request can list {most} users but the population has only "
                         f"{population.users}")
        if population.endpoints_per_user.max_value() == 0:
            yield ("population", "endpoints_per_user"), "no user would have an endpoint"
        return
    expected = population.users * population.endpoints_per_user.mean()
    if expected < most:
        yield path, (f"a request can list {most} endpoints but the population is expected to "
                     f"have only {expected:g} (users x mean endpoints per user)")


def _check_retry_and_slo(scenario: Scenario) -> Iterator[Problem]:
    retry = scenario.retry
    if retry.max_attempts > 1 and not retry.statuses:
        yield ("retry", "statuses"), "retries are enabled but no status is retryable"
    if retry.base_delay_s > retry.max_delay_s:
        yield ("retry", "base_delay_s"), (
            f"{retry.base_delay_s} s exceeds max_delay_s ({retry.max_delay_s} s)")
    for channel in scenario.slo.delivery_p99_s:
        if channel not in scenario.population.channel_mix:
            yield ("slo", "delivery_p99_s", channel), (
                "this channel is not in population.channel_mix")
