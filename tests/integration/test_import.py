"""`oversight import` against SQLite and PostgreSQL: one transaction, upsert by id."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from models.csvfiles import read_import
from models.policy.facts import INPUTS
from models.store import ImportRejected, import_paths, load_snapshot
from models.tables import INPUT_TABLES
from tests.csvdata import GOOD, with_line, write_folder


def counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(INPUT_TABLES[name]))
            for name in ("staff", "sessions", "cases")
        }


def test_importing_a_folder_stores_every_table(engine, tmp_path):
    report = import_paths(engine, [write_folder(tmp_path, GOOD)])
    assert report.counts == {
        "closures": 1,
        "staff": 4,
        "agreements": 2,
        "absences": 1,
        "sessions": 2,
        "cases": 2,
        "discussions": 1,
    }
    snapshot = load_snapshot(engine)
    assert snapshot.staff_by_id["S1"].fte == 0.8
    assert snapshot.sessions_by_supervisee["S1"][0].record_circulated_on.isoformat() == "2026-11-16"


def test_every_value_is_loaded_back_as_it_was_read(engine, tmp_path):
    """Writing goes around SQLAlchemy's per-row processing (straight to SQLite's driver, or
    `COPY` into PostgreSQL): every type must still come back as the reader made it."""
    folder = write_folder(tmp_path, GOOD)
    read = read_import([folder])
    import_paths(engine, [folder])
    snapshot = load_snapshot(engine)
    for table in INPUTS:
        assert sorted(getattr(snapshot, table.name)) == sorted(read.facts(table.name)), table.name


def test_importing_the_same_export_again_changes_nothing(engine, tmp_path):
    folder = write_folder(tmp_path, GOOD)
    import_paths(engine, [folder])
    before = load_snapshot(engine)
    import_paths(engine, [folder])
    after = load_snapshot(engine)
    assert (after.staff, after.sessions, after.discussions) == (
        before.staff,
        before.sessions,
        before.discussions,
    )


def test_a_reexport_updates_rows_by_id(engine, tmp_path):
    import_paths(engine, [write_folder(tmp_path / "first", GOOD)])
    signed = GOOD["sessions.csv"].replace(
        "2026-11-16,2026-11-16,,,false", "2026-11-16,2026-11-16,2026-11-18,2026-11-18,false"
    )
    import_paths(engine, [write_folder(tmp_path / "second", {"sessions.csv": signed})])
    [session] = load_snapshot(engine).sessions_by_supervisee["S1"]
    assert session.supervisee_signed_on.isoformat() == "2026-11-18"


def test_a_later_file_may_refer_to_what_an_earlier_import_stored(engine, tmp_path):
    import_paths(engine, [write_folder(tmp_path / "first", GOOD)])
    extra = {"cases.csv": "case_id,category,worker_id,allocated_on,closed_on\nC-2001,cic,S2,2026-11-09,\n"}
    import_paths(engine, [write_folder(tmp_path / "second", extra)])
    assert counts(engine)["cases"] == 3


@pytest.mark.parametrize(
    "name, bad_line",
    [
        ("staff.csv", "S9,Zara Young,zara@council.example,,wizard,Team 1,M1,2024-01-08,,,,,true"),
        ("cases.csv", "C-9,cp,S404,2026-01-05,"),
        ("discussions.csv", "C-1001,2026-13-01,"),
    ],
)
def test_a_bad_file_is_rejected_whole_and_nothing_stored_changes(engine, tmp_path, name, bad_line):
    import_paths(engine, [write_folder(tmp_path / "first", GOOD)])
    before = counts(engine), load_snapshot(engine).staff
    changed = {**GOOD, "staff.csv": GOOD["staff.csv"].replace("Priya Shah", "Priya Shah-Evans")}
    with pytest.raises(ImportRejected) as rejected:
        import_paths(engine, [write_folder(tmp_path / "second", with_line(changed, name, bad_line))])
    assert [p.file for p in rejected.value.problems] == [str(tmp_path / "second" / name)]
    assert (counts(engine), load_snapshot(engine).staff) == before


def test_a_file_that_is_not_in_the_contract_is_refused(engine, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_text("id\n1\n")
    with pytest.raises(ImportRejected) as rejected:
        import_paths(engine, [path])
    assert "not a contract file" in str(rejected.value.problems[0])


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has one writer
def test_a_first_import_waits_for_another_writing_the_same_table_and_merges_with_it(engine, tmp_path):
    """PostgreSQL copies a first import straight into its empty tables: one that another
    transaction is filling meanwhile must be waited for and merged with, not copied over."""
    folder = write_folder(tmp_path, GOOD)
    closures = INPUT_TABLES["closures"]
    with engine.connect() as other:
        other.execute(closures.insert().values(date=date(2026, 12, 29), reason="Council closure"))
        with ThreadPoolExecutor(1) as pool:
            importing = pool.submit(import_paths, engine, [folder])
            waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            while not importing.done() and not other.scalar(waiting):
                time.sleep(0.05)  # until the import is queued behind the other transaction's write
            other.commit()
            assert importing.result(timeout=30).counts["closures"] == 1
    assert counts(engine) == {"staff": 4, "sessions": 2, "cases": 2}
    assert len(load_snapshot(engine).closures) == 1


def test_a_council_loaded_for_a_day_keeps_each_open_cases_latest_discussion_since_allocation(
    engine, tmp_path
):
    discussions = "case_id,discussed_on,session_id\n" + "".join(
        f"{case},{day},\n"
        for case, day in [
            ("C-1001", "2026-05-29"),  # before its allocation on 1 June: another worker's
            ("C-1001", "2026-09-30"),
            ("C-1001", "2026-10-30"),  # the latest by the day
            ("C-1001", "2026-11-30"),  # after the day
            ("C-1002", "2026-09-01"),  # a closed case's
        ]
    )
    import_paths(engine, [write_folder(tmp_path, {**GOOD, "discussions.csv": discussions})])
    kept = load_snapshot(engine, date(2026, 11, 24)).discussions
    assert [(d.case_id, d.discussed_on.isoformat()) for d in kept] == [("C-1001", "2026-10-30")]
    assert len(load_snapshot(engine, date(2026, 5, 31)).discussions) == 0
    assert len(load_snapshot(engine).discussions) == 5
