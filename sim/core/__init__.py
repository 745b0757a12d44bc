"""sim.core."""
