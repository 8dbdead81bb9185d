"""Synthetic councils: the demo, and (at larger scales) the benchmark's data."""
