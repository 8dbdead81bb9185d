"""Rendering digests with one Jinja environment: autoescaped HTML, StrictUndefined everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications.digest import Digest

TEAMS_LIMIT = 1000  # characters of body that Apprise's Workflows plugin will send


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    teams: str


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(digest: Digest) -> Rendered:
    if digest.is_only_sign_off:
        count = digest.item_count
        subject = f"Please sign {count} supervision record{'s' if count != 1 else ''}"
    else:
        subject = f"Supervision: {digest.item_count} item{'s' if digest.item_count != 1 else ''} for you ({digest.as_of})"
    env = environment()
    context = {"digest": digest, "first_name": digest.recipient.name.split()[0]}
    return Rendered(
        subject=subject,
        text=env.get_template("digest.txt").render(context),
        html=env.get_template("digest.html").render(context),
        teams=fit_for_teams("digest.teams.txt", context),
    )


def fit_for_teams(template: str, context: dict[str, object]) -> str:
    """The Teams text, listing as many items per section as fit in Teams' limit."""
    compiled = environment().get_template(template)
    for limit in (20, 10, 5, 3, 1, 0):
        text = compiled.render({**context, "limit": limit})
        if len(text) <= TEAMS_LIMIT:
            return text
    return text[: TEAMS_LIMIT - 1] + "…"


def render_escalations(digests: list[Digest], as_of: object) -> str:
    """The managers' channel post: who escalations went to, and about whom."""
    return fit_for_teams("escalations.teams.txt", {"digests": digests, "as_of": as_of})
