"""A large workbook written by a Python process of its own while this one renders the pages.

XlsxWriter is pure Python, about 9 µs a cell: a national service's 1.1 million cells take 10 s
that the machine's second core can take. The process is a new interpreter that imports the
workbook's writer and nothing more (0.2 s). A process from `multiprocessing` would first import
this one's main module again: Prefect's engine in a flow run (2.8 s), the benchmark (1.7 s),
all of it before the workbook could begin.

Run as `python -m reports.workbook_process`, it reads the pickled tables, path and heading on
its standard input and answers on its standard output with the path written or the error
raised, which `WorkbookProcess.result` raises here, the process's traceback added as a note.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from models.heap import collector_paused
from reports.files import write_workbook
from reports.table import Table


class WorkbookProcess:
    """The workbook being written by its own process; as a context manager, it is waited for
    on the way out even when the pages failed, so no half-written file is left behind."""

    def __init__(self, tables: Sequence[Table], path: Path, heading: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},  # this process's imports
        )
        payload = pickle.dumps((list(tables), path, heading), pickle.HIGHEST_PROTOCOL)
        # Sent by a thread: the pipe holds 64 KB and the process reads only once it has started.
        self._sending = threading.Thread(target=self._send, args=(payload,), daemon=True)
        self._sending.start()

    def _send(self, payload: bytes) -> None:
        try:
            with self._process.stdin as pipe:  # type: ignore[union-attr]
                pipe.write(payload)
        except BrokenPipeError:  # the process ended before reading it all: `result` says so
            pass

    def result(self) -> Path:
        """The workbook's path once it is written; what the process raised is raised here."""
        answer, code = self._ended()
        outcome = pickle.loads(answer) if answer else None
        if isinstance(outcome, BaseException):
            raise outcome
        if code != 0 or not isinstance(outcome, Path):
            raise ChildProcessError(f"the workbook's process ended with code {code} and wrote no workbook")
        return outcome

    def _ended(self) -> tuple[bytes, int]:
        """The process's answer and exit code, once it has ended."""
        self._sending.join()
        answer = self._process.stdout.read()  # type: ignore[union-attr]
        self._process.stdout.close()  # type: ignore[union-attr]
        return answer, self._process.wait()

    def __enter__(self) -> WorkbookProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process.returncode is None:  # the pages failed before `result` was asked for
            self._ended()


@collector_paused()  # unpickling a million cells makes as many objects, none of them garbage
def _write_from_parent() -> None:
    tables, path, heading = pickle.load(sys.stdin.buffer)
    outcome: Path | Exception
    try:
        outcome = write_workbook(tables, path, heading)
    except Exception as error:
        error.add_note("raised in the workbook's process:\n" + "".join(traceback.format_exception(error)))
        outcome = error
    pickle.dump(outcome, sys.stdout.buffer)


if __name__ == "__main__":
    _write_from_parent()
