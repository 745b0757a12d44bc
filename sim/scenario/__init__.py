"""sim.scenario."""
