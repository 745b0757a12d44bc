"""sim.report is imported by the Locust side: no driver, no I/O library, no matplotlib up front."""

from __future__ import annotations

import json
import subprocess
import sys

import sim.report

FORBIDDEN_PREFIXES = (
    "sim.engine", "sim.core", "sim.emulator", "trio", "h11", "locust", "gevent", "matplotlib",
)


def test_import_pulls_in_no_driver_and_no_io_library() -> None:
    code = "import json, sys, sim.report; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], check=True,
                                       capture_output=True, text=True).stdout)
    bad = [m for m in loaded if m.startswith(FORBIDDEN_PREFIXES)]
    assert bad == []


def test_public_names_are_exported_explicitly() -> None:
    public = {n for n in vars(sim.report) if not n.startswith("_")
              and not isinstance(getattr(sim.report, n), type(sys))}
    assert set(sim.report.__all__) == public
