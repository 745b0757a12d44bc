"""Per-recipient result Structs from an Outcome's columns.

Only a SUCCESSFUL result is unique (its MessageId); every other result with the same status,
code and message is the same immutable value, so one Struct is built and shared, which keeps
building a 100-recipient response cheap.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.api import DeliveryStatus, EndpointMessageResult, MessageResult

from .sends import STATUSES, Expanded, Outcome

_SUCCESSFUL = DeliveryStatus.SUCCESSFUL


def address_results(outcome: Outcome, count: int) -> list[MessageResult]:
    """Results of the first ``count`` recipients (the ``Addresses`` of a request)."""
    status = outcome.status[:count].tolist()
    code = outcome.status_code[:count].tolist()
    message = outcome.message[:count].tolist()
    texts, ids = outcome.message_texts, outcome.message_ids
    shared: dict[tuple[int, int, int], MessageResult] = {}
    results: list[MessageResult] = []
    for i in range(count):
        mid = ids[i]
        if mid is not None:
            results.append(MessageResult(DeliveryStatus=_SUCCESSFUL, StatusCode=code[i],
                                         StatusMessage=f"MessageId: {mid}", MessageId=mid))
            continue
        key = (status[i], code[i], message[i])
        found = shared.get(key)
        if found is None:
            found = shared[key] = MessageResult(DeliveryStatus=STATUSES[key[0]],
                                                StatusCode=key[1], StatusMessage=texts[key[2]])
        results.append(found)
    return results


def endpoint_results(outcome: Outcome, expanded: Expanded, rows: Iterable[int]
                     ) -> list[EndpointMessageResult]:
    """Results of endpoint recipients (they carry their address, so none is shared)."""
    status, code, message = outcome.status, outcome.status_code, outcome.message
    texts, ids, tokens = outcome.message_texts, outcome.message_ids, outcome.updated_tokens
    addresses = expanded.addresses
    results = []
    for i in rows:
        mid = ids[i]
        results.append(EndpointMessageResult(
            Address=addresses[i], DeliveryStatus=STATUSES[status[i]], StatusCode=int(code[i]),
            StatusMessage=f"MessageId: {mid}" if mid is not None else texts[message[i]],
            MessageId=mid, UpdatedToken=tokens.get(i)))
    return results
