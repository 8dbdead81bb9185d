"""A seeded synthetic council written as the contract's CSV files.

The same seed and scale always give the same council. Besides a realistic background (monthly
sessions with some cancellations, late records, sickness, cases of every category), every
council carries a few fixed stories so that each kind of finding appears: an ASYE in their
first weeks, a team manager off sick, records left unwritten and unsigned, a cancelled session
never rebooked, a newcomer without an agreement.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

from models.policy.facts import INPUTS

DEMO_AS_OF = date(2026, 11, 24)
AUDIT_GRADES = ("good", "good", "requires_improvement", "good", "inadequate", "")  # "": none recorded
DEMO_POLICY = Path(__file__).parent / "policy.yaml"  # the default, with every recurring duty on

_FIRST = (
    "Amira Ben Chloe Dev Ellie Farah George Hana Isaac Jade Kofi Leah Mo Nadia Owen Priya "
    "Quinn Rosa Sam Tariq Uma Vik Wren Yusuf Zara"
).split()
_LAST = (
    "Adams Bashir Clarke Dhillon Evans Fraser Green Hughes Iqbal Jones Khan Lewis Morgan "
    "Nowak Okafor Patel Quinn Roberts Shah Taylor Usman Walsh Young"
).split()
_CATEGORIES = (
    ("cin", 30),
    ("cp", 20),
    ("cic", 15),
    ("cic_placed_with_parents", 3),
    ("cic_long_term_matched", 4),
    ("cic_stability_concern", 2),
    ("care_proceedings", 3),
    ("plo", 3),
    ("care_leaver", 6),
    ("care_leaver_high_need", 2),
    ("assessment", 6),
    ("early_help", 3),
    ("fostering", 1),
    ("adoption", 1),
    ("other", 1),
)


@dataclass(frozen=True)
class Scale:
    teams: int
    workers_per_team: int
    open_cases_per_worker: int
    closed_cases_per_worker: int
    history_months: int

    def fraction(self, share: float) -> Scale:
        """The same council with `share` of its teams (for measuring growth)."""
        return Scale(
            max(1, round(self.teams * share)),
            self.workers_per_team,
            self.open_cases_per_worker,
            self.closed_cases_per_worker,
            self.history_months,
        )


SCALES = {
    "demo": Scale(
        teams=3, workers_per_team=5, open_cases_per_worker=6, closed_cases_per_worker=3, history_months=14
    ),
    # the largest English children's services: ~2,000 staff, 15,000 open and 30,000 closed cases
    "large": Scale(
        teams=200, workers_per_team=9, open_cases_per_worker=9, closed_cases_per_worker=18, history_months=36
    ),
    # a shared service for many councils: ten times that
    "national": Scale(
        teams=2000, workers_per_team=9, open_cases_per_worker=9, closed_cases_per_worker=18, history_months=36
    ),
}


class _Council:
    def __init__(self, scale: Scale, as_of: date, seed: int) -> None:
        self.scale = scale
        self.as_of = as_of
        self.random = random.Random(seed)
        self.rows: dict[str, list[dict[str, object]]] = {t.name: [] for t in INPUTS}
        self.counter = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:06d}"

    def day_before(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def add_staff(self, role: str, team: str, manager: str | None, start: date, **extra: object) -> str:
        staff_id = self.next_id("S")
        first, last = self.random.choice(_FIRST), self.random.choice(_LAST)
        self.rows["staff"].append(
            {
                "staff_id": staff_id,
                "name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}.{staff_id.lower()}@council.example",
                "teams": extra.pop("teams", None),
                "role": role,
                "team": team,
                "line_manager_id": manager,
                "start_date": start,
                "case_holding": extra.pop("case_holding", None),
                **extra,
            }
        )
        return staff_id

    def add_agreement(
        self, staff_id: str, supervisor_id: str, signed_on: date | None, frequency: str | None = None
    ) -> None:
        self.rows["agreements"].append(
            {
                "staff_id": staff_id,
                "supervisor_id": supervisor_id,
                "signed_on": signed_on,
                "frequency": frequency,
            }
        )

    def add_session(
        self,
        supervisee: str,
        supervisor: str,
        held_on: date,
        *,
        kind: str = "personal",
        status: str = "held",
        written: int | None = 1,
        signed: int | None = 3,
        countersigned: bool = True,
        cancel_reason: str | None = None,
    ) -> str:
        session_id = self.next_id("X")
        row: dict[str, object] = {
            "session_id": session_id,
            "supervisee_id": supervisee,
            "supervisor_id": supervisor,
            "kind": kind,
            "scheduled_for": held_on,
            "status": status,
        }
        if status == "held":
            row["held_on"] = held_on
            if written is not None:
                row["record_written_on"] = held_on + timedelta(days=written)
                row["record_circulated_on"] = held_on + timedelta(days=written)
                if signed is not None:
                    row["supervisee_signed_on"] = held_on + timedelta(days=written + signed)
                    if countersigned:
                        row["supervisor_signed_on"] = held_on + timedelta(days=written + signed)
        elif status == "cancelled":
            row["cancelled_on"] = held_on - timedelta(days=1)
            row["cancel_reason"] = cancel_reason or "other"
        self.rows["sessions"].append(row)
        return session_id

    def history(self, supervisee: str, supervisor: str, start: date, every_days: int) -> None:
        """Sessions from `start` until a little before as-of, with realistic slippage."""
        day = start + timedelta(days=every_days)
        while day < self.as_of - timedelta(days=3):
            held = _weekday(day + timedelta(days=self.random.randint(-3, 5)))
            roll = self.random.random()
            if roll < 0.06:
                self.add_session(
                    supervisee,
                    supervisor,
                    held,
                    status="cancelled",
                    cancel_reason=self.random.choice(("sickness", "leave", "other")),
                )
                held = _weekday(held + timedelta(days=self.random.randint(2, 6)))
            age = (self.as_of - held).days
            if age < 10 and self.random.random() < 0.3:
                self.add_session(supervisee, supervisor, held, signed=None)  # awaiting signature
            elif age < 10 and self.random.random() < 0.15:
                self.add_session(supervisee, supervisor, held, written=None)  # not yet written
            else:
                self.add_session(supervisee, supervisor, held)
            day = held + timedelta(days=every_days + self.random.randint(-2, 6))

    def cases(self, worker: str, supervisor: str, start: date) -> None:
        weights = [w for _, w in _CATEGORIES]
        names = [c for c, _ in _CATEGORIES]
        scale = self.scale
        for index in range(scale.open_cases_per_worker + scale.closed_cases_per_worker):
            case_id = self.next_id("C-")
            allocated = max(start, self.day_before(self.random.randint(5, 30 * scale.history_months)))
            closed = None
            if index >= scale.open_cases_per_worker:
                closed = allocated + timedelta(days=self.random.randint(20, 300))
                if closed >= self.as_of:
                    closed = self.day_before(1)
                    allocated = min(allocated, closed)
            self.rows["cases"].append(
                {
                    "case_id": case_id,
                    "category": self.random.choices(names, weights)[0],
                    "worker_id": worker,
                    "allocated_on": allocated,
                    "closed_on": closed,
                }
            )
            day = allocated + timedelta(days=self.random.randint(3, 16))
            end = closed or self.as_of
            while day < end:
                self.rows["discussions"].append({"case_id": case_id, "discussed_on": day})
                day += timedelta(days=self.random.randint(20, 70))

    def duties(self, staff_id: str, manager: str, start: date, observed: str | None = "practice") -> None:
        """The member of staff's last appraisal by their manager and, unless told, their last
        observation of practice; a few are a little overdue, as in any council."""
        appraised = self.day_before(self.random.randint(20, 420))
        if appraised > start:
            self.rows["appraisals"].append(
                {
                    "appraisal_id": self.next_id("P"),
                    "staff_id": staff_id,
                    "appraiser_id": manager,
                    "held_on": appraised,
                }
            )
        seen = self.day_before(self.random.randint(10, 210))
        if observed and seen > start:
            self.rows["observations"].append(
                {
                    "observation_id": self.next_id("O"),
                    "staff_id": staff_id,
                    "observer_id": manager,
                    "kind": observed,
                    "observed_on": seen,
                }
            )

    def audit(self, auditor: str, subject: str, days_ago: int) -> None:
        """An audit with a grade and its actions, a fixed cycle (no random draw: the rest of the
        council stays as it was)."""
        number = len(self.rows["audits"])
        self.rows["audits"].append(
            {
                "audit_id": self.next_id("U"),
                "auditor_id": auditor,
                "subject_id": subject,
                "audited_on": self.day_before(days_ago),
                "outcome": AUDIT_GRADES[number % len(AUDIT_GRADES)],
                "actions": number % 4,
            }
        )

    def absences(self, staff_id: str, start: date) -> None:
        day = start + timedelta(days=self.random.randint(30, 400))
        while day < self.as_of - timedelta(days=30):
            length = self.random.choice((1, 2, 3, 5, 10))
            self.rows["absences"].append(
                {
                    "absence_id": self.next_id("A"),
                    "staff_id": staff_id,
                    "kind": self.random.choice(("sickness", "annual_leave", "annual_leave", "planned")),
                    "start_date": day,
                    "end_date": day + timedelta(days=length - 1),
                }
            )
            day += timedelta(days=self.random.randint(60, 400))


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def generate(scale: Scale, as_of: date = DEMO_AS_OF, seed: int = 2026) -> dict[str, list[dict[str, object]]]:
    """The council's rows per contract table (values are dates, strings or None)."""
    council = _Council(scale, as_of, seed)
    history_start = as_of - relativedelta(months=scale.history_months)
    director = council.add_staff("director", "Directorate", None, history_start - timedelta(days=1200))
    ad = council.add_staff("assistant_director", "Directorate", director, history_start - timedelta(days=900))
    council.add_agreement(ad, director, council.day_before(council.random.randint(20, 340)))
    council.history(ad, director, history_start, 30)
    council.duties(ad, director, history_start)
    council.audit(director, ad, council.random.randint(30, 300))
    heads: list[str] = []
    for team_number in range(scale.teams):
        if team_number % 10 == 0:
            head = council.add_staff(
                "head_of_service", f"Service {team_number // 10 + 1}", ad, history_start - timedelta(days=700)
            )
            council.add_agreement(head, ad, council.day_before(council.random.randint(20, 340)))
            council.history(head, ad, history_start, 30)
            council.duties(head, ad, history_start)
            council.audit(head, ad, council.random.randint(10, 80))
            heads.append(head)
        team = f"Team {team_number + 1}"
        manager = council.add_staff(
            "team_manager",
            team,
            heads[-1],
            history_start - timedelta(days=500),
            teams=f"{team.lower().replace(' ', '-')}-managers",
        )
        council.add_agreement(manager, heads[-1], council.day_before(council.random.randint(20, 340)))
        council.history(manager, heads[-1], history_start, 30)
        council.duties(manager, heads[-1], history_start, observed="supervision")
        council.absences(manager, history_start)
        for worker_number in range(scale.workers_per_team):
            role = (
                "social_worker",
                "social_worker",
                "social_worker",
                "family_support_worker",
                "social_worker",
                "youth_worker",
                "social_worker",
                "support_staff",
                "social_worker",
            )[worker_number % 9]
            start = history_start - timedelta(days=council.random.randint(0, 1500))
            worker = council.add_staff(role, team, manager, start, case_holding=role != "support_staff")
            reviewed = council.day_before(council.random.randint(20, 340))
            council.add_agreement(
                worker, manager, max(reviewed, start + timedelta(days=council.random.randint(3, 20)))
            )
            council.history(worker, manager, max(start, history_start), 91 if role == "support_staff" else 29)
            council.duties(worker, manager, start)
            council.absences(worker, max(start, history_start))
            if role != "support_staff":
                council.cases(worker, manager, max(start, history_start))
    _add_stories(council, ad, heads[0])
    return council.rows


def _add_stories(council: _Council, ad: str, head: str) -> None:
    """Fixed situations, dated against as-of, so every kind of finding shows in every council
    (under the demo's policy, which sets every recurring duty)."""
    as_of = council.as_of
    day = council.day_before
    team = "Team 1"
    manager = next(r["staff_id"] for r in council.rows["staff"] if r["role"] == "team_manager")
    # An ASYE in their fifth week: weekly supervision, one held last week, one record unsigned.
    asye = council.add_staff("asye", team, manager, day(33), asye_start=day(33), case_holding=True)
    council.add_agreement(asye, manager, day(30))
    for held in (day(26), day(19), day(12)):
        council.add_session(asye, manager, _weekday(held), signed=None if held == day(12) else 2)
    council.cases(asye, manager, day(30))
    # A student on placement, weekly, whose last session was cancelled and never rebooked.
    student = council.add_staff("student", team, manager, day(60), case_holding=False)
    council.add_agreement(student, manager, day(58))
    council.add_session(student, manager, _weekday(day(25)))
    council.add_session(student, manager, _weekday(day(16)), status="cancelled")
    # A newcomer on probation with no agreement yet, and a record never written up.
    newcomer = council.add_staff(
        "social_worker",
        team,
        manager,
        day(45),
        probation_end=day(45) + relativedelta(months=6),
        case_holding=True,
    )
    council.add_session(newcomer, manager, _weekday(day(20)), written=None)
    # Team 2's manager has been off sick for four weeks: their team needs cover.
    sick = next(
        r["staff_id"] for r in council.rows["staff"] if r["role"] == "team_manager" and r["team"] != team
    )
    council.rows["absences"].append(
        {
            "absence_id": council.next_id("A"),
            "staff_id": sick,
            "kind": "sickness",
            "start_date": day(29),
            "end_date": None,
            "expected_return": as_of + timedelta(days=14),
        }
    )
    _add_people_and_posts(council, day)
    # A worker whose agreement is due for its yearly review.
    reviewer = council.add_staff("social_worker", team, manager, day(800), case_holding=True)
    council.add_agreement(reviewer, manager, day(362))
    council.add_session(reviewer, manager, _weekday(day(20)), countersigned=False)  # signed by them only
    # The assistant director's quarterly audit of a supervision file is overdue.
    council.audit(ad, manager, 120)
    # A local closure day, as councils list them.
    council.rows["closures"].append(
        {"date": date(as_of.year, 12, 29), "reason": "Council closure between Christmas and New Year"}
    )


def _add_people_and_posts(council: _Council, day: Callable[[int], date]) -> None:
    """The organisation as it is: a vacancy, cases with no worker, cover while a manager is away."""
    rows = council.rows["staff"]
    managers = {r["team"]: r["staff_id"] for r in rows if r["role"] == "team_manager"}
    team_3 = "Team 3" if "Team 3" in managers else "Team 1"
    manager = str(managers[team_3])
    # A practice supervisor left three weeks ago: the worker she supervised has no supervisor in
    # post, and her open cases have no worker.
    leaver = council.add_staff(
        "social_worker", team_3, manager, day(900), end_date=day(21), case_holding=True
    )
    orphan = council.add_staff("social_worker", team_3, manager, day(400), case_holding=True)
    council.add_agreement(orphan, leaver, day(380))
    council.history(orphan, leaver, day(300), 29)
    for category in ("cp", "cin"):
        council.rows["cases"].append(
            {
                "case_id": council.next_id("C-"),
                "category": category,
                "worker_id": leaver,
                "allocated_on": day(200),
            }
        )
    # A child protection case referred to Team 2 twelve days ago, not yet allocated.
    council.rows["cases"].append(
        {"case_id": council.next_id("C-"), "category": "cp", "team": "Team 2", "allocated_on": day(12)}
    )
    # Team 3's manager is on leave this week; the head of service acts for them, as recorded.
    council.rows["absences"].append(
        {
            "absence_id": council.next_id("A"),
            "staff_id": manager,
            "kind": "annual_leave",
            "start_date": day(1),
            "end_date": day(-6),
        }
    )
    head = next(r["line_manager_id"] for r in rows if r["staff_id"] == manager)
    council.rows["cover"].append(
        {
            "cover_id": council.next_id("V"),
            "staff_id": manager,
            "cover_staff_id": head,
            "from": day(1),
            "to": day(-6),
        }
    )


def write_csvs(rows: dict[str, list[dict[str, object]]], folder: Path) -> list[Path]:
    """One contract file per table, header first, blanks for missing values."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in INPUTS:
        path = folder / table.file
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            columns = [c.header for c in table.columns]
            writer.writerow(columns)
            for row in rows[table.name]:
                writer.writerow(["" if row.get(c) is None else _cell(row[c]) for c in columns])
        written.append(path)
    return written


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date) else str(value)
