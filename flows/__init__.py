"""Prefect flows, one per file; they only wire tasks together."""
