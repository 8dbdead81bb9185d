"""The README's sample messages, generated from the demo council so that they cannot go stale:
`python -m demo.samples` prints them, and a test checks that the README shows exactly this.

Each sample is the start of a real digest of the demo's night (every notice of the night, as a
first night sends them), shortened to its first lines.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from demo.council import DEMO_AS_OF, DEMO_POLICY, SCALES, generate, write_csvs
from models.csvfiles import read_import
from models.policy.away import away_on
from models.policy.evaluate import evaluate
from models.policy.facts import INPUTS, Role, Snapshot
from models.policy.policy import load_policy
from notifications.digest import Digest, build_digests, every_notice
from notifications.render import render, render_teams

LINES = 16  # of each sample


def demo_digests() -> list[Digest]:
    """The demo night's digests, as its first night would send them."""
    with tempfile.TemporaryDirectory() as folder:
        write_csvs(generate(SCALES["demo"]), Path(folder))
        parsed = read_import([Path(folder)])
    snapshot = Snapshot(**{table.name: parsed.facts(table.name) for table in INPUTS})
    findings = evaluate(snapshot, load_policy(str(DEMO_POLICY)), DEMO_AS_OF)
    away = away_on(snapshot.absences, DEMO_AS_OF)
    return build_digests(every_notice(findings), snapshot.staff_by_id, DEMO_AS_OF, away)


def sample_messages() -> str:
    """The README's block: a head of service's email (covering, escalations, a case with no
    worker) and a team manager's Teams post."""
    digests = demo_digests()
    head = next(d for d in digests if d.recipient.role is Role.HEAD_OF_SERVICE)
    manager = next(d for d in digests if d.recipient.role is Role.TEAM_MANAGER)
    email = render(head)
    post = render_teams(manager)[0]
    return "\n".join(
        [
            f"Email to a head of service (the plain part; the HTML part says the same), first {LINES} lines:",
            "",
            "```text",
            f"Subject: {email.subject}",
            "",
            *_first(email.text),
            "```",
            "",
            f"Teams post to a team manager (the text the Workflow receives), first {LINES} lines:",
            "",
            "```text",
            *_first(post.text),
            "```",
        ]
    )


def _first(text: str) -> list[str]:
    lines = text.splitlines()
    return [*lines[:LINES], "..."] if len(lines) > LINES else lines


if __name__ == "__main__":
    print(sample_messages())
