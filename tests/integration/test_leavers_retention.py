"""A leaver's records are destroyed once the policy's period is over (havering §9: three years
after they left), on SQLite and PostgreSQL, and a full re-export does not bring them back."""

from datetime import date

from sqlalchemy import func, select

from models.messages import Outgoing, store
from models.policy.findings import Finding, Kind, Stage
from models.policy.policy import load_policy
from models.retention import erase_leavers
from models.store import import_paths, load_snapshot, save_findings
from models.tables import INPUT_TABLES, ErasedStaffRow, MessageRow
from tests.csvdata import GOOD, write_folder

HAVERING = load_policy("havering").retention
LEFT = date(2023, 11, 24)  # three years before 24 Nov 2026

EXPORT = {
    **GOOD,
    "staff.csv": GOOD["staff.csv"]
    + f"L1,Lena Leaver,lena@council.example,,team_manager,Team 2,H1,2018-04-03,{LEFT},,,,false\n"
    + "L2,Luis Later,luis@council.example,,social_worker,Team 2,H1,2018-04-03,2024-06-28,,,,true\n",
    "sessions.csv": GOOD["sessions.csv"]
    # L1's own 1:1 (destroyed with her) and one she held as S1's supervisor (kept: it is S1's record)
    + "X7,L1,H1,personal,2023-10-02,held,2023-10-02,,,2023-10-03,2023-10-03,2023-10-04,2023-10-04,\n"
    + "X8,S1,L1,personal,2023-09-04,held,2023-09-04,,,2023-09-05,2023-09-05,2023-09-06,2023-09-06,\n",
    "absences.csv": GOOD["absences.csv"] + "A7,L1,sickness,2023-06-05,2023-06-09,\n",
    "agreements.csv": GOOD["agreements.csv"] + "L1,H1,2022-01-10,,\n",
    "observations.csv": "observation_id,staff_id,observer_id,kind,observed_on\n"
    "O1,L1,H1,practice,2023-05-02\nO2,S1,M1,practice,2026-05-11\nO3,S1,L1,practice,2023-04-03\n",
    "appraisals.csv": "appraisal_id,staff_id,appraiser_id,held_on\nP1,L1,H1,2023-04-20\nP2,S1,M1,2026-05-18\n",
    "audits.csv": "audit_id,auditor_id,subject_id,audited_on\nU1,H1,L1,2023-03-15\nU2,L1,S1,2023-02-01\n",
}


def rows(engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(INPUT_TABLES[table]))


def test_a_leavers_records_stay_for_the_period_and_go_the_day_after(engine, tmp_path):
    import_paths(engine, [write_folder(tmp_path / "export", EXPORT)])
    save_findings(
        engine,
        date(2026, 11, 23),
        "havering",
        [Finding(Kind.APPRAISAL_DUE, "L1", LEFT, Stage.CHASE, "d", "r")],
    )
    store(
        engine,
        date(2023, 11, 20),
        [Outgoing("k-l1", "L1", "outbox", "lena@council.example", "s", "b", "<p>b</p>", ())],
    )

    assert erase_leavers(engine, date(2026, 11, 24), HAVERING) == {}  # exactly three years: kept
    removed = erase_leavers(engine, date(2026, 11, 25), HAVERING)

    assert removed == {
        "audits": 1,
        "appraisals": 1,
        "observations": 1,
        "sessions": 1,
        "absences": 1,
        "agreements": 1,
        "staff": 1,
        "findings": 1,
        "finding_spans": 1,
        "messages": 1,
    }
    snapshot = load_snapshot(engine)
    assert "L1" not in snapshot.staff_by_id and "L2" in snapshot.staff_by_id  # L2 left in 2024
    assert {s.session_id for s in snapshot.sessions} == {"X1", "X2", "X8"}  # X8: S1's, held by L1
    assert {o.observation_id for o in snapshot.observations} == {"O2", "O3"}
    assert {a.audit_id for a in snapshot.audits} == {"U2"}  # L1's audit of S1's file is S1's
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(MessageRow)) == 0
        assert connection.scalars(select(ErasedStaffRow.staff_id)).all() == ["L1"]
    assert erase_leavers(engine, date(2026, 11, 26), HAVERING) == {}  # nothing left to remove


def test_a_full_re_export_does_not_bring_a_destroyed_leaver_back(engine, tmp_path):
    folder = write_folder(tmp_path / "export", EXPORT)
    import_paths(engine, [folder])
    erase_leavers(engine, date(2026, 11, 25), HAVERING)

    report = import_paths(engine, [folder])

    warnings = sorted(str(w).removeprefix(str(folder) + "/") for w in report.warnings)
    reason = "row(s) skipped: they belong to leavers whose records were destroyed under the retention rule"
    assert warnings == [
        f"absences.csv:1: staff_id: 1 {reason}",
        f"agreements.csv:1: staff_id: 1 {reason}",
        f"appraisals.csv:1: staff_id: 1 {reason}",
        f"audits.csv:1: subject_id: 1 {reason}",
        f"observations.csv:1: staff_id: 1 {reason}",
        f"sessions.csv:1: supervisee_id: 1 {reason}",
        f"staff.csv:1: staff_id: 1 {reason}",
    ]
    assert report.counts["staff"] == 5 and rows(engine, "staff") == 5
    assert rows(engine, "sessions") == 4 - 1 and rows(engine, "observations") == 2


def test_no_retention_rule_keeps_everything(engine, tmp_path):
    import_paths(engine, [write_folder(tmp_path / "export", EXPORT)])
    assert load_policy("stoke").retention is None
    assert erase_leavers(engine, date(2030, 1, 1), None) == {}
    assert rows(engine, "staff") == 6
