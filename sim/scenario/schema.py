"""The scenario file: one msgspec Struct per TOML table, unknown keys rejected.

Field names carry their units. Range checks that msgspec can express (``Meta``) fail at decode
time with the key path; cross-field rules live in :mod:`sim.scenario.checks`, which runs before
any simulation and names the key path too.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from sim.channels import ChannelProfile

from .counts import ConstantCount, CountDistribution
from .workload import Workload

Probability = Annotated[float, msgspec.Meta(ge=0, le=1)]
PositiveFloat = Annotated[float, msgspec.Meta(gt=0)]
RetryableStatus = Literal["THROTTLED", "TEMPORARY_FAILURE", "UNKNOWN_FAILURE", "PERMANENT_FAILURE"]


class _Schema(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    pass


class Population(_Schema, frozen=True, kw_only=True):
    """The app's users and endpoints, generated columnar from these rates.

    ``channel_mix`` maps ChannelType names to the fraction of endpoints on that channel (sums to
    1). ``opt_out_rate``, ``inactive_rate`` and ``invalid_address_rate`` are exclusive fractions
    of endpoints (their sum is at most 1): opted out (OptOut ALL; an SMS number is also on the
    account's opt-out list), INACTIVE, or an address the channel cannot take (not E.164 for
    SMS/VOICE, not an email for EMAIL; push tokens are not checked). ``duplicate_address_rate``
    is the chance that a recipient entry of a SendMessages request is an ``Addresses`` entry
    repeating the address of one of the request's endpoints (at most half the entries; the
    Addresses come first, so the endpoint is the DUPLICATE).
    """

    users: Annotated[int, msgspec.Meta(ge=1)]
    endpoints_per_user: CountDistribution = ConstantCount(value=1)
    channel_mix: dict[str, Probability]
    opt_out_rate: Probability = 0.0
    inactive_rate: Probability = 0.0
    duplicate_address_rate: Probability = 0.0
    invalid_address_rate: Probability = 0.0


class Channels(_Schema, frozen=True, kw_only=True):
    """Channel profiles: a shipped or local profile file, with per-channel inline overrides.

    ``profile`` is a name looked up in ``profiles/`` beside the scenario file and in
    ``scenarios/profiles/``, or a path. ``inline`` tables replace a whole channel's profile.
    ``opt_out_as_permanent_p``: chance an opted-out SMS is reported as PERMANENT_FAILURE.
    ``updated_token_p``: chance a successful GCM delivery answers an ``UpdatedToken`` (and the
    endpoint's stored address becomes it); ``failure_marks_inactive``: a PERMANENT_FAILURE
    makes the endpoint INACTIVE (SNS behaviour, off as in Pinpoint). Both are reference
    decisions (pinpoint.md §3, §5) of ``pinsim serve`` and ``sim.Pinpoint``; the engine's
    results have no response bodies (it ignores ``updated_token_p``) and it refuses
    ``failure_marks_inactive``, which it does not model.
    Loading merges the profile file into ``inline`` and records its path in ``profile_file``.
    """

    profile: str | None = None
    inline: dict[str, ChannelProfile] = {}
    opt_out_as_permanent_p: Probability = 0.0
    updated_token_p: Probability = 0.0
    failure_marks_inactive: bool = False
    profile_file: str = ""


class RetryPolicy(_Schema, frozen=True, kw_only=True):
    """How the caller re-sends recipients that failed with a retryable status.

    A retry is a new request holding the request's retryable recipients, sent when the previous
    answer arrived plus a backoff: ``min(max_delay_s, base_delay_s * multiplier ** (n - 1))``
    before the n-th retry, with ``jitter`` none (that delay), full (uniform on [0, delay]) or
    equal (delay / 2 plus uniform on [0, delay / 2]). ``max_attempts = 1`` never retries.
    """

    max_attempts: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    statuses: tuple[RetryableStatus, ...] = ("THROTTLED", "TEMPORARY_FAILURE", "UNKNOWN_FAILURE")
    base_delay_s: PositiveFloat = 0.1
    multiplier: Annotated[float, msgspec.Meta(ge=1)] = 2.0
    max_delay_s: PositiveFloat = 20.0
    jitter: Literal["none", "full", "equal"] = "full"


class Slo(_Schema, frozen=True, kw_only=True):
    """Targets a run must meet; any left out is not checked.

    ``error_ratio`` bounds the fraction of recipients whose final status is a failure
    (THROTTLED, TEMPORARY_FAILURE, PERMANENT_FAILURE, UNKNOWN_FAILURE; OPT_OUT and DUPLICATE are
    the caller's data, not errors). ``min_throughput_per_s`` is successful deliveries per second
    of completion time. ``completion_s`` bounds the time from the first request to the last
    answer.
    """

    request_p99_s: PositiveFloat | None = None
    delivery_p99_s: dict[str, PositiveFloat] = {}
    completion_s: PositiveFloat | None = None
    error_ratio: Probability | None = None
    min_throughput_per_s: PositiveFloat | None = None


class Scenario(_Schema, frozen=True, kw_only=True):
    """A whole simulation: population, workload, channels, retries and SLOs.

    The run offers requests until ``duration_s`` of virtual time or ``requests`` requests,
    whichever comes first (a replay also ends with its file), then lets every answer and retry
    finish.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, pattern=r"^[A-Za-z0-9._-]+$")]
    description: str = ""
    seed: Annotated[int, msgspec.Meta(ge=0)] = 0
    duration_s: PositiveFloat | None = None
    requests: Annotated[int, msgspec.Meta(ge=1)] | None = None
    population: Population
    workload: Workload
    channels: Channels = Channels()
    retry: RetryPolicy = RetryPolicy()
    slo: Slo = Slo()
