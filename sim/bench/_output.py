"""Results files (written atomically) and the rich table of one result."""

from __future__ import annotations

from pathlib import Path

import msgspec
from rich.table import Table

from sim._files import write_atomically

from ._schema import BenchResult, Figure

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(BenchResult)


def result_path(out_dir: Path, benchmark: str) -> Path:
    return Path(out_dir) / f"{benchmark}.json"


def write_result(result: BenchResult, out_dir: Path) -> Path:
    """Write ``<out_dir>/<benchmark>.json`` atomically (temp file in the same folder + rename)."""
    path = result_path(Path(out_dir), result.benchmark)
    data = msgspec.json.format(_encoder.encode(result), indent=2) + b"\n"
    write_atomically(path, data)
    return path


def read_result(path: Path) -> BenchResult:
    return _decoder.decode(Path(path).read_bytes())


def _number(value: float) -> str:
    if value != 0 and (abs(value) >= 1e4 or abs(value) < 1e-2):
        return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.3g}"
    return f"{value:,.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"


def _verdict(f: Figure) -> str:
    if f.passed is None:
        return ""
    return "[green]PASS[/green]" if f.passed else "[red]FAIL[/red]"


def result_table(result: BenchResult) -> Table:
    verdict = "[green]all targets met[/green]" if result.passed else (
        f"[red]{len(result.failed)} target(s) missed[/red]")
    table = Table(title=f"pinsim bench {result.benchmark}{' (quick)' if result.quick else ''}: "
                        f"{verdict}",
                  caption=f"{result.code_version} · {result.machine.cpu_count} CPU · "
                          f"python {result.machine.python} · {result.started_utc}")
    table.add_column("figure", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("target", justify="right")
    table.add_column("verdict")
    for f in result.figures:
        target = f"{f.target.comparison} {_number(f.target.bound)}" if f.target else ""
        table.add_row(f.name, _number(f.value), f.unit, target, _verdict(f))
    return table
