"""`kpicheck report`: golden reports of the demo, read back by real parsers; escaping; templates; bad input."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from markdown_it import MarkdownIt

from conftest import MINI_PLAN, REPO, invoke
from kpicheck.models import Status, quantity_as_printed
from kpicheck.report import choose_years, md_escape
from kpicheck.report_context import year_context, years_context
from kpicheck.rules import evaluate
from kpicheck.statuses import STATUS_DISPLAY, STATUS_LABELS
from kpicheck.workspace import load_city

DEMO = ["--root", str(REPO), "--city", "abashiri", "--as-of", "2027-12-31"]
AREA_HEADER = ["ID", "指標", "基準値", "目標", "実績", "前年度実績", "達成率", "評価", "見込み", "前年度比", "担当"]
HTML_AREA_HEADER = ["ID", "指標", "基準値", "目標", "実績\n前年度", "達成率", "評価", "見込み", "前年度比", "担当"]
ATTENTION_HEADER = ["ID", "指標", "状況", "目標", "実績", "理由", "備考", "要因分析", "今後の方向性"]
SVG = "{http://www.w3.org/2000/svg}"


def report(*args: str) -> Any:
    return invoke("report", *args)


def status_json(*args: str) -> dict[str, Any]:
    result = invoke("status", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# ------------------------------------------------------------------------------------- parsers


class _Tables(HTMLParser):
    """Every <table> as rows of cell texts (<br> as a line break), with each row's attributes; and tag counts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[tuple[dict[str, str | None], list[str]]]] = []
        self.tags: dict[str, int] = {}
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append((dict(attrs), []))
        elif tag in {"td", "th"} and self.tables:
            self._cell = []
            self._depth = 0
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag == "svg" and self._cell is not None:
            self._depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br/>, <rect/>: counted, and a line break in a cell
        if tag in {"svg", "table", "tr", "td", "th"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            self.tables[-1][-1][1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "svg" and self._cell is not None:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._depth:  # chart text inside a cell is not the cell's text
            self._cell.append(data)


def parse_html(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    parser.close()
    return parser


def markdown_html(markdown: str) -> str:
    """The Markdown as a CommonMark renderer with GFM tables sees it."""
    return MarkdownIt("commonmark").enable("table").render(markdown)


def tables(parsed: _Tables, header: list[str] | None = None) -> list[list[tuple[dict[str, str | None], list[str]]]]:
    """Tables (header row first), optionally only those with this header."""
    return [t for t in parsed.tables if header is None or (t and t[0][1] == header)]


def body(table: list[tuple[dict[str, str | None], list[str]]]) -> list[list[str]]:
    return [cells for _, cells in table[1:]]


def svgs(html: str) -> list[ElementTree.Element]:
    """Each inline <svg>…</svg> parsed as XML: well-formed, in the SVG namespace."""
    return [ElementTree.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)]


# ------------------------------------------------------------------------------------- help, golden


def test_help() -> None:
    result = invoke("report", "--help")
    assert result.exit_code == 0
    assert "--years" in result.output and "--template" in result.output


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("report-abashiri-2027.md", ["--year", "2027"]),
        ("report-abashiri-2027.html", ["--year", "2027", "--format", "html"]),
        ("report-abashiri-2026-2030.md", ["--years", "2026-2030"]),
        ("report-abashiri-2026-2030.html", ["--years", "2026-2030", "--format", "html"]),
    ],
)
def test_demo_reports_match_golden(golden: Any, name: str, args: list[str]) -> None:
    result = report(*DEMO, *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    golden(name, result.stdout)


# ------------------------------------------------------------------------------------- structure


@pytest.mark.parametrize("year", ["2025", "2026", "2027"])
def test_markdown_tables_have_the_right_rows_and_columns(year: str) -> None:
    data = status_json(*DEMO, "--year", year)
    result = report(*DEMO, "--year", year)
    assert result.exit_code == 0
    parsed = parse_html(markdown_html(result.stdout))
    assert "script" not in parsed.tags

    summary = tables(parsed, ["状況", "指標数"])
    assert len(summary) == 1
    assert body(summary[0]) == [[STATUS_LABELS[s], str(data["summary"][s.value])] for s in Status] + [
        ["計", str(len(data["indicators"]))]
    ]

    areas = tables(parsed, AREA_HEADER)
    names = list(dict.fromkeys(i["area"] for i in data["indicators"]))
    assert len(areas) == len(names)
    for table, area in zip(areas, names, strict=True):
        rows = body(table)
        assert all(len(row) == len(AREA_HEADER) for row in rows)
        assert [row[0] for row in rows] == [i["id"] for i in data["indicators"] if i["area"] == area]

    attention = tables(parsed, ATTENTION_HEADER)
    wanted = [i for s in ("missed", "behind") for i in data["indicators"] if i["status"] == s]
    assert [row[:2] for row in body(attention[0])] == [[i["id"], i["name"]] for i in wanted]
    assert all(row[2].startswith(i["status_label"]) for row, i in zip(body(attention[0]), wanted, strict=True))
    assert [row[5] for row in body(attention[0])] == [i["reason"] for i in wanted]

    no_data = [i["id"] for i in data["indicators"] if i["status"] == "no_data"]
    assert [row[0] for t in tables(parsed, ["ID", "指標", "目標", "担当"]) for row in body(t)] == no_data

    html = parse_html(report(*DEMO, "--year", year, "--format", "html").stdout)

    def ids(header: list[str]) -> list[list[str | None]]:
        return [[attrs["data-id"] for attrs, _ in t[1:]] for t in tables(html, header)]

    assert ids(ATTENTION_HEADER) == ([[i["id"] for i in wanted]] if wanted else [])
    assert ids(["ID", "指標", "目標", "担当"]) == ([no_data] if no_data else [])


def test_multi_year_markdown_has_a_column_per_year_and_each_years_status() -> None:
    result = report(*DEMO, "--years", "2026-2030")
    assert result.exit_code == 0
    parsed = parse_html(markdown_html(result.stdout))
    years = list(range(2026, 2031))
    by_year = {y: {i["id"]: i for i in status_json(*DEMO, "--year", str(y))["indicators"]} for y in years}
    area_tables = [t for t in parsed.tables if t and t[0][1][:2] == ["ID", "指標"] and len(t[0][1]) == 8]
    assert len(area_tables) == 4
    assert [h.rstrip("※") for h in area_tables[0][0][1][2:7]] == [f"{y}年度" for y in years]
    rows = [row for table in area_tables for row in body(table)]
    assert len(rows) == len(by_year[2026])
    for row in rows:
        assert len(row) == 8
        for year, cell in zip(years, row[2:7], strict=True):
            indicator = by_year[year][row[0]]
            assert cell.splitlines()[-1].split(" ", 1)[1] == indicator["status_label"], (row[0], year)
    summary = tables(parsed, ["年度", *(STATUS_LABELS[s] for s in Status), "計", "達成した指標の割合"])
    assert len(body(summary[0])) == 5


def test_html_has_svg_charts_and_no_script() -> None:
    result = report(*DEMO, "--year", "2027", "--format", "html")
    assert result.exit_code == 0
    html = result.stdout
    parsed = parse_html(html)
    assert "script" not in parsed.tags and "link" not in parsed.tags
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    charts = svgs(html)
    assert charts and all(c.tag == f"{SVG}svg" for c in charts)
    summary = [c for c in charts if "chart-summary" in (c.get("class") or "")]
    assert len(summary) == 1
    assert len(summary[0].findall(f"{SVG}rect")) == len(Status)
    data = year_context(_demo_report(2027))
    bars = [c for c in charts if c.get("class") == "chart chart-progress"]
    assert len(bars) == len(data["progress"]) > 0
    assert parsed.tags["svg"] == len(charts) and parsed.tags["rect"] >= len(Status) + 2 * len(bars)


class _YearCells(HTMLParser):
    """(indicator id, year, data-status, mark and label text) of every multi-year cell."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, int, str, str]] = []
        self._row = ""
        self._cell: tuple[int, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("data-id"):
            self._row = found["data-id"] or ""
        elif tag == "td" and found.get("data-year"):
            self._cell, self._text = (int(found["data-year"] or 0), found.get("data-status") or ""), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells.append((self._row, *self._cell, "".join(self._text)))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)


def test_multi_year_html_cells_follow_each_years_status() -> None:
    result = report(*DEMO, "--years", "2026-2030", "--format", "html")
    assert result.exit_code == 0
    parser = _YearCells()
    parser.feed(result.stdout)
    expected = {(i["id"], y): i for y in range(2026, 2031) for i in status_json(*DEMO, "--year", str(y))["indicators"]}
    assert len(parser.cells) == len(expected)
    for indicator, year, status, text in parser.cells:
        item = expected[(indicator, year)]
        assert status == item["status"]
        assert text.endswith(f"{STATUS_DISPLAY[Status(status)].mark} {item['status_label']}")


def test_multi_year_html_has_a_stacked_bar_per_year() -> None:
    result = report(*DEMO, "--years", "all", "--year", "2027", "--format", "html")
    assert result.exit_code == 0
    (chart,) = svgs(result.stdout)
    titles = [r.findtext(f"{SVG}title") or "" for r in chart.findall(f"{SVG}rect")]
    assert {t.split("年度")[0] for t in titles if "年度" in t} == {str(y) for y in range(2026, 2031)}


def _demo_report(year: int) -> Any:
    city = load_city(REPO, "abashiri")
    plan = next(p for p in city.plans if p.covers(year))
    return evaluate(plan, city.actuals, year, date(2027, 12, 31))


@pytest.mark.parametrize("year", ["2025", "2026", "2027"])
def test_every_status_in_the_json_has_the_same_label_in_both_reports(year: str) -> None:
    data = status_json(*DEMO, "--year", year)
    markdown = parse_html(markdown_html(report(*DEMO, "--year", year).stdout))
    html = parse_html(report(*DEMO, "--year", year, "--format", "html").stdout)
    md_rows = {row[0]: row for table in tables(markdown, AREA_HEADER) for row in body(table)}
    html_rows = {
        attrs["data-id"]: (attrs["data-status"], cells)
        for table in tables(html, HTML_AREA_HEADER)
        for attrs, cells in table[1:]
        if "data-id" in attrs  # not the 備考・要因分析 line under an indicator
    }
    for item in data["indicators"]:
        label = item["status_label"]
        assert md_rows[item["id"]][7] in (label, f"{label}（前年度より改善）")
        assert html_rows[item["id"]] == (item["status"], html_rows[item["id"]][1])
        assert html_rows[item["id"]][1][6] in (label, f"{label}（前年度より改善）")
    for parsed in (markdown, html):
        (summary,) = tables(parsed, ["状況", "指標数"])
        counts = {cells[0]: int(cells[1]) for cells in body(summary)}
        assert {s: counts[STATUS_LABELS[Status(s)]] for s in data["summary"]} == data["summary"]


def test_the_demo_reports_show_every_status_label() -> None:
    """Across its years the demo has every status (test_cli); each reaches both reports with its label."""
    shown_md = set()
    shown_html = set()
    for year in ("2025", "2026", "2027", "2028"):  # 2028 has not started on the demo date
        md = parse_html(markdown_html(report(*DEMO, "--year", year).stdout))
        html = parse_html(report(*DEMO, "--year", year, "--format", "html").stdout)
        shown_md |= {row[7].removesuffix("（前年度より改善）") for t in tables(md, AREA_HEADER) for row in body(t)}
        shown_html |= {attrs.get("data-status") for t in html.tables for attrs, _ in t[1:] if "data-id" in attrs}
    hyuga = ["--root", str(REPO), "--city", "hyuga", "--year", "2025", "--as-of", "2027-12-31"]  # 評価不能
    md = parse_html(markdown_html(report(*hyuga).stdout))
    shown_md |= {row[7].removesuffix("（前年度より改善）") for t in tables(md, AREA_HEADER) for row in body(t)}
    shown_html |= {
        attrs.get("data-status")
        for t in parse_html(report(*hyuga, "--format", "html").stdout).tables
        for attrs, _ in t[1:]
        if "data-id" in attrs
    }
    assert shown_md == set(STATUS_LABELS.values())
    assert shown_html == {s.value for s in Status}


@pytest.mark.parametrize(
    ("city", "year"), [("abashiri", "2027"), ("nemuro", "2027"), ("chitose", "2025"), ("hyuga", "2025")]
)
@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_every_city_gets_a_report(city: str, year: str, fmt: str) -> None:
    args = ["--root", str(REPO), "--city", city, "--as-of", f"{int(year) + 1}-03-31", "--format", fmt]
    one = report(*args, "--year", year)
    assert one.exit_code == 0, one.output
    several = report(*args, "--years", "all", "--year", year)
    assert several.exit_code == 0, several.output
    count = len(status_json("--root", str(REPO), "--city", city, "--year", year)["indicators"])
    parsed = parse_html(markdown_html(one.stdout) if fmt == "markdown" else one.stdout)
    (summary,) = tables(parsed, ["状況", "指標数"])
    assert body(summary)[-1] == ["計", str(count)]


# ------------------------------------------------------------------------------------- escaping

NASTY = "a | b <script>alert(1)</script> *x* [y](z) `c` &amp;\n2行目"


def _nasty_root(make_root: Callable[..., Path]) -> Path:
    note = NASTY.replace('"', '""')
    return make_root(
        {
            "a.csv": "indicator,metric,year,value,as_of,note\n"
            f'rate,,2026,10%,2026-12-31,"{note}"\n'
            "count,,2026,1,2026-12-31,1. first\n"
        }
    )


def test_markdown_escapes_pipes_html_and_line_breaks_in_notes(make_root: Callable[..., Path]) -> None:
    root = _nasty_root(make_root)
    result = report("--root", str(root), "--city", "mini", "--year", "2026", "--as-of", "2026-12-31")
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout
    rendered = markdown_html(result.stdout)
    parsed = parse_html(rendered)
    assert "script" not in parsed.tags and "em" not in parsed.tags and "a" not in parsed.tags
    assert "code" not in parsed.tags and "ol" not in parsed.tags
    (attention,) = tables(parsed, ATTENTION_HEADER)
    rows = {row[0]: row for row in body(attention)}
    assert all(len(row) == len(ATTENTION_HEADER) for row in rows.values())
    assert rows["rate"][6] == NASTY
    assert rows["count"][6] == "1. first"


def test_html_escapes_notes(make_root: Callable[..., Path]) -> None:
    root = _nasty_root(make_root)
    args = ["--root", str(root), "--city", "mini", "--year", "2026", "--as-of", "2026-12-31", "--format", "html"]
    result = report(*args)
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout
    parsed = parse_html(result.stdout)
    assert "script" not in parsed.tags
    (attention,) = tables(parsed, ATTENTION_HEADER)
    note = next(cells[6] for attrs, cells in attention[1:] if attrs["data-id"] == "rate")
    assert note == NASTY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a|b", r"a\|b"),
        ("<b>", r"\<b\>"),
        ("x\ny\r\nz", "x<br>y<br>z"),
        ("*a* _b_ `c` [d] ~e~ #f &g", r"\*a\* \_b\_ \`c\` \[d\] \~e\~ \#f \&g"),
        ("back\\slash", r"back\\slash"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("44.8%", "44.8%"),
        ("2-1-1", "2-1-1"),
        ("-5%", "-5%"),
        ("  spaced  ", "spaced"),
        (None, ""),
        (15000, "15000"),
    ],
)
def test_md_escape(text: object, expected: str) -> None:
    assert md_escape(text) == expected


# ------------------------------------------------------------------------------------- output files


def test_output_writes_the_report_and_its_charts_and_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = report(*DEMO, "--year", "2027", "-o", str(out / "報告 2027.md"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["報告 2027.md", "報告 2027.progress.svg", "報告 2027.summary.svg"]
    text = (out / "報告 2027.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == ["%E5%A0%B1%E5%91%8A%202027.summary.svg", "%E5%A0%B1%E5%91%8A%202027.progress.svg"]
    images = re.findall(r'<img src="([^"]+)"', markdown_html(text))
    assert images == links
    for svg in out.glob("*.svg"):
        content = svg.read_text(encoding="utf-8")
        assert content.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
        root = ElementTree.fromstring(content)
        assert root.tag == f"{SVG}svg" and root.findall(f"{SVG}rect")
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "報告 2027.md").stat().st_mode & 0o777 == 0o666 & ~umask


def test_markdown_on_standard_output_links_no_charts() -> None:
    result = report(*DEMO, "--year", "2027")
    assert "![" not in result.stdout and ".svg" not in result.stdout


def test_html_output_is_inferred_from_the_suffix_and_has_no_side_files(tmp_path: Path) -> None:
    result = report(*DEMO, "--year", "2027", "-o", str(tmp_path / "report.html"))
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert report(*DEMO, "--year", "2027", "--format", "html").stdout == (tmp_path / "report.html").read_text(
        encoding="utf-8"
    )


def test_multi_year_markdown_output_writes_the_years_chart(tmp_path: Path) -> None:
    result = report(*DEMO, "--years", "2026-2030", "-o", str(tmp_path / "y.md"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["y.md", "y.years.svg"]
    assert "![年度別の状況](y.years.svg)" in (tmp_path / "y.md").read_text(encoding="utf-8")


def test_overwrite_keeps_the_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert report(*DEMO, "--year", "2027", "-o", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o640
    assert target.read_text(encoding="utf-8") != "old"


def test_a_failing_template_leaves_the_old_report_untouched(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    target.write_text("old", encoding="utf-8")
    bad = tmp_path / "bad.j2"
    bad.write_text("{{ nothing_here }}", encoding="utf-8")
    result = report(*DEMO, "--year", "2027", "-o", str(target), "--template", str(bad))
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.j2", "r.md"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    result = report(*DEMO, "--year", "2027", "-o", str(tmp_path / "r.md"))
    assert result.exit_code == 2
    assert "KC307" in result.output and "Permission denied" in result.output
    assert list(tmp_path.iterdir()) == []


def _copy_demo(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    for name in ("targets", "actuals"):
        for path in (REPO / name).rglob("*"):
            if path.is_file():
                copy = root / path.relative_to(REPO)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(path.read_bytes())
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "where",
    [
        "targets/abashiri/r.md",
        "actuals/abashiri/r.md",
        "actuals/r.html",
        "targets/../actuals/abashiri/r.md",
        "link/r.md",
    ],
)
def test_refuses_to_write_into_targets_or_actuals(tmp_path: Path, where: str) -> None:
    root = _copy_demo(tmp_path)
    (root / "link").symlink_to(root / "actuals" / "abashiri")
    before = _snapshot(root)
    result = report("--root", str(root), "--city", "abashiri", "--year", "2027", "-o", str(root / where))
    assert result.exit_code == 2
    assert "KC307" in result.output and "の中には書き込みません" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _snapshot(root) == before


def test_refuses_relative_paths_into_targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_demo(tmp_path)
    monkeypatch.chdir(root / "targets")
    before = _snapshot(root)
    result = report("--root", "..", "--city", "abashiri", "--year", "2027", "-o", "abashiri/x.md")
    assert result.exit_code == 2 and "KC307" in result.output
    assert _snapshot(root) == before


# ------------------------------------------------------------------------------------- templates


def test_a_data_roots_template_overrides_the_default_by_name(make_root: Callable[..., Path]) -> None:
    root = make_root()
    (root / "templates").mkdir()
    (root / "templates" / "report.md.j2").write_text(
        "{{ city_name }} {{ summary.no_data }}件未入力\n", encoding="utf-8"
    )
    result = report("--root", str(root), "--city", "mini", "--year", "2026", "--as-of", "2026-12-31")
    assert result.exit_code == 0, result.output
    assert result.stdout == "見本市 5件未入力\n"
    html = report("--root", str(root), "--city", "mini", "--year", "2026", "--as-of", "2026-12-31", "--format", "html")
    assert html.stdout.startswith("<!DOCTYPE html>")  # other names still come from the package


def test_a_root_template_can_extend_the_default_frame(make_root: Callable[..., Path]) -> None:
    root = make_root()
    (root / "templates").mkdir()
    (root / "templates" / "report.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}<p>{{ plan_title }}</p>{% endblock %}', encoding="utf-8"
    )
    args = ["--root", str(root), "--city", "mini", "--year", "2026", "--as-of", "2026-12-31", "--format", "html"]
    result = report(*args)
    assert result.exit_code == 0, result.output
    assert "<p>見本市DX推進計画</p>" in result.stdout and "<style>" in result.stdout


def test_template_option_and_escaping_follow_the_format(tmp_path: Path, make_root: Callable[..., Path]) -> None:
    root = _nasty_root(make_root)
    template = tmp_path / "mine.j2"
    template.write_text("{% for i in attention %}[{{ i.note }}]{% endfor %}\n", encoding="utf-8")
    args = [
        "--root",
        str(root),
        "--city",
        "mini",
        "--year",
        "2026",
        "--as-of",
        "2026-12-31",
        "--template",
        str(template),
    ]
    html = report(*args, "--format", "html")
    assert html.exit_code == 0, html.output
    assert "&lt;script&gt;" in html.stdout and "<script>" not in html.stdout
    markdown = report(*args)
    assert r"\<script\>" in markdown.stdout and "<br>2行目" in markdown.stdout


def test_multi_year_context_lines_up_years(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "indicator,metric,year,value,as_of,note\nrate,,2026,70%,,\nrate,,2027,60%,,\n"})
    city = load_city(root, "mini")
    plan = city.plans[0]
    reports = [evaluate(plan, city.actuals, y, date(2028, 3, 31)) for y in (2026, 2027, 2028)]
    context = years_context(reports)
    (area,) = context["areas"]
    rate = next(r for r in area["rows"] if r["id"] == "rate")
    assert [(c["year"], c["target"], c["actual_text"], c["status"], c["mark"]) for c in rate["cells"]] == [
        (2026, "65%", "70%", "achieved", "◎"),
        (2027, "70%", "60%", "behind", "△"),  # its last day: still running
        (2028, None, "", "not_applicable", "－"),
    ]
    assert [y["started"] for y in context["years"]] == [True, True, False]
    assert [y["achievement"]["text"] for y in context["years"]] == ["100%", "0%", "―"]


# ------------------------------------------------------------------------------------- context


def test_progress_bars_only_for_numeric_thresholds(make_root: Callable[..., Path]) -> None:
    root = make_root(
        {
            "a.csv": "indicator,metric,year,value,as_of,note\n"
            "rate,,2026,52%,,\ncount,,2026,5,,\nplan,,2026,済,,\nspend,,2025,100,,\nspend,,2026,104,,\n"
            "school,es,2026,25%,,\nschool,js,2026,30%,,\n"
        }
    )
    city = load_city(root, "mini")
    context = year_context(evaluate(city.plans[0], city.actuals, 2026, date(2027, 4, 1)))
    progress = {i["id"]: i["progress"] for i in context["indicators"]}
    assert progress["plan"] == [] and progress["spend"] == []  # a milestone; growth has no fixed threshold
    assert [(p["label"], p["ratio"], p["percent"], p["actual_text"], p["target_text"]) for p in progress["rate"]] == [
        ("rate", 0.8, "80.0%", "52%", "≧65%")
    ]
    assert progress["count"][0]["ratio"] == 1.25 and progress["count"][0]["percent"] == "125.0%"
    assert [p["label"] for p in progress["school"]] == ["school 小学校", "school 中学校"]
    assert context["progress"] == [p for i in context["indicators"] for p in i["progress"]]


@pytest.mark.parametrize(
    ("rows", "text", "achieved", "evaluable"),
    [
        ("", "―", 0, 0),  # nothing entered: no rate rather than 0%
        ("rate,,2026,70%,,\ncount,,2026,1,,\n", "50%", 1, 2),
        ("rate,,2026,70%,,\ncount,,2026,1,,\nplan,,2026,未着手,,\n", "33.3%", 1, 3),
    ],
)
def test_achievement_rate_counts_only_indicators_with_a_target_and_an_actual(
    make_root: Callable[..., Path], rows: str, text: str, achieved: int, evaluable: int
) -> None:
    root = make_root({"a.csv": "indicator,metric,year,value,as_of,note\n" + rows})
    city = load_city(root, "mini")
    result = year_context(evaluate(city.plans[0], city.actuals, 2026, date(2027, 4, 1)))["achievement"]
    assert (result["text"], result["achieved"], result["evaluable"]) == (text, achieved, evaluable)


def _legend(parsed: _Tables) -> dict[str, str]:
    """The 状況の区分 table's meaning per label (the one-year table has 状況, 意味; the multi-year one a 記号 first)."""
    (legend,) = [t for t in parsed.tables if t and t[0][1][-2:] == ["状況", "意味"]]
    return {cells[-2]: cells[-1] for cells in body(legend)}


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("years", [[], ["--years", "all"]], ids=["year", "years"])
def test_the_legend_follows_the_plans_pace_tolerance(
    make_root: Callable[..., Path], fmt: str, years: list[str]
) -> None:
    """順調 and 遅れ are judged against the plan's pace_tolerance (rules.py), and the legend says which."""
    root = make_root(plan=MINI_PLAN.replace("last_year = 2028\n", "last_year = 2028\npace_tolerance = 0.9\n"))
    result = report("--root", str(root), "--city", "mini", "--year", "2026", "--as-of", "2026-12-31",
                    "--format", fmt, *years)  # fmt: skip
    assert result.exit_code == 0, result.output
    legend = _legend(parse_html(markdown_html(result.stdout) if fmt == "markdown" else result.stdout))
    assert legend["順調"] == "年度の途中で、実績が経過日数に応じた目安の90%以上（計画の設定による）"
    assert legend["遅れ"] == "年度の途中で、実績が経過日数に応じた目安の90%を下回る、または年度初めの値を下回る"
    assert "95%" not in result.stdout


def test_department_filters_indicators_and_summary() -> None:
    data = status_json(*DEMO, "--year", "2027")
    wanted = [i for i in data["indicators"] if "学校教育課" in i["departments"]]
    result = report(*DEMO, "--year", "2027", "--department", "学校教育課")
    assert result.exit_code == 0
    parsed = parse_html(markdown_html(result.stdout))
    assert [row[0] for t in tables(parsed, AREA_HEADER) for row in body(t)] == [i["id"] for i in wanted]
    (summary,) = tables(parsed, ["状況", "指標数"])
    assert body(summary)[-1] == ["計", str(len(wanted))]
    assert "担当課: 学校教育課" in result.stdout


# ------------------------------------------------------------------------------------- choosing years


@pytest.mark.parametrize(
    ("years", "year", "plan", "expected"),
    [
        ("2026-2030", None, None, ("abashiri-v2", 2026, 2030)),
        ("R8〜R9", None, None, ("abashiri-v2", 2026, 2027)),
        ("２０２７～２０２８", None, None, ("abashiri-v2", 2027, 2028)),
        ("2023", None, None, ("abashiri-v1", 2023, 2023)),
        ("all", 2023, None, ("abashiri-v1", 2021, 2025)),
        ("ALL", None, "abashiri-v2", ("abashiri-v2", 2026, 2030)),
        ("all", None, None, ("abashiri-v2", 2026, 2030)),  # the plan of the as-of date (2027-12-31)
        ("2027-2028", None, "abashiri-v2", ("abashiri-v2", 2027, 2028)),
    ],
)
def test_choose_years(years: str, year: int | None, plan: str | None, expected: tuple[str, int, int]) -> None:
    chosen, fiscal_years = choose_years(load_city(REPO, "abashiri"), years, year, plan, date(2027, 12, 31))
    assert (chosen.id, fiscal_years[0], fiscal_years[-1]) == expected
    assert fiscal_years == list(range(expected[1], expected[2] + 1))


# ------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--year", "2027", "--department", "宇宙課"],
            "KC304 --department '宇宙課': abashiri-v2 にこの担当の指標はありません",
        ),
        (["--year", "2027", "--template", "/no/such/template.j2"], "KC305 --template /no/such/template.j2"),
        (
            ["--year", "2027", "-o", "/no/such/folder/r.md"],
            "KC307 /no/such/folder/r.md: フォルダ /no/such/folder がありません",
        ),
        (["--year", "2027", "--years", "2026-2030"], "KC304 --year と --years A-B はどちらか一方"),
        (["--years", "2025-2027"], "KC302 --years 2025-2027: 2027年度は abashiri-v1"),
        (["--years", "2030-2026"], "KC304 --years 2030-2026: 最初の年度が最後の年度より後です"),
        (["--years", "soon"], "KC304 --years: 'soon' を年度として読めません"),
        (["--years", "2026-2030", "--plan", "abashiri-v1"], "KC302 --years 2026-2030: 2026年度は abashiri-v1"),
        (["--years", "all", "--plan", "v9"], "KC303"),
        (["--year", "2040"], "KC302"),
        (["--year", "2027", "--format", "pdf"], "KC304 --format: 'pdf' は使えません"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = report(*DEMO, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_years_all_without_a_plan_for_the_as_of_date() -> None:
    result = report("--root", str(REPO), "--city", "abashiri", "--years", "all", "--as-of", "2040-01-01")
    assert result.exit_code == 2
    assert "KC302 --years all: abashiri に 2039年度（--as-of の年度）を含む計画はありません" in result.output


def test_output_that_is_a_folder(tmp_path: Path) -> None:
    result = report(*DEMO, "--year", "2027", "-o", str(tmp_path))
    assert result.exit_code == 2 and "KC307" in result.output and ": フォルダです" in result.output


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ nothing_here }}", r"bad\.j2:1: KC306 テンプレートの描画に失敗しました: UndefinedError: 'nothing_here'"),
        ("ok\n{% if %}\n", r"bad\.j2:2: KC306 テンプレートの構文エラー:"),
        ("ok\n{{ 1 / 0 }}\n", r"bad\.j2:2: KC306 テンプレートの描画に失敗しました: ZeroDivisionError"),
        ('{% include "gone.j2" %}', r"KC305 テンプレート 'gone\.j2' が見つかりません（探した場所: "),
        ("{{ city.__class__ }}", r"bad\.j2:1: KC306 .*SecurityError"),
    ],
)
def test_broken_templates_exit_2_with_one_line(tmp_path: Path, template: str, expected: str) -> None:
    bad = tmp_path / "bad.j2"
    bad.write_text(template, encoding="utf-8")
    result = report(*DEMO, "--year", "2027", "--template", str(bad))
    assert result.exit_code == 2
    assert re.search(expected, result.output), result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_broken_default_template_in_the_data_root(make_root: Callable[..., Path]) -> None:
    root = make_root()
    (root / "templates").mkdir()
    (root / "templates" / "report.md.j2").write_text("{% for %}", encoding="utf-8")
    result = report("--root", str(root), "--city", "mini", "--year", "2026")
    assert result.exit_code == 2
    assert re.fullmatch(r".*templates/report\.md\.j2:1: KC306 テンプレートの構文エラー: .*\n", result.output)


# ------------------------------------------------------------------------ one number format per row


@pytest.mark.parametrize(
    ("value", "unit", "printed", "shown"),
    [
        ("15200", "名", "延べ15,000名", "15,200名"),  # the plan prints digits: so is the actual
        ("15200", "名", "公式SNS登録者数 16,000名", "15,200名"),
        ("1280000000", "円", "12億8,000万円", "12億8,000万円"),  # the plan prints 万/億: so is the actual
        ("15200", "人", "1万5千人", "1万5,200人"),
        ("10200000000", "円", "前年比3%増", "102億円"),  # no amount printed: 万/億 from 10,000
        ("9800", "円", "前年比3%増", "9,800円"),
        ("66", "%", "65%", "66%"),
        ("15200", None, "15,000", "15,200"),
        ("12", "千人", "10千人", "12千人"),  # a unit carrying its multiplier as it is
    ],
)
def test_a_number_is_shown_as_the_plan_prints_its_target(
    value: str, unit: str | None, printed: str, shown: str
) -> None:
    assert quantity_as_printed(Decimal(value), unit, printed) == shown


def test_no_row_of_the_demo_reports_mixes_man_with_comma_thousands() -> None:
    """延べ15,000名 beside 1万5,200名 was one row in two formats: a row writes 万 only where its target does."""
    for args in (["--year", "2026"], ["--year", "2027"], ["--years", "2026-2030"]):
        result = report(*DEMO, *args)
        assert result.exit_code == 0, result.output
        for row in result.stdout.splitlines():
            if row.startswith("|") and re.search(r"\d,\d{3}[^\d|]*\|", row):
                assert not re.search(r"\d万", row), row


def test_html_ids_in_the_department_table_never_break_at_a_hyphen() -> None:
    """Each id of 担当課別の状況 is a nowrap span: the list breaks between ids (after 、), never at 3-6- / 2."""
    result = report(*DEMO, "--year", "2027", "--format", "html")
    assert result.exit_code == 0, result.output
    html = result.stdout
    assert re.search(r"td\.ids \.id \{[^}]*white-space: nowrap", html)
    cells = re.findall(r'<td class="ids">(.*?)</td>', html)
    assert cells
    for cell in cells:
        assert re.fullmatch(r'(<span class="id">[^<、]+</span>、)*<span class="id">[^<、]+</span>', cell), cell
