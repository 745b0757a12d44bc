"""The ``[workload]`` table: which operation, how many recipients, when requests arrive, body.

Arrival models (reference/measurement.md): ``open`` schedules do not depend on completions
(Poisson or evenly spaced, at a rate or through ramp stages, plus bursts), ``replay`` takes the
timestamps of a CSV file, and ``closed`` runs N clients that each wait for their answer and a
think time before the next request.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from sim.channels import ConstantLatency, LatencyDistribution

from .counts import ConstantCount, CountDistribution

PositiveFloat = Annotated[float, msgspec.Meta(gt=0)]
NonNegativeFloat = Annotated[float, msgspec.Meta(ge=0)]


class _Schema(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    pass


class Stage(_Schema, frozen=True, kw_only=True):
    """``duration_s`` at ``rate_per_s``, or a linear ramp to ``end_rate_per_s`` when given."""

    duration_s: PositiveFloat
    rate_per_s: NonNegativeFloat
    end_rate_per_s: NonNegativeFloat | None = None


class Burst(_Schema, frozen=True, kw_only=True):
    """``requests`` extra requests at ``at_s``, spread evenly over ``spread_s`` (0: all at once)."""

    at_s: NonNegativeFloat
    requests: Annotated[int, msgspec.Meta(ge=1)]
    spread_s: NonNegativeFloat = 0.0


class OpenArrivals(_Schema, tag_field="kind", tag="open", frozen=True, kw_only=True):
    """A schedule independent of completions: ``rate_per_s`` for ever, or ``stages`` in turn.

    ``process = "poisson"`` draws exponential gaps (time-rescaled through ramps);
    ``"constant"`` spaces requests evenly in the same cumulative intensity.
    """

    process: Literal["poisson", "constant"] = "poisson"
    rate_per_s: PositiveFloat | None = None
    stages: tuple[Stage, ...] = ()
    bursts: tuple[Burst, ...] = ()


class ReplayArrivals(_Schema, tag_field="kind", tag="replay", frozen=True, kw_only=True):
    """Request times (seconds) from ``column`` of a CSV file, relative to the scenario file.

    Times are sorted and shifted so the first is 0, then divided by ``speedup``.
    """

    file: str
    column: str = "timestamp_s"
    speedup: PositiveFloat = 1.0


class ClosedArrivals(_Schema, tag_field="kind", tag="closed", frozen=True, kw_only=True):
    """``clients`` callers, each sending its next request ``think_time`` after its last answer.

    Clients start spread evenly over ``ramp_up_s``. Latencies measured this way are those of a
    closed loop (coordinated omission applies; reference/measurement.md).
    """

    clients: Annotated[int, msgspec.Meta(ge=1)]
    think_time: LatencyDistribution = ConstantLatency(value_s=0.0)
    ramp_up_s: NonNegativeFloat = 0.0


ArrivalModel = OpenArrivals | ReplayArrivals | ClosedArrivals


class Message(_Schema, frozen=True, kw_only=True):
    """The message body: its length decides SMS parts, which SMS rate limits count.

    ``body_chars`` is GSM-7 septets or UCS-2 code units (sim.core.sms).
    """

    body_chars: Annotated[int, msgspec.Meta(ge=1)] = 120
    encoding: Literal["GSM7", "UCS2"] = "GSM7"


class Workload(_Schema, frozen=True, kw_only=True):
    """What each request asks for and when requests come."""

    operation: Literal["send_messages", "send_users_messages"] = "send_messages"
    recipients_per_request: CountDistribution = ConstantCount(value=1)
    """Endpoints per SendMessages request, or users per SendUsersMessages request."""
    arrival: ArrivalModel
    message: Message = Message()
