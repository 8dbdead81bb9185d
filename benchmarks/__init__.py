"""Benchmarks: run as modules (`python -m benchmarks.nightly`); they print figures, never assert."""
