"""Least privilege: each manager's view of the report (their line or their team) holds that
scope's figures and names only its people; the views are cut from the whole report's measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.council import DEMO_AS_OF
from models.compliance.report import ComplianceReport, build_report
from models.compliance.scopes import natural
from models.compliance.shares import Share
from models.compliance.views import Readers, views
from reports.html import render_html
from reports.publish import page_path, write_views
from reports.tables import report_tables
from tests.builders import staff


def _tables(report: ComplianceReport) -> dict[str, list[tuple]]:
    return {table.key: table.rows for table in report_tables(report)}


def test_a_teams_view_is_the_report_made_for_that_team(demo):
    snapshot, findings, whole = demo
    teams = [view for view in views(whole) if view.view and view.view.kind == "team"]
    assert len(teams) == len([f for f in whole.scopes if f.scope.kind == "team"])
    for view in teams:
        own = build_report(snapshot, whole.policy, findings, DEMO_AS_OF, "demo", view.view.name)
        assert _tables(view) == _tables(own), view.view.name


def test_a_lines_view_names_only_the_people_of_its_line(demo):
    *_, whole = demo
    lines = [view for view in views(whole) if view.view and view.view.kind == "line"]
    assert lines
    for view in lines:
        people = view.view.staff_ids
        named = {p.member.staff_id for p in view.people} | {o.finding.staff_id for o in view.overdue}
        named |= {u.member.staff_id for u in view.unsupervised} | {e.member.staff_id for e in view.early}
        named |= {w.session.supervisee_id for w in view.waiting} | {a.staff_id for a in view.absences}
        assert named <= people, view.view.name
        assert {c.team for c in view.overdue_cases} <= set(view.view.teams)
        # its rows: the line, the lines under it, then its teams; never another line's team
        assert view.service.scope == view.view
        assert {f.scope.name for f in view.scopes if f.scope.kind == "team"} <= set(view.view.teams)
        whole_rows = {f.scope.name: f for f in whole.scopes}
        assert all(f == whole_rows[f.scope.name] for f in view.scopes)  # the whole report's figures


def test_every_view_has_a_page_of_its_own_in_its_scopes_folder(demo):
    *_, whole = demo
    paths = [page_path(view) for view in views(whole)]
    assert len(set(paths)) == len(paths)
    assert str(page_path(whole)) == f"compliance-{DEMO_AS_OF}.html"
    assert {path.parts[0] for path in paths} == {"lines", "teams"}
    assert all(path.name == f"compliance-{DEMO_AS_OF}.html" for path in paths)


@pytest.mark.parametrize(
    "setting, role, staff_id, reads",
    [
        (None, "head_of_service", "H", True),
        (None, "assistant_director", "A", True),
        (None, "director", "D", True),
        (None, "service_manager", "SM", False),
        (None, "team_manager", "M", False),
        ("service_manager", "service_manager", "SM", True),
        ("service_manager", "head_of_service", "H", False),
        ("director, T7", "team_manager", "T7", True),  # a staff id on its own
        ("  ", "head_of_service", "H", True),  # blank is unset
    ],
)
def test_who_reads_the_whole_report(setting, role, staff_id, reads):
    assert Readers.parse(setting).may_read_all(staff(staff_id, role)) is reads


def test_the_view_pages_are_written_private(demo, tmp_path: Path):
    *_, whole = demo
    written = write_views(views(whole), tmp_path)
    assert written and all(path.stat().st_mode & 0o777 == 0o600 for path in written)
    assert all(path.parent.stat().st_mode & 0o777 == 0o700 for path in written)
    assert (tmp_path / "lines").stat().st_mode & 0o777 == 0o700


def test_pages_written_together_are_each_the_page_rendered_alone(demo, tmp_path):
    """The views share their rendered rows: each page is still exactly its own, rendered alone."""
    *_, whole = demo
    cut = views(whole)
    write_views(cut, tmp_path)
    for view in cut:
        alone = render_html(view, report_tables(view, page_only=True))
        assert (tmp_path / page_path(view)).read_text(encoding="utf-8") == alone, view.view


def test_a_views_case_figures_count_its_own_cases(demo):
    """Case figures are summed from each team's, counted once: the same as counting the view's
    own open cases, by category and by team, in the same order."""
    *_, whole = demo
    for report in (whole, *views(whole)):
        teams = report.service.scope.case_teams
        cases = [c for c in report.measures.cases if teams is None or c.team in teams]
        for shares, key in (
            (report.cases_by_category, lambda c: c.case.category.value),
            (report.cases_by_team, lambda c: c.team),
        ):
            counted = {
                name: Share.of_flags(c.within for c in cases if key(c) == name)
                for name in {key(c) for c in cases}
            }
            assert shares == counted and list(shares) == sorted(counted, key=natural), report.view
