"""Which channel a person's digest goes by: configuration decides, never the data."""

import pytest

from notifications.settings import DeliverySettings

CONFIGURED = DeliverySettings(email_url="mailto://relay.example", teams_tags=frozenset({"team-1"}))


@pytest.mark.parametrize(
    ("teams", "settings", "expected"),
    [
        ("team-1", CONFIGURED, ("teams", "team-1")),  # a tag the operator configured
        (
            "json://evil.example/hook",
            CONFIGURED,
            ("email", None),
        ),  # an address stored before import checked it
        ("workflows://x.logic.azure.com:443/id/sig/", CONFIGURED, ("email", None)),
        ("team-2", CONFIGURED, ("email", None)),  # a tag nobody configured
        (None, CONFIGURED, ("email", None)),
        ("team-1", DeliverySettings(), ("outbox", None)),  # nothing configured: the outbox folder
    ],
)
def test_only_a_configured_tag_sends_to_teams(teams, settings, expected):
    assert settings.channel_for(teams) == expected
