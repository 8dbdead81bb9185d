"""The report as one self-contained HTML page: styles inline, charts as inline SVG, no script and
nothing fetched, so it opens from a file share, prints to PDF and survives being emailed."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from models.compliance.glance import UNRATED
from models.compliance.report import ComplianceReport
from models.compliance.shares import Share
from reports.charts import bar_chart, trend_chart
from reports.table import Column, Format, Table, Value

_ENVIRONMENT = Environment(
    loader=PackageLoader("reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

SECTIONS = (
    (
        "first",
        "Cases with no worker, staff with no supervisor, caseloads",
        ("unallocated", "unsupervised", "caseloads", "high_caseloads"),
    ),
    ("supervision", "1:1 supervision", ("service_trend", "supervision", "trend")),
    ("records", "Supervision records", ("records", "unsigned")),
    ("cases", "Case discussions", ("cases_by_category", "cases_by_team", "overdue_cases")),
    ("people", "People", ("supervisors", "absent_supervisors", "early_career")),
    ("duties", "Recurring duties", ("duties",)),
    ("overdue", "The overdue list", ("overdue",)),
    (
        "evidence",
        "For inspection: the policy and the exceptions",
        (
            "policy",
            "records_by_month",
            "cases_trend",
            "escalations",
            "audit_outcomes",
            "absences",
            "deemed_agreed",
            "disputed",
        ),
    ),
)


RowCache = dict[tuple[Format, ...], dict[tuple[Value, ...], str]]


def render_html(
    report: ComplianceReport, tables: list[Table], evidence: bool = False, rendered: RowCache | None = None
) -> str:
    """The page for the report's tables (`report_tables`, computed once for every format).
    Pages rendered with one `rendered` share their rows' HTML: each manager's view repeats rows
    of the views above it, and a row is rendered once however many pages show it."""
    rendered = {} if rendered is None else rendered
    by_key = {table.key: table for table in tables if table.on_page}
    sections = [
        (anchor, heading, [by_key[key] for key in keys if key in by_key])
        for anchor, heading, keys in SECTIONS
        if any(key in by_key for key in keys)
    ]
    service = report.service
    bands = report.policy.compliance
    trend_title = (
        f"{service.scope.name}: share of supervisees whose 1:1 is within timescale, month ends and today"
    )
    teams_title = "Share of supervisees whose 1:1 is within timescale today, by team, worst first"
    return _ENVIRONMENT.get_template("report.html").render(
        report=report,
        evidence=evidence,
        sections=sections,
        glance=_at_a_glance(report),
        teams=by_key["teams"],
        trend_chart=(
            trend_title,
            trend_chart(trend_title, [*report.months, report.as_of], [*service.trend, service.today], bands),
        ),
        scope_chart=(
            teams_title,
            bar_chart(teams_title, [(row.team, row.supervision, row.rating) for row in report.teams]),
        ),
        section=lambda table: _section(table, rendered),
    )


def _at_a_glance(report: ComplianceReport) -> list[tuple[str, str, str, str]]:
    """The headline figures: (what, figure, rating, how)."""
    bands = report.policy.compliance
    service = report.service
    records = service.records[3]
    cases = Share.total(report.cases_by_category.values())
    return [
        (
            "1:1 supervision within timescale today",
            service.today.label(),
            service.today.rating(bands),
            "#supervision",
        ),
        (
            "Records written on time, last 3 months",
            records.written.label(),
            records.written.rating(bands),
            "#records",
        ),
        (
            "Records signed on time, last 3 months",
            records.signed.label(),
            records.signed.rating(bands),
            "#records",
        ),
        ("Open cases discussed within their interval", cases.label(), cases.rating(bands), "#cases"),
        ("Items overdue tonight", str(len(report.overdue)), "none", "#overdue"),
        ("Supervisors away today", str(len(report.absent)), "none", "#people"),
    ]


def _cell(value: Value, format: Format) -> Markup | str:
    if value is None:
        return "–"
    if format is Format.PERCENT:
        return f"{value:.0f}%"
    if format is Format.RATING:
        word = {"none": "no figure", UNRATED: "not rated"}.get(str(value), str(value))
        return Markup('<span class="rating rating-{0}">{1}</span>').format(value, word)
    if format is Format.CHANGE:
        return "no change" if value == 0 else f"{value:+.0f} pts".replace("-", "\u2212")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 6.0 as 6: equal values read the same (and share a rendered row)
    return str(value)


def _numeric(format: Format) -> bool:
    return format in (Format.NUMBER, Format.PERCENT, Format.CHANGE)


_NUM = ' class="num"'


def _section(table: Table, rendered: RowCache) -> Markup:
    """A table's section: its heading, how it is computed, and its rows, or that there are none.
    Written here rather than by a template macro for the reason `_rows` is."""
    opening, closing = _frame(table.key, table.title, table.method, table.columns, not table.rows)
    return opening + _rows(table, rendered) + closing if table.rows else opening


@lru_cache(maxsize=1024)
def _frame(
    key: str, title: str, method: str, columns: tuple[Column, ...], empty: bool
) -> tuple[Markup, Markup]:
    """What comes before and after a table's rows, worked out once for the pages that show it."""
    opening = Markup(
        '<section id="{0}" aria-labelledby="{0}-title">\n  <h3 id="{0}-title">{1}</h3>\n'
        '  <p class="method">{2}</p>\n'
    ).format(key, title, method)
    if empty:
        return opening + Markup('  <p class="empty">None on this day.</p>\n</section>\n'), Markup()
    opening += Markup(
        '  <div class="scroll"><table data-table="{0}">\n    <thead><tr>{1}</tr></thead>\n    <tbody>\n'
    ).format(key, _headings(columns))
    return opening, Markup("\n    </tbody>\n  </table></div>\n</section>\n")


def _headings(columns: tuple[Column, ...]) -> Markup:
    """The column headings, numbers' right-aligned."""
    return Markup(
        "".join(
            f'<th scope="col"{_NUM if _numeric(column.format) else ""}>{escape(column.name)}</th>'
            for column in columns
        )
    )


def _rows(table: Table, rendered: RowCache) -> Markup:
    """The table's body, each text escaped (a number, a date or a rating is written as such):
    built here rather than by the template cell by cell, since a report and its managers' views
    hold millions of cells at a national service's size and a template call per cell was most of
    their time. A row is looked up in `rendered` first: the same values under the same formats
    give the same HTML."""
    formats = tuple(column.format for column in table.columns)
    known = rendered.setdefault(formats, {})
    opening, closing = _cell_tags(formats)

    def row_html(row: tuple[Value, ...]) -> str:
        html = known.get(row)
        if html is None:
            html = known[row] = (
                "      <tr>"
                + "".join(
                    f"{start}{escape(_cell(value, format)) if isinstance(value, str) else _cell(value, format)}{end}"
                    for start, value, format, end in zip(opening, row, formats, closing, strict=True)
                )
                + "</tr>"
            )
        return html

    return Markup("\n".join(row_html(row) for row in table.rows))


@lru_cache(maxsize=256)
def _cell_tags(formats: tuple[Format, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each cell's opening and closing tags: the first of a row heads it; numbers right-aligned,
    dates kept whole."""
    opening = []
    for index, format in enumerate(formats):
        kind = _NUM if _numeric(format) and index else ' class="date"' if format is Format.DATE else ""
        opening.append(f'<th scope="row"{kind}>' if index == 0 else f"<td{kind}>")
    return tuple(opening), ("</th>", *("</td>" for _ in formats[1:]))
