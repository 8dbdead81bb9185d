"""The nightly report page as a person sees it: opened in headless Chromium from a loopback server,
its figures read off the rendered page and checked against the findings, a screenshot and a
printed PDF kept as test output (`oversight-test-output/report/` in the temporary folder).

Headless Chromium cannot dump a page with JavaScript switched off, so "works with JavaScript
off" is checked on the file: no script, no event handler, no `javascript:` link."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from cli.main import app
from demo.council import DEMO_AS_OF, DEMO_POLICY
from tests.browser import kept_output, print_to_pdf, rendered_text, screenshot
from tests.loopback import static_site

DAY = DEMO_AS_OF.isoformat()


class Tables(HTMLParser):
    """The text of every cell of every `data-table`, by table key, and the page's headings."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[tuple[str, str]] = []
        self.scoped_headers = self.headers = 0
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-table"):
            self._table = found["data-table"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
            if tag == "th":
                self.headers += 1
                self.scoped_headers += found.get("scope") in ("col", "row")
        elif tag in ("h1", "h2", "h3"):
            self._heading, self._text = tag, []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._heading:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == self._heading:
            self.headings.append((tag, "".join(self._text).strip()))
            self._heading = None

    def rows(self, key: str) -> list[dict[str, str]]:
        header, *rows = self.tables[key]
        return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def report_page(prefect_server, tmp_path_factory):
    """The demo council's night, run through the nightly flow; the page it wrote, and the findings."""
    folder = tmp_path_factory.mktemp("demo")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as env:
        for name in ("OVERSIGHT_DATABASE_URL", "OVERSIGHT_OUTBOX", "OVERSIGHT_REPORTS"):
            env.setenv(name, "")  # the demo sets these for its process: put them back afterwards
        result = runner.invoke(app, ["demo", "--folder", str(folder)])
        assert result.exit_code == 0, result.output
        night = ["findings", "--as-of", DAY, "--policy", str(DEMO_POLICY)]
        findings = json.loads(runner.invoke(app, night).stdout)["findings"]
    page = folder / "reports" / f"compliance-{DAY}.html"
    assert f"Compliance report: {page}" in result.stdout
    return page, findings


@pytest.fixture
def site(report_page):
    """The report's folder on loopback, as a browser on a council laptop would open it."""
    with static_site(report_page[0].parent) as served:
        yield served


def test_the_page_opens_with_javascript_off_and_fetches_nothing_but_itself(report_page, site, tmp_path):
    page, _ = report_page
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<script|\son[a-z]+=|javascript:", html, re.IGNORECASE)
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    dom = rendered_text(site.url(page.name), tmp_path / "chromium", wait_ms=2000)
    assert site.requested == [f"/{page.name}"]
    assert "Supervision compliance" in dom


def test_the_figures_on_the_page_are_the_findings(report_page, site, tmp_path):
    page, findings = report_page
    dom = rendered_text(site.url(page.name), tmp_path / "chromium", wait_ms=2000)
    tables = Tables()
    tables.feed(dom)
    kinds = Counter(f["kind"] for f in findings)
    service = next(row for row in tables.rows("supervision") if row["Scope"] == "Whole service")
    assert int(service["Of"]) - int(service["Within"]) == kinds["supervision_overdue"] > 0
    percent = round(100 * int(service["Within"]) / int(service["Of"]))
    assert service["%"] == f"{percent}%" and service["Rating"] in ("green", "amber", "red")
    assert len(tables.rows("overdue_cases")) == kinds["case_discussion_overdue"] > 0
    assert {r["Case reference"] for r in tables.rows("overdue_cases")} == {
        f["case_id"] for f in findings if f["kind"] == "case_discussion_overdue"
    }
    late = [r for r in tables.rows("unsigned") if r["Past the deadline"] == "yes"]
    assert len(late) == kinds["record_unsigned"]
    by_case = ("case_discussion_overdue", "case_unallocated")  # listed by case, in tables of their own
    listed = [f for f in findings if f["stage"] != "upcoming" and f["kind"] not in by_case]
    assert len(tables.rows("overdue")) == len(listed)
    assert (
        {r["Case reference"] for r in tables.rows("unallocated")}
        == {f["case_id"] for f in findings if f["kind"] == "case_unallocated"}
        != set()
    )
    trend = tables.rows("service_trend")
    assert [r["Day"] for r in trend][-2:] == ["2026-10-31", DAY] and trend[-1]["Within"] == service["Within"]
    # each recurring duty: those past due are the night's findings of its kind
    duties = {r["Duty"]: r for r in tables.rows("duties")}
    overdue = Counter(f["kind"] for f in findings if f["stage"] != "upcoming")

    def missed(*names: str) -> int:
        return sum(int(duties[name]["Of"]) - int(duties[name]["Within"]) for name in names)

    assert missed("Appraisal held") == overdue["appraisal_due"] > 0
    # the demo began practice observations on 1 June 2026: they are coming up, none is years late
    assert missed("Practice observed", "Supervision observed") == overdue["observation_due"]
    assert any("since the duty began on 2026-06-01" in f["detail"] for f in findings)
    audits = [name for name in duties if name.startswith("Supervision files audited by each")]
    assert missed(*audits) == overdue["supervision_audit_due"] > 0
    # at a glance, the same figure as the table
    assert f"{percent}% ({service['Within']} of {service['Of']})" in dom


def test_the_page_is_accessible_printable_and_kept_as_a_picture(report_page, site, tmp_path):
    page, _ = report_page
    tables = Tables()
    tables.feed(rendered_text(site.url(page.name), tmp_path / "chromium", wait_ms=2000))
    assert [text for tag, text in tables.headings if tag == "h1"] == ["Supervision compliance"]
    assert tables.headers == tables.scoped_headers > 0  # every header cell says what it heads
    html = page.read_text(encoding="utf-8")
    assert html.count('role="img"') == html.count("<svg") == 2 and html.count("<title>") == 3
    kept = kept_output("report")
    top = screenshot(site.url(page.name), tmp_path / "chromium", kept / "report-top.png", 2000, "1280,1600")
    pdf = print_to_pdf(site.url(page.name), tmp_path / "chromium", kept / "report.pdf")
    assert top.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and top.stat().st_size > 50_000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.read_bytes().count(b"/Type /Page") > 3


# Measures the page as laid out: elements reaching past the window's right edge (outside a
# scrolling table or chart), and tables or charts that need scrolling. Added to a copy of the page
# only: the report itself has no script.
MEASURE = """<script>
window.addEventListener("load", () => {
  const width = window.innerWidth;
  const past = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest(".scroll"))
    .map(e => e.tagName.toLowerCase() + "." + e.className);
  const scrolling = [...document.querySelectorAll(".scroll")]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.querySelector("table") ? e.querySelector("table").dataset.table : "chart");
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify({width, page: document.documentElement.scrollWidth, past, scrolling});
  document.body.appendChild(out);
});
</script></body>"""
PHONE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" src="measured.html" width="390" height="800" style="border:0"></iframe>
<script>document.getElementById("phone").addEventListener("load", () => {
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = document.getElementById("phone").contentDocument.getElementById("measured").textContent;
  document.body.appendChild(out);
});</script></body></html>"""


def _measured(dom: str) -> dict:
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom)
    assert found, "the page was not measured"
    return json.loads(found.group(1).replace("&quot;", '"'))


def test_every_team_is_on_the_first_screen_worst_first_and_nothing_is_cut_off_on_screen_phone_or_a4(
    report_page, site, tmp_path
):
    page, _ = report_page
    tables = Tables()
    tables.feed(rendered_text(site.url(page.name), tmp_path / "chromium", wait_ms=2000))
    teams = tables.rows("teams")
    ratings = [row["Rating"] for row in teams]
    order = ["red", "amber", "green", "not rated", "no figure"]
    assert ratings == sorted(ratings, key=order.index) and len(teams) == 5
    assert {row["Team"]: row["Rating"] for row in teams if int(row["Of"]) < 3} == {
        "Directorate": "not rated",  # one person's status is not a team's
        "Service 1": "not rated",
    }
    (page.parent / "measured.html").write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE))
    (page.parent / "phone.html").write_text(PHONE)
    desk = _measured(rendered_text(site.url("measured.html"), tmp_path / "chromium", 3000, "1280,900"))
    assert (desk["past"], desk["scrolling"]) == ([], []), desk  # every column in view at 1280 px
    phone = _measured(rendered_text(site.url("phone.html"), tmp_path / "chromium", 3000, "1280,900"))
    assert phone["width"] == 390 and phone["page"] <= 390 and phone["past"] == [], phone  # tables scroll
    kept = kept_output("report")
    screenshot(site.url("phone.html"), tmp_path / "chromium", kept / "report-390.png", 3000, "420,900")
    pdf = print_to_pdf(site.url(page.name), tmp_path / "chromium", kept / "report-a4.pdf").read_bytes()
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf))
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}  # A4, not US Letter


def test_a_team_managers_view_names_only_their_team_and_fits_the_screen(report_page, site, tmp_path):
    """The page the night wrote for Team 1's managers: its own figures, only its people in every
    list, and, like the whole report, every column in view at 1280 px."""
    page, findings = report_page
    view = page.parent / "teams" / "team-1" / page.name
    tables = Tables()
    tables.feed(rendered_text(site.url(f"teams/team-1/{page.name}"), tmp_path / "chromium", wait_ms=2000))
    assert [row["Team"] for row in tables.rows("teams")] == ["Team 1"]
    listed = tables.rows("overdue") + tables.rows("overdue_cases") + tables.rows("early_career")
    assert listed and {row["Team"] for row in listed} == {"Team 1"}
    every_team = [f for f in findings if f["kind"] == "case_discussion_overdue"]
    assert len(tables.rows("overdue_cases")) < len(every_team)  # the other teams' cases are not on it
    (view.parent / "measured.html").write_text(view.read_text(encoding="utf-8").replace("</body>", MEASURE))
    desk = _measured(
        rendered_text(site.url("teams/team-1/measured.html"), tmp_path / "chromium", 3000, "1280,900")
    )
    assert (desk["past"], desk["scrolling"]) == ([], []), desk
