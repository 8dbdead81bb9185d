"""Sending no faster than the council's mail service takes, and no more in a day than it allows.

Exchange Online takes 30 messages a minute and 10,000 recipients a day from one mailbox; beyond
that it answers 429 (Graph) or 4xx (SMTP) and may hold the mailbox back for longer. So every
request to a sender's mail service (each attempt, retries included) first takes a turn: turns
are a little over `60 / rate` seconds apart and counted over the last 24 hours. The turns live in one small file per sender under the data home,
locked while a turn is taken, so every sending thread of every council's night on this machine
shares one pace; councils on two machines sharing one mailbox should each be given part of it.

`shortfall` says, before a night sends, whether its messages can all go by the morning's
deadline and within the day's quota, so the operators hear it before the managers notice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from notifications.channels import DeliveryFailed

DAY_S = 24 * 3600


@dataclass(frozen=True)
class Limits:
    per_minute: float | None  # messages; None: no pace
    daily: int | None  # recipients in any 24 hours; None: no quota

    @property
    def any(self) -> bool:
        return bool(self.per_minute or self.daily)


MARGIN = 1.02  # turns a little further apart than the rate: a minute's window never holds one more


def pace_for(folder: Path, sender: str | None, limits: Limits) -> SenderPace | None:
    """The sender's pace, when it has limits to keep."""
    return SenderPace(folder, sender, limits) if sender and limits.any else None


class SenderPace:
    """One sender's turns, in `folder/<hash of the sender>.json` (the file names no one)."""

    def __init__(
        self,
        folder: Path,
        sender: str,
        limits: Limits,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = folder / (hashlib.sha256(sender.lower().encode()).hexdigest()[:24] + ".json")
        self.sender = sender
        self.limits = limits
        self.clock = clock
        self.sleep = sleep

    def take_turn(self, recipients: int = 1) -> None:
        """Wait for this sender's next turn, counting `recipients` against the day's quota. A
        spent quota is `DeliveryFailed` with `deferred`: the message waits for the next run,
        and it is not the recipient's failure."""
        with self._state() as state:
            now = self.clock()
            sent = _last_day(state, now)
            if self.limits.daily and sum(sent.values()) + recipients > self.limits.daily:
                raise DeliveryFailed(
                    f"{self.sender} has sent to its limit of {self.limits.daily:,} recipients in 24 hours; "
                    "left for the next run",
                    retry=False,
                    deferred=True,
                )
            turn = max(now, float(state.get("next_at", 0.0)))
            if self.limits.per_minute:
                state["next_at"] = turn + 60.0 / self.limits.per_minute * MARGIN
            minute = str(int(turn // 60))
            sent[minute] = sent.get(minute, 0) + recipients
            state["sent"] = sent
        if turn > now:
            self.sleep(turn - now)

    def used(self) -> tuple[int, float]:
        """Recipients counted in the last 24 hours, and when the next turn is free."""
        with self._state() as state:
            now = self.clock()
            return sum(_last_day(state, now).values()), max(now, float(state.get("next_at", 0.0)))

    @contextmanager
    def _state(self) -> Iterator[dict[str, Any]]:
        """The sender's file, locked against every other thread and process while it is read
        and written back (`flock` locks per open file, so threads exclude one another too)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "r+") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                text = file.read()
                state = json.loads(text) if text.strip() else {}
            except json.JSONDecodeError:
                state = {}  # a file cut short by a crash: the pace starts again
            yield state
            file.seek(0)
            file.truncate()
            json.dump(state, file)
            file.flush()


def _last_day(state: dict[str, Any], now: float) -> dict[str, int]:
    """The recipients counted per minute in the 24 hours up to `now`."""
    oldest = (now - DAY_S) // 60
    return {minute: count for minute, count in state.get("sent", {}).items() if int(minute) > oldest}


def shortfall(
    messages: int, limits: Limits, used_today: int, free_at: datetime, send_by: datetime
) -> str | None:
    """What cannot be done before the morning's deadline or within the day's quota, in words
    for the operators, or None. `free_at` is when the sender's next turn is free (other
    councils' messages may be ahead), `send_by` the deadline: both London time."""
    if not messages:
        return None
    problems = []
    if limits.daily and used_today + messages > limits.daily:
        left = max(0, limits.daily - used_today)
        problems.append(
            f"only {left:,} of tonight's {messages:,} email messages fit in the sender's limit of "
            f"{limits.daily:,} recipients in 24 hours"
        )
    if limits.per_minute:
        done = free_at + timedelta(minutes=minutes_needed(messages, limits.per_minute))
        if done > send_by:
            problems.append(
                f"at {limits.per_minute:g} a minute, tonight's {messages:,} email messages take until "
                f"{done:%H:%M}, after {send_by:%H:%M}"
            )
    if not problems:
        return None
    return "; ".join(problems) + ": the most urgent go first (escalations, then chases, then coming up)"


def minutes_needed(messages: int, per_minute: float) -> float:
    """How long `messages` take at the pace a sender keeps for `per_minute`."""
    return messages * MARGIN / per_minute
