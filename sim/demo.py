"""``pinsim demo``: a sample campaign through the in-process simulator, counted per channel.

It shows the simulator end to end without AWS: an app with endpoints on four channels (a few
opted out, a few sharing an address), SendMessages in batches of 100, and the per-channel,
per-status counts and simulated latency of what came back. ``--profiles none`` runs on ideal
channels; any other name must resolve (a missing profile is an error, not a silent switch to
ideal channels).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from rich.console import Console
from rich.table import Table

from sim.channels import ChannelProfile
from sim.client import Pinpoint
from sim.core.service import ServiceConfig
from sim.scenario import ScenarioError
from sim.scenario.loading import load_channel_profiles

CHANNELS = (("SMS", "+1555{:07d}"), ("GCM", "fcm-token-{:07d}"), ("APNS", "apns-token-{:07d}"),
            ("EMAIL", "user{:07d}@example.com"))


def _endpoint_count(text: str) -> int:
    count = int(text)
    if not 1 <= count <= 1_000_000:
        raise argparse.ArgumentTypeError(f"must be in [1, 1000000], not {count}")
    return count


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoints", type=_endpoint_count, default=2000,
                        help="endpoints to create, 1 to 1,000,000 (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1,
                        help="random seed of the simulated channels (default %(default)s)")
    parser.add_argument("--profiles", default="aws-defaults",
                        help="channel profile name or TOML file, or none for ideal channels "
                             "(default %(default)s)")


def main(args: argparse.Namespace) -> int:
    channels: dict[str, ChannelProfile] = {}
    if args.profiles != "none":
        try:
            channels = load_channel_profiles(args.profiles)
        except (FileNotFoundError, ScenarioError) as exc:
            print(f"pinsim demo: --profiles: {exc}", file=sys.stderr)
            return 2
    client = Pinpoint(config=ServiceConfig(seed=args.seed, channels=channels))
    app_id = client.create_app(CreateApplicationRequest={"Name": "demo"})["ApplicationResponse"][
        "Id"]
    ids = []
    for i in range(args.endpoints):
        channel, pattern = CHANNELS[i % len(CHANNELS)]
        address = pattern.format(i if i % 50 else i - 4)  # every 50th shares an address
        ids.append(f"ep-{i}")
        client.update_endpoint(ApplicationId=app_id, EndpointId=f"ep-{i}", EndpointRequest={
            "ChannelType": channel, "Address": address, "OptOut": "ALL" if i % 97 == 0 else "NONE"})
    counts: Counter[tuple[str, str]] = Counter()
    worst_s = 0.0
    for start in range(0, len(ids), 100):
        response = client.send_messages(ApplicationId=app_id, MessageRequest={
            "MessageConfiguration": {"DefaultMessage": {"Body": "Flash sale: 20% off today"}},
            "Endpoints": {e: {} for e in ids[start:start + 100]}})
        for result in response["MessageResponse"]["EndpointResult"].values():
            channel = next(c for c, p in CHANNELS if _matches(result.get("Address", ""), p))
            counts[channel, result["DeliveryStatus"]] += 1
        trace = client.last_trace()
        worst_s = max(worst_s, trace.completion_s - trace.started_s)
    profiles = args.profiles if channels else "ideal"
    title = f"demo campaign: {len(ids)} endpoints, seed {args.seed}, profiles {profiles}"
    table = Table(title=title, min_width=len(title))  # a title is not wrapped into the columns
    statuses = sorted({s for _, s in counts})
    table.add_column("channel")
    for status in statuses:
        table.add_column(status, justify="right")
    for channel, _ in CHANNELS:
        table.add_row(channel, *(str(counts[channel, s]) for s in statuses))
    console = Console()
    console.print(table)
    console.print(f"slowest request: {worst_s * 1000:.1f} ms simulated; "
                  f"campaign took {client.now_s:.2f} s of simulated time")
    return 0


def _matches(address: str, pattern: str) -> bool:
    head = pattern.split("{")[0]
    tail = pattern.split("}")[-1]
    return address.startswith(head) and address.endswith(tail)
