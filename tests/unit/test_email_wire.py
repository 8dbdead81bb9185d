"""What an email looks like on the wire, whatever the data holds (the security review): one
From mailbox however the operator named it, and no line longer than SMTP allows."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.utils import getaddresses

import pytest

from models.messages import Outgoing
from notifications.channels import as_email
from notifications.smtp import Relay


def _relay(name: str) -> Relay:
    return Relay("127.0.0.1", 25, "insecure", "oversight@council.example", name, verify=True)


@pytest.mark.parametrize(
    "name", ["Oversight", "Équipe Oversight", "Ops, Team", 'The "night" team', "Ops <x@evil.example>"]
)
def test_the_from_header_is_one_mailbox_with_the_operators_address(name):
    message = Outgoing("k", "S1", "email", "priya@council.example", "Subject", "text", "<p>html</p>")
    parsed = message_from_bytes(as_email(message, _relay(name).from_header), policy=policy.default)
    [(display, address)] = getaddresses([str(parsed["From"])])
    assert (display, address) == (name, "oversight@council.example")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c"])
def test_a_line_separator_in_the_data_is_a_space_and_no_line_is_too_long_for_smtp(separator):
    """A name with U+2028 made `splitlines()` measure 891 characters while the line went out as
    3,539 bytes: `500 Line too long`, every night."""
    line = ("Priya Shah" + separator) * 300
    message = Outgoing("k", "S1", "email", "priya@council.example", "Subject", line, f"<p>{line}</p>")
    wire = as_email(message, _relay("Oversight").from_header)
    assert max(len(raw) for raw in wire.split(b"\r\n")) <= 998
    body = message_from_bytes(wire, policy=policy.default).get_body(("plain",)).get_content()
    assert separator not in body and "Priya Shah Priya Shah" in body
