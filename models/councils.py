"""Where one council's settings come from, so one installation can run many councils.

A deployment passes only the council's name (never a connection string: flow parameters are
stored in Prefect's database and shown in its UI). When the run starts, each setting `X` is
looked up, first match wins:

1. the environment variable `OVERSIGHT_<COUNCIL>_X` (council name upper-cased, `-` as `_`);
2. the Prefect Secret block `oversight-<council>-x` (lower case, `_` as `-`);
3. the installation-wide `OVERSIGHT_X`, shared by every council (a relay, the worker count),
   except for settings that must be the council's own: its database (never borrowed), and its
   outbox and reports folders (an installation-wide folder holds one folder per council).

With no council named (the CLI, `oversight serve` for a single council) the lookup is the plain
`OVERSIGHT_X`, then the Secret block `oversight-x`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

COUNCIL_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
OWN_SETTINGS = frozenset({"DATABASE_URL"})  # never borrowed from another council or the default

SecretReader = Callable[[str], str | None]


class CouncilSettingsError(Exception):
    """A council's configuration is missing or malformed; the message says what to set."""


@dataclass(frozen=True)
class CouncilLookup:
    """Reads one council's settings from the environment and, where given, Secret blocks."""

    council: str | None
    environ: Mapping[str, str]
    secret: SecretReader | None = None

    def __post_init__(self) -> None:
        if self.council is not None and not COUNCIL_NAME.fullmatch(self.council):
            raise CouncilSettingsError(
                f"council name {self.council!r} must be lower-case letters, digits and '-', "
                "starting with a letter, at most 40 characters"
            )

    def get(self, setting: str) -> str | None:
        """The value of setting `setting` (for example `DATABASE_URL`), or None when unset."""
        for name in self.environment_names(setting):
            if self.environ.get(name):
                return self.environ[name]
            if self.secret is not None:
                value = self.secret(self.block_name(name))
                if value:
                    return value
        return None

    def own_folder(self, setting: str) -> str | None:
        """A folder setting (`OUTBOX`, `REPORTS`) that must be the council's own: its own value;
        else the installation-wide one with the council's name below it, so that two councils
        never write the same files; None when neither is set."""
        if self.council is None:
            return self.get(setting)
        own = f"OVERSIGHT_{self.council.upper().replace('-', '_')}_{setting}"
        value = self.environ.get(own) or (self.secret(self.block_name(own)) if self.secret else None)
        if value:
            return value
        shared = self.environ.get(f"OVERSIGHT_{setting}") or (
            self.secret(self.block_name(f"OVERSIGHT_{setting}")) if self.secret else None
        )
        return str(Path(shared) / self.council) if shared else None

    def require(self, setting: str) -> str:
        value = self.get(setting)
        if value is None:
            where = " or ".join(
                f"{name} (or the Secret block {self.block_name(name)})"
                for name in self.environment_names(setting)
            )
            raise CouncilSettingsError(f"{self.label} has no {setting.lower()}: set {where}")
        return value

    def environment_names(self, setting: str) -> list[str]:
        """The variables tried for `setting`, in order."""
        if self.council is None:
            return [f"OVERSIGHT_{setting}"]
        own = f"OVERSIGHT_{self.council.upper().replace('-', '_')}_{setting}"
        return [own] if setting in OWN_SETTINGS else [own, f"OVERSIGHT_{setting}"]

    @staticmethod
    def block_name(variable: str) -> str:
        """`OVERSIGHT_HAVERING_DATABASE_URL` is kept in the Secret block `oversight-havering-database-url`."""
        return variable.lower().replace("_", "-")

    @property
    def label(self) -> str:
        return f"council {self.council!r}" if self.council else "this installation"
