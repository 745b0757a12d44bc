"""SigV4 verification for ``--auth sigv4``, by recomputing the signature with botocore's signer.

No hand-written crypto: the received request is rebuilt as a botocore ``AWSRequest`` holding
exactly the headers the client says it signed, the timestamp is the client's ``X-Amz-Date``, and
``SigV4Auth`` computes what the signature must be for service ``mobiletargeting``. The region is
the one in the client's credential scope (any region is accepted; a wrong one still has to be
signed with the right secret). Query-string (presigned) authentication is not supported.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from calendar import timegm
from collections.abc import Sequence
from time import strptime

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
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
        host = by_name["host"][0]
        request = AWSRequest(method=method, url=f"http://{host}{target}", data=body)
        for name in signed:
            for value in by_name[name]:
                request.headers[name] = value  # HTTPHeaders appends: repeated headers stay
        request.context["timestamp"] = amz_date
        signer = SigV4Auth(self._credentials, SIGNING_NAME, region)
        canonical = signer.canonical_request(request)
        signature: str = signer.signature(signer.string_to_sign(request, canonical), request)
        return signature


def _parse_amz_date(value: str) -> float:
    try:
        return float(timegm(strptime(value, AMZ_DATE_FORMAT)))
    except ValueError:
        raise Forbidden("Authorization requires a valid X-Amz-Date header "
                        f"(format {AMZ_DATE_FORMAT}), not {value[:40]!r}") from None
