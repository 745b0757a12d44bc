"""sim.metrics must stay importable from a Locust (gevent) worker: no I/O or core layers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_ROOTS = {"trio", "h11", "gevent", "locust", "sim.core", "sim.emulator", "sim.engine"}


def test_importing_metrics_pulls_in_no_io_or_core_modules() -> None:
    code = "import json, sys, sim.metrics; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
        ).stdout
    )
    offending = [
        name
        for name in loaded
        if any(name == root or name.startswith(root + ".") for root in FORBIDDEN_ROOTS)
    ]
    assert offending == []
    assert "hdrh.histogram" in loaded
