"""Text from the data as a spreadsheet must take it: data, never a formula.

A name such as `=HYPERLINK("http://evil.example","x")` or `+cmd|' /C calc'!A0` in a council's
export would otherwise become a live formula when a manager opens the report in Excel. As
OWASP's CSV injection guidance says, a cell whose text starts with `=`, `+`, `-`, `@`, a tab or
a carriage return is prefixed with a single quote, which spreadsheets show as text; XLSX cells
holding text are also typed as strings explicitly.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_data(text: str) -> str:
    """`text` with a leading quote when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
