"""sim.report."""
