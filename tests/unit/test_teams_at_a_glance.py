"""Every team at a glance: worst first, small teams shown but not rated, the month's change."""

import pytest

from models.compliance.glance import UNRATED, rating, teams_at_a_glance
from models.compliance.shares import Share
from models.policy.policy import Compliance

BANDS = Compliance(green_from=90, amber_from=80, source="test")


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (Share(9, 10), "green"),
        (Share(8, 10), "amber"),
        (Share(7, 10), "red"),
        (Share(3, 3), "green"),  # three supervisees: rated
        (Share(0, 2), UNRATED),  # two: one person's lapse is not a failing team
        (Share(1, 1), UNRATED),  # one: nor is one person's compliance a thriving team
        (Share(0, 0), "none"),  # no one to count
    ],
)
def test_a_team_is_rated_only_with_enough_people_to_rate(share, expected):
    assert rating(share, BANDS) == expected


def test_teams_come_worst_first_with_their_change_since_the_month_end():
    signed = Share(1, 1)
    rows = teams_at_a_glance(
        [
            ("Team 1", Share(9, 10), Share(8, 10), signed),
            ("Directorate", Share(0, 1), Share(1, 1), signed),
            ("Team 2", Share(7, 10), None, signed),
            ("Team 3", Share(6, 10), Share(6, 10), signed),
            ("Team 4", Share(17, 20), Share(19, 20), signed),
        ],
        {"Team 1": Share(4, 5)},
        {"Team 3": 4},
        BANDS,
    )
    assert [(r.team, r.rating, r.change, r.overdue) for r in rows] == [
        ("Team 3", "red", 0, 4),
        ("Team 2", "red", None, 0),  # no figure at the month end: no change shown
        ("Team 4", "amber", -10, 0),
        ("Team 1", "green", 10, 0),
        ("Directorate", UNRATED, -100, 0),
    ]
    assert rows[3].cases == Share(4, 5) and rows[0].cases == Share(0, 0)
