"""The evidence pack's trends beyond 1:1s: records' timeliness by the month the 1:1 was held,
and open cases discussed within their interval at each month end, for the report's scope.

Both are computed as the 1:1 trend is, by the same rules over the data held today; they are
asked of an evidence pack only, since the case trend evaluates every open case twelve times.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from models.compliance.cases import cases_on
from models.compliance.records import RecordOutcome, RecordTimeliness, timeliness
from models.compliance.report import ComplianceReport
from models.compliance.shares import Share


def records_by_month(report: ComplianceReport) -> list[tuple[str, RecordTimeliness]]:
    """Records of the scope's 1:1s held in each of the last twelve months (`2026-03`)."""
    assert report.measures is not None
    by_month: dict[str, list[RecordOutcome]] = defaultdict(list)
    for staff_id in report.service.scope.staff_ids:
        for outcome in report.measures.records.get(staff_id, ()):
            by_month[outcome.session.held_on.strftime("%Y-%m")].append(outcome)  # type: ignore[union-attr]
    return [(month, timeliness(outcomes)) for month, outcomes in sorted(by_month.items())]


def cases_at_month_ends(report: ComplianceReport) -> list[tuple[date, Share]]:
    """Open cases of the scope discussed within their interval, at each month end and today."""
    assert report.measures is not None
    ctx, scope = report.measures.ctx, report.service.scope
    teams = None if scope.case_teams is None else set(scope.case_teams)
    trend = []
    for day in [*report.months, report.as_of]:
        cases = cases_on(replace(ctx, as_of=day))
        trend.append((day, Share.of_flags(c.within for c in cases if teams is None or c.team in teams)))
    return trend
