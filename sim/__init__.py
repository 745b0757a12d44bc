"""pinsim: simulation and load-test harness for Pinpoint-style fan-out messaging APIs."""

__version__ = "0.1.0"
