"""The outbox folder: one file per message, named by its key, never written through a link."""

import pytest

from models.messages import Outgoing
from notifications.channels import DeliveryFailed, OutboxFolder


def message(recipient: str) -> Outgoing:
    return Outgoing(
        f"2026-11-24/{recipient}/outbox/abc", recipient, "outbox", "a@council.example", "S", "t", "<p>t</p>"
    )


def test_a_folder_that_is_a_symbolic_link_is_not_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "outbox").symlink_to(elsewhere)
    with pytest.raises(DeliveryFailed, match="symbolic link"):
        OutboxFolder(tmp_path / "outbox").send(message("S1"))
    assert list(elsewhere.iterdir()) == []


def test_a_file_that_is_a_symbolic_link_is_not_written_through(tmp_path):
    target = tmp_path / "target"
    target.write_text("keep")
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / "2026-11-24_S1_outbox_abc.eml").symlink_to(target)
    with pytest.raises(OSError):
        OutboxFolder(tmp_path / "outbox").send(message("S1"))
    assert target.read_text() == "keep"
