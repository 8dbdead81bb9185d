"""Writing a report's files as a council's IT team would want: readable by the service account
only, and never through a link someone planted.

Each file is written whole to a new temporary file beside it (created exclusively, 0600, not
following a link), then renamed over the name: a symbolic link planted at that name is replaced,
never followed, so the page cannot overwrite the file it points to. A folder that is itself a
link is refused.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


class UnsafeFolder(OSError):
    """A report folder that is a symbolic link: nothing is written through it."""


def private_folder(folder: Path) -> Path:
    """`folder`, created 0700 if need be; refused when it is a symbolic link. A folder already
    there costs one look (a night writes thousands of managers' pages into a few folders)."""
    try:
        kind = folder.lstat().st_mode
    except FileNotFoundError:
        kind = None
    if kind is not None and stat.S_ISLNK(kind):
        raise UnsafeFolder(f"the report folder {folder} is a symbolic link; nothing was written through it")
    if kind is None or not stat.S_ISDIR(kind):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def write_private(path: Path, data: bytes) -> Path:
    """`data` as the file `path`, 0600, replacing whatever is at that name (a link included)."""
    private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
