"""What each column of the contract's files holds: how it is read from CSV and how it is stored.

A fact's field says its value type in its annotation (`Annotated[str, STAFF_ID]`); the CSV
reader, the database tables and the loader all derive from that one declaration, so adding a
column or a table is a change in one place. Reading validates at the edge: each parser raises
`ValueError` with a message fit to show after `file:line: column:`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal

from models.policy.intervals import Interval

Storage = Literal["text", "date", "float", "bool", "int"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# One RFC 5322 addr-spec in its common dot-atom form: no display name, no comments, no list.
_LOCAL_PART = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_MAILBOX = re.compile(f"{_LOCAL_PART}@{_DOMAIN}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class Value:
    """One column's type: `parse` reads a non-blank CSV cell; `storage` and `width` size its
    database column; `refers_to` names the input whose key it holds (checked after an import);
    `enum` turns a stored string back into its member when loading."""

    parse: Callable[[str], Any]
    storage: Storage = "text"
    width: int | None = None
    refers_to: str | None = None
    enum: type[StrEnum] | None = None
    says: str = ""  # what a cell holds, in words for the input reference (docs/inputs.md)


@lru_cache(maxsize=1 << 14)
def _date(text: str) -> date:
    """Cached: a council's files repeat the same few thousand dates hundreds of thousands of
    times (a bad one raises, and is not cached)."""
    if not _ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def _bool(text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValueError(f"{text!r} is not true or false")


def _fte(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise ValueError(f"{text} is not more than 0 and at most 1")
    return value


def _count(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{shown(text)} is not a whole number of 0 or more")
    return int(text)


def _frequency(text: str) -> str:
    Interval.parse(text)
    return text.strip().lower()


def _identifier(text: str) -> str:
    """Ids name files, message keys and URLs further on: letters, digits and `. _ : -` only."""
    if not _ID.fullmatch(text):
        raise ValueError(
            f"{shown(text)} is not an id: 1 to 64 letters, digits, '.', '_', ':' or '-', "
            "starting with a letter or digit"
        )
    return text


def _mailbox(text: str) -> str:
    """One plain address (`name@council.gov.uk`): never a list, a display name or a header."""
    if not text.isascii():
        raise ValueError(
            f"{shown(text)} is not supported: internationalised (non-ASCII) addresses cannot be sent to"
        )
    if len(text) > 254 or not _MAILBOX.fullmatch(text):
        raise ValueError(f"{shown(text)} is not one email address (name@domain, nothing else)")
    return text


def _teams_tag(text: str) -> str:
    """A channel tag that the operator's Apprise configuration defines; never an address, so
    the data cannot choose where a message goes."""
    if "://" in text or "@" in text:
        raise ValueError(
            "an address here would let the data choose where messages go: give the tag of a Teams "
            "channel configured in OVERSIGHT_APPRISE_CONFIG"
        )
    if not _TAG.fullmatch(text):
        raise ValueError(f"{shown(text)} is not a tag: 1 to 64 letters, digits, '.', '_' or '-'")
    return text


def shown(text: str) -> str:
    """A value quoted in a message, cut short: an error must not reprint a whole bad field."""
    return repr(text if len(text) <= 80 else text[:77] + "...")


def text(limit: int) -> Value:
    """Free text on one line, at most `limit` characters."""

    def parse(cell: str) -> str:
        if _CONTROL.search(cell):
            raise ValueError("contains a control character (a line break, tab or NUL)")
        if len(cell) > limit:
            raise ValueError(f"is {len(cell)} characters long; at most {limit}")
        return cell

    return Value(parse, width=limit, says=f"text on one line, at most {limit} characters")


def one_of(kind: type[StrEnum], width: int = 20) -> Value:
    """One of an enumeration's values, stored as its value."""

    members = {member.value: member for member in kind}

    def parse(cell: str) -> StrEnum:
        member = members.get(cell.strip())
        if member is None:
            raise ValueError(f"{cell!r} is not one of: {', '.join(members)}")
        return member

    return Value(parse, width=width, enum=kind, says="one of " + ", ".join(f"`{m}`" for m in members))


def id_of(table: str) -> Value:
    """The id of a row of another input (`staff`, `cases`, `sessions`)."""
    return Value(_identifier, width=64, refers_to=table, says=f"the id of a row of `{table}.csv`")


ID = Value(_identifier, width=64, says="an id: 1 to 64 letters, digits, `.`, `_`, `:` or `-`")
STAFF_ID = id_of("staff")
DATE = Value(_date, "date", says="a date, `YYYY-MM-DD`")
BOOL = Value(_bool, "bool", says="`true` or `false` (also `yes`/`no`, `y`/`n`, `1`/`0`)")
FTE = Value(_fte, "float", says="a number above 0 and at most 1")
COUNT = Value(_count, "int", says="a whole number, 0 or more")
FREQUENCY = Value(
    _frequency,
    width=20,
    says="`weekly`, `fortnightly`, `monthly`, `quarterly`, `yearly`, `N-weekly` or `N-monthly`",
)
MAILBOX = Value(_mailbox, width=320, says="one email address, `name@domain`, nothing else")
TEAMS_TAG = Value(
    _teams_tag, width=320, says="a tag of a Teams channel in `OVERSIGHT_APPRISE_CONFIG`, never an address"
)
