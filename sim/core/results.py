"""Per-recipient result Structs from an Outcome's columns.

Only a SUCCESSFUL result is unique (its MessageId); every other result with the same status,
code and message is the same immutable value, so one Struct is built and shared. Successes are
built in one comprehension and the (few) others patched in by position, which keeps a
100-recipient response at well under a microsecond per result.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import msgspec
import numpy as np

from sim.api import DeliveryStatus, EndpointMessageResult, MessageResult
from sim.channels import SUCCESS_STATUS_CODE

from .sends import MESSAGE_ID_SUFFIXES, STATUSES, Expanded, Outcome

_SUCCESSFUL = DeliveryStatus.SUCCESSFUL
_ID_MESSAGE = "MessageId: "


def address_results(outcome: Outcome, count: int) -> list[MessageResult]:
    """Results of the first ``count`` recipients (the ``Addresses`` of a request)."""
    prefix = outcome.message_id_prefix
    message_prefix = _ID_MESSAGE + prefix
    results = [MessageResult(DeliveryStatus=_SUCCESSFUL, MessageId=prefix + suffix,
                             StatusCode=SUCCESS_STATUS_CODE, StatusMessage=message_prefix + suffix)
               for suffix in MESSAGE_ID_SUFFIXES[:count]]
    shared: dict[tuple[int, int, str], MessageResult] = {}
    for i in outcome.unsuccessful:
        if i >= count:
            break
        key = _failure_fields(outcome, i)
        found = shared.get(key)
        if found is None:  # one Struct per status, code and message
            found = shared[key] = _failure_result(*key)
        results[i] = found
    return results


def _failure_fields(outcome: Outcome, i: int) -> tuple[int, int, str]:
    """Recipient ``i``'s (unsuccessful) status, status code and message."""
    return (outcome.status.item(i), outcome.status_code.item(i),
            outcome.message_texts[outcome.message.item(i)])


def _failure_result(status: int, status_code: int, message: str) -> MessageResult:
    return MessageResult(DeliveryStatus=STATUSES[status], StatusCode=status_code,
                         StatusMessage=message)


def endpoint_results(outcome: Outcome, expanded: Expanded, rows: Iterable[int]
                     ) -> list[EndpointMessageResult]:
    """Results of endpoint recipients (they carry their address, so none is shared)."""
    status, code, message = outcome.status, outcome.status_code, outcome.message
    texts, tokens = outcome.message_texts, outcome.updated_tokens
    addresses = expanded.addresses
    results = []
    for i in rows:
        mid = outcome.message_id(i)
        results.append(EndpointMessageResult(
            Address=addresses[i], DeliveryStatus=STATUSES[status[i]], StatusCode=int(code[i]),
            StatusMessage=_ID_MESSAGE + mid if mid is not None else texts[message[i]],
            MessageId=mid, UpdatedToken=tokens.get(i)))
    return results


def _success_template() -> tuple[str, str, str]:
    """msgspec's own encoding of a SUCCESSFUL result, split around its message id."""
    mark = "<message-id>"
    text = msgspec.json.encode(MessageResult(
        DeliveryStatus=_SUCCESSFUL, MessageId=mark, StatusCode=SUCCESS_STATUS_CODE,
        StatusMessage=_ID_MESSAGE + mark)).decode()
    head, middle, tail = text.split(mark)
    return head, middle, tail


_HEAD, _MIDDLE, _TAIL = _success_template()


def _plain_json_text(text: str) -> bool:
    """ASCII without a character JSON escapes (``"``, backslash, controls): as it is in JSON.
    (Other text takes the Struct path.) Controls are found by one vectorised minimum."""
    return (text.isascii() and '"' not in text and "\\" not in text
            and (not text or int(np.frombuffer(text.encode(), dtype=np.uint8).min()) >= 0x20))


@functools.lru_cache(maxsize=1024)
def _failure_json(status: int, status_code: int, message: str) -> str:
    """The JSON of an unsuccessful result (a few distinct ones serve every request)."""
    return msgspec.json.encode(_failure_result(status, status_code, message)).decode()


def address_results_json(outcome: Outcome, addresses: list[str], *,
                         plain_text: bool = False) -> str | None:
    """``{address: result, ...}`` for the Addresses of a request as JSON text (for
    ``msgspec.Raw``, which takes text: no 24 KB copy into bytes), character for character what
    msgspec makes of :func:`address_results` (a test checks), or None when an address would
    need escaping (then encode the Structs).

    Why: building and then encoding 100 result Structs was a third of a SendMessages call;
    here the text is joined in one C-level pass from msgspec's own encoding of a result,
    split around the message id, and of each shared failure.

    ``plain_text``: the caller has proven that no address needs escaping
    (``plain_send.escape_free`` of the request body); else it is checked here.
    """
    if not plain_text and not _plain_json_text("".join(addresses)):
        return None
    n = len(addresses)
    prefix = outcome.message_id_prefix
    openings, middles, closings = (['":' + _HEAD + prefix] * n, [_MIDDLE + prefix] * n,
                                   [_TAIL + ',"'] * n)
    suffixes: Sequence[str] = MESSAGE_ID_SUFFIXES[:n]
    if outcome.unsuccessful:
        suffixes = list(suffixes)
        for i in outcome.unsuccessful:
            if i >= n:
                break
            openings[i] = '":' + _failure_json(*_failure_fields(outcome, i))
            suffixes[i], middles[i], closings[i] = "", "", ',"'
    closings[-1] = closings[-1][:-2] + "}"
    pieces = [""] * (6 * n + 1)  # filled by slice: no tuple per recipient as zip would make
    pieces[0] = '{"'
    for k, column in enumerate((addresses, openings, suffixes, middles, suffixes, closings)):
        pieces[k + 1::6] = column
    return "".join(pieces)
