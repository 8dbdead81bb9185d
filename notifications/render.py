"""Rendering digests with one Jinja environment: autoescaped HTML, StrictUndefined everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications.digest import Digest

# Characters of text in one Teams post: well inside the 28 KB an Adaptive Card may carry, and
# about as much as anyone reads in one post. A digest that needs more goes as several posts.
TEAMS_LIMIT = 8000
SUMMARY_ITEMS = 20  # per manager in the managers' channel post; each item is in its own digest


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class TeamsPost:
    """One post of a digest on Teams: its part of the items (`digest`) and their text. `piece`
    numbers the posts one item too long for a post is split into (0: the item is whole)."""

    digest: Digest
    subject: str
    text: str
    piece: int = 0


# Markdown that text from the data must not make: links (no brackets, no link), emphasis, code,
# headings, tables, HTML.
_MARKDOWN = re.compile(r"([\\`*_\[\]#<>~|!])")


def markdown_text(text: object) -> str:
    """Data shown as itself in a Teams post: every character Markdown would act on escaped, so a
    name like `[Click here](http://evil.example)` is text, not a link."""
    return _MARKDOWN.sub(r"\\\1", str(text))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    return env


def subject_of(digest: Digest) -> str:
    count = digest.item_count
    if digest.is_only_sign_off:
        return f"Please sign {count} supervision record{'s' if count != 1 else ''}"
    return f"Supervision: {count} item{'s' if count != 1 else ''} for you ({digest.as_of})"


def render(digest: Digest) -> Rendered:
    """The digest as an email: subject, plain text and autoescaped HTML."""
    env = environment()
    context = {"digest": digest, "first_name": digest.recipient.name.split()[0]}
    return Rendered(
        subject=subject_of(digest),
        text=env.get_template("digest.txt").render(context),
        html=env.get_template("digest.html").render(context),
    )


def render_teams(digest: Digest) -> list[TeamsPost]:
    """The digest as Teams posts: one when it fits in `TEAMS_LIMIT`, else as many as it takes,
    "part 1 of 3" and so on, each item in exactly one post, or, an item too long for any post
    (cover for a supervisor of 400), split across posts at its commas. Nothing is cut: every
    item reaches its person, on the channel they were given."""
    parts = _fitting(digest)
    subject = subject_of(digest)
    if len(parts) == 1:
        return _split(TeamsPost(digest, subject, _teams_markdown(digest, None)))
    return [
        post
        for n, part in enumerate(parts, 1)
        for post in _split(
            TeamsPost(part, f"{subject} (part {n} of {len(parts)})", _teams_markdown(part, (n, len(parts))))
        )
    ]


def _fitting(digest: Digest) -> list[Digest]:
    """The digest halved until each half's post fits (measured with the longest part label)."""
    if digest.item_count <= 1 or len(_teams_markdown(digest, (999, 999))) <= TEAMS_LIMIT:
        return [digest]
    first, second = digest.halves()
    return _fitting(first) + _fitting(second)


CONTINUED = "(continued, {n} of {count}) "


def _split(post: TeamsPost) -> list[TeamsPost]:
    """A post of one item too long for Teams, as several posts of its text in order, each
    within the limit: split after a comma or a space, never inside a word of an id."""
    if len(post.text) <= TEAMS_LIMIT:
        return [post]
    room = TEAMS_LIMIT - len(CONTINUED.format(n=999, count=999))
    pieces, rest = [], post.text
    while len(rest) > room:
        comma, space = rest.rfind(", ", 0, room), rest.rfind(" ", 0, room)
        cut = comma + 2 if comma > 0 else space + 1 if space > 0 else room
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    count = len(pieces)
    return [
        TeamsPost(
            post.digest,
            f"{post.subject} ({n} of {count})",
            (CONTINUED.format(n=n, count=count) if n > 1 else "") + piece,
            piece=n,
        )
        for n, piece in enumerate(pieces, 1)
    ]


def _teams_markdown(digest: Digest, part: tuple[int, int] | None) -> str:
    return environment().get_template("digest.teams.txt").render({"digest": digest, "part": part})


def render_escalations(digests: list[Digest], as_of: object) -> str:
    """The managers' channel post: who escalations went to, and about whom (a summary: each
    item is also in the digest of the manager it went to)."""
    template = environment().get_template("escalations.teams.txt")
    for limit in (SUMMARY_ITEMS, 5, 1, 0):
        text = template.render({"digests": digests, "as_of": as_of, "limit": limit})
        if len(text) <= TEAMS_LIMIT:
            return text
    return text[: TEAMS_LIMIT - 1] + "…"
