"""Text from the files as every renderer shows it (issue 22, items 7 and 8): names that read as numbers or
booleans stay text, bidi controls are made visible, and a word of any length wraps in the HTML report."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from conftest import run
from kpicheck.bidi import BIDI_CONTROLS, visible_bidi
from kpicheck.console import echo_problems
from kpicheck.errors import Problem
from kpicheck.report import md_escape

YEAR = ["--year", "2026", "--as-of", "2026-12-31"]


def _write_root(root: Path, name: str, target: str = "50%", note: str = "メモ") -> Path:
    """A data root of one city `x` whose city name, plan title, area, initiative, department and indicator
    name are all `name`, with one actual (and its note) for 2026."""
    plan = {
        "schema": 1,
        "plan": {"id": "x", "city": "x", "city_name": name, "title": name, "first_year": 2026, "last_year": 2027},
        "areas": [{"id": "1", "name": name}],
        "initiatives": [{"id": "1", "area": "1", "name": name, "departments": [name]}],
        "indicators": [
            {"id": "k", "initiative": "1", "name": name, "unit": "%", "counts": "level",
             "targets": {"2026": target, "2027": "60%"}},
        ],
    }  # fmt: skip
    (root / "targets" / "x").mkdir(parents=True, exist_ok=True)
    (root / "actuals" / "x").mkdir(parents=True, exist_ok=True)
    (root / "targets" / "x" / "plan.toml").write_text(tomli_w.dumps(plan), encoding="utf-8")
    quoted = '"' + note.replace('"', '""') + '"'
    rows = f"indicator,year,value,as_of,note\nk,2026,40,2026-10-01,{quoted}\n"
    (root / "actuals" / "x" / "a.csv").write_text(rows, encoding="utf-8")
    return root


def _column(line: str, text: str) -> int:
    """The display column at which `text` starts in `line`."""
    return wcswidth(line[: line.index(text)])


# ------------------------------------------------------------------ item 7: names that look like values

LOOKALIKES = ["True", "False", "1e5", "0x10", "NaN", "inf", "1_000", "12:30", " 42 ", "-1.5", "1E+05", "None"]
NUMBERISH = st.one_of(
    st.sampled_from(LOOKALIKES),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"\A ?[+-]?[0-9][0-9_]{0,5}(\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})? ?\Z"),
)


def _shown_as_text(out: str, header: str, name: str, row_start: str) -> None:
    """The row starting `row_start` shows `name` exactly (trimmed), left-aligned under `header`."""
    lines = out.splitlines()
    head = next(line for line in lines if header in line.split())
    row = next(line for line in lines if line.startswith(row_start) and name.strip() in line)
    assert _column(row, name.strip()) == _column(head, header), (head, row)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NUMBERISH)
def test_names_that_read_as_numbers_or_booleans_stay_text_in_every_table(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    """tabulate parses `1e5` as 100000.0, `1_000` as 1000, `NaN` as nan and right-aligns them, and cast `False`
    to a bool it then failed to wrap (KC399): every table shows the name as written, where text goes."""
    root = str(_write_root(tmp_path_factory.mktemp("root"), name))
    code, out, err = run("status", "--city", "x", *YEAR, "--root", root)
    assert code == 0 and "KC399" not in err, err
    _shown_as_text(out, "指標", name, "k ")
    code, out, err = run("show", "--city", "x", "--root", root)
    assert code == 0, err
    _shown_as_text(out, "指標", name, "k ")
    code, out, err = run("list", "--root", root)
    assert code == 0, err
    _shown_as_text(out, "市", name, "x ")
    code, out, err = run("summary", *YEAR, "--root", root)
    assert code == 0, err
    assert any(line.startswith(name) for line in out.splitlines()[2:]), out  # laid out by kpicheck: as written
    code, out, err = run("report", "--city", "x", *YEAR, "--root", root)
    assert code == 0, err
    assert f"| k | {md_escape(name)} |" in out
    code, out, err = run("report", "--city", "x", *YEAR, "--format", "html", "--root", root)
    assert code == 0, err
    assert f'<td class="name">{html.escape(name, quote=False)}</td>' in out


# ------------------------------------------------------------------ item 8: bidi controls

RLO = "\u202e"
SPOOF = f"申請{RLO}fdp.exe"  # would show as 申請exe.pdf


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_every_bidi_control_is_written_visibly(control: str) -> None:
    assert visible_bidi(f"a{control}b") == f"a<U+{ord(control):04X}>b"
    assert visible_bidi(visible_bidi(f"a{control}b")) == visible_bidi(f"a{control}b")


def test_other_text_is_left_as_it_is() -> None:
    text = "押印廃止率 65%（令和7年度） \u200b\u200d\u00e9 ‐－"
    assert visible_bidi(text) == text


def test_a_problem_line_shows_a_bidi_control_visibly(capsys: pytest.CaptureFixture[str]) -> None:
    """A control in a message must not reorder the place and code before it on a bidi-aware terminal."""
    echo_problems([Problem("targets/x/plan.toml", 3, None, "KC203", f"指標 {SPOOF} を読めません")])
    assert capsys.readouterr().err == "targets/x/plan.toml:3: KC203 指標 申請<U+202E>fdp.exe を読めません\n"


def _no_controls(text: str) -> bool:
    return not any(ch in text for ch in BIDI_CONTROLS)


def test_a_bidi_control_cannot_reorder_any_output_people_read(tmp_path: Path) -> None:
    root = str(_write_root(tmp_path / "root", SPOOF, note=SPOOF))
    city = ["--city", "x", *YEAR, "--root", root]
    outputs = {
        "status": run("status", *city)[1],
        "show": run("show", "--city", "x", "--root", root)[1],
        "list": run("list", "--root", root)[1],
        "summary": run("summary", *YEAR, "--root", root)[1],
    }
    for fmt in ("markdown", "html"):
        outputs[f"report {fmt}"] = run("report", *city, "--format", fmt)[1]
        years = ["--city", "x", "--years", "2026-2027", "--as-of", "2026-12-31", "--root", root, "--format", fmt]
        outputs[f"years {fmt}"] = run("report", *years)[1]
    assert run("report", *city, "-o", str(tmp_path / "r.md"))[0] == 0
    outputs |= {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("r.*")}
    bad = str(_write_root(tmp_path / "bad", "x", target=f"{RLO}読めない目標"))
    problems = run("status", "--city", "x", *YEAR, "--root", bad)[2]
    assert re.search(r"KC203 .*\\u202e読めない目標", problems), problems  # quoted with repr() already
    outputs["problems"] = problems.replace("\\u202e", "<U+202E>")
    assert sorted(outputs) == sorted([
        "list", "problems", "r.md", "r.summary.svg", "report html", "report markdown", "show", "status", "summary",
        "years html", "years markdown",
    ])  # fmt: skip
    for where, text in outputs.items():
        assert _no_controls(text), where
        markdown, html_page = "markdown" in where or where.endswith(".md"), "html" in where or where.endswith(".svg")
        shown = r"\<U+202E\>" if markdown else "&lt;U+202E&gt;" if html_page else "<U+202E>"
        assert shown in text or where.endswith(".svg"), where  # the summary chart shows counts, no names


def test_json_and_csv_keep_the_exact_text(tmp_path: Path) -> None:
    """JSON and CSV are data, read by programs: they keep the text as the files hold it."""
    root = str(_write_root(tmp_path / "root", SPOOF))
    data = json.loads(run("status", "--city", "x", *YEAR, "--root", root, "--format", "json")[1])
    assert data["indicators"][0]["name"] == SPOOF
    assert SPOOF in run("status", "--city", "x", *YEAR, "--root", root, "--format", "csv")[1]


# ------------------------------------------------------------------ item 8: long words in the report

WORD = "abcdefghij" * 10_000  # 100,000 characters, no space to break at


def _css_rules(page: str) -> dict[str, str]:
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    style = re.sub(r"/\*.*?\*/", "", style, flags=re.S)
    return {sel.strip(): body for sels, body in re.findall(r"([^{}]+)\{([^}]*)\}", style) for sel in sels.split(",")}


def test_a_100000_character_word_wraps_in_the_html_report(tmp_path: Path) -> None:
    """overflow-wrap: anywhere (unlike break-word) lowers a cell's min-content width, so the automatic
    table layout can keep A4 width; a note is inline, not an inline-block a page cannot split.
    Checked by eye in headless Chromium (screen and PDF); here the rules that make it so."""
    root = str(_write_root(tmp_path / "root", f"指標{WORD}", note=f"備考{WORD}"))
    code, page, err = run("report", "--city", "x", *YEAR, "--root", root, "--format", "html")
    assert code == 0, err
    assert f'<td class="name">指標{WORD}</td>' in page
    rules = _css_rules(page)
    assert "overflow-wrap: anywhere" in rules["body"]
    for selector in ("td.name", ".remark", "td.note", "tr.remarks td", "table", "td"):
        assert "nowrap" not in rules.get(selector, ""), selector
        assert "inline-block" not in rules.get(selector, ""), selector
    assert "min-width" in rules["td.target"] and "min-width" in rules["td.actual"]


def test_a_100000_character_word_stays_one_markdown_cell(tmp_path: Path) -> None:
    """Markdown has no layout of its own: the word is left whole in its cell for the viewer to wrap."""
    root = str(_write_root(tmp_path / "root", f"指標{WORD}"))
    code, text, err = run("report", "--city", "x", *YEAR, "--root", root)
    assert code == 0, err
    assert any(line.startswith(f"| k | 指標{WORD} |") for line in text.splitlines())
