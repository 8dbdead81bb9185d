"""Headless Chromium (Debian's `chromium`) for looking at pages as a person would.

Only loopback pages are opened; background networking is off so Chromium itself calls nowhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
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


def rendered_text(url: str, profile: Path, wait_ms: int = 15000, size: str = "1280,800") -> str:
    """The page's DOM, in a window of `size`, after its scripts have run for `wait_ms` of virtual time."""
    result = subprocess.run(
        [
            chromium_or_skip(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={wait_ms}",
            f"--window-size={size}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout


def screenshot(url: str, profile: Path, path: Path, wait_ms: int = 15000, size: str = "1280,800") -> Path:
    subprocess.run(
        [
            chromium_or_skip(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={wait_ms}",
            f"--window-size={size}",
            "--hide-scrollbars",
            f"--screenshot={path}",
            url,
        ],
        capture_output=True,
        timeout=120,
    )
    return path


def print_to_pdf(url: str, profile: Path, path: Path) -> Path:
    """The page as Chromium prints it (A4 by default), which is how a manager makes a PDF."""
    subprocess.run(
        [
            chromium_or_skip(),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={path}",
            url,
        ],
        capture_output=True,
        timeout=120,
    )
    return path


def kept_output(name: str) -> Path:
    """Where a test keeps what a person would want to look at afterwards (screenshots, PDFs):
    `OVERSIGHT_TEST_OUTPUT`, or `oversight-test-output/` in the system's temporary folder (never
    the checkout, which a test run leaves as it found it)."""
    default = Path(tempfile.gettempdir()) / "oversight-test-output"
    folder = Path(os.environ.get("OVERSIGHT_TEST_OUTPUT") or default) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
