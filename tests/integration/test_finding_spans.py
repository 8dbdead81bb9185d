"""How long each item stood (`models.spans`), on SQLite and PostgreSQL: followed night by night
as the findings are kept, kept after the findings go, made from the nights kept on upgrade."""

from datetime import date

from sqlalchemy import insert, select

from models.db import make_engine, open_database, upgrade
from models.policy.findings import Finding, Kind, Stage
from models.retention import Retention, prune
from models.store import save_findings
from models.tables import FindingRow, FindingSpanRow, NightRow

D = date


def raised(*people: str) -> list[Finding]:
    return [
        Finding(Kind.SUPERVISION_OVERDUE, person, D(2026, 11, 1), Stage.CHASE, "d", "r") for person in people
    ]


def spans(engine) -> list[tuple[str | None, date, date | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(FindingSpanRow.staff_id, FindingSpanRow.raised_on, FindingSpanRow.resolved_on).order_by(
                FindingSpanRow.staff_id, FindingSpanRow.raised_on
            )
        )
        return [tuple(row) for row in rows]


def test_each_night_closes_the_spans_of_what_it_no_longer_raises_and_opens_the_new(engine):
    nights = [
        (D(2026, 11, 2), raised("S1", "S2")),
        (D(2026, 11, 3), raised("S1", "S3")),  # S2 resolved, S3 raised
        (D(2026, 11, 3), raised("S1", "S2")),  # the night run again on corrected data: S2 stands, no S3
        (D(2026, 11, 6), raised()),  # nights not run in between; this one raises nothing
        (D(2026, 11, 9), raised("S1")),  # raised again: a second span
        (D(2026, 11, 4), raised("S4")),  # an earlier day run again: the spans already hold what followed
    ]
    for night, findings in nights:
        save_findings(engine, night, "default", findings)
    assert spans(engine) == [
        ("S1", D(2026, 11, 2), D(2026, 11, 6)),
        ("S1", D(2026, 11, 9), None),
        ("S2", D(2026, 11, 2), D(2026, 11, 6)),
    ]


def test_spans_outlive_the_findings_and_go_with_the_messages(engine):
    for night, findings in [(D(2025, 1, 6), raised("S1", "S2")), (D(2025, 1, 7), raised("S2"))]:
        save_findings(engine, night, "default", findings)
    retention = Retention(findings_days=90, messages_days=365)
    counts = prune(engine, D(2025, 12, 1), retention)
    assert (counts["findings deleted"], counts["finding spans deleted"]) == (3, 0)
    assert len(spans(engine)) == 2
    assert prune(engine, D(2026, 1, 8), retention)["finding spans deleted"] == 1  # S1's: resolved 7 Jan 2025
    assert spans(engine) == [("S2", D(2025, 1, 6), None)]  # standing: kept


def test_an_upgrade_makes_the_spans_the_nights_kept_would_have_made(database_url, tmp_path):
    """A database at the migration before spans, with its nights' findings (one night pruned,
    one that raised none), brought up to date: the spans are those the nights made since."""
    nights = [
        (D(2026, 11, 2), ["S1", "S2"]),
        (D(2026, 11, 3), ["S1"]),
        (D(2026, 11, 4), []),  # ran, raised nothing: recorded in `nights` only
        (D(2026, 11, 5), ["S1", "S3"]),
    ]
    old = make_engine(database_url)
    upgrade(old, "0007")
    with old.begin() as connection:
        for night, people in [(D(2026, 10, 30), []), *nights]:  # 30 Oct: its findings pruned
            connection.execute(
                insert(NightRow),
                {"as_of": night, "policy": "p", "resolved": "{}", "policy_sha256": "", "source_sha256": ""},
            )
            for finding in raised(*people):
                connection.execute(
                    insert(FindingRow),
                    {
                        "as_of": night,
                        "policy": "p",
                        "finding_key": finding.key,
                        "kind": finding.kind.value,
                        "staff_id": finding.staff_id,
                        "due": finding.due,
                        "stage": "chase",
                        "working_days_overdue": 0,
                        "detail": "d",
                        "rule": "r",
                    },
                )
    old.dispose()
    upgraded = open_database(database_url)
    assert spans(upgraded) == [
        ("S1", D(2026, 11, 2), D(2026, 11, 4)),
        ("S1", D(2026, 11, 5), None),
        ("S2", D(2026, 11, 2), D(2026, 11, 3)),
        ("S3", D(2026, 11, 5), None),
    ]
    save_findings(upgraded, D(2026, 11, 6), "default", raised("S3"))  # and the nights go on from there
    assert spans(upgraded)[1] == ("S1", D(2026, 11, 5), D(2026, 11, 6))
