"""The service every core benchmark drives: shipped channel profile, one app, a time step."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sim.api import ChannelType, CreateApplicationRequest
from sim.channels import ChannelProfile
from sim.core.service import Service, ServiceConfig
from sim.scenario.loading import load_channel_profiles
from sim.scenario.profiles import CHECKOUT_PROFILES_DIR, find_profile

from ._environment import REPO_ROOT

PROFILE_NAME = "aws-defaults"
MIN_STEP_S = 1e-3
HEADROOM = 1.25


def shipped_profiles() -> tuple[dict[str, ChannelProfile], str]:
    """The shipped ``aws-defaults`` channel profile if it exists, else ideal channels.

    Returns the profiles and what was used (the file, or ``ideal``), for the results file.
    """
    try:
        path = find_profile(PROFILE_NAME, [CHECKOUT_PROFILES_DIR])  # not a cwd's copy
    except FileNotFoundError:
        return {}, f"ideal (no {PROFILE_NAME}.toml in {CHECKOUT_PROFILES_DIR})"
    return load_channel_profiles(path), _shown(path)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def new_service(seed: int, channels: dict[str, ChannelProfile]) -> tuple[Service, str]:
    """A service and the id of its one app."""
    service = Service(ServiceConfig(seed=seed, channels=channels))
    app = service.create_app(CreateApplicationRequest(Name="pinsim-bench"), 0.0)
    assert app.Id is not None
    return service, app.Id


def sustainable_step_s(channels: dict[str, ChannelProfile], mix: list[ChannelType],
                       sms_parts: int = 1) -> float:
    """Simulated seconds between requests so that no channel's rate limit or pool is overrun.

    A benchmark that advanced time too little would measure mostly THROTTLED answers and ever
    growing queues, which is not the common case; this keeps every channel at most 80% busy.
    ``sms_parts`` is the parts of each SMS, for limits counted in parts (MPS).
    """
    step_s = MIN_STEP_S
    for name, count in Counter(c.value for c in mix).items():
        profile = channels.get(name)
        if profile is None:
            continue
        if profile.rate_limit is not None:
            limit = profile.rate_limit
            units = count * (sms_parts if limit.unit == "part" else 1)
            step_s = max(step_s, HEADROOM * units / (limit.rate_per_s * limit.keys))
        if profile.pool is not None:
            step_s = max(step_s,
                         HEADROOM * count * profile.latency.mean_s() / profile.pool.servers)
    return step_s
