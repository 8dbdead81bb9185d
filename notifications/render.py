"""Rendering digests with one Jinja environment: autoescaped HTML, StrictUndefined everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications.digest import Digest


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
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
    )
