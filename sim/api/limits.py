"""Pinpoint's documented per-request and per-user limits (reference pinpoint.md), in one place
for the service that enforces them and the scenario checks that warn before a run."""

from __future__ import annotations

MAX_RECIPIENTS_PER_REQUEST = 100
"""Addresses + Endpoints of one SendMessages, or users of one SendUsersMessages."""
MAX_ENDPOINTS_PER_USER = 15
