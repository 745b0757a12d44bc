"""The configured linters stay clean: ruff on everything, mypy (strict on sim/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_wire_shapes_are_what_the_generator_writes() -> None:
    """Byte for byte when the installed botocore is the one the file was generated from; with
    another version, tests/api/test_shapes_match_model.py still checks every shape."""
    import botocore

    committed = (ROOT / "sim" / "api" / "_shapes.py").read_text()
    if f"from botocore {botocore.__version__}." not in committed.splitlines()[0]:
        pytest.skip(f"sim/api/_shapes.py was generated from another botocore than "
                    f"{botocore.__version__}: regenerate with tools/gen_api.py to compare")
    generated = subprocess.run([sys.executable, "tools/gen_api.py"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
    assert generated == committed
