"""The policy each night ran under, kept with the night, so that its report and its evidence pack
apply the rules the night applied, and an inspector can see which (and that the file is the
one the council holds: its digest)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, delete, select

from models.policy.policy import Policy, policy_source
from models.tables import NightRow


@dataclass(frozen=True)
class NightPolicy:
    name: str  # as the night was given it: a preset's name or a file's path
    policy: Policy
    policy_sha256: str  # of the policy resolved in full
    source_sha256: str  # of the file it was read from


def resolved_digest(policy: Policy) -> tuple[str, str]:
    """The policy resolved in full as canonical JSON, and its SHA-256."""
    text = json.dumps(policy.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()


def record_night(engine: Engine, as_of: date, name: str, policy: Policy) -> None:
    """Keep the policy the night of `as_of` ran under; a rerun of the night replaces it."""
    text, digest = resolved_digest(policy)
    source = hashlib.sha256(policy_source(name).read_bytes()).hexdigest()
    with engine.begin() as connection:
        connection.execute(delete(NightRow).where(NightRow.as_of == as_of))
        connection.execute(
            NightRow.__table__.insert(),
            {
                "as_of": as_of,
                "policy": name,
                "resolved": text,
                "policy_sha256": digest,
                "source_sha256": source,
            },
        )


def night_policy(engine: Engine, as_of: date) -> NightPolicy | None:
    """The policy the night of `as_of` ran under, or None when no night was recorded that day."""
    with engine.connect() as connection:
        row = connection.execute(select(NightRow).where(NightRow.as_of == as_of)).first()
    if row is None:
        return None
    policy = Policy.model_validate(json.loads(row.resolved))
    return NightPolicy(row.policy, policy, row.policy_sha256, row.source_sha256)
