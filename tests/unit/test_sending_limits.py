"""What a council's mail service takes: the Graph settings, the pace and quota each sender gets by
default, the warning a night gives when its email cannot all go by the morning, and the order
it sends in when not all can go at once."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from models.councils import CouncilLookup, CouncilSettingsError
from models.messages import Outgoing
from notifications.pace import Limits, SenderPace, shortfall
from notifications.posting import Endpoint
from notifications.settings import DeliverySettings
from notifications.tonight import most_urgent_first

GRAPH = {
    "OVERSIGHT_GRAPH_TENANT_ID": "tenant-1",
    "OVERSIGHT_GRAPH_CLIENT_ID": "app-1",
    "OVERSIGHT_GRAPH_CLIENT_SECRET": "s3cret",
    "OVERSIGHT_GRAPH_SENDER": "oversight@council.gov.uk",
}
LONDON = ZoneInfo("Europe/London")


def delivery(environment: dict[str, str]) -> DeliverySettings:
    return DeliverySettings.from_lookup(
        CouncilLookup(None, {"OVERSIGHT_HOME": "/srv/oversight", **environment})
    )


@pytest.mark.parametrize(
    ("environment", "rate", "daily"),
    [
        (GRAPH, 30, 10_000),  # Exchange Online's limits per mailbox
        ({"OVERSIGHT_EMAIL_URL": "mailtos://u:p@smtp.office365.com:587?from=o@c.gov.uk"}, 30, 10_000),
        ({"OVERSIGHT_EMAIL_URL": "mailtos://u:p@relay.council.gov.uk:587?from=o@c.gov.uk"}, None, None),
        ({**GRAPH, "OVERSIGHT_SEND_RATE": "120", "OVERSIGHT_DAILY_LIMIT": "0"}, 120, None),  # 0: none
        ({}, None, None),  # the outbox folder
    ],
)
def test_each_sender_gets_the_pace_and_quota_of_its_mail_service(environment, rate, daily):
    settings = delivery(environment)
    assert (settings.send_rate, settings.daily_limit) == (rate, daily)
    assert str(settings.senders_folder) == "/srv/oversight/senders"  # shared by every council here


def test_graph_settings_take_email_and_their_secret_is_never_shown():
    settings = delivery(GRAPH)
    assert settings.emails and settings.channel_for(None) == ("email", None)
    assert settings.graph is not None and settings.graph.login_url == "https://login.microsoftonline.com"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("environment", "said"),
    [
        (
            {"OVERSIGHT_GRAPH_TENANT_ID": "t", "OVERSIGHT_GRAPH_SENDER": "o@c.gov.uk"},
            "set OVERSIGHT_GRAPH_CLIENT_ID, OVERSIGHT_GRAPH_CLIENT_SECRET too",
        ),
        ({**GRAPH, "OVERSIGHT_SEND_RATE": "fast"}, "OVERSIGHT_SEND_RATE is 'fast': a number, 0 for no limit"),
        ({"OVERSIGHT_SEND_BY": "9am"}, "OVERSIGHT_SEND_BY is '9am': a time of day such as 09:00"),
    ],
)
def test_a_mistake_in_the_email_settings_says_what_to_set(environment, said):
    with pytest.raises(CouncilSettingsError) as error:
        delivery(environment)
    assert said in str(error.value)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://graph.microsoft.com", True),
        ("https://graph.microsoft.us", True),  # a national cloud
        ("http://127.0.0.1:8080", True),  # a test's stand-in on this machine
        ("http://graph.microsoft.com", False),  # a token in the clear: never
        ("ftp://graph.microsoft.com", False),
    ],
)
def test_graph_is_reached_over_https_except_on_loopback(url, allowed):
    if allowed:
        assert Endpoint.from_url(url, "/v1.0").path == "/v1.0"
    else:
        with pytest.raises(ValueError):
            Endpoint.from_url(url)


AT_0630 = datetime(2026, 11, 24, 6, 30, tzinfo=LONDON)
BY_0900 = datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)
EXCHANGE = Limits(per_minute=30, daily=10_000)


@pytest.mark.parametrize(
    ("messages", "used", "free_at", "said"),
    [
        (4_400, 0, AT_0630, None),  # 150 minutes at a little under 30 a minute: done by 09:00
        (1_705, 0, AT_0630, None),  # the large council: 58 minutes
        (4_500, 0, AT_0630, "take until 09:03, after 09:00"),
        (1_705, 0, datetime(2026, 11, 24, 8, 10, tzinfo=LONDON), "take until 09:07"),  # other councils first
        (1_705, 9_000, AT_0630, "only 1,000 of tonight's 1,705 email messages fit"),
        (0, 10_000, AT_0630, None),
    ],
)
def test_a_night_says_when_its_email_cannot_all_go_by_the_morning(messages, used, free_at, said):
    found = shortfall(messages, EXCHANGE, used, free_at, BY_0900)
    if said is None:
        assert found is None
    else:
        assert said in (found or "") and found.endswith(
            "the most urgent go first (escalations, then chases, then coming up)"
        )


def test_turns_are_spaced_by_the_rate_and_counted_against_the_day(tmp_path):
    now = [1_000_000.0]
    slept: list[float] = []
    pace = SenderPace(
        tmp_path, "o@c.gov.uk", Limits(per_minute=30, daily=3), clock=lambda: now[0], sleep=slept.append
    )
    for _ in range(3):
        pace.take_turn()
    # 30 a minute: a turn each 2 s and a little (so a minute never holds 31), taken before the sleeps
    assert slept == pytest.approx([2.04, 4.08])
    assert pace.used() == (3, pytest.approx(1_000_006.12))
    with pytest.raises(Exception, match="limit of 3 recipients in 24 hours") as spent:
        pace.take_turn()
    assert spent.value.deferred  # type: ignore[attr-defined]
    now[0] += 24 * 3600 + 60  # a day later the quota is free again
    pace.take_turn()


def message(key: str, *stages: str) -> Outgoing:
    return Outgoing(
        key, "S1", "email", "s@c.gov.uk", "subject", "text", "html", tuple((f"f{s}", s) for s in stages)
    )


def test_when_not_all_can_go_the_most_urgent_go_first():
    night = [
        message("upcoming", "upcoming"),
        message("weekly summary"),
        message("chase", "upcoming", "chase"),
        message("escalation", "upcoming", "escalate"),
        message("another chase", "chase"),
    ]
    assert [m.key for m in most_urgent_first(night)] == [
        "escalation",
        "chase",
        "another chase",
        "upcoming",
        "weekly summary",
    ]


def test_send_by_is_a_london_time_of_day():
    assert delivery({"OVERSIGHT_SEND_BY": "08:15"}).send_by == time(8, 15)
