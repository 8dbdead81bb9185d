"""The nightly run: gather the council, decide the findings, apply them as reminders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import Failed, State
from prefect.utilities.annotations import quote

from models.home import private_files
from models.messages import Outgoing
from notifications.delivery import DeliveryReport
from notifications.tonight import most_urgent_first
from tasks.council import (
    evaluate_council,
    load_council,
    publish_summary,
    read_policy,
    record_findings,
    resolve_council,
)
from tasks.housekeeping import erase_old_leavers, prune_history, prune_old_files
from tasks.reminders import decide_reminders, deliver_reminders, load_notice_history, store_reminders
from tasks.report import build_compliance, cut_views, decide_weekly_summaries, publish_report


@dataclass
class NightlySummary:
    as_of: date
    policy: str
    dry_run: bool
    findings: dict[str, int]
    messages: list[Outgoing]
    working_day: bool = True
    queued: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    pruned: dict[str, int] = field(default_factory=dict)
    erased: dict[str, int] = field(default_factory=dict)  # leavers' rows destroyed under the policy
    report: list[Path] = field(default_factory=list)

    @property
    def sent(self) -> list[str]:
        return self.delivery.sent

    @property
    def failed(self) -> dict[str, str]:
        return self.delivery.failed

    @property
    def undelivered(self) -> bool:
        return bool(self.delivery.failed or self.delivery.given_up or self.delivery.error)


class UndeliveredMessages(Exception):
    """The night ran, but some messages could not be delivered: the run ends Failed, so the
    scheduler, the UI and the operators' alert show it. The summary travels with it."""

    def __init__(self, summary: NightlySummary) -> None:
        super().__init__(
            f"{len(summary.failed) + len(summary.delivery.given_up)} message(s) could not be delivered"
            + (
                f" ({summary.delivery.error})"
                if summary.delivery.error
                else "; the next run tries the failed ones again"
            )
        )
        self.summary = summary


def night_of(scheduled_start: datetime) -> date:
    """The night a run belongs to: the day its scheduled start falls on in Europe/London."""
    return scheduled_start.astimezone(ZoneInfo("Europe/London")).date()


@flow(name="oversight-nightly")
def nightly(
    council: str | None = None,
    as_of: date | None = None,
    policy: str = "default",
    dry_run: bool = False,
) -> NightlySummary | State:
    """Evaluate the council's policy on `as_of`, queue one digest per recipient (and on the first
    working day of the week each manager's summary of the compliance report), deliver them, then
    write the report's page and workbook (after the reminders, which must not wait on files).

    `council` names whose settings to use (`models.councils`): a deployment passes a name, never
    a connection string. `as_of` defaults to the night the run belongs to: the day of its
    scheduled start in Europe/London, resolved here once for the whole run (a scheduled
    deployment passes none), so a late run, or a failed night retried the next morning,
    evaluates its own night rather than the day it happens to run. With `dry_run`, nothing is stored or sent:
    the summary shows what would be. When a message could not be delivered the run ends Failed
    and calling the flow raises `UndeliveredMessages`, which carries the summary.
    """
    private_files()
    as_of = as_of or night_of(flow_run.get_scheduled_start_time())
    settings = resolve_council(council)
    url, delivery = settings.database_url, settings.delivery
    # quote(): large plain data goes to tasks as it is, not walked by Prefect for futures
    rules = read_policy(policy)
    erased = {} if dry_run else erase_old_leavers(url, as_of, rules)
    snapshot = load_council(url, as_of)
    findings = evaluate_council(quote(snapshot), rules, as_of)
    told = load_notice_history(url)
    tonight = decide_reminders(quote(snapshot), quote(findings), quote(told), as_of, rules, delivery)
    report = build_compliance(quote(snapshot), rules, quote(findings), as_of, council)
    cut = cut_views(quote(report))
    weekly = decide_weekly_summaries(
        quote(report),
        quote(cut),
        settings.reports,
        settings.reports_url,
        delivery,
        settings.readers,
    )
    summary = NightlySummary(
        as_of=as_of,
        policy=policy,
        dry_run=dry_run,
        findings=dict(Counter(f.kind.value for f in findings)),
        messages=most_urgent_first(tonight.messages + weekly),
        working_day=tonight.working_day,
        erased=erased,
    )
    if dry_run:
        return summary
    record_findings(url, as_of, policy, rules, quote(findings))
    summary.queued = store_reminders(url, as_of, quote(summary.messages))
    summary.delivery = delivered = deliver_reminders(url, delivery, as_of, settings.label)
    summary.report = publish_report(quote(report), quote(cut), settings.reports)
    summary.pruned = prune_history(url, as_of, settings.retention)
    files = prune_old_files([settings.reports, delivery.outbox], as_of, rules)
    if files:
        summary.pruned["report and outbox files deleted"] = files
    undelivered = len(delivered.failed) + len(delivered.given_up)
    publish_summary(settings.label, as_of, policy, summary.findings, len(delivered.sent), undelivered)
    if summary.undelivered:
        error = UndeliveredMessages(summary)
        return Failed(message=str(error), data=error)
    return summary
