"""Closed-form queueing results the channel and engine tests compare against (validation.md)."""

from __future__ import annotations


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of c servers with offered load a = lambda / mu (recurrence)."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """P(wait) in M/M/c with offered load a = lambda / mu."""
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))
