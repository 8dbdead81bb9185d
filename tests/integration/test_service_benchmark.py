"""The service benchmark, small: three councils deployed to a real Prefect server and run by a
process worker each completes, and the relay receives exactly the digests their findings call
for: one to each person a finding asks to act or be told, from that council and no other. Run
again by two stand-in machines (workers with environments of their own), the same nights give
the same digests."""

from __future__ import annotations

import pytest

from benchmarks.service import apart_summary, councils, run_service, summary
from demo.council import DEMO_AS_OF
from models.db import open_database
from models.policy.evaluate import evaluate
from models.policy.policy import load_policy
from models.store import load_snapshot


def _told(database: str, policy: str) -> list[str]:
    """The addresses of everyone the council's findings notify, from its own database."""
    engine = open_database(database)
    snapshot = load_snapshot(engine, DEMO_AS_OF)
    findings = evaluate(snapshot, load_policy(policy), DEMO_AS_OF)
    engine.dispose()
    people = {recipient.staff_id for finding in findings for recipient in finding.notify}
    return sorted(snapshot.staff_by_id[person].email for person in people)


@pytest.mark.server
def test_three_councils_complete_and_the_relay_gets_the_digests_their_findings_call_for(tmp_path):
    three = councils(3, largest=12)
    stages, apart = run_service(three, workers=1, folder=tmp_path, machines=2)

    nights = {night.council.name: night for stage in stages for night in stage.nights}
    assert sorted(nights) == [council.name for council in three]
    assert [stage.councils for stage in stages] == [1, 2, 3]
    for council in three:
        night = nights[council.name]
        assert night.state == "Completed"
        expected = _told(f"sqlite:///{tmp_path / council.name}.db", council.policy)
        assert expected, f"{council.name}: the demo council should need reminders"
        assert sorted(night.received) == expected, council.name
        assert night.sent == len(expected) and night.findings > 0
    figures = summary(stages, workers=1)
    assert (
        figures["messages_delivered"]
        == figures["messages_sent"]
        == sum(len(n.received) for n in nights.values())
    )
    assert figures["states"] == {"Completed": 3}

    assert apart is not None
    again = {night.council.name: night for night in apart.nights}
    assert {name: (n.state, sorted(n.received)) for name, n in again.items()} == {
        name: ("Completed", sorted(n.received)) for name, n in nights.items()
    }
    machines = apart_summary(apart, stages, workers=1, machines=2)
    assert (
        machines["states"] == {"Completed": 3} and machines["messages_delivered"] == figures["messages_sent"]
    )
    ran = "".join((tmp_path / "prefect" / f"worker-machine-{n}.log").read_text() for n in (1, 2))
    assert all(str(night.run_id) in ran for night in apart.nights), "each run taken by a stand-in machine"
