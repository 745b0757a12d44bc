"""sim.emulator."""
