"""The pure core: policy, calendar and rules over plain data.

Nothing in this package imports SQLAlchemy, Prefect, Apprise or Jinja, and nothing reads the
clock: every rule takes `as_of`. `tests/unit/test_core_is_pure.py` holds that.
"""
