"""The input reference (`docs/inputs.md`) and the findings reference (`docs/findings.md`),
written from the one declaration of the inputs (`models.policy.facts.INPUTS`) and of the kinds
of finding (`models.policy.findings.Kind`), so that they cannot drift from what import accepts
and what the night raises: a test compares each file with what this writes.

    python -m models.reference inputs > docs/inputs.md
    python -m models.reference findings > docs/findings.md
"""

from __future__ import annotations

import inspect

from models.policy.facts import INPUTS, Column, Input
from models.policy.findings import Kind

INTRODUCTION = """# Input files

<!-- Written by `python -m models.reference inputs > docs/inputs.md` from the inputs' declaration
(models/policy/facts.py); a test fails when this file differs. Do not edit by hand. -->

A council's nightly export: UTF-8 CSV files with a header row, one file per table, named as
below. `oversight import FOLDER` (or files) applies every file given together, in one
transaction, each row upserted by its key, so the same export can be loaded night after night;
a folder may hold any subset of the files. A blank cell is an absent value, a blank line is
skipped, and columns not listed are ignored, with a warning. A bad file is rejected whole, nothing stored
changes, and every problem is printed as `file:line: column: message` (exit status 2). Ids
name rows across files: a `staff_id`, `case_id` or `session_id` given in one file must exist in
its own file, in this import or an earlier one.

**Spreadsheets.** An XLSX workbook may hold any of the inputs, one sheet each, named after the
input (`staff`, or `staff.csv`), row 1 its header, read through the same checks (a workbook named
after an input, `staff.xlsx`, may hold it on its only sheet). Cells are read as values, never as
formulas: a date cell is its day, a whole number its digits. Problems are named
`file:sheet:row: column: message`; other sheets are skipped with a warning.

Nothing in these files chooses where a message goes: `email` is one plain address, `teams` a
tag the operator configured. Cases are named by reference only, never by a child's name, and no
file holds the content of a supervision.
"""


def inputs_reference() -> str:
    """The whole of `docs/inputs.md`."""
    parts = [INTRODUCTION, _summary()]
    parts += [_input(table) for table in INPUTS]
    return "\n".join(parts)


def _summary() -> str:
    rows = [
        f"| [`{table.file}`](#{table.name}) | {_first_sentence(table)} | "
        + ", ".join(f"`{key}`" for key in _keys(table))
        + " |"
        for table in INPUTS
    ]
    return "\n".join(["| file | holds | key |", "|---|---|---|", *rows, ""])


def _input(table: Input) -> str:
    lines = [f'<a id="{table.name}"></a>', f"## `{table.file}`", "", _description(table), ""]
    lines += [
        f"Key: {', '.join(f'`{key}`' for key in _keys(table))} (a row with the same key replaces the stored one)."
    ]
    if table.owner:
        lines += [
            f"Whose record: `{table.owner}` (destroyed with a leaver's other records once the "
            "policy's retention period has passed)."
        ]
    lines += ["", "| column | required | holds | meaning |", "|---|---|---|---|"]
    lines += [_column(column) for column in table.columns]
    return "\n".join([*lines, ""])


def _column(column: Column) -> str:
    required = "no" if column.optional else "yes"
    if column.optional and column.default not in (None, False):
        required = f"no (default {column.default:g})" if isinstance(column.default, float) else "no"
    return f"| `{column.header}` | {required} | {column.value.says} | {column.note} |"


def _keys(table: Input) -> tuple[str, ...]:
    headers = {column.name: column.header for column in table.columns}
    return tuple(headers[key] for key in table.key)


def _description(table: Input) -> str:
    text = inspect.getdoc(table.fact) or ""
    if text.startswith(f"{table.fact.__name__}("):  # a NamedTuple's own, generated docstring
        return ""
    return " ".join(text.split("\n\n")[0].split())


def _first_sentence(table: Input) -> str:
    description = _description(table)
    return description.split(". ")[0].rstrip(".").replace("|", "/") if description else ""


FINDINGS = """# The findings JSON

<!-- Written by `python -m models.reference findings > docs/findings.md` from the kinds'
declaration (models/policy/findings.py); a test fails when this file differs. Do not edit by hand. -->

`oversight findings --as-of DAY [--policy NAME] [--council NAME]` prints the day's findings as
one JSON document and sends nothing. The nightly run raises the same findings, keeps them in the
`findings` table, and builds its reminders and its report from them.

```json
{
  "as_of": "2026-11-24",
  "policy": "default",
  "findings": [
    {
      "kind": "record_unsigned",
      "staff_id": "S1",
      "case_id": null,
      "session_id": "X1",
      "due": "2026-11-23",
      "working_days_overdue": 1,
      "stage": "chase",
      "notify": [{"staff_id": "S1", "as": "supervisee"}],
      "detail": "record circulated 2026-11-16 is not signed"
    }
  ]
}
```

| field | holds |
|---|---|
| `as_of` | the day evaluated, `YYYY-MM-DD` (Europe/London) |
| `policy` | the policy applied, as named (a preset or a file) |
| `kind` | what is due or overdue: one of the kinds below |
| `staff_id` | whose it is (the supervisee, the supervisor away, the case's worker); `null` only for a case that never had a worker |
| `case_id`, `session_id` | the case (by its reference, never a child's name) or the session it is about, else `null` |
| `due` | the day it falls or fell due |
| `working_days_overdue` | working days past `due` (weekends, England's bank holidays and the council's closures excluded); 0 while not yet due |
| `stage` | `upcoming` (not yet due), `chase` (overdue) or `escalate` (overdue past the policy's escalation point) |
| `notify` | who is told, and as what: `supervisee`, `supervisor`, `line_manager`, `worker` or `cover` |
| `detail` | one line in plain words; never the content of a supervision, never why anyone is away |

Findings are sorted by `kind`, `staff_id`, `case_id`, `session_id`, so the same day's document is
the same every time. When each kind is raised, and who is told, is in [policy.md](policy.md).

| kind | means | the digest section it is in | the report figure that counts it |
|---|---|---|---|
"""


def findings_reference() -> str:
    """The whole of `docs/findings.md`."""
    rows = [f"| `{kind.value}` | {kind.label} | {kind.action.title} | {kind.figure.value} |" for kind in Kind]
    return FINDINGS + "\n".join(rows) + "\n"


REFERENCES = {"inputs": inputs_reference, "findings": findings_reference}

if __name__ == "__main__":
    import sys

    print(REFERENCES[sys.argv[1] if len(sys.argv) > 1 else "inputs"](), end="")
