"""`oversight serve`: one council's nightly schedule and its failure alerts, served from this
process with `flow.serve`, for a council that wants no work pool (README "Single box or work
pool"). The deployments are the ones `prefect.yaml` declares, built in Python."""

from __future__ import annotations

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
from prefect.schedules import Cron

from flows.alert import TRIGGERS, alert
from flows.nightly import nightly


def serve_council(council: str | None, policy: str, cron: str) -> None:
    """Serve until interrupted; runs start in this process at `cron`, Europe/London time."""
    serve(
        nightly.to_deployment(
            name=council or "nightly",
            parameters={"council": council, "policy": policy},
            schedules=[Cron(cron, timezone="Europe/London")],
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
        ),
        alert.to_deployment(
            name="alert", triggers=[DeploymentEventTrigger(**trigger) for trigger in TRIGGERS]
        ),
    )
