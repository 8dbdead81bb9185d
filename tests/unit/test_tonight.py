"""Deciding tonight's messages from plain data: the working-day gate, the channel configuration
gives each person, and Teams posts that carry every item. No database, no Prefect, no clock."""

from datetime import date

import pytest

from models.policy.calendar import WorkingCalendar
from models.policy.findings import As, Finding, Kind, Recipient, Stage
from notifications.render import TEAMS_LIMIT
from notifications.settings import DeliverySettings
from notifications.tonight import decide
from tests.builders import staff

TUESDAY = date(2026, 11, 24)
CALENDAR = WorkingCalendar([])
EMAIL = DeliverySettings(email_url="mailto://127.0.0.1:2525?from=oversight@council.example")
TEAMS = DeliverySettings(email_url=EMAIL.email_url, teams_tags=frozenset({"team-1"}))
PEOPLE = {
    "S": staff("S"),
    "T": staff("T", teams="team-1"),
    "U": staff("U", teams="https://evil.example/hook"),
}


def unsigned(staff_id: str, session: str = "X1", detail: str = "") -> Finding:
    return Finding(
        kind=Kind.RECORD_UNSIGNED,
        staff_id=staff_id,
        session_id=session,
        due=date(2026, 11, 23),
        stage=Stage.CHASE,
        detail=detail,
        rule="records.signed_within_working_days",
        notify=(Recipient(staff_id, As.SUPERVISEE),),
    )


def tonight(findings, as_of=TUESDAY, told=None, settings=EMAIL):
    return decide(findings, PEOPLE, CALENDAR, told or {}, as_of, 3, settings)


@pytest.mark.parametrize(
    "why, as_of, working_day, messages",
    [
        ("a Tuesday: told", TUESDAY, True, 1),
        ("a Saturday: nothing, and the summary says so", date(2026, 11, 28), False, 0),
        ("Christmas Day (a bank holiday): nothing", date(2026, 12, 25), False, 0),
        ("Monday 28 December (the Boxing Day substitute): nothing", date(2026, 12, 28), False, 0),
        ("the first working day after: told", date(2026, 12, 29), True, 1),
    ],
)
def test_messages_go_out_on_working_days_only(why, as_of, working_day, messages):
    decided = tonight([unsigned("S")], as_of)
    assert (decided.working_day, len(decided.messages)) == (working_day, messages), why


def test_a_rerun_the_same_night_with_nothing_new_decides_nothing():
    finding = unsigned("S")
    told = {("S", finding.key, "chase"): TUESDAY}
    assert tonight([finding], told=told).messages == []


@pytest.mark.parametrize(
    "why, person, channel, address",
    [
        ("no Teams tag: email", "S", "email", "s@council.example"),
        ("a tag the operator configured: Teams", "T", "teams", "team-1"),
        ("an address typed into the data: never used, email instead", "U", "email", "u@council.example"),
    ],
)
def test_configuration_alone_chooses_where_a_message_goes(why, person, channel, address):
    [message] = tonight([unsigned(person)], settings=TEAMS).messages
    assert (message.channel, message.address) == (channel, address), why


def test_a_teams_digest_too_long_for_one_post_reaches_its_person_whole_in_several():
    findings = [
        unsigned("T", f"X{n}", detail="Record of 2026-10-01 awaits your signature " * 3) for n in range(200)
    ]
    posts = tonight(findings, settings=TEAMS).messages
    told = [key for post in posts for key, _ in post.notices]
    assert len(posts) > 1 and all(post.channel == "teams" and len(post.text) <= TEAMS_LIMIT for post in posts)
    assert sorted(told) == sorted(f.key for f in findings), "every item in exactly one post"
    assert len({post.key for post in posts}) == len(posts)
