"""Adding a kind of finding or an input is a change in one place: everything else derives from
the declaration, and these tests fail when something that cannot derive is missing."""

from dataclasses import fields
from datetime import date

import pytest

from models.compliance.report import build_report
from models.policy.evaluate import RULES
from models.policy.facts import INPUTS, Snapshot
from models.policy.findings import Action, As, Figure, Finding, Kind, Recipient, Stage
from models.policy.policy import load_policy
from notifications.digest import build_digests, every_notice
from notifications.render import render, render_teams
from tests.builders import council, held, staff

AS_OF = date(2026, 11, 24)


def test_every_kind_is_raised_by_exactly_one_rule():
    raised = [kind for _, kinds in RULES for kind in kinds]
    assert sorted(raised) == sorted(Kind)


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_its_digest_section_and_renders(kind):
    """The person a finding asks to act finds it under its kind's section, in email and Teams."""
    finding = Finding(
        kind=kind,
        staff_id="S",
        due=date(2026, 11, 23),
        stage=Stage.CHASE,
        detail="detail",
        rule="rule",
        working_days_overdue=1,
        notify=(Recipient("M", As.SUPERVISOR),),
    )
    people = {m.staff_id: m for m in (staff(), staff("M", "team_manager", "H"))}
    [digest] = build_digests(every_notice([finding]), people, AS_OF)
    [section] = digest.sections
    assert section.action is kind.action
    assert kind.action.title in render(digest).text
    assert kind.action.title in render_teams(digest)[0].text


def test_a_line_manager_told_because_chasing_failed_finds_it_escalated_not_under_the_kinds_section():
    notify = (Recipient("M", As.LINE_MANAGER), Recipient("H", As.LINE_MANAGER))
    finding = Finding(Kind.APPRAISAL_DUE, "S", date(2026, 11, 1), Stage.ESCALATE, "d", "r", notify=notify)
    people = {m.staff_id: m for m in (staff(), *council().staff)}
    sections = {
        d.recipient.staff_id: [s.action for s in d.sections]
        for d in build_digests(every_notice([finding]), people, AS_OF)
    }
    assert sections == {"M": [Action.APPRAISE], "H": [Action.ESCALATED]}


def test_every_kind_counts_in_a_report_figure_that_says_how_it_is_computed():
    report = build_report(council(staff(), held(date(2026, 11, 2))), load_policy("shropshire"), [], AS_OF)
    assert {kind.figure for kind in Kind} <= set(Figure)
    assert {figure.value for figure in Figure} <= set(report.methods)


def test_every_input_is_a_table_of_the_snapshot_and_every_table_an_input():
    lists = {f.name for f in fields(Snapshot) if f.init}
    assert {table.name for table in INPUTS} == lists


@pytest.mark.parametrize("table", INPUTS, ids=lambda t: t.name)
def test_every_column_of_every_input_says_how_it_is_read_and_stored(table):
    assert table.columns and all(column.value.parse for column in table.columns)
    assert set(table.key) | ({table.owner} - {None}) <= {column.name for column in table.columns}
