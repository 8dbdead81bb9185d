"""Grouping findings into one digest per recipient, and rendering it safely (digest §8)."""

from datetime import date

from models.policy.findings import As, Finding, Kind, Recipient, Stage
from notifications.digest import build_digests, every_notice
from notifications.render import TEAMS_LIMIT, render, render_teams
from tests.builders import staff

AS_OF = date(2026, 11, 24)
PEOPLE = {
    m.staff_id: m
    for m in (staff("S", name="Priya <b>Shah</b>"), staff("M", "team_manager", "H", name="Owen Nowak"))
}


def finding(kind: Kind, notify: tuple[Recipient, ...], **extra) -> Finding:
    values = dict(
        kind=kind,
        staff_id="S",
        due=date(2026, 11, 23),
        stage=Stage.CHASE,
        working_days_overdue=1,
        detail="detail",
        rule="records.signed_within_working_days: stoke §13",
        notify=notify,
    )
    values.update(extra)
    return Finding(**values)


def test_each_recipient_gets_one_digest_sectioned_by_what_they_must_do():
    findings = [
        finding(Kind.RECORD_UNSIGNED, (Recipient("S", As.SUPERVISEE),), session_id="X1"),
        finding(Kind.RECORD_NOT_WRITTEN, (Recipient("M", As.SUPERVISOR),), session_id="X2"),
        finding(
            Kind.CASE_DISCUSSION_OVERDUE,
            (Recipient("M", As.SUPERVISOR), Recipient("S", As.WORKER)),
            case_id="C-1",
        ),
    ]
    digests = {
        d.recipient.staff_id: [s.action for s in d.sections]
        for d in build_digests(every_notice(findings), PEOPLE, AS_OF)
    }
    assert digests == {"M": ["write", "cases"], "S": ["sign", "cases"]}


def test_a_supervisee_with_only_records_to_sign_gets_the_short_nudge():
    [digest] = build_digests(
        every_notice([finding(Kind.RECORD_UNSIGNED, (Recipient("S", As.SUPERVISEE),))]), PEOPLE, AS_OF
    )
    rendered = render(digest)
    assert rendered.subject == "Please sign 1 supervision record"
    assert "Thank you for your supervision" in rendered.text


def test_html_is_autoescaped_and_each_item_says_its_policy_in_plain_words_and_lateness():
    [digest] = build_digests(
        every_notice([finding(Kind.RECORD_NOT_WRITTEN, (Recipient("M", As.SUPERVISOR),))]), PEOPLE, AS_OF
    )
    rendered = render(digest)
    assert "Priya &lt;b&gt;Shah&lt;/b&gt;" in rendered.html and "<b>Shah" not in rendered.html
    assert "due 2026-11-23, 1 working day late" in rendered.text
    assert "Policy: The supervisor writes up each supervision within a few working days." in rendered.text
    assert "stoke §13" not in rendered.text + rendered.html  # sources are for the report's methods


def test_a_supervisee_is_told_whom_to_go_to_while_their_supervisor_is_away_never_why():
    people = {
        m.staff_id: m
        for m in (
            staff("S", line_manager_id="M", name="Priya Shah"),
            staff("M", "team_manager", "H", name="Owen <i>Nowak</i>"),
            staff("H", "head_of_service", None, name="Hana Iqbal"),
        )
    }
    away = finding(
        Kind.SUPERVISOR_ABSENT,
        (Recipient("H", As.LINE_MANAGER), Recipient("S", As.SUPERVISEE)),
        staff_id="M",
        detail="away since 2026-10-26 (30 days, more than 2 weeks): arrange supervision for S next due 2026-12-06",
        rule="absence.thresholds: central_beds: supervisor absent more than 2 weeks (unplanned leave or sickness)",
    )
    built = {d.recipient.staff_id: d for d in build_digests(every_notice([away]), people, AS_OF)}
    digests = {staff_id: render(digest) for staff_id, digest in built.items()}
    supervisee = digests["S"]
    [teams] = render_teams(built["S"])
    for text in (supervisee.text, supervisee.html, teams.text):
        assert "sick" not in text.lower() and "unplanned" not in text and "2026-10-26" not in text
        assert "Hana Iqbal will make sure your supervision goes ahead" in text
    assert "Owen &lt;i&gt;Nowak&lt;/i&gt; is away at the moment" in supervisee.html
    assert "arrange supervision for S next due 2026-12-06" in digests["H"].text


def test_a_digest_too_long_for_one_teams_post_goes_as_several_each_item_in_exactly_one():
    findings = [
        finding(
            Kind.RECORD_NOT_WRITTEN, (Recipient("M", As.SUPERVISOR),), session_id=f"X{n}", detail="x" * 80
        )
        for n in range(300)
    ]
    [digest] = build_digests(every_notice(findings), PEOPLE, AS_OF)
    posts = render_teams(digest)
    items = [item.finding.key for post in posts for s in post.digest.sections for item in s.items]
    assert len(posts) > 1 and all(len(post.text) <= TEAMS_LIMIT for post in posts)
    assert sorted(items) == sorted(f.key for f in findings), "every item once"
    assert posts[0].subject.endswith(f"(part 1 of {len(posts)})") and "more" not in posts[-1].text


def test_markdown_in_the_data_is_text_in_a_teams_post():
    """A name that would be a link and bold text in a managers' channel (security review)."""
    hostile = "- [Click here](http://evil.example/phish) **BOLD**"
    people = {**PEOPLE, "S": staff("S", name=hostile)}
    [digest] = build_digests(
        every_notice([finding(Kind.RECORD_NOT_WRITTEN, (Recipient("M", As.SUPERVISOR),))]), people, AS_OF
    )
    [post] = render_teams(digest)
    assert r"- \[Click here\](http://evil.example/phish) \*\*BOLD\*\*" in post.text
    assert "[Click here](" not in post.text and "**BOLD**" not in post.text


def test_an_item_too_long_for_one_teams_post_is_split_across_posts_never_cut():
    """Cover for a supervisor of 400: every supervisee named, in order, in posts that fit."""
    from notifications.settings import DeliverySettings
    from notifications.tonight import compose

    ids = [f"S{n:06d}" for n in range(400)]
    detail = "away since 2026-10-26: arrange supervision for " + ", ".join(
        f"{i} next due 2026-12-01" for i in ids
    )
    item = finding(Kind.SUPERVISOR_ABSENT, (Recipient("M", As.LINE_MANAGER),), detail=detail)
    [digest] = build_digests(every_notice([item]), PEOPLE, AS_OF)
    posts = render_teams(digest)
    assert len(posts) == 2 and all(len(post.text) <= TEAMS_LIMIT for post in posts)
    text = "".join(post.text for post in posts)
    assert [i for i in ids if i in text] == ids and "…" not in text
    settings = DeliverySettings(teams_tags=frozenset({"team-1"}))
    people = {**PEOPLE, "M": PEOPLE["M"]._replace(teams="team-1")}
    messages = compose(every_notice([item]), people, AS_OF, settings)
    assert len({m.key for m in messages}) == len(messages) == len(posts)
