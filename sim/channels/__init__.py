"""sim.channels."""
