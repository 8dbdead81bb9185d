"""Import validation at the edge (contract "Data in"): every problem as `file:line: column: message`."""

from pathlib import Path

import pytest

from models.csvfiles import Stored, read_import
from models.policy.facts import CaseCategory
from tests.csvdata import GOOD, with_line, write_folder


def problems(tmp_path: Path, files: dict[str, str], stored: Stored | None = None) -> list[str]:
    folder = write_folder(tmp_path / "in", files)
    return [
        str(p).removeprefix(str(folder) + "/") for p in read_import([folder], stored or Stored()).problems
    ]


def test_the_good_files_have_no_problems(tmp_path):
    parsed = read_import([write_folder(tmp_path, GOOD)])
    assert parsed.problems == []
    assert {name: len(read.facts) for name, read in parsed.files.items()} == {
        "closures": 1,
        "staff": 4,
        "agreements": 2,
        "absences": 1,
        "sessions": 2,
        "cases": 2,
        "discussions": 1,
    }


STAFF_ROW = "S9,Zara Young,zara@council.example,,social_worker,Team 1,M1,2024-01-08,,,,,true"


@pytest.mark.parametrize(
    "why, file, line, expected",
    [
        (
            "unknown enum value",
            "staff.csv",
            STAFF_ROW.replace("social_worker", "wizard"),
            "staff.csv:6: role: 'wizard' is not one of: social_worker, asye,",
        ),
        (
            "bad date",
            "staff.csv",
            STAFF_ROW.replace("2024-01-08", "08/01/2024"),
            "staff.csv:6: start_date: '08/01/2024' is not a date in the form YYYY-MM-DD",
        ),
        (
            "impossible date",
            "staff.csv",
            STAFF_ROW.replace("2024-01-08", "2024-02-30"),
            "staff.csv:6: start_date: '2024-02-30' is not a real date",
        ),
        (
            "dangling line manager",
            "staff.csv",
            STAFF_ROW.replace(",M1,", ",M7,"),
            "staff.csv:6: line_manager_id: no member of staff 'M7' exists",
        ),
        (
            "managing oneself",
            "staff.csv",
            STAFF_ROW.replace(",M1,", ",S9,"),
            "staff.csv:6: line_manager_id: S9 cannot manage themself",
        ),
        (
            "end before start",
            "staff.csv",
            STAFF_ROW.replace("2024-01-08,,", "2024-01-08,2023-12-01,"),
            "staff.csv:6: end_date: 2023-12-01 is before start_date 2024-01-08",
        ),
        (
            "duplicate id in one file",
            "staff.csv",
            STAFF_ROW.replace("S9,", "S1,"),
            "staff.csv:6: staff_id: duplicate S1 (first on line 4)",
        ),
        (
            "fte out of range",
            "staff.csv",
            STAFF_ROW.replace(",,,,true", ",1.5,,,true"),
            "staff.csv:6: fte: 1.5 is not more than 0 and at most 1",
        ),
        (
            "required value blank",
            "staff.csv",
            STAFF_ROW.replace("zara@council.example", ""),
            "staff.csv:6: email: a value is required",
        ),
        (
            "not a boolean",
            "staff.csv",
            STAFF_ROW.replace(",true", ",maybe"),
            "staff.csv:6: case_holding: 'maybe' is not true or false",
        ),
        (
            "dangling case worker",
            "cases.csv",
            "C-9,cp,S77,2026-01-05,",
            "cases.csv:4: worker_id: no member of staff 'S77' exists",
        ),
        (
            "case closed before allocation",
            "cases.csv",
            "C-9,cp,S1,2026-01-05,2025-12-01",
            "cases.csv:4: closed_on: 2025-12-01 is before allocated_on 2026-01-05",
        ),
        (
            "unknown case category",
            "cases.csv",
            "C-9,burglary,S1,2026-01-05,",
            "cases.csv:4: category: 'burglary' is not one of:",
        ),
        (
            "absence ends before it starts",
            "absences.csv",
            "A9,S1,sickness,2026-05-05,2026-05-01,",
            "absences.csv:3: end_date: 2026-05-01 is before start_date 2026-05-05",
        ),
        (
            "unknown absence kind",
            "absences.csv",
            "A9,S1,holiday,2026-05-05,,",
            "absences.csv:3: kind: 'holiday' is not one of: sickness, unplanned, annual_leave, planned",
        ),
        (
            "unknown session status",
            "sessions.csv",
            "X9,S1,M1,personal,,done,,,,,,,,",
            "sessions.csv:4: status: 'done' is not one of: booked, held, cancelled",
        ),
        (
            "held with no date",
            "sessions.csv",
            "X9,S1,M1,personal,,held,,,,,,,,",
            "sessions.csv:4: held_on: a held session needs the date it was held",
        ),
        (
            "bad agreement frequency",
            "agreements.csv",
            "S1,H1,2026-01-05,sometimes,",
            "agreements.csv:4: frequency: 'sometimes' is not an interval",
        ),
        (
            "discussion of an unknown case",
            "discussions.csv",
            "C-404,2026-11-02,",
            "discussions.csv:3: case_id: no case 'C-404' exists",
        ),
        (
            "a duplicate discussion",
            "discussions.csv",
            "C-1001,2026-10-30,",
            "discussions.csv:3: case_id,discussed_on: duplicate C-1001/2026-10-30 (first on line 2)",
        ),
        ("a short line", "closures.csv", "2026-12-30", "closures.csv:3: -: 1 fields where the header has 2"),
        # Destinations come from configuration only, and ids stay plain (issue: never sent where
        # they should not go).
        (
            "a Teams URL chooses a destination",
            "staff.csv",
            STAFF_ROW.replace(",,social_worker", ",json://evil.example/hook,social_worker"),
            "staff.csv:6: teams: an address here would let the data choose where messages go",
        ),
        (
            "two addresses in one",
            "staff.csv",
            STAFF_ROW.replace("zara@council.example", '"zara@council.example, evil@x.example"'),
            "staff.csv:6: email: 'zara@council.example, evil@x.example' is not one email address",
        ),
        (
            "a header injected into an address",
            "staff.csv",
            STAFF_ROW.replace("zara@council.example", '"zara@council.example\r\nBcc: evil@x.example"'),
            "staff.csv:6: email: 'zara@council.example\\r\\nBcc: evil@x.example' is not one email address",
        ),
        (
            "a display name",
            "staff.csv",
            STAFF_ROW.replace("zara@council.example", "Zara <zara@council.example>"),
            "staff.csv:6: email: 'Zara <zara@council.example>' is not one email address",
        ),
        (
            "an internationalised address",
            "staff.csv",
            STAFF_ROW.replace("zara@council.example", "zoë@council.example"),
            "staff.csv:6: email: 'zoë@council.example' is not supported: internationalised",
        ),
        (
            "a NUL in an id",
            "staff.csv",
            STAFF_ROW.replace("S9,", "S\x009,"),
            "staff.csv:6: staff_id: 'S\\x009' is not an id",
        ),
        (
            "a slash in an id",
            "staff.csv",
            STAFF_ROW.replace("S9,", "S/9,"),
            "staff.csv:6: staff_id: 'S/9' is not an id",
        ),
        (
            "a 65-character id",
            "staff.csv",
            STAFF_ROW.replace("S9,", "S" * 65 + ","),
            "staff.csv:6: staff_id: 'SSSS",
        ),
        (
            "a 300-character name",
            "staff.csv",
            STAFF_ROW.replace("Zara Young", "Z" * 300),
            "staff.csv:6: name: is 300 characters long; at most 200",
        ),
        (
            "a field over the limit, even in an ignored column",
            "closures.csv",
            '2026-12-30,"' + "x" * 200_000 + '"',
            "closures.csv:3: -: not valid CSV: field larger than field limit (10000)",
        ),
        (
            "an unclosed final quote",
            "closures.csv",
            '2026-12-30,"Council closure',
            "closures.csv:3: -: not valid CSV",
        ),
    ],
)
def test_each_kind_of_bad_line_is_named_by_file_line_and_column(tmp_path, why, file, line, expected):
    found = problems(tmp_path, with_line(GOOD, file, line))
    assert any(p.startswith(expected) for p in found), (why, found)


def test_a_line_management_loop_is_an_error_on_each_line_in_it(tmp_path):
    files = with_line(
        with_line(GOOD, "staff.csv", "L1,A B,a@x.example,,social_worker,T,L2,2024-01-08,,,,,"),
        "staff.csv",
        "L2,C D,c@x.example,,social_worker,T,L1,2024-01-08,,,,,",
    )
    found = problems(tmp_path, files)
    assert "staff.csv:6: line_manager_id: line-management loop: L1 -> L2 -> L1" in found
    assert "staff.csv:7: line_manager_id: line-management loop: L2 -> L1 -> L2" in found


def test_a_reference_may_point_at_what_is_already_stored(tmp_path):
    stored = Stored(line_managers={"M7": None})
    assert problems(tmp_path, with_line(GOOD, "staff.csv", STAFF_ROW.replace(",M1,", ",M7,")), stored) == []


def test_a_missing_required_column_is_named(tmp_path):
    found = problems(tmp_path, {"closures.csv": "date\n2026-12-29\n"})
    assert found == ["closures.csv:1: reason: required column is missing"]


def test_extra_columns_are_ignored_with_a_warning(tmp_path):
    folder = write_folder(tmp_path, {"closures.csv": "date,reason,colour\n2026-12-29,Closed,blue\n"})
    parsed = read_import([folder])
    assert parsed.problems == []
    assert [f"{p.column}: {p.message}" for p in parsed.warnings] == ["colour: unknown column ignored"]


def test_a_header_with_no_rows_is_valid(tmp_path):
    parsed = read_import([write_folder(tmp_path, {"cases.csv": "case_id,category,worker_id,allocated_on\n"})])
    assert parsed.problems == [] and parsed.facts("cases") == []


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    files = with_line(
        with_line(GOOD, "cases.csv", "C-9,burglary,S1,2026-01-05,"),
        "absences.csv",
        "A9,S1,holiday,2026-05-05,,",
    )
    assert len(problems(tmp_path, files)) == 2


def test_after_a_quoted_line_break_the_lines_are_still_counted_right(tmp_path):
    files = with_line(
        with_line(GOOD, "closures.csv", '2026-12-30,"Closed\nall day"'), "closures.csv", "2026-12-31"
    )
    assert problems(tmp_path, files) == [
        "closures.csv:3: reason: contains a control character (a line break, tab or NUL)",
        "closures.csv:5: -: 1 fields where the header has 2",
    ]


def test_a_file_that_is_not_utf8_is_reported_at_its_line(tmp_path):
    folder = write_folder(tmp_path / "in", GOOD)
    (folder / "closures.csv").write_bytes(b"date,reason\n2026-12-29,Council closure\n2026-12-30,Caf\xe9\n")
    [problem] = read_import([folder]).problems
    assert str(problem).endswith("closures.csv:3: -: not UTF-8 text (invalid continuation byte at byte 53)")


def test_a_column_named_twice_is_an_error(tmp_path):
    files = {**GOOD, "closures.csv": "date,reason,reason\n2026-12-29,a,b\n"}
    assert problems(tmp_path, files) == ["closures.csv:1: reason: column appears more than once"]


def test_a_contract_file_named_in_another_case_is_an_error_not_skipped(tmp_path):
    folder = write_folder(tmp_path / "in", GOOD)
    (folder / "staff.csv").rename(folder / "Staff.CSV")
    found = [str(p) for p in read_import([folder]).problems]
    assert f"{folder}/Staff.CSV:0: -: named Staff.CSV: the contract's name is staff.csv" in found


# The recurring duties' files, empty but for their header.
DUTY_FILES = {
    "observations.csv": "observation_id,staff_id,observer_id,kind,observed_on\n",
    "appraisals.csv": "appraisal_id,staff_id,appraiser_id,held_on\n",
    "audits.csv": "audit_id,auditor_id,subject_id,audited_on\n",
}


@pytest.mark.parametrize(
    "file, line, expected",
    [
        (
            "sessions.csv",
            "X9,S1,S1,personal,,booked,,,,,,,,",
            "sessions.csv:4: supervisor_id: S1 cannot supervise themself",
        ),
        (
            "agreements.csv",
            "S1,S1,2026-01-05,,",
            "agreements.csv:4: supervisor_id: S1 cannot supervise themself",
        ),
        (
            "observations.csv",
            "O9,S1,S1,practice,2026-09-09",
            "observations.csv:2: observer_id: S1 cannot observe themself",
        ),
        (
            "appraisals.csv",
            "P9,S1,S1,2026-07-25",
            "appraisals.csv:2: appraiser_id: S1 cannot appraise themself",
        ),
        (
            "audits.csv",
            "U9,S1,S1,2026-02-19",
            "audits.csv:2: subject_id: S1 cannot audit their own supervision file",
        ),
    ],
)
def test_no_one_supervises_observes_appraises_or_audits_themself(tmp_path, file, line, expected):
    assert problems(tmp_path, with_line({**GOOD, **DUTY_FILES}, file, line)) == [expected]


@pytest.mark.parametrize("chunk", [1, 2, 3, 20_000])
def test_problems_come_in_line_order_and_duplicates_are_found_across_chunks(tmp_path, monkeypatch, chunk):
    """Lines are read a chunk at a time and a column at a time; what is found, and in what
    order, must not depend on where the chunks fall."""
    monkeypatch.setattr("models.csvfiles.CHUNK", chunk)
    cases = "\n".join(
        [
            "case_id,category,worker_id,allocated_on,closed_on",
            "C-1,cin,S1,2026-01-05,",
            "C-2,burglary,S1,2026-13-05,",
            ",,,,",
            "C-1,cp,S2,2026-02-05,",
            "C-3,cin,,2026-02-05,2026-01-05",
            "C-4,cin,S1,2026-02-05,2026-01-05",
            "C-5,cin",
            "C-6,cin,S1,2026-02-05,",
            "C-6,cp,S1,2026-02-05,",
        ]
    )
    assert problems(tmp_path, {"staff.csv": GOOD["staff.csv"], "cases.csv": cases + "\n"}) == [
        "cases.csv:3: category: 'burglary' is not one of: " + ", ".join(c.value for c in CaseCategory),
        "cases.csv:3: allocated_on: '2026-13-05' is not a real date",
        "cases.csv:5: case_id: duplicate C-1 (first on line 2)",
        "cases.csv:6: team: a case with no worker needs the team holding it",
        "cases.csv:6: closed_on: 2026-01-05 is before allocated_on 2026-02-05",
        "cases.csv:7: closed_on: 2026-01-05 is before allocated_on 2026-02-05",
        "cases.csv:8: -: 2 fields where the header has 5",
        "cases.csv:10: case_id: duplicate C-6 (first on line 9)",
    ]


def test_an_unclosed_quote_is_named_at_the_line_where_it_opens(tmp_path):
    files = {
        **GOOD,
        "closures.csv": 'date,reason\n2026-12-29,"Closure\n2026-12-30,Closure\n2026-12-31,Closure\n',
    }
    assert [p for p in problems(tmp_path, files) if "not valid CSV" in p] == [
        "closures.csv:2: -: not valid CSV: unexpected end of data"
    ]


def test_at_most_a_hundred_problems_are_shown_a_file_then_how_many_more():
    from models.csvfiles import Problem, shown_problems

    found = [Problem("staff.csv", line, "email", "not an address") for line in range(2, 252)]
    found.append(Problem("cases.csv", 2, "category", "bad"))
    shown = list(shown_problems(found))
    assert len(shown) == 102
    assert shown[99] == "staff.csv:101: email: not an address"
    assert shown[100:] == ["staff.csv: and 150 more problem(s) in this file", "cases.csv:2: category: bad"]
