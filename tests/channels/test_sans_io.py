"""sim.channels stays sans-IO: no I/O libraries, no clock, no upward imports (DESIGN.md)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import sim.channels

PACKAGE_DIR = Path(sim.channels.__file__).parent
FORBIDDEN_MODULES = (
    "trio",
    "h11",
    "gevent",
    "locust",
    "sim.api",
    "sim.core",
    "sim.engine",
    "sim.emulator",
    "sim.metrics",
    "sim.scenario",
    "sim.report",
)
CLOCK_MODULES = ("time", "datetime")


def test_importing_channels_loads_no_io_library_or_upper_layer() -> None:
    code = "import json, sys, sim.channels; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=PACKAGE_DIR.parent.parent,
    ).stdout
    loaded = set(json.loads(out))
    bad = sorted(
        m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_MODULES)
    )
    assert bad == []


def test_channels_source_never_imports_a_clock() -> None:
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in CLOCK_MODULES, f"{path.name} imports {name}"
