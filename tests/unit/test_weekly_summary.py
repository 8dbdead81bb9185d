"""The weekly summary to managers: when it goes, to whom, and what it holds."""

from __future__ import annotations

from datetime import date

import pytest

from models.compliance.report import build_report
from models.compliance.views import Readers, views
from models.policy.calendar import WorkingCalendar
from models.policy.evaluate import evaluate
from models.policy.policy import load_policy
from notifications.settings import DeliverySettings
from notifications.weekly import compose_weekly, is_first_working_day_of_week
from reports.publish import page_path
from tests.builders import absence, case, council, discussed, held, staff

D = date
MONDAY = D(2026, 11, 23)


@pytest.mark.parametrize(
    "day, first",
    [
        (D(2026, 11, 23), True),  # a Monday
        (D(2026, 11, 24), False),
        (D(2026, 11, 28), False),  # a Saturday
        (D(2026, 12, 29), True),  # Mon 28 Dec 2026 is the Boxing Day bank holiday
        (D(2027, 3, 30), True),  # after Easter Monday 2027
        (D(2027, 3, 31), False),
    ],
)
def test_the_summary_goes_on_the_first_working_day_of_each_week(day, first):
    assert is_first_working_day_of_week(day, WorkingCalendar()) is first


def _summaries(readers: Readers | None = None):
    facts = council(
        None,
        staff("M2", "team_manager", "H", team="Team 2"),
        staff("S", team="Team 1"),
        staff("S2", manager="M2", team="Team 2"),
        held(D(2026, 11, 2)),
        case("cp", D(2026, 1, 5)),
        discussed(D(2026, 9, 1)),
        absence("M2", "sickness", D(2026, 10, 1)),
    )
    policy = load_policy("default")
    report = build_report(facts, policy, evaluate(facts, policy, MONDAY), MONDAY)
    return compose_weekly(report, views(report), _intranet, DeliverySettings(), readers or Readers())


def _intranet(report) -> str:
    return f"https://intranet.example/oversight/{page_path(report)}"


def test_each_manager_gets_their_own_figures_and_no_one_elses_details():
    messages = _summaries()
    assert [(m.recipient_id, m.channel, m.address) for m in messages] == [
        ("H", "outbox", "h@council.example"),
        ("M", "outbox", "m@council.example"),
    ]  # M2 is away: nobody is chased while away (contract, "When people and posts change")
    by_recipient = {m.recipient_id: m for m in messages}
    assert (
        by_recipient["H"].subject
        == "Supervision compliance, week of 23 November 2026: Worker H, head of service"
    )
    assert "1:1 supervision within timescale: 25% (1 of 4) (red)" in by_recipient["H"].text  # M, M2, S, S2
    assert "Open cases discussed within their interval: 0% (0 of 1)" in by_recipient["M"].text
    assert not [m for m in messages if "sick" in (m.text + m.html).lower() or "C-1" in m.text]
    again = _summaries()
    assert [m.key for m in again] == [m.key for m in messages]  # one summary per manager per night


WHOLE = "https://intranet.example/oversight/compliance-2026-11-23.html"
H_LINE = "https://intranet.example/oversight/lines/h/compliance-2026-11-23.html"
TEAM_1 = "https://intranet.example/oversight/teams/team-1/compliance-2026-11-23.html"


@pytest.mark.parametrize(
    "readers, links",
    [
        # heads of service and above read the whole report by default; a team manager their team's
        (None, {"H": {H_LINE, WHOLE}, "M": {TEAM_1}}),
        ("director", {"H": {H_LINE}, "M": {TEAM_1}}),
        ("team_manager", {"H": {H_LINE}, "M": {TEAM_1, WHOLE}}),
        ("director, M", {"H": {H_LINE}, "M": {TEAM_1, WHOLE}}),  # a staff id named on its own
    ],
)
def test_each_manager_is_linked_to_their_own_view_and_only_readers_to_the_whole(readers, links):
    for message in _summaries(Readers.parse(readers)):
        found = {link for link in (WHOLE, H_LINE, TEAM_1) if link in message.html}
        assert found == links[message.recipient_id], message.recipient_id
        assert {link for link in (WHOLE, H_LINE, TEAM_1) if link in message.text} == found
