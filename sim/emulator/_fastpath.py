"""A strict fast path for well-formed HTTP/1.1 requests, byte-for-byte what h11 would do.

Why: h11's state machine costs about 45 us per request and response here, more than the
emulator's whole GetEndpoint and half of its SendMessages. Almost every request a load test
sends has one shape (request line, plain headers, ``Content-Length``, keep-alive), so a
connection recognises that shape with two regular expressions and frames its answer itself;
anything else goes to h11, which stays the authority on HTTP.

The fast path accepts a strict subset of what h11 accepts and never decides anything h11 would
decide differently (``tests/emulator/test_fastpath.py`` checks both against each other):
- request line ``METHOD /target HTTP/1.1`` with a known method and a visible-ASCII target;
- header names that are tokens, values of visible ASCII and inner spaces, no obs-fold,
  ``\\r\\n`` line ends, exactly one ``Host``, at most one ``Content-Length`` of digits;
- no ``Transfer-Encoding``, ``Expect`` or ``Upgrade``; ``Connection`` only ``keep-alive``.
Everything else (including ``Connection: close``, chunked bodies, ``Expect: 100-continue``,
HTTP/1.0, bodies over the limit, heads over the limit, bare ``\\n`` line ends) is handed to
h11 with the bytes received so far, and that connection stays on h11.

A connection reads heads through a ``HeadReader``, which does not parse a head again when a
client repeats the last one byte for byte (a load generator or a Locust user sending the same
request: about a tenth of the SendMessages rate under wrk). Clients that sign each request
(boto3, the AWS CLI) send a new head each time and pay one ``startswith`` more per request.

Sans-IO like h11: bytes in, a parsed head or a decision out, bytes of an answer out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Final, NamedTuple

METHODS = {m.encode(): m for m in ("GET", "PUT", "POST", "DELETE", "HEAD", "PATCH")}
"""The methods the emulator knows, by their bytes (as h11 and the fast path read them)."""
REASONS = {s.value: s.phrase.encode() for s in HTTPStatus}
"""Reason phrases of the status lines the emulator writes (unknown codes: none)."""

_REQUEST_LINE = re.compile(b"(" + b"|".join(METHODS) + rb") (/[\x21-\x7e]*) HTTP/1\.1")
_NAME = rb"[-!#$%&'*+.^_`|~0-9A-Za-z]++"
_VALUE = rb"(?:[\x21-\x7e]++(?:[ \t]++[\x21-\x7e]++)*+)?"
"""Possessive throughout: a line of spaces or a long value cannot make the match backtrack."""
_HEADER_BLOCK = re.compile(rb"(?:\r\n" + _NAME + rb":[ \t]*+" + _VALUE + rb"[ \t]*+)*+")
_HEADER_PAIR = re.compile(rb"\r\n(" + _NAME + rb"):[ \t]*+(" + _VALUE + rb")[ \t]*+")
_DIGITS = re.compile(rb"[0-9]{1,18}")
_HEAD_END = b"\r\n\r\n"
_REFUSED_HEADERS = frozenset((b"transfer-encoding", b"expect", b"upgrade"))
_STATUS_LINES = {status: b"HTTP/1.1 %d %s\r\n" % (status, reason)
                 for status, reason in REASONS.items()}


class FastHead(NamedTuple):
    """A request head the fast path accepted."""

    method: str
    target: str
    headers: list[tuple[bytes, bytes]]
    """Lower-case names and values without surrounding whitespace, in order (as h11's)."""
    body_start: int
    """Index in the buffer where the body begins."""
    body_bytes: int


class _NeedData:
    """The head is not complete yet (and nothing so far rules the fast path out)."""


NEED_DATA: Final = _NeedData()


def parse_head(buffer: bytes | bytearray, max_header_bytes: int) -> FastHead | _NeedData | None:
    """The head at the start of ``buffer``, ``NEED_DATA``, or None: leave it to h11."""
    end = buffer.find(_HEAD_END)
    if end < 0:  # h11 says at once what a blank line of another form, a head too long or a
        # first byte no request line starts with (whitespace, a control) are
        if len(buffer) > max_header_bytes or b"\n\n" in buffer or b"\n\r\n" in buffer or (
                buffer and buffer[0] < 0x21):
            return None
        return NEED_DATA
    if end + 4 > max_header_bytes:
        return None
    line_end = buffer.find(b"\r\n", 0, end)
    if line_end < 0:
        line_end = end
    request_line = _REQUEST_LINE.fullmatch(buffer, 0, line_end)
    if request_line is None or _HEADER_BLOCK.fullmatch(buffer, line_end, end) is None:
        return None
    headers = [(name.lower(), value)
               for name, value in _HEADER_PAIR.findall(buffer, line_end, end)]
    hosts = 0
    body_bytes = 0
    length_seen = False
    for name, value in headers:
        if name == b"host":
            hosts += 1
        elif name == b"content-length":
            if length_seen or _DIGITS.fullmatch(value) is None:
                return None
            length_seen = True
            body_bytes = int(value)
        elif name in _REFUSED_HEADERS or (name == b"connection"
                                          and value.lower() != b"keep-alive"):
            return None
    if hosts != 1:
        return None
    method, target = request_line.groups()
    return FastHead(METHODS[method], target.decode("ascii"), headers, end + 4, body_bytes)


class HeadReader:
    """``parse_head`` that remembers the last head it accepted: a load-test client sends the
    same head bytes request after request, and a buffer that starts with them has the same
    head (its first blank line is where theirs was), so it is not parsed again."""

    __slots__ = ("_last", "_last_bytes", "max_header_bytes")

    def __init__(self, max_header_bytes: int) -> None:
        self.max_header_bytes = max_header_bytes
        self._last: FastHead | None = None
        self._last_bytes = b""

    def read(self, buffer: bytes | bytearray) -> FastHead | _NeedData | None:
        last = self._last
        if last is not None and buffer.startswith(self._last_bytes):
            return last
        head = parse_head(buffer, self.max_header_bytes)
        if isinstance(head, FastHead):
            self._last, self._last_bytes = head, bytes(buffer[:head.body_start])
        return head


def response_bytes(status: int, headers: Sequence[tuple[bytes, bytes]], body: bytes, *,
                   head_only: bool) -> bytes:
    """A response exactly as h11 writes it (the emulator's headers are valid by construction
    and carry ``content-length``); an answer to HEAD has headers only."""
    status_line = _STATUS_LINES.get(status) or b"HTTP/1.1 %d \r\n" % status
    lines = b"".join([b"%s: %s\r\n" % pair for pair in headers])
    if head_only:
        return b"".join((status_line, lines, b"\r\n"))
    return b"".join((status_line, lines, b"\r\n", body))
