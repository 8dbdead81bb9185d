"""Headless Chromium (Debian's `chromium`) for looking at pages as a person would.

Only loopback pages are opened; background networking is off so Chromium itself calls nowhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("OVERSIGHT_REQUIRE_BROWSER") == "1":
        pytest.fail("OVERSIGHT_REQUIRE_BROWSER=1 but chromium is not installed (scripts/with-chromium)")
    pytest.skip("no chromium: run the tests through `make test`")


def rendered_text(url: str, profile: Path, wait_ms: int = 15000) -> str:
    """The page's DOM after its scripts have run for `wait_ms` of virtual time."""
    result = subprocess.run(
        [
            chromium_or_skip(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={wait_ms}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout


def screenshot(url: str, profile: Path, path: Path, wait_ms: int = 15000) -> Path:
    subprocess.run(
        [
            chromium_or_skip(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={wait_ms}",
            "--window-size=1280,800",
            f"--screenshot={path}",
            url,
        ],
        capture_output=True,
        timeout=120,
    )
    return path
