"""Python's cyclic garbage collector paused while a night computes.

A night holds its council's snapshot for the whole run (4 million rows at a national service's
size, some ten million objects), and its pure steps, evaluation and the report's figures, pages
and workbook, make millions of objects more that they keep to the step's end. Each of the
collector's full passes walks every tracked object alive, and none of these is cyclic garbage:
measured at `national`, the passes were a third of the report's time and a sixth of the
evaluation's. Reference counting still frees everything a step drops; the few cycles a step
leaves wait for the collector's first pass after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Within it, no cyclic collection runs; after it, the collector is as it was. Used as a
    decorator on the night's compute-only steps."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
