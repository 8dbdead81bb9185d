"""Telling a council's operators that its night went wrong.

Started by Prefect automations on the server (the triggers below, deployed with this flow),
not by hooks in the nightly run itself: Prefect documents flow hooks as running in the flow's
own process, so a killed worker or a run that never starts calls none of them, while the
server's triggers see every state change, and the absence of one. The alert therefore reaches
the operators when a nightly run fails, crashes, times out, is late (never started), or is still
running `OVERRUN_SECONDS` after it started: once for each of those.
"""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger

from notifications.operators import tell_operators
from notifications.router import Router
from notifications.settings import DeliverySettings
from tasks.settings import council_lookup

NIGHTLY = "oversight-nightly"
LONDON = ZoneInfo("Europe/London")
OVERRUN_SECONDS = 5400  # a night not finished 90 minutes after it started
BROKEN = [
    "prefect.flow-run.Failed",
    "prefect.flow-run.Crashed",
    "prefect.flow-run.TimedOut",
    "prefect.flow-run.Late",
]
FINISHED = [
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Crashed",
    "prefect.flow-run.Cancelled",
]
_ANY_NIGHTLY_RUN = {
    "match": {"prefect.resource.id": "prefect.flow-run.*"},
    "match_related": {"prefect.resource.role": "flow", "prefect.resource.name": NIGHTLY},
}
TRIGGERS: list[dict[str, object]] = [
    {
        "name": "oversight-night-broken",
        "description": "A nightly run failed, crashed, timed out or is late",
        "type": "event",
        **_ANY_NIGHTLY_RUN,
        # the state that raised the alert, not the run's state when the alert runs (a Late run
        # whose worker came back is Submitting by then)
        "parameters": {"flow_run": "{{ event.resource.id }}", "event": "{{ event.event }}"},
        "expect": BROKEN,
        "posture": "Reactive",
        "threshold": 1,
    },
    {
        "name": "oversight-night-overran",
        "description": f"A nightly run has not finished {OVERRUN_SECONDS // 60} minutes after it started",
        "type": "event",
        **_ANY_NIGHTLY_RUN,
        "parameters": {"flow_run": "{{ event.resource.id }}"},
        "after": ["prefect.flow-run.Running"],
        "expect": FINISHED,
        "for_each": ["prefect.resource.id"],
        "posture": "Proactive",
        "threshold": 1,
        "within": OVERRUN_SECONDS,
    },
]


@flow(name="oversight-alert")
def alert(flow_run: str, event: str | None = None) -> list[str]:
    """Tell the operators of the council whose nightly run `flow_run` (an event's resource id,
    `prefect.flow-run.<id>`, or the bare id) is in trouble; returns where the alert went.
    `event` is the state change that raised the alert (`prefect.flow-run.Late`); without one
    (a night that overran), the run's state now."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_UI_URL

    run_id = UUID(flow_run.removeprefix("prefect.flow-run."))
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
    council = run.parameters.get("council")
    # the channels only: the council's database may be the very thing that is broken
    delivery = DeliverySettings.from_lookup(council_lookup(council))
    state = event.rsplit(".", 1)[-1] if event else run.state.name if run.state else "Unknown"
    what = "has not finished" if state in ("Running", "Pending") else f"is {state}"
    name = council or "the council"
    link = (
        f"{PREFECT_UI_URL.value()}/runs/flow-run/{run_id}" if PREFECT_UI_URL.value() else f"flow run {run_id}"
    )
    text = (
        f"Oversight's nightly run for {name} ({run.name}, due "
        f"{run.expected_start_time.astimezone(LONDON):%Y-%m-%d %H:%M} London time) "
        f"{what}. Reminders may not have gone out this morning.\n\nSee {link}\n"
    )
    logger = get_run_logger()
    with Router(delivery) as channel:
        delivered = tell_operators(
            channel,
            delivery,
            f"{run_id}-{state.lower()}",
            f"Oversight: the night for {name} {what}",
            text,
            lambda error: logger.error("alert failed: %s", error),
        )
    if not delivered:
        raise RuntimeError(f"no operator of {name} could be told that its night {what}")
    return delivered
