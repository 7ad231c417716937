"""`kpicheck summary`: every city of a root in one run, one row each; a broken city never hides the others."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from wcwidth import wcswidth

from conftest import MINI_PLAN, REPO, invoke
from kpicheck.console import Progress
from kpicheck.grading import achievement
from kpicheck.models import Status
from kpicheck.render_summary import json_chunks
from kpicheck.rules import evaluate
from kpicheck.summary import Totals, document, heading
from kpicheck.workspace import load_city, pick_plan


def plan_of(city: str, name: str) -> str:
    return (
        MINI_PLAN.replace('id = "mini"', f'id = "{city}-plan"')
        .replace('city = "mini"', f'city = "{city}"')
        .replace('city_name = "見本市"', f'city_name = "{name}"')
    )


ACTUALS = "indicator,metric,year,value,as_of\nrate,,2027,72%,2027-09-30\ncount,,2027,1,2027-09-30\n"


def write_root(root: Path, cities: dict[str, str], broken: tuple[str, ...] = ()) -> Path:
    """A root of mini-plan cities (id -> name); those in `broken` get a target file TOML cannot read."""
    for city, name in cities.items():
        (root / "targets" / city).mkdir(parents=True)
        text = plan_of(city, name) if city not in broken else 'schema = 1\n[plan\nid = "x"\n'
        (root / "targets" / city / "plan.toml").write_text(text, encoding="utf-8")
        (root / "actuals" / city).mkdir(parents=True)
        (root / "actuals" / city / "a.csv").write_text(ACTUALS, encoding="utf-8")
    return root


def test_help() -> None:
    result = invoke("summary", "--help")
    assert result.exit_code == 0
    assert "--cities" in result.output
    assert "市町村" in result.output


def test_shipped_root_agrees_with_status() -> None:
    """Each city's row holds exactly what `status --format json` and the report's 達成率 say."""
    result = invoke("summary", "--root", str(REPO), "--year", "2027", "--as-of", "2027-12-31", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = {row["city"]: row for row in data["cities"]}
    assert list(rows) == ["abashiri", "chitose", "hyuga", "nemuro"]
    assert [rows[c]["state"] for c in rows] == ["ok", "no_plan", "no_plan", "ok"]
    for city in ("abashiri", "nemuro"):
        status = invoke("status", "--root", str(REPO), "--city", city, "--year", "2027", "--as-of", "2027-12-31",
                        "--format", "json")  # fmt: skip
        expected = json.loads(status.stdout)
        assert rows[city]["summary"] == expected["summary"]
        assert rows[city]["plan"] == expected["plan"]
        assert rows[city]["city_name"] == expected["city_name"]
        loaded = load_city(REPO, city)
        report = evaluate(pick_plan(loaded.plans, 2027, None), loaded.actuals, 2027, date(2027, 12, 31))
        share = achievement(report)
        assert rows[city]["achievement"] == {k: share[k] for k in ("achieved", "evaluable", "rate", "text")}
    totals = data["totals"]
    assert totals["states"] == {"ok": 2, "no_plan": 2, "error": 0}
    for status_code in (s.value for s in Status):
        assert totals["summary"][status_code] == sum(rows[c]["summary"][status_code] for c in ("abashiri", "nemuro"))


def test_json_shape(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"aaa": "甲市", "bbb": "乙町"}, broken=("bbb",))
    result = invoke("summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31", "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert set(data) == {"year", "year_label", "as_of", "cities", "totals"}
    assert (data["year"], data["year_label"], data["as_of"]) == (2027, "2027年度（令和9年度）", "2027-12-31")
    keys = {"city", "city_name", "state", "plan", "plan_title", "indicators", "summary", "achievement", "grading",
            "grades", "problems", "problem_count", "outlooks"}  # fmt: skip
    good, bad = data["cities"]
    assert set(good) == keys == set(bad)
    assert good["state"] == "ok" and good["plan"] == "aaa-plan" and good["indicators"] == 5
    assert set(good["summary"]) == {s.value for s in Status}
    assert good["summary"]["achieved"] == 1  # rate 72% ≧ 70%
    assert good["achievement"] == {"achieved": 1, "evaluable": 2, "rate": 50.0, "text": "50%"}
    assert good["grading"] is None and good["grades"] is None  # the plan declares no scale
    assert bad["state"] == "error" and bad["summary"] is None and bad["achievement"] is None
    assert bad["problem_count"] >= 1
    assert bad["problems"][0]["code"] == "KC201"
    assert bad["problems"][0]["path"] == "targets/bbb/plan.toml"
    assert set(bad["problems"][0]) == {"path", "line", "column", "code", "message", "severity"}
    assert data["totals"]["states"] == {"ok": 1, "no_plan": 0, "error": 1}


def test_broken_city_among_good_ones(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"aaa": "甲市", "bbb": "乙町", "ccc": "丙村"}, broken=("bbb",))
    result = invoke("summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert any(line.startswith("甲市") and "aaa-plan" in line for line in lines)
    assert any(line.startswith("丙村") and "ccc-plan" in line for line in lines)
    assert any(line.startswith("bbb") and "（エラー）" in line for line in lines)
    assert "targets/bbb/plan.toml:" in result.stderr and "KC201" in result.stderr
    assert "bbb" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.output


def test_cities_filter_keeps_the_order_given(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"aaa": "甲市", "bbb": "乙町", "ccc": "丙村"}, broken=("bbb",))
    args = ("summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31", "--format", "json")
    result = invoke(*args, "--cities", "ccc,aaa")
    assert result.exit_code == 0, result.output  # the broken city was not asked for
    assert [row["city"] for row in json.loads(result.stdout)["cities"]] == ["ccc", "aaa"]


@pytest.mark.parametrize("cities", ["aaa,nowhere", "NOPE", ","])
def test_unknown_city(tmp_path: Path, cities: str) -> None:
    root = write_root(tmp_path, {"aaa": "甲市"})
    result = invoke("summary", "--root", str(root), "--year", "2027", "--cities", cities)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert ("KC301" if cities != "," else "KC304") in result.stderr
    assert "Traceback" not in result.output


def test_no_targets_folder(tmp_path: Path) -> None:
    result = invoke("summary", "--root", str(tmp_path), "--year", "2027")
    assert result.exit_code == 2
    assert "KC304" in result.stderr


def _display_slice(line: str, start: int, end: int) -> str:
    """The characters of `line` between display columns `start` and `end` (a kanji takes two)."""
    out, column = [], 0
    for ch in line:
        if start <= column < end:
            out.append(ch)
        column += wcswidth(ch)
    return "".join(out)


def test_table_fits_80_columns_and_cp932(tmp_path: Path) -> None:
    long_names = ["いちき串木野市", "南アルプス市", "上北山村", "北海道札幌市中央区"]
    names = {f"c{i:02d}": name for i, name in enumerate(long_names)}
    root = write_root(tmp_path, names)
    long_plan = tmp_path / "targets" / "c00" / "plan.toml"
    long_plan.write_text(
        long_plan.read_text(encoding="utf-8").replace('id = "c00-plan"', 'id = "c00-digital-transformation-2026"'),
        encoding="utf-8",
    )
    result = invoke("summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31", columns=80)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(wcswidth(line) for line in lines) <= 80
    result.stdout.encode("cp932")  # a Japanese Windows console shows every character
    header = next(line for line in lines if line.startswith("市町村"))
    counts = ["達成", "未達成", "順調", "遅れ", "未入力", "対象外", "未設定", "未到来", "不能", "達成割合"]
    assert header.split() == ["市町村", "計画", *counts]
    # the long plan id is wrapped inside its column, not cut: its pieces, read down the column, are whole
    dashes = next(i for i, line in enumerate(lines) if line.startswith("---"))
    start = len(lines[dashes].split()[0]) + 1
    width = len(lines[dashes].split()[1])
    column = [_display_slice(line, start, start + width).strip() for line in lines[dashes + 1 : dashes + 5]]
    assert "".join(column) == "c00-digital-transformation-2026"
    assert "計 4 市町村" in result.stdout
    assert "（後の年度の実績の行は読んでいません。" in result.stdout  # says what it did not check


def test_csv_is_utf8_with_bom(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"aaa": "甲市"})
    result = invoke("summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31", "--format", "csv")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["市町村ID", "市町村名", "状態", "計画"]
    assert rows[1][:4] == ["aaa", "甲市", "ok", "aaa-plan"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"aaa": "甲市"})
    result = invoke("summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_progress_bar_after_a_second_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(3, stream)
    clock = iter([0.5, 2.0])
    monkeypatch.setattr(progress, "clock", lambda: next(clock))
    progress.started = 0.0
    progress.step("aaa")  # 0.5 s: nothing yet
    assert stream.getvalue() == ""
    progress.step("bbb")  # 2.0 s: the bar
    assert stream.getvalue().startswith("\r集計中 [") and "2/3 bbb" in stream.getvalue()
    progress.done()
    assert stream.getvalue().endswith("\r")
    assert Progress(3, io.StringIO()).on is False  # not a terminal: never a bar


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_json_is_the_whole_document(count: int) -> None:
    """Rows are written as they come; the text is exactly json.dumps of the whole contract."""
    rows = [
        {"city": f"c{i}", "city_name": "甲市", "state": "error", "plan": None, "plan_title": None, "indicators": 0,
         "summary": None, "achievement": None, "problems": [{"code": "KC201"}], "problem_count": 1}
        for i in range(count)
    ]  # fmt: skip
    whole = document(rows, 2027, date(2027, 12, 31))
    totals = Totals()

    def seen() -> Any:
        for row in rows:
            totals.add(row)
            yield row

    streamed = "".join(json_chunks(heading(2027, date(2027, 12, 31)), seen(), totals))
    assert streamed == json.dumps(whole, ensure_ascii=False, indent=2) + "\n"


def test_a_graded_plan_counts_its_grades(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"aaa": "甲市", "bbb": "乙町"})
    path = root / "targets" / "aaa" / "plan.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[plan]\n", '[plan]\ngrading = "A-D"\n', 1), "utf-8")
    common = ["--root", str(root), "--year", "2027", "--as-of", "2027-12-31"]
    data = json.loads(invoke("summary", *common, "--format", "json").stdout)
    graded, plain = data["cities"]
    status = json.loads(invoke("status", *common, "--city", "aaa", "--format", "json").stdout)
    assert graded["grades"] == status["grades"] and graded["grading"] == status["grading"]
    assert sum(graded["grades"].values()) > 0 and plain["grades"] is None
    lines = invoke("summary", *common, "--format", "csv").stdout_bytes.decode("utf-8-sig").splitlines()
    column = lines[0].split(",").index("評価別の指標数")
    assert lines[1].split(",")[column] == "、".join(f"{g} {n}" for g, n in status["grades"].items())


def test_rows_of_later_years_are_not_read_by_summary_but_validate_reports_them(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"aaa": "甲市"})
    bad_later = ACTUALS + "rate,,2028,abc%,\n"  # a broken FY2028 row: it cannot change FY2027's figures
    (root / "actuals" / "aaa" / "a.csv").write_text(bad_later, encoding="utf-8")
    common = ["--root", str(root), "--as-of", "2027-12-31"]
    summary = invoke("summary", *common, "--year", "2027", "--format", "json")
    assert summary.exit_code == 0, summary.output
    (row,) = json.loads(summary.stdout)["cities"]
    assert row["state"] == "ok" and row["summary"]["achieved"] == 1
    assert invoke("summary", *common, "--year", "2028", "--format", "json").exit_code == 2  # the year it belongs to
    done = invoke("validate", "--root", str(root))
    assert done.exit_code == 1 and "a.csv:4:4: KC106" in done.stdout


def test_summary_reads_its_figures_from_the_engine_not_the_report() -> None:
    """The 達成割合 is grading.achievement, a domain figure: a city's row loads no report context or Jinja."""
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from kpicheck.rules import evaluate\n"
        "from kpicheck.summary import city_row\n"
        "from kpicheck.workspace import load_city, pick_plan\n"
        "city = load_city(Path(sys.argv[1]), 'abashiri')\n"
        "row = city_row(evaluate(pick_plan(city.plans, 2027, None), city.actuals, 2027, date(2027, 12, 31)))\n"
        "assert row['achievement']['evaluable'], row\n"
        "print(sorted(m for m in sys.modules if m.startswith(('kpicheck.report', 'kpicheck.render', 'jinja2'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_csv_has_one_column_per_header(tmp_path: Path) -> None:
    """No header twice (a second 達成 once repeated the status count): a spreadsheet's look-up by header
    finds one column, and every row has as many cells as the header."""
    root = write_root(tmp_path, {"aaa": "甲市"})
    result = invoke("summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31", "--format", "csv")
    assert result.exit_code == 0, result.output
    header, *rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert len(header) == len(set(header)), header
    assert rows and all(len(row) == len(header) for row in rows)
    row = dict(zip(header, rows[0], strict=True))
    assert float(row["達成割合"]) == round(100 * int(row["達成"]) / int(row["判定対象"]), 1)
