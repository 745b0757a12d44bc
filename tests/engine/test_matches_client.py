"""The engine and the in-process client give identical per-recipient outcomes for one seed.

The engine's windows are replayed request by request through ``sim.Pinpoint`` (same seed, same
profiles, the engine's population registered as endpoints, each request sent at the engine's
send time): statuses, provider codes and latencies must match exactly, retries included. This
holds because both drive the same ChannelRouter seeding and apply_rules, and every model is
split-invariant (a window of thousands of requests = the same requests one at a time).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim import Pinpoint, ServiceConfig
from sim.channels import STATUS_NAMES
from sim.core.channel_types import CHANNEL_TYPES, CODE_BY_NAME
from sim.engine import EndpointTable, WindowOutcome, build_population, run
from sim.engine.seeding import POPULATION, RunSeeds
from sim.scenario import Scenario

from .scenarios import mixed

SMS, EMAIL = CODE_BY_NAME["SMS"], CODE_BY_NAME["EMAIL"]


def address(table: EndpointTable, row: int) -> str:
    channel = int(table.channel[row])
    bad = bool(table.invalid_address[row])
    if channel == SMS:
        return f"555-{row}" if bad else f"+1555{row:07d}"
    if channel == EMAIL:
        return f"user{row}.example.com" if bad else f"user{row}@example.com"
    return f"{CHANNEL_TYPES[channel].value.lower()}-token-{row:06d}"


def client_for(scenario: Scenario, table: EndpointTable, clock: list[float]
               ) -> tuple[Pinpoint, str]:
    """A client whose app holds the engine's population (INACTIVE via a re-registered address)."""
    sms_opted = [address(table, r) for r in range(table.endpoints)
                 if table.channel[r] == SMS and table.opted_out[r]]
    config = ServiceConfig(seed=scenario.seed, channels=scenario.channels.inline,
                           opt_out_as_permanent_p=scenario.channels.opt_out_as_permanent_p,
                           sms_opt_out_numbers=sms_opted)
    client = Pinpoint(config=config, clock=lambda: clock[0])
    app = client.create_app(CreateApplicationRequest={"Name": "engine"})
    app_id = app["ApplicationResponse"]["Id"]
    items: list[dict[str, Any]] = []
    for user in range(table.users):
        for row in range(int(table.user_start[user]), int(table.user_start[user + 1])):
            items.append({"Id": f"ep{row}", "Address": address(table, row),
                          "ChannelType": CHANNEL_TYPES[int(table.channel[row])].value,
                          "OptOut": "ALL" if table.opted_out[row] else "NONE",
                          "User": {"UserId": f"user{user}"}})
    items += [{"Id": f"shadow{row}", "Address": address(table, row),
               "ChannelType": CHANNEL_TYPES[int(table.channel[row])].value}
              for row in np.flatnonzero(table.inactive).tolist()]
    for start in range(0, len(items), 100):
        client.update_endpoints_batch(ApplicationId=app_id,
                                      EndpointBatchRequest={"Item": items[start:start + 100]})
    return client, app_id


CONTENT = {"DefaultMessage": {"Body": "a" * 200},
           "DefaultPushNotificationMessage": {"Body": "push body"}}


def replay(scenario: Scenario, windows: list[WindowOutcome]) -> tuple[list[Any], list[Any]]:
    """(engine, client) per-recipient (status, code, latency_s) lists, request by request.

    A retry lists the failed recipients in a SendMessages request (also after a
    SendUsersMessages, which could only re-send to every endpoint of the user).
    """
    table = build_population(scenario.population, RunSeeds.of(scenario.seed).rng(POPULATION))
    clock = [0.0]
    client, app_id = client_for(scenario, table, clock)
    user_start = table.user_start
    engine_rows: list[Any] = []
    client_rows: list[Any] = []
    for w in windows:
        for g in range(len(w.groups)):
            rows = np.flatnonzero(w.recipients.group == g)
            time_s = float(w.groups.time_s[g])
            clock[0] = time_s
            recipients = w.recipients.take(rows)
            by_users = scenario.workload.operation == "send_users_messages"
            if by_users and w.groups.fresh[g]:
                users = np.searchsorted(user_start, recipients.row, side="right") - 1
                ordered = list(dict.fromkeys(users.tolist()))
                response = client.send_users_messages(ApplicationId=app_id,
                                                      SendUsersMessageRequest={
                    "Users": {f"user{u}": {} for u in ordered}, "MessageConfiguration": CONTENT})
                codes = [r["StatusCode"] for u in ordered for r in
                         response["SendUsersMessageResponse"]["Result"][f"user{u}"].values()]
            else:
                request: dict[str, Any] = {"MessageConfiguration": CONTENT}
                copies = recipients.row[recipients.is_copy].tolist()
                if copies:
                    request["Addresses"] = {
                        address(table, r): {"ChannelType": CHANNEL_TYPES[
                            int(table.channel[r])].value} for r in copies}
                endpoints = recipients.row[~recipients.is_copy].tolist()
                if endpoints:
                    request["Endpoints"] = {f"ep{r}": {} for r in endpoints}
                response = client.send_messages(ApplicationId=app_id, MessageRequest=request)
                answer = response["MessageResponse"]
                codes = [r["StatusCode"] for r in {**(answer.get("Result") or {}),
                                                   **(answer.get("EndpointResult") or {})
                                                   }.values()]
            trace = client.last_trace()
            client_rows += list(zip(trace.statuses, codes, trace.latency_s.tolist(), strict=True))
            engine_rows += list(zip([STATUS_NAMES[s] for s in w.status[rows].tolist()],
                                    w.status_code[rows].tolist(),
                                    (w.end_s[rows] - time_s).tolist(),
                                    strict=True))
    return engine_rows, client_rows


@pytest.mark.parametrize("operation", ["send_messages", "send_users_messages"])
def test_engine_and_client_agree_recipient_by_recipient(operation: str) -> None:
    scenario = mixed(operation, duplicate_address_rate=0.05 if operation == "send_messages"
                     else 0.0)
    windows: list[WindowOutcome] = []
    result = run(scenario, on_window=windows.append, block_deliveries=400)
    engine_rows, client_rows = replay(scenario, windows)
    assert len(engine_rows) == result.attempts > result.recipients  # retries happened
    statuses = {row[0] for row in engine_rows}
    assert {"SUCCESSFUL", "THROTTLED", "TEMPORARY_FAILURE", "PERMANENT_FAILURE",
            "UNKNOWN_FAILURE", "OPT_OUT"} <= statuses
    if operation == "send_messages":
        assert "DUPLICATE" in statuses
    mismatches = [(i, e, c) for i, (e, c) in enumerate(zip(engine_rows, client_rows,
                                                            strict=True)) if e != c]
    assert not mismatches, f"seed {scenario.seed}: first mismatches {mismatches[:5]}"
