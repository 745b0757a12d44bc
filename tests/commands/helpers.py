"""Running the commands the way users do: in process (fast) or as a real subprocess."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.toml"
BASELINE = ROOT / "results" / "baselines" / "quickstart" / "baseline"


def call(command: str, *arguments: str | Path) -> int:
    """``pinsim <command> ...`` in this process (its output goes to pytest's capture)."""
    module = importlib.import_module(f"sim.commands.{command}")
    parser = argparse.ArgumentParser(prog=f"pinsim {command}")
    module.add_arguments(parser)
    result: int = module.main(parser.parse_args([str(a) for a in arguments]))
    return result


def spawn(command: str, *arguments: str | Path, **options: object) -> subprocess.Popen[str]:
    """``python -m sim.commands <command> ...`` as a child process with pipes."""
    return subprocess.Popen(
        [sys.executable, "-m", "sim.commands", command, *map(str, arguments)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=options.get("env"),  # type: ignore[arg-type]
    )


def quickstart_variant(folder: Path, *, name: str = "quickstart", extra: str = "",
                       duration_s: float | None = None) -> Path:
    """The quickstart scenario with another name or duration and extra TOML tables appended."""
    text = QUICKSTART.read_text().replace('name = "quickstart"', f'name = "{name}"')
    if duration_s is not None:
        text = text.replace("duration_s = 30", f"duration_s = {duration_s}")
    path = folder / f"{name}.toml"
    path.write_text(text + "\n" + extra)
    return path


def run_dir_from(stdout: str) -> Path:
    """The directory named on the last line of ``pinsim run``'s output."""
    last = stdout.strip().splitlines()[-1]
    assert " written to " in last, last
    return Path(last.split(" written to ", 1)[1])
