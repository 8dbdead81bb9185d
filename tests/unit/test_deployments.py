"""Every deployment in prefect.yaml can start, and its guards and alerts are the ones the code has."""

import importlib
import inspect
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from flows.alert import TRIGGERS

ROOT = Path(__file__).parents[2]
DEPLOYMENTS = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
NIGHTS = [d for d in DEPLOYMENTS if d["entrypoint"] == "flows/nightly.py:nightly"]


def _flow(deployment):
    path, name = deployment["entrypoint"].split(":")
    return getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), name)


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_every_run_a_deployment_starts_gets_the_parameters_its_flow_needs(deployment):
    signature = inspect.signature(_flow(deployment).fn)
    required = {p for p, v in signature.parameters.items() if v.default is inspect.Parameter.empty}
    starts = [deployment.get("parameters", {})] if deployment.get("schedules") else []
    starts += [trigger["parameters"] for trigger in deployment.get("triggers", [])]
    assert starts, "nothing starts this deployment"
    for parameters in starts:
        assert required <= set(parameters) <= set(signature.parameters)


@pytest.mark.parametrize("deployment", NIGHTS, ids=lambda d: d["name"])
def test_a_councils_nightly_runs_never_overlap(deployment):
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "CANCEL_NEW"}


def test_the_deployed_alert_triggers_are_the_ones_oversight_serve_uses():
    [alert] = [d for d in DEPLOYMENTS if d["entrypoint"] == "flows/alert.py:alert"]
    assert alert["triggers"] == TRIGGERS


@pytest.mark.parametrize(
    "scheduled_start, night",
    [
        ("2026-11-24T06:30:00+00:00", date(2026, 11, 24)),  # winter: London is UTC
        ("2026-06-30T23:30:00+00:00", date(2026, 7, 1)),  # summer: 00:30 BST is the next day
        ("2026-03-29T00:30:00+00:00", date(2026, 3, 29)),  # the night the clocks go forward
    ],
)
def test_a_run_evaluates_the_night_it_was_scheduled_for_in_london(scheduled_start, night):

    from flows.nightly import night_of

    assert night_of(datetime.fromisoformat(scheduled_start)) == night
