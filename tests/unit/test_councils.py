"""Where a council's settings come from: its own variable, its Secret block, then the shared one,
never another council's database."""

import pytest

from models.councils import CouncilLookup, CouncilSettingsError

ENVIRONMENT = {
    "OVERSIGHT_DATABASE_URL": "sqlite:///shared.db",
    "OVERSIGHT_EMAIL_URL": "mailto://relay.example",
    "OVERSIGHT_HAVERING_DATABASE_URL": "postgresql:///havering",
    "OVERSIGHT_CENTRAL_BEDS_EMAIL_URL": "mailto://beds-relay.example",
}
BLOCKS = {"oversight-stoke-database-url": "postgresql:///stoke", "oversight-database-url": "never used"}


@pytest.mark.parametrize(
    ("council", "setting", "expected"),
    [
        (None, "DATABASE_URL", "sqlite:///shared.db"),  # one council: the plain variable
        ("havering", "DATABASE_URL", "postgresql:///havering"),  # its own variable
        ("stoke", "DATABASE_URL", "postgresql:///stoke"),  # its own Secret block
        ("nelincs", "DATABASE_URL", None),  # never the shared database
        ("havering", "EMAIL_URL", "mailto://relay.example"),  # the shared relay
        ("central-beds", "EMAIL_URL", "mailto://beds-relay.example"),  # '-' is '_' in a variable
        ("havering", "OPERATORS", None),
    ],
)
def test_a_setting_is_the_councils_own_then_the_installations(council, setting, expected):
    lookup = CouncilLookup(council, ENVIRONMENT, BLOCKS.get)
    assert lookup.get(setting) == expected


def test_a_missing_database_names_the_variable_and_the_block_to_set():
    with pytest.raises(CouncilSettingsError) as error:
        CouncilLookup("nelincs", ENVIRONMENT, BLOCKS.get).require("DATABASE_URL")
    assert str(error.value) == (
        "council 'nelincs' has no database_url: set OVERSIGHT_NELINCS_DATABASE_URL "
        "(or the Secret block oversight-nelincs-database-url)"
    )


@pytest.mark.parametrize("name", ["Havering", "havering_2", "2havering", "", "x" * 41, "a/b"])
def test_a_council_name_is_a_plain_slug(name):
    with pytest.raises(CouncilSettingsError):
        CouncilLookup(name, {})


def test_an_installation_wide_outbox_or_reports_folder_holds_one_folder_per_council():
    from models.councils import CouncilLookup

    environ = {"OVERSIGHT_OUTBOX": "/srv/outbox", "OVERSIGHT_NORTH_REPORTS": "/srv/north-reports"}
    north, south = CouncilLookup("north", environ), CouncilLookup("south", environ)
    assert (north.own_folder("OUTBOX"), south.own_folder("OUTBOX")) == (
        "/srv/outbox/north",
        "/srv/outbox/south",
    )
    assert (north.own_folder("REPORTS"), south.own_folder("REPORTS")) == ("/srv/north-reports", None)
    assert CouncilLookup(None, environ).own_folder("OUTBOX") == "/srv/outbox"
