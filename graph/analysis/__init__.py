"""Analyses of a value stream: constraints, networks, forecasts and influence."""
