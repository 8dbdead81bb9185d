"""Whatever `oversight policy check` accepts, a night runs on (the security review: a policy that
passed the check stopped `findings` and `report` with OverflowError). Hypothesis writes policy
files that change the default's numbers and intervals to anything a file could hold; each is
either refused with a `PolicyError` or evaluated, reported on and rendered without an error."""

from __future__ import annotations

from datetime import date

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.compliance.report import build_report
from models.policy.evaluate import evaluate
from models.policy.policy import PolicyError, load_policy
from tests.builders import absence, agreement, case, council, discussed, held, staff

DAYS = [date(2026, 11, 24), date(2026, 12, 31), date(2026, 2, 28)]
NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=400),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e30", "1.0e+30", "", "3", None, True]),
)
SPANS = st.one_of(
    st.builds(
        lambda n, unit: f"{n} {unit}",
        st.integers(-2, 1500),
        st.sampled_from(["day", "days", "weeks", "months", "years"]),
    ),
    st.sampled_from(["weekly", "monthly", "99-weekly", "99-monthly", "0-weekly", "yearly", "", "quarterly"]),
    st.text(max_size=12),
)
# Where each strategy is written in a policy that extends the default.
SETTINGS = {
    ("upcoming_within_days",): NUMBERS,
    ("escalation", "after_working_days"): NUMBERS,
    ("escalation", "remind_every_working_days"): NUMBERS,
    ("rebooking", "within_working_days"): NUMBERS,
    ("records", "written", "within_working_days"): NUMBERS,
    ("records", "signed", "within_working_days"): NUMBERS,
    ("cases", "first", "within_working_days"): NUMBERS,
    ("supervision", "default", "every"): SPANS,
    ("cases", "default", "every"): SPANS,
    ("agreements", "signed", "within"): SPANS,
    ("agreements", "review", "every"): SPANS,
    ("appraisals", "every"): SPANS,
    ("compliance", "green_from"): NUMBERS,
}


def _nest(changes: dict[tuple[str, ...], object]) -> dict:
    policy: dict = {"extends": "default", "name": "generated", "title": "Generated"}
    for path, value in changes.items():
        node = policy
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    if "appraisals" in policy:
        policy["appraisals"].setdefault("source", "generated")
    return policy


SNAPSHOT = council(
    staff(start_date=date(2025, 1, 6), probation_end=date(2026, 12, 1)),
    held(date(2026, 10, 1)),
    held(date(2026, 9, 1), "X2", record_written_on=None, record_circulated_on=None),
    agreement(date(2025, 1, 10)),
    case("cp", date(2026, 1, 5)),
    discussed(date(2026, 9, 1)),
    absence("M", "sickness", date(2026, 10, 1)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(st.sampled_from(sorted(SETTINGS)), st.none(), min_size=1, max_size=4).flatmap(
        lambda chosen: st.fixed_dictionaries({path: SETTINGS[path] for path in chosen})
    )
)
def test_a_policy_that_passes_the_check_runs(tmp_path_factory, changes):
    path = tmp_path_factory.mktemp("policy") / "policy.yaml"
    path.write_text(yaml.safe_dump(_nest(changes)), encoding="utf-8")
    try:
        policy = load_policy(str(path))
    except PolicyError:
        return  # refused, with a line naming the file: what the check is for
    for day in DAYS:
        findings = evaluate(SNAPSHOT, policy, day)
        build_report(SNAPSHOT, policy, findings, day)
