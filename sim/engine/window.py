"""One window of attempt-requests through the shared semantics: rules, channels, follow-ups.

The DUPLICATE / OPT_OUT / INACTIVE rules are ``sim.core.rules.apply_rules`` and every provider
call is ``sim.channels.ChannelFleet.admit`` on the fleet of a ``sim.core.router.ChannelRouter``:
the engine adds no semantics of its own except the address-format check, which sim.core makes
per address string and the engine takes from the population's ``invalid`` column.

Fast path: the DUPLICATE rule sorts the addresses it compares. Entries that cannot collide (an
endpoint's address is its own unless an Addresses entry repeats it) get address key -1, which
the rule skips; ``exact_keys`` gives every entry its key (tests prove both agree).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.channels import PERMANENT_FAILURE, LatencySampler
from sim.core.channel_types import CODE_BY_NAME, FAMILY
from sim.core.router import ChannelRouter
from sim.core.rules import PASS, apply_rules
from sim.core.rules import Recipients as RuleInput
from sim.core.sms import SmsEncoding, parts_for
from sim.scenario import Scenario

from .columns import F64, I64, Bools, Groups, PendingRetries, Recipients
from .recipients import RecipientPicker, Sweep
from .retry import backoff_s, retryable_table

_PART_COUNTED = [CODE_BY_NAME["SMS"], CODE_BY_NAME["VOICE"]]
INVALID_ADDRESS_CODE = 400


@dataclass(slots=True)
class RunState:
    """Everything a window changes; a copy taken before a window can undo it."""

    router: ChannelRouter
    rules_rng: np.random.Generator
    jitter_rng: np.random.Generator
    think: LatencySampler | None
    sweep: Sweep


@dataclass(slots=True)
class WindowOutcome:
    """Per-recipient and per-group results of a window, and the follow-ups it schedules."""

    groups: Groups
    recipients: Recipients
    start_s: F64
    end_s: F64
    status: npt.NDArray[np.uint8]
    status_code: npt.NDArray[np.int16]
    completion_s: F64
    retried: Bools
    """Per recipient: it will be sent again (its result here is not final)."""
    done: Bools
    """Per group: the logical request is over (no recipient is retried)."""
    empty: Bools
    """Per group: no recipient at all (SendUsersMessages where no user has an endpoint: 404)."""
    retries: PendingRetries
    wakeup_s: F64
    wakeup_client: npt.NDArray[np.int32]

    @property
    def earliest_follow_up_s(self) -> float:
        times = [float(self.retries.groups.time_s.min())] if len(self.retries.groups) else []
        if len(self.wakeup_s):
            times.append(float(self.wakeup_s.min()))
        return min(times, default=np.inf)


class WindowProcessor:
    """Runs windows for one scenario; holds only what does not change between windows."""

    def __init__(self, scenario: Scenario, picker: RecipientPicker) -> None:
        self._scenario = scenario
        self._picker = picker
        message = scenario.workload.message
        self._sms_parts = parts_for(message.body_chars, SmsEncoding(message.encoding))
        self._retryable = retryable_table(scenario.retry)
        self._max_attempts = scenario.retry.max_attempts
        self._opt_out_as_permanent_p = scenario.channels.opt_out_as_permanent_p

    def process(self, state: RunState, groups: Groups, retried: Recipients) -> WindowOutcome:
        """``groups`` in send order; ``retried`` holds the recipients of its retry groups."""
        fresh = np.flatnonzero(groups.fresh)
        recipients = self._picker.pick(state.sweep, fresh) if len(fresh) else Recipients.empty()
        if len(retried):
            recipients = Recipients.concat([recipients, retried])
            recipients = recipients.take(np.argsort(recipients.group, kind="stable"))
        n = len(recipients)
        arrival_s = groups.time_s[recipients.group]
        rules = apply_rules(
            RuleInput(recipients.group, FAMILY[recipients.channel],
                      np.where(recipients.keyed, recipients.row, -1),
                      np.zeros(n, dtype=bool), recipients.inactive, recipients.opted),
            self._opt_out_as_permanent_p, state.rules_rng)
        status, status_code = rules.status, rules.status_code
        bad_address = recipients.invalid & (status == PASS)
        status[bad_address], status_code[bad_address] = PERMANENT_FAILURE, INVALID_ADDRESS_CODE
        start_s, end_s = arrival_s.copy(), arrival_s.copy()
        self._admit(state.router, recipients, arrival_s, status, status_code, start_s, end_s)
        return self._follow_ups(state, groups, recipients, start_s, end_s, status, status_code)

    def _admit(self, router: ChannelRouter, recipients: Recipients, arrival_s: F64,
               status: npt.NDArray[np.uint8], status_code: npt.NDArray[np.int16],
               start_s: F64, end_s: F64) -> None:
        """Every passing recipient, in send order, through the router's channel fleet in one
        call (each channel sees its own deliveries in order, as a call per channel would)."""
        fleet = router.fleet
        parts_by_slot = fleet.parts_by_slot.copy()
        parts_by_slot[_PART_COUNTED] = self._sms_parts
        fleet.admit(recipients.channel, status, status_code,
                    np.zeros(len(status), dtype=np.int32), start_s, end_s, arrival_s=arrival_s,
                    key=recipients.row, parts_by_slot=parts_by_slot)

    def _follow_ups(self, state: RunState, groups: Groups, recipients: Recipients, start_s: F64,
                    end_s: F64, status: npt.NDArray[np.uint8],
                    status_code: npt.NDArray[np.int16]) -> WindowOutcome:
        n_groups = len(groups)
        per_group = np.bincount(recipients.group, minlength=n_groups)
        empty = per_group == 0
        completion_s = groups.time_s.copy()
        if len(recipients):
            firsts = (np.cumsum(per_group) - per_group)[~empty]
            completion_s[~empty] = np.maximum.reduceat(end_s, firsts)
        retried = np.zeros(len(recipients), dtype=bool)
        if self._max_attempts > 1 and len(recipients):
            retried = self._retryable[status] & (
                groups.attempt[recipients.group] < self._max_attempts)
        retry_group = np.bincount(recipients.group[retried], minlength=n_groups) > 0
        retries = self._retries(state, groups, recipients, completion_s, retried, retry_group)
        done = ~retry_group
        wakeup_s: F64 = np.empty(0, dtype=np.float64)
        wakeup_client = np.empty(0, dtype=np.int32)
        if state.think is not None:
            waking = np.flatnonzero(done & (groups.client >= 0))
            wakeup_s = completion_s[waking] + state.think.draw(len(waking))
            wakeup_client = groups.client[waking]
        return WindowOutcome(groups, recipients, start_s, end_s, status, status_code,
                             completion_s, retried, done, empty, retries, wakeup_s, wakeup_client)

    def _retries(self, state: RunState, groups: Groups, recipients: Recipients,
                 completion_s: F64, retried: Bools, retry_group: Bools) -> PendingRetries:
        pending = PendingRetries.none()
        if not retry_group.any():
            return pending
        which = np.flatnonzero(retry_group)
        attempt = groups.attempt[which]
        retry_groups = groups.take(which)
        retry_groups.time_s = completion_s[which] + backoff_s(
            self._scenario.retry, attempt, state.jitter_rng)
        retry_groups.attempt = attempt + 1
        retry_groups.fresh = np.zeros(len(which), dtype=bool)
        position: I64 = np.full(len(groups), -1, dtype=np.int64)
        position[which] = np.arange(len(which))
        again = recipients.take(np.flatnonzero(retried))
        again.group = position[again.group]
        pending.add(retry_groups, again)
        return pending
