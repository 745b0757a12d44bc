"""Profile decoding: good files load, bad values fail naming the field (path) and the limit."""

from __future__ import annotations

import math
from typing import Any

import msgspec
import pytest
from scipy import stats

from sim.channels import (
    ChannelProfile,
    EmpiricalLatency,
    ExponentialLatency,
    FailureRule,
    GammaLatency,
    LognormalLatency,
    MixtureComponent,
    MixtureLatency,
    Pool,
    RateLimit,
)


class ProfileFile(msgspec.Struct, forbid_unknown_fields=True):
    """How scenario files nest profiles: ``[channels.<name>]`` tables."""

    channels: dict[str, ChannelProfile]


DEFAULTS_TOML = b"""
[channels.APNS]
note = "assumption (pushy#399)"
latency = { kind = "lognormal", median_s = 0.1, sigma = 0.6 }
pool = { connections = 4, streams_per_connection = 500 }
failures = [
  { status = "PERMANENT_FAILURE", probability = 0.02, status_code = 410, status_message = "Gone" },
  { status = "TEMPORARY_FAILURE", probability = 0.001, status_code = 503 },
  { status = "UNKNOWN_FAILURE", probability = 0.005, status_code = 500 },
]

[channels.SMS]
latency = { kind = "lognormal", median_s = 0.2, p99_s = 0.8 }
rate_limit = { rate_per_s = 3, burst = 1, mode = "queue", unit = "part", keys = 2 }

[channels.GCM]
rate_limit = { rate_per_s = 10000, burst = 600000 }
[channels.GCM.latency]
kind = "mixture"
components = [
  { weight = 98, latency = { kind = "lognormal", median_s = 0.1, sigma = 0.6 } },
  { weight = 2, latency = { kind = "empirical", quantiles = [[0, 1.0], [0.5, 2.0], [1, 10.0]] } },
]

[channels.EMAIL]
latency = { kind = "gamma", shape = 2, mean_s = 0.15 }
"""


def good_profile() -> dict[str, Any]:
    return {
        "latency": {"kind": "exponential", "mean_s": 0.1},
        "failures": [{"status": "PERMANENT_FAILURE", "probability": 0.1, "status_code": 410}],
        "rate_limit": {"rate_per_s": 100.0, "burst": 10},
        "pool": {"connections": 2, "streams_per_connection": 3},
    }


def decode_error(profile: dict[str, Any]) -> str:
    """The message of decoding one bad SMS profile, as a scenario file would hold it."""
    with pytest.raises(msgspec.ValidationError) as info:
        msgspec.convert({"channels": {"SMS": profile}}, ProfileFile)
    return str(info.value)


def test_default_profiles_decode_from_toml() -> None:
    channels = msgspec.toml.decode(DEFAULTS_TOML, type=ProfileFile).channels
    apns, sms, gcm, email = (channels[k] for k in ("APNS", "SMS", "GCM", "EMAIL"))
    assert apns.pool is not None and apns.pool.servers == 2000
    assert [r.status_code for r in apns.failures] == [410, 503, 500]
    assert apns.failures[0].status_message == "Gone"
    assert sms.rate_limit == RateLimit(rate_per_s=3, burst=1, mode="queue", unit="part", keys=2)
    assert sms.pool is None and apns.rate_limit is None
    assert isinstance(gcm.latency, MixtureLatency)
    assert isinstance(gcm.latency.components[1].latency, EmpiricalLatency)
    assert gcm.rate_limit is not None and gcm.rate_limit.mode == "reject"
    assert gcm.rate_limit.status_code == 429
    assert email.latency == GammaLatency(shape=2, mean_value_s=0.15)


def test_profiles_round_trip_through_json_with_wire_field_names() -> None:
    channels = msgspec.toml.decode(DEFAULTS_TOML, type=ProfileFile).channels
    encoded = msgspec.json.encode(channels["EMAIL"])
    assert b'"kind":"gamma"' in encoded and b'"mean_s":0.15' in encoded
    for profile in channels.values():
        assert msgspec.json.decode(msgspec.json.encode(profile), type=ChannelProfile) == profile


def test_lognormal_p99_converts_to_sigma() -> None:
    dist = LognormalLatency(median_s=0.2, p99_s=0.8)
    assert dist.log_sigma == pytest.approx(math.log(4.0) / stats.norm.ppf(0.99), rel=1e-12)
    assert dist.quantile(0.99) == pytest.approx(0.8, rel=1e-12)
    assert dist.quantile(0.5) == pytest.approx(0.2, rel=1e-12)


@pytest.mark.parametrize(
    ("path", "value", "limit"),
    [
        (("rate_limit", "rate_per_s"), 0, "Expected `float` > 0.0"),
        (("rate_limit", "burst"), 0.5, "Expected `float` >= 1.0"),
        (("rate_limit", "keys"), 0, "Expected `int` >= 1"),
        (("rate_limit", "mode"), "drop", "Invalid enum value 'drop'"),
        (("rate_limit", "unit"), "byte", "Invalid enum value 'byte'"),
        (("rate_limit", "status_code"), 99, "Expected `int` >= 100"),
        (("pool", "connections"), 0, "Expected `int` >= 1"),
        (("pool", "streams_per_connection"), -2, "Expected `int` >= 1"),
        (("latency", "mean_s"), -1.0, "Expected `float` > 0.0"),
        (("latency", "kind"), "weibull", "Invalid value 'weibull'"),
        (("failures", 0, "probability"), 1.5, "Expected `float` <= 1.0"),
        (("failures", 0, "status_code"), 700, "Expected `int` <= 599"),
        (("failures", 0, "status"), "OPT_OUT", "Invalid enum value 'OPT_OUT'"),
    ],
)
def test_bad_field_is_named_with_its_path_and_limit(
    path: tuple[str | int, ...], value: object, limit: str
) -> None:
    profile = good_profile()
    node: Any = profile
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    where = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    assert decode_error(profile).endswith(f"{limit} - at `$.channels[...]{where}`")


def test_unknown_field_is_named() -> None:
    profile = good_profile()
    profile["rate_limit"]["rate"] = 5
    assert decode_error(profile) == (
        "Object contains unknown field `rate` - at `$.channels[...].rate_limit`"
    )


@pytest.mark.parametrize(
    ("latency", "expected"),
    [
        ({"kind": "lognormal", "median_s": 0.1},
         "Expected exactly one of `sigma` or `p99_s` - at `$.channels[...].latency`"),
        ({"kind": "lognormal", "median_s": 0.1, "sigma": 0.5, "p99_s": 0.9},
         "Expected exactly one of `sigma` or `p99_s` - at `$.channels[...].latency`"),
        ({"kind": "lognormal", "median_s": 0.1, "p99_s": 0.05},
         "Expected `p99_s` > median_s (0.1), got 0.05 - at `$.channels[...].latency`"),
        ({"kind": "empirical", "quantiles": [[0, 0.1], [0.5, 0.05], [1, 0.3]]},
         "Expected `quantiles[1][1]` >= 0.1 (latency non-decreasing), got 0.05"),
        ({"kind": "empirical", "quantiles": [[0, 0.1], [0.7, 0.2], [0.6, 0.3], [1, 0.4]]},
         "Expected `quantiles[2][0]` > 0.7 (q increasing), got 0.6"),
        ({"kind": "empirical", "quantiles": [[0.1, 0.1], [1, 0.2]]},
         "Expected `quantiles[0][0]` == 0 (q starts at 0), got 0.1"),
        ({"kind": "empirical", "quantiles": [[0, 0.1], [0.9, 0.2]]},
         "Expected `quantiles[-1][0]` == 1 (q ends at 1), got 0.9"),
        ({"kind": "empirical", "quantiles": [[0, 0.1]]},
         "Expected `array` of length >= 2 - at `$.channels[...].latency.quantiles`"),
        ({"kind": "mixture", "components": [
            {"weight": 0, "latency": {"kind": "constant", "value_s": 1}}]},
         "Expected `float` > 0.0 - at `$.channels[...].latency.components[0].weight`"),
        ({"kind": "mixture", "components": []},
         "Expected `array` of length >= 1 - at `$.channels[...].latency.components`"),
        ({"kind": "mixture", "components": [{"weight": 1, "latency": {
            "kind": "mixture", "components": []}}]},
         "Invalid value 'mixture' - at `$.channels[...].latency.components[0].latency.kind`"),
    ],
)  # fmt: skip
def test_bad_latency_names_the_field(latency: dict[str, Any], expected: str) -> None:
    profile = good_profile()
    profile["latency"] = latency
    assert expected in decode_error(profile)


def test_failure_probabilities_must_sum_to_at_most_one() -> None:
    profile = good_profile()
    profile["failures"] = [
        {"status": "PERMANENT_FAILURE", "probability": 0.7, "status_code": 410},
        {"status": "UNKNOWN_FAILURE", "probability": 0.4, "status_code": 500},
    ]
    message = decode_error(profile)
    assert "Expected `failures` probabilities to sum to <= 1, got 1.1" in message
    assert "at `$.channels[...]`" in message


def test_probabilities_summing_to_one_up_to_rounding_are_accepted() -> None:
    rules = tuple(
        FailureRule(status="TEMPORARY_FAILURE", probability=p, status_code=503)
        for p in (0.7, 0.3 + 1e-12)
    )
    assert math.fsum(r.probability for r in rules) > 1.0
    assert ChannelProfile(latency=ExponentialLatency(mean_value_s=1.0), failures=rules)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: RateLimit(rate_per_s=-1.0), "Expected `rate_per_s` > 0 and finite, got -1.0"),
        (lambda: RateLimit(rate_per_s=1.0, burst=math.inf), "Expected `burst` >= 1 and finite"),
        (lambda: Pool(connections=0), "Expected `connections` >= 1, got 0"),
        (lambda: FailureRule(status="THROTTLED", probability=-0.1, status_code=429),
         "Expected `probability` in [0, 1], got -0.1"),
        (lambda: ExponentialLatency(mean_value_s=math.nan), "Expected `mean_s` > 0 and finite"),
        (lambda: GammaLatency(shape=0.0, mean_value_s=1.0), "Expected `shape` > 0 and finite"),
        (lambda: MixtureComponent(weight=-1.0, latency=ExponentialLatency(mean_value_s=1.0)),
         "Expected `weight` > 0 and finite, got -1.0"),
        (lambda: MixtureLatency(components=()), "Expected `components` to have >= 1 entry"),
    ],
)  # fmt: skip
def test_structs_built_in_python_are_validated_too(build: Any, expected: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        build()
    assert expected in str(info.value)
