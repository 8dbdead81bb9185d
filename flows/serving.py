"""`oversight serve`: one council's nightly schedule and its failure alerts, served from this
process with `flow.serve`, for a council that wants no work pool (README "Single box:
`oversight serve`"). The deployments are those `prefect.yaml` declares, built in Python, under
names of their own (`serve-...`): a server that also holds the work pool's `nightly` and
`alert` must not see them repointed at this process, nor paused when it stops.

Nothing is paused when serve stops: a paused deployment schedules no runs, so a night would go
missing without a word, while an unpaused one whose server is gone turns Late and raises the
alert. Stopping needs no server either, so SIGTERM and SIGINT end it at once.
"""

from __future__ import annotations

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
from prefect.schedules import Cron

from flows.alert import TRIGGERS, alert
from flows.nightly import nightly
from models.home import DEFAULT_COUNCIL


def served_names(council: str | None) -> tuple[str, str]:
    """The served nightly and alert deployments' names: never the work pool's."""
    name = council or DEFAULT_COUNCIL
    return f"serve-{name}", f"serve-{name}-alert"


def serve_council(council: str | None, policy: str, cron: str) -> None:
    """Serve until interrupted; runs start in this process at `cron`, Europe/London time."""
    night, alerts = served_names(council)
    serve(
        nightly.to_deployment(
            name=night,
            parameters={"council": council, "policy": policy},
            schedules=[Cron(cron, timezone="Europe/London")],
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
        ),
        alert.to_deployment(
            name=alerts, triggers=[DeploymentEventTrigger(**trigger) for trigger in TRIGGERS]
        ),
        pause_on_shutdown=False,
    )
