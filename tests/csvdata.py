"""Writing small contract CSV folders for import tests."""

from __future__ import annotations

from pathlib import Path

GOOD = {
    "staff.csv": """staff_id,name,email,teams,role,team,line_manager_id,start_date,end_date,fte,asye_start,probation_end,case_holding
H1,Hana Iqbal,hana@council.example,,head_of_service,Service 1,,2019-01-07,,,,,false
M1,Owen Nowak,owen@council.example,team-1-managers,team_manager,Team 1,H1,2020-03-02,,1,,,false
S1,Priya Shah,priya@council.example,,social_worker,Team 1,M1,2021-09-06,,0.8,,,true
S2,Kofi Okafor,kofi@council.example,,asye,Team 1,M1,2026-11-02,,,2026-11-02,,true
""",
    "agreements.csv": """staff_id,supervisor_id,signed_on,frequency,review_due
S1,M1,2026-02-02,,
S2,M1,2026-11-03,weekly,
""",
    "sessions.csv": """session_id,supervisee_id,supervisor_id,kind,scheduled_for,status,held_on,cancelled_on,cancel_reason,record_written_on,record_circulated_on,supervisee_signed_on,supervisor_signed_on,record_disputed
X1,S1,M1,personal,2026-11-12,held,2026-11-12,,,2026-11-16,2026-11-16,,,false
X2,S2,M1,personal,2026-11-09,held,2026-11-09,,,2026-11-10,2026-11-10,2026-11-11,2026-11-11,
""",
    "absences.csv": """absence_id,staff_id,kind,start_date,end_date,expected_return
A1,M1,annual_leave,2026-08-03,2026-08-14,
""",
    "cases.csv": """case_id,category,worker_id,allocated_on,closed_on
C-1001,cp,S1,2026-06-01,
C-1002,cin,S1,2026-03-01,2026-10-01
""",
    "discussions.csv": """case_id,discussed_on,session_id
C-1001,2026-10-30,
""",
    "closures.csv": """date,reason
2026-12-29,Council closure
""",
}


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def with_line(files: dict[str, str], name: str, line: str) -> dict[str, str]:
    """The files with one line appended to one of them."""
    return {**files, name: files[name] + line + "\n"}
