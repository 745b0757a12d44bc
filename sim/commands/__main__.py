"""``python -m sim.commands {run,plan,compare} ...``: the commands without going through sim.cli.

Only the chosen command's module is imported, so ``compare`` does not load the engine.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = {
    "run": ("sim.commands.run", "run a scenario in virtual time and write its results"),
    "plan": ("sim.commands.plan", "find the smallest (or largest) value meeting all SLOs"),
    "compare": ("sim.commands.compare", "compare two runs; exit 1 on a regression"),
}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in COMMANDS:
        print(f"usage: python -m sim.commands {{{','.join(COMMANDS)}}} ...", file=sys.stderr)
        return 2
    name, rest = arguments[0], arguments[1:]
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"pinsim {name}", description=help_text)
    module.add_arguments(parser)
    result: int = module.main(parser.parse_args(rest))
    return result


if __name__ == "__main__":
    sys.exit(main())
