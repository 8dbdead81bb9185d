"""Prefect tasks: coarse I/O steps over a whole council (load all, evaluate all, deliver all).

Tasks take ids, names and plain data, never a session or a client, and opt out of Prefect's
input-hash cache: their inputs are large snapshots and their effects must not be skipped.
"""
