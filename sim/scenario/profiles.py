"""Channel profile files: ``[channels.<ChannelType>]`` tables of latency, failures, limits, pool.

Profiles are data (scenarios/profiles/*.toml), never constants in code. A profile is named by a
path, or by a bare name looked up as ``<name>.toml`` in any extra directories given (a
scenario's own folder), in ``scenarios/profiles/`` of the working directory, then in the
shipped ones of this checkout (``CHECKOUT_PROFILES_DIR``), so shipped names work from any
directory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import msgspec

from sim.api import ChannelType
from sim.channels import ChannelProfile

SHIPPED_PROFILES_DIR = Path("scenarios") / "profiles"
CHECKOUT_PROFILES_DIR = Path(__file__).resolve().parents[2] / SHIPPED_PROFILES_DIR
"""The shipped profiles beside the installed package (an editable install or a clone)."""
_CHANNEL_NAMES = frozenset(ct.value for ct in ChannelType)


class ProfileFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A file of channel profiles keyed by ChannelType (``APNS``, ``GCM``, ``SMS``...)."""

    description: str = ""
    channels: dict[str, ChannelProfile]

    def __post_init__(self) -> None:
        unknown = sorted(set(self.channels) - _CHANNEL_NAMES)
        if unknown:
            raise ValueError(f"unknown channel type {unknown[0]!r} in `channels`; expected one "
                             f"of {', '.join(sorted(_CHANNEL_NAMES))}")


def find_profile(name: str, search: Iterable[Path] = ()) -> Path:
    """The file of a profile given by path (``*.toml``: as it is, then in each search folder)
    or by bare name (``<name>.toml`` in each search folder, then the shipped ones)."""
    file_name = name if name.endswith(".toml") else f"{name}.toml"
    candidates = [Path(name)] if name.endswith(".toml") else []
    candidates += [Path(folder) / file_name
                   for folder in (*search, SHIPPED_PROFILES_DIR, CHECKOUT_PROFILES_DIR)]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"channel profile {name!r} not found (looked for "
                            f"{', '.join(map(str, dict.fromkeys(candidates)))})")
