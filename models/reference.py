"""The input reference (`docs/inputs.md`), written from the one declaration of the inputs
(`models.policy.facts.INPUTS`), so that it cannot drift from what import accepts: a test
compares the file with what this writes.

    python -m models.reference > docs/inputs.md
"""

from __future__ import annotations

import inspect

from models.policy.facts import INPUTS, Column, Input

INTRODUCTION = """# Input files

<!-- Written by `python -m models.reference > docs/inputs.md` from the inputs' declaration
(models/policy/facts.py); a test fails when this file differs. Do not edit by hand. -->

A council's nightly export: UTF-8 CSV files with a header row, one file per table, named as
below. `oversight import FOLDER` (or files) applies every file given together, in one
transaction, each row upserted by its key, so the same export can be loaded night after night;
a folder may hold any subset of the files. A blank cell is an absent value, a blank line is
skipped, and columns not listed are ignored, with a warning. A bad file is rejected whole, nothing stored
changes, and every problem is printed as `file:line: column: message` (exit status 2). Ids
name rows across files: a `staff_id`, `case_id` or `session_id` given in one file must exist in
its own file, in this import or an earlier one.

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


if __name__ == "__main__":
    print(inputs_reference(), end="")
