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
    generated = subprocess.run([sys.executable, "tools/gen_api.py"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
    assert generated == (ROOT / "sim" / "api" / "_shapes.py").read_text()
