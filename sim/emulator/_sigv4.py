"""SigV4 verification for ``--auth sigv4``, by recomputing the signature with botocore's signer.

No hand-written crypto: the received request is rebuilt as a botocore ``AWSRequest`` holding
exactly the headers the client says it signed, the timestamp is the client's ``X-Amz-Date``, and
``SigV4Auth`` computes what the signature must be for service ``mobiletargeting``. Two things
botocore does for its own requests are undone, since a server must check what any SigV4 client
signed: its signer leaves some headers out of every signature (``user-agent``,
``x-amzn-trace-id``, ...), so ``_ClientSignedHeaders`` signs exactly the client's list (this
overrides ``SigV4Auth.headers_to_sign``; tests/emulator/test_sigv4.py guards it), and it takes a
URL's query as already canonical, so the received query is canonicalised first (decoded, then
encoded with upper-case hex, as the SigV4 specification says). The Host header is the signed
one; it is not parsed as part of a URL.

Decisions: the region is the one in the client's credential scope (any region is accepted; a
wrong one still has to be signed with the right secret). ``X-Amz-Security-Token`` is not
checked (there is no STS here): temporary credentials work when their key id and secret are
the configured ones. Query-string (presigned) authentication is not supported and says so.
``/_pinsim/*`` requests are not checked (they are the harness's, not Pinpoint's).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from calendar import timegm
from collections.abc import Sequence
from time import strptime
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from sim.api.errors import Forbidden

SIGNING_NAME = "mobiletargeting"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*Signature=(?P<signature>[0-9a-f]{64})\s*$")


class SigV4Verifier:
    """Checks requests against one access key id and secret."""

    def __init__(self, access_key_id: str, secret_access_key: str, max_skew_s: float) -> None:
        self.access_key_id = access_key_id
        self._credentials = Credentials(access_key_id, secret_access_key)
        self.max_skew_s = max_skew_s

    def verify(self, method: str, target: str, headers: Sequence[tuple[str, str]], body: bytes,
               now_unix_s: float) -> None:
        """Return if the request is signed correctly; raise Forbidden saying why not."""
        by_name: dict[str, list[str]] = {}
        for name, value in headers:
            by_name.setdefault(name.lower(), []).append(value)
        authorization = by_name.get("authorization")
        if not authorization:
            if "X-Amz-Signature=" in target:
                raise Forbidden("Query-string (presigned URL) authentication is not supported "
                                "by pinsim; sign the Authorization header")
            raise Forbidden("Missing Authentication Token")
        match = _AUTHORIZATION.match(authorization[0].strip())
        if match is None:
            raise Forbidden("Authorization header is not a well-formed AWS4-HMAC-SHA256 "
                            "signature (Credential=..., SignedHeaders=..., Signature=...)")
        scope = match["credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise Forbidden(f"Credential should be scoped to a valid region, not "
                            f"'{match['credential']}'")
        access_key_id, scope_date, region, service, _ = scope
        if access_key_id != self.access_key_id:
            raise Forbidden("The security token included in the request is invalid.")
        if service != SIGNING_NAME:
            raise Forbidden(f"Credential should be scoped to correct service: '{SIGNING_NAME}'.")
        amz_date = (by_name.get("x-amz-date") or [""])[0]
        signed_at_s = _parse_amz_date(amz_date)
        skew_s = now_unix_s - signed_at_s
        if abs(skew_s) > self.max_skew_s:
            raise Forbidden(f"Signature expired: {amz_date} is more than "
                            f"{self.max_skew_s:.0f} s from the server's time "
                            f"(skew {skew_s:+.0f} s)")
        if scope_date != amz_date[:8]:
            raise Forbidden("Credential should be scoped to the date of X-Amz-Date "
                            f"({amz_date[:8]}), not {scope_date}")
        signed = match["signed"].split(";")
        missing = [name for name in signed if name not in by_name]
        if missing or "host" not in signed:
            raise Forbidden("SignedHeaders must include host and name only headers that were "
                            f"sent; missing: {', '.join(missing) or 'host'}")
        claimed = by_name.get("x-amz-content-sha256")
        if claimed and claimed[0] != hashlib.sha256(body).hexdigest():
            raise Forbidden("X-Amz-Content-SHA256 does not match the request body")
        expected = self._signature(method, target, signed, by_name, body, amz_date, region)
        if not hmac.compare_digest(expected, match["signature"]):
            raise Forbidden("The request signature we calculated does not match the signature "
                            "you provided. Check your AWS Secret Access Key and signing method.")

    def _signature(self, method: str, target: str, signed: Sequence[str],
                   by_name: dict[str, list[str]], body: bytes, amz_date: str,
                   region: str) -> str:
        path, _, query = target.partition("?")
        url = f"http://pinsim{path}" + (f"?{_canonical_query(query)}" if query else "")
        request = AWSRequest(method=method, url=url, data=body)
        for name in signed:
            for value in by_name[name]:
                request.headers[name] = value  # HTTPHeaders appends: repeated headers stay
        request.context["timestamp"] = amz_date
        signer = _ClientSignedHeaders(self._credentials, SIGNING_NAME, region)
        canonical = signer.canonical_request(request)  # no URL host to parse: cannot fail
        signature: str = signer.signature(signer.string_to_sign(request, canonical), request)
        return signature


class _ClientSignedHeaders(SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """botocore's signer, signing every header of the request (which holds exactly those the
    client listed in SignedHeaders) instead of leaving botocore's own exclusions out."""

    def headers_to_sign(self, request: Any) -> HTTPHeaders:
        headers = HTTPHeaders()
        for name, value in request.headers.items():
            headers[name.lower()] = value
        return headers


def _canonical_query(query: str) -> str:
    """Each name and value decoded to its bytes, then encoded as SigV4's canonical form has it
    (unreserved characters as they are, every other byte as upper-case %XX). The target is the
    request line's bytes read as Latin-1, so bytes that are not UTF-8 (``%FF``) survive."""
    pairs = (pair.partition("=") for pair in query.split("&"))
    return "&".join(f"{_encoded(name)}={_encoded(value)}" for name, _, value in pairs)


def _encoded(text: str) -> str:
    return quote(unquote_to_bytes(text.encode("latin-1")), safe="-_.~")


def _parse_amz_date(value: str) -> float:
    try:
        return float(timegm(strptime(value, AMZ_DATE_FORMAT)))
    except ValueError:
        raise Forbidden("Authorization requires a valid X-Amz-Date header "
                        f"(format {AMZ_DATE_FORMAT}), not {value[:40]!r}") from None
