"""The import rules of DESIGN.md, checked in fresh interpreters, and the public API."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

IO_LIBRARIES = {"trio", "h11", "gevent", "locust"}


def modules_after_import(module: str) -> set[str]:
    """Top-level packages, plus every ``sim.x`` and ``sim.x.y``, loaded by ``import module``."""
    code = (f"import json, sys; import {module}; "
            "print(json.dumps(sorted({m.split('.')[0] if not m.startswith('sim.') else "
            "'.'.join(m.split('.')[:3]) for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    loaded = set(json.loads(out))
    return loaded | {".".join(m.split(".")[:2]) for m in loaded if m.startswith("sim.")}


@pytest.mark.parametrize("layer, forbidden", [
    ("sim.api", IO_LIBRARIES | {"sim.core", "sim.channels", "sim.engine", "sim.emulator",
                                "numba", "numpy"}),
    ("sim.channels", IO_LIBRARIES | {"sim.api", "sim.core", "sim.engine", "sim.emulator"}),
    ("sim.core.service", IO_LIBRARIES | {"sim.engine", "sim.emulator", "sim.report"}),
    ("sim.client", IO_LIBRARIES | {"sim.engine", "sim.emulator"}),
    ("sim.engine", IO_LIBRARIES | {"sim.emulator", "sim.report", "sim.commands"}),
    ("sim.metrics", IO_LIBRARIES | {"sim.core", "sim.engine", "sim.emulator"}),
    # scenario checks SMS size limits with the leaf module sim.core.sms, and nothing else of core
    ("sim.scenario", IO_LIBRARIES | {"sim.core.service", "sim.core.store", "sim.core.sends",
                                     "sim.engine", "sim.emulator", "sim.report"}),
    ("sim.report", IO_LIBRARIES | {"sim.core", "sim.engine", "sim.emulator", "sim.commands"}),
    ("sim.emulator", {"gevent", "locust", "sim.engine", "sim.report", "sim.commands"}),
])
def test_layer_imports_nothing_it_must_not(layer: str, forbidden: set[str]) -> None:
    loaded = modules_after_import(layer)
    assert not loaded & forbidden, f"{layer} pulled in {sorted(loaded & forbidden)}"


@pytest.mark.parametrize("package", ["sim.api", "sim.channels", "sim.metrics", "sim.engine",
                                     "sim.emulator", "sim.report", "sim.scenario"])
def test_public_names_are_exported_explicitly(package: str) -> None:
    module = __import__(package, fromlist=["__all__"])
    exported = set(module.__all__)
    public = {n for n in vars(module) if not n.startswith("_")
              and not isinstance(getattr(module, n), type(sys))}
    assert exported == public - {"annotations"}
    for name in exported:
        assert getattr(module, name) is not None


def test_top_level_exposes_the_in_process_client_lazily() -> None:
    loaded = modules_after_import("sim")
    assert "sim.client" not in loaded and "numpy" not in loaded
    import sim

    assert sim.Pinpoint.__name__ == "Pinpoint"
