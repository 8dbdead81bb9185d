"""Every deployment in prefect.yaml points at a flow that takes the parameters it passes."""

import importlib
import inspect
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
DEPLOYMENTS = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_deployment_parameters_match_the_flow_signature(deployment):
    path, name = deployment["entrypoint"].split(":")
    flow = getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), name)
    signature = inspect.signature(flow.fn)
    assert set(deployment.get("parameters", {})) <= set(signature.parameters)
    required = {p for p, v in signature.parameters.items() if v.default is inspect.Parameter.empty}
    assert required <= set(deployment.get("parameters", {})), "a scheduled run must be able to start"


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_nightly_runs_never_overlap(deployment):
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "CANCEL_NEW"}
