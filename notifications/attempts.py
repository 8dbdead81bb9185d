"""How one message is tried: within a deadline, a few times with waits between, and not at all
once its destination has stopped answering in this run.

Shared by the SMTP and Teams channels, which say what each failure means: whether trying again
can help (`retry`), how long the other side asked us to wait (`after`, from `Retry-After`), and
whether the message may have arrived all the same (`in_doubt`: the whole message was handed
over and no answer came), in which case it is not sent again in this run.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from notifications.channels import DeliveryFailed
from notifications.settings import DeliverySettings

T = TypeVar("T")


class Breaker:
    """Stops a run from waiting out the deadline once per message on a destination that does not
    answer: after `threshold` transport failures in a row (refused, reset, silent, trickling),
    every later send in this run fails at once and waits for the next run. A reply of any kind,
    even a refusal, shows the destination is there and closes the count."""

    def __init__(self, what: str, threshold: int = 3) -> None:
        self.what = what
        self.threshold = threshold
        self._failures = 0
        self._lock = threading.Lock()

    def check(self) -> None:
        with self._lock:
            if self._failures >= self.threshold:
                raise DeliveryFailed(
                    f"{self.what} did not answer {self._failures} times in this run; left for the next run",
                    retry=False,
                )

    def answered(self) -> None:
        with self._lock:
            self._failures = 0

    def unanswered(self) -> None:
        with self._lock:
            self._failures += 1


def with_retries(once: Callable[[], T], settings: DeliverySettings, breaker: Breaker) -> T:
    """`once()` up to `settings.retries` times, waiting the backoff (or longer when asked)
    between; a failure that cannot be helped by trying again, or that may have arrived, is not
    retried. A wait longer than `settings.longest_wait_seconds` leaves the message for the next run."""
    for attempt in range(settings.retries):
        breaker.check()
        try:
            return once()
        except DeliveryFailed as failure:
            if not failure.retry or failure.in_doubt or attempt == settings.retries - 1:
                raise
            wait = max(settings.backoff_seconds * 2**attempt, failure.after or 0.0)
            if wait > settings.longest_wait_seconds:
                raise DeliveryFailed(
                    f"{failure}; asked to wait {wait:g} s, longer than {settings.longest_wait_seconds:g} s: "
                    "left for the next run",
                    retry=False,
                ) from None
            time.sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


class Deadline:
    """A whole exchange on one socket within `seconds`: when the time is up the socket is shut
    down, so a peer that trickles bytes (each read within any per-read timeout) cannot hold a
    send, and the run, for ever. `expired` says afterwards whether it fired."""

    def __init__(self, seconds: float, sock: Callable[[], socket.socket | None]) -> None:
        self.seconds = seconds
        self.sock = sock
        self.expired = False
        self._over = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        """At the deadline, cut the socket; one still being opened is cut as soon as it exists."""
        if self._over.wait(self.seconds):
            return
        self.expired = True
        while not self._over.is_set():
            sock = self.sock()
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # not connected yet, or already closed: look again
            self._over.wait(0.05)

    def __enter__(self) -> Deadline:
        self._watcher.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._over.set()
