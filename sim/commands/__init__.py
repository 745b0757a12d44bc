"""sim.commands: the ``pinsim run``, ``plan`` and ``compare`` commands (CLI glue).

Each of :mod:`sim.commands.run`, :mod:`sim.commands.plan` and :mod:`sim.commands.compare` has
``add_arguments(parser)`` and ``main(args) -> int`` for sim.cli; ``python -m sim.commands``
runs them without it. This is the one place that imports both the engine and sim.report (which
must not know the engine); ``compare`` imports only sim.report. Nothing is imported here, so
loading one command does not load the others' dependencies.
"""

__all__: list[str] = []
