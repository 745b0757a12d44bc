"""Who each first attempt is sent to: a sweep through the population, expanded to columns.

A campaign walks its audience in order: SendMessages requests take the next endpoints, wrapping
around at the end; SendUsersMessages requests take the next users and every endpoint of each, in
store order. With ``duplicate_address_rate`` some entries of a SendMessages request are
``Addresses`` entries repeating the address of one of the request's endpoints; they come first
(as sim.core orders Addresses before Endpoints), so the endpoint is the DUPLICATE.

Each draw has its own stream and takes one value per request in send order, so drawing for the
first m requests of a window gives the same values whether or not more requests follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.channel_types import CODE_BY_NAME
from sim.scenario import Scenario
from sim.scenario.population import EndpointTable

from .columns import I64, Recipients
from .kernels import expand_endpoints

_SMS = CODE_BY_NAME["SMS"]


@dataclass(slots=True)
class Sweep:
    """The mutable part of recipient selection (snapshotted with the rest of the run state)."""

    count_rng: np.random.Generator
    copy_rng: np.random.Generator
    next_endpoint: int = 0
    next_user: int = 0


def ranges(counts: I64) -> tuple[I64, I64]:
    """For runs of ``counts[i]`` rows: (run index of each row, offset of each row in its run)."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    offset = np.arange(total, dtype=np.int64) - np.repeat(first, counts)
    return owner, offset


class RecipientPicker:
    """Draws the recipients of first attempts from an :class:`EndpointTable`."""

    def __init__(self, scenario: Scenario, table: EndpointTable, *, exact_keys: bool = False
                 ) -> None:
        self._workload = scenario.workload
        self._duplicate_p = scenario.population.duplicate_address_rate
        self._table = table
        self._exact_keys = exact_keys

    def pick(self, sweep: Sweep, group_index: I64) -> Recipients:
        """Recipients of the first attempts at window positions ``group_index``, in order."""
        counts = self._workload.recipients_per_request.sample(sweep.count_rng, len(group_index))
        if self._workload.operation == "send_users_messages":
            return self._users(sweep, group_index, counts)
        return self._endpoints(sweep, group_index, counts)

    def _endpoints(self, sweep: Sweep, group_index: I64, counts: I64) -> Recipients:
        table = self._table
        copies = np.zeros(len(counts), dtype=np.int64)
        if self._duplicate_p > 0:
            copies = np.minimum(sweep.copy_rng.binomial(counts, self._duplicate_p), counts // 2)
        endpoints = counts - copies
        first = sweep.next_endpoint + np.cumsum(endpoints) - endpoints
        sweep.next_endpoint = int((sweep.next_endpoint + endpoints.sum()) % table.endpoints)
        out = Recipients.allocate(int(counts.sum()))
        expand_endpoints(counts, copies, first, group_index, table.endpoints, self._exact_keys,
                         _SMS, table.channel, table.opted_out, table.inactive,
                         table.invalid_address, out.group, out.channel, out.row, out.is_copy,
                         out.keyed, out.opted, out.inactive, out.invalid)
        return out

    def _users(self, sweep: Sweep, group_index: I64, counts: I64) -> Recipients:
        table = self._table
        first_user = sweep.next_user + np.cumsum(counts) - counts
        sweep.next_user = int((sweep.next_user + counts.sum()) % table.users)
        owner, offset = ranges(counts)
        user = (first_user[owner] + offset) % table.users
        per_user = table.endpoints_per_user[user]
        user_of_row, row_offset = ranges(per_user)
        row = table.user_start[user][user_of_row] + row_offset
        n = len(row)
        return Recipients(group=group_index[owner][user_of_row], channel=table.channel[row],
                          row=row, is_copy=np.zeros(n, dtype=bool),
                          keyed=np.full(n, self._exact_keys), opted=table.opted_out[row],
                          inactive=table.inactive[row], invalid=table.invalid_address[row])
