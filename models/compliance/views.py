"""Least privilege: the report as each manager may see it, and who may read the whole of it.

A team manager sees their team and a head of service (or a service manager, or an assistant
director) their line, each with only their own people named; the whole service's report, every
name in it, is for those the council names (`OVERSIGHT_REPORT_READERS`: by role or by staff id,
heads of service and above by default). A view is cut from the measures the whole report was
built from, so it costs a filter, not another evaluation, and its figures are the whole
report's rows for that scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.compliance.report import ComplianceReport, report_for
from models.policy.facts import Role, StaffMember

DEFAULT_READERS = (Role.DIRECTOR, Role.ASSISTANT_DIRECTOR, Role.HEAD_OF_SERVICE)
_ROLES = frozenset(role.value for role in Role)


def views(report: ComplianceReport) -> list[ComplianceReport]:
    """One view per management line and per team of the whole report, in its order."""
    if report.measures is None:
        raise ValueError("a report cut from another has no views of its own")
    order = {figures.scope: index for index, figures in enumerate(report.scopes)}
    lines = [scope for scope in order if scope.kind == "line"]
    teams = {scope.name: scope for scope in order if scope.kind == "team"}
    cut = []
    for scope in order:
        if scope.kind == "line":
            below = [line for line in lines if line.owner_id in scope.staff_ids and line != scope]
            below += [teams[name] for name in scope.teams if name in teams]
            rows = [scope, *sorted(below, key=order.__getitem__)]
        elif scope.kind == "team":
            rows = [scope]
        else:
            continue
        cut.append(report_for(report.measures, rows, report.council, None, scope))
    return cut


def view_of(member: StaffMember, cut: list[ComplianceReport]) -> ComplianceReport | None:
    """The view a manager opens: the line they head, else (a team manager) their team's."""
    for view in cut:
        if view.view is not None and view.view.kind == "line" and view.view.owner_id == member.staff_id:
            return view
    if member.role is Role.TEAM_MANAGER:
        for view in cut:
            if view.view is not None and view.view.kind == "team" and view.view.name == member.team:
                return view
    return None


@dataclass(frozen=True)
class Readers:
    """Who may open the whole service's report: members of these roles, and these staff ids."""

    roles: frozenset[Role] = frozenset(DEFAULT_READERS)
    staff_ids: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, setting: str | None) -> Readers:
        """`OVERSIGHT_REPORT_READERS`: role names and staff ids, comma separated; unset, heads
        of service and above. A word that is not a role is taken as a staff id."""
        if setting is None or not setting.strip():
            return cls()
        words = [word.strip() for word in setting.split(",") if word.strip()]
        return cls(
            frozenset(Role(word) for word in words if word in _ROLES),
            frozenset(word for word in words if word not in _ROLES),
        )

    def may_read_all(self, member: StaffMember) -> bool:
        return member.role in self.roles or member.staff_id in self.staff_ids
