"""Small scenarios shared by the engine tests (TOML text, so they read like the shipped ones)."""

from __future__ import annotations

from sim.scenario import Scenario, scenario_from_toml

CHANNELS = """
[channels]
opt_out_as_permanent_p = 0.3

[channels.inline.APNS]
latency = { kind = "lognormal", median_s = 0.05, sigma = 0.5 }
pool = { connections = 3 }
failures = [
  { status = "PERMANENT_FAILURE", probability = 0.05, status_code = 410 },
  { status = "TEMPORARY_FAILURE", probability = 0.1, status_code = 503 },
]

[channels.inline.GCM]
latency = { kind = "exponential", mean_s = 0.04 }
rate_limit = { rate_per_s = 40, burst = 3, mode = "reject" }
failures = [{ status = "UNKNOWN_FAILURE", probability = 0.05, status_code = 500 }]

[channels.inline.SMS]
latency = { kind = "constant", value_s = 0.2 }
rate_limit = { rate_per_s = 20, burst = 2, mode = "queue", unit = "part" }
failures = [{ status = "PERMANENT_FAILURE", probability = 0.1, status_code = 400 }]

[channels.inline.EMAIL]
pool = { connections = 2 }
failures = [{ status = "TEMPORARY_FAILURE", probability = 0.2, status_code = 503 }]
[channels.inline.EMAIL.latency]
kind = "mixture"
components = [
  { weight = 3, latency = { kind = "constant", value_s = 0.05 } },
  { weight = 1, latency = { kind = "gamma", shape = 2, mean_s = 0.3 } },
]
"""


def mixed(operation: str = "send_messages", *, requests: int = 300, max_attempts: int = 3,
          duplicate_address_rate: float = 0.05, seed: int = 21) -> Scenario:
    """Every rule and channel feature at once, small enough to replay through sim.Pinpoint."""
    return scenario_from_toml(f"""
name = "mixed"
seed = {seed}
requests = {requests}

[population]
users = 300
endpoints_per_user = {{ kind = "uniform", min = 1, max = 3 }}
channel_mix = {{ APNS = 0.4, GCM = 0.3, SMS = 0.2, EMAIL = 0.1 }}
opt_out_rate = 0.08
inactive_rate = 0.05
invalid_address_rate = 0.05
duplicate_address_rate = {duplicate_address_rate}

[workload]
operation = "{operation}"
recipients_per_request = {{ kind = "uniform", min = 1, max = 8 }}
arrival = {{ kind = "open", process = "poisson", rate_per_s = 20 }}
message = {{ body_chars = 200, encoding = "GSM7" }}

[retry]
max_attempts = {max_attempts}
statuses = ["THROTTLED", "TEMPORARY_FAILURE", "UNKNOWN_FAILURE"]
base_delay_s = 0.05
jitter = "full"
{CHANNELS}
""")
