"""sim.metrics."""
