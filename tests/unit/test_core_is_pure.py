"""The policy core and the compliance figures import no framework and read no clock (STYLE.md,
points 3 and 11)."""

import ast
from pathlib import Path

import pytest

MODELS = Path(__file__).parents[2] / "models"
CORE = [*(MODELS / "policy").glob("*.py"), *(MODELS / "compliance").glob("*.py")]
FRAMEWORKS = ("sqlalchemy", "prefect", "apprise", "jinja2", "alembic")
CLOCK = ("today", "now", "utcnow", "time")


@pytest.mark.parametrize("module", sorted(CORE), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_core_imports_no_framework_and_reads_no_clock(module):
    tree = ast.parse(module.read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [name for name in imported if name.split(".")[0] in FRAMEWORKS] == []
    calls = [
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    ]
    assert [name for name in calls if name in CLOCK] == []
