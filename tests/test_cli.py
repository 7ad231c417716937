"""The command line through typer's CliRunner: exit code first, then output."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from wcwidth import wcswidth

from conftest import REPO, invoke
from kpicheck.console import echo_problems
from kpicheck.errors import Problem, Severity
from kpicheck.models import Status
from kpicheck.render import use_color
from kpicheck.statuses import STATUS_LABELS

DEMO = ["--root", str(REPO), "--city", "abashiri", "--as-of", "2027-12-31"]


@pytest.mark.parametrize("command", [[], ["status"]])
def test_help(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "使い方: " in result.output


@pytest.mark.parametrize("columns", [80, 120])
def test_status_table_of_the_demo_fits_the_terminal(golden: Any, columns: int) -> None:
    result = invoke("status", *DEMO, "--year", "2027", "--no-color", columns=columns)
    assert result.exit_code == 0, result.output
    assert "\033[" not in result.output
    assert max(wcswidth(line) for line in result.stdout.splitlines()) <= columns
    golden(f"status-abashiri-2027-{columns}.txt", result.stdout)


@pytest.mark.parametrize("city", ["nemuro", "hyuga", "chitose"])
def test_every_shipped_plan_fits_80_columns(city: str) -> None:
    year = {"nemuro": "2027", "hyuga": "2025", "chitose": "2025"}[city]
    result = invoke("status", "--city", city, "--year", year, "--root", str(REPO), columns=80)
    assert result.exit_code == 0, result.output
    assert max(wcswidth(line) for line in result.stdout.splitlines()) <= 80


def test_status_json_follows_the_contract() -> None:
    result = invoke("status", *DEMO, "--year", "2027", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"city", "city_name", "plan", "year", "as_of", "summary", "indicators"} <= set(data)
    assert (data["city"], data["city_name"], data["plan"], data["year"]) == ("abashiri", "網走市", "abashiri-v2", 2027)
    assert data["as_of"] == "2027-12-31"
    assert set(data["summary"]) == {s.value for s in Status}
    assert len(data["indicators"]) == 33
    assert sum(data["summary"].values()) == 33
    for item in data["indicators"]:
        assert {
            "id",
            "name",
            "area",
            "initiative",
            "departments",
            "target",
            "actual",
            "status",
            "reason",
            "metrics",
        } <= set(item)
        assert isinstance(item["departments"], list)
        assert item["status"] in data["summary"]
        assert item["reason"] and "\n" not in item["reason"]
        for metric in item["metrics"]:
            assert {"id", "name", "target", "actual", "status"} <= set(metric)
    by_id = {i["id"]: i for i in data["indicators"]}
    assert by_id["2-1-1"]["target"] == "65%" and by_id["2-1-1"]["actual"] == 67
    assert by_id["3-4-1"]["target"] is None and by_id["3-4-1"]["status"] == "not_applicable"
    assert [m["id"] for m in by_id["4-2-1"]["metrics"]] == ["elementary", "junior_high"]


def test_the_demo_shows_every_status_across_its_years() -> None:
    seen: set[str] = set()
    for year in ("2025", "2026", "2027", "2028"):  # 2028 has not started on the demo date
        result = invoke("status", *DEMO, "--year", year, "--format", "json")
        assert result.exit_code == 0
        seen |= {k for k, v in json.loads(result.output)["summary"].items() if v}
    # 評価不能: 日向's スマホ教室 (累計) has no FY2021 row in the sample, and the rest fall short of 900人
    hyuga = invoke("status", "--root", str(REPO), "--city", "hyuga", "--year", "2025", "--as-of", "2027-12-31")
    assert "評価不能" in hyuga.output and "unrated" not in seen
    seen.add("unrated")
    assert seen == {s.value for s in Status}


def test_cp932_copy_of_the_demo_gives_the_same_json(tmp_path: Path) -> None:
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copytree(REPO / "actuals", tmp_path / "actuals")
    for path in (tmp_path / "actuals").rglob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))
    args = ["status", "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31", "--format", "json"]
    original = invoke(*args, "--root", str(REPO))
    converted = invoke(*args, "--root", str(tmp_path))
    assert converted.exit_code == 0, converted.output
    assert json.loads(converted.output) == json.loads(original.output)


def test_csv_output_has_a_row_per_indicator() -> None:
    result = invoke("status", *DEMO, "--year", "2027", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel opens it as such
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0] == [
        "指標ID", "指標名", "分野", "取組", "担当", "目標", "実績", "前年度実績", "前年度比", "達成率", "状況", "評価",
        "理由", "備考", "要因分析", "課題", "今後の方向性", "status",
    ]  # fmt: skip
    assert len(rows) == 34
    column = {name: index for index, name in enumerate(rows[0])}
    assert {r[column["状況"]] for r in rows[1:]} <= set(STATUS_LABELS.values())
    assert any(r[column["備考"]] for r in rows[1:])  # 備考 from the actuals' notes
    assert any(r[column["達成率"]].endswith("%") for r in rows[1:])
    assert not any(r[column["評価"]] for r in rows[1:])  # the shipped plans declare no grading scale


def test_csv_is_utf8_with_bom_even_on_a_cp932_console(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "cp932"}
    args = ["status", *DEMO, "--year", "2027", "--format", "csv"]
    done = subprocess.run([sys.executable, "-m", "kpicheck", *args], capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"\xef\xbb\xbf") and "指標ID".encode() in done.stdout


def test_fail_on_names_the_indicators() -> None:
    result = invoke("status", *DEMO, "--year", "2026", "--fail-on", "missed")
    assert result.exit_code == 1
    assert "--fail-on missed" in result.stderr and "（未達成）" in result.stderr


def test_status_department_and_output_file(tmp_path: Path) -> None:
    result = invoke("status", *DEMO, "--year", "2027", "--department", "学校教育課", "--format", "json")
    assert result.exit_code == 0
    assert {i["id"] for i in json.loads(result.stdout)["indicators"]} == {"4-2-1", "4-2-2", "4-2-3"}
    target = tmp_path / "状況.csv"
    result = invoke("status", *DEMO, "--year", "2027", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    mismatch = invoke("status", *DEMO, "--year", "2027", "--format", "table", "-o", str(tmp_path / "x.json"))
    assert mismatch.exit_code == 2 and "KC304" in mismatch.stderr and not (tmp_path / "x.json").exists()
    refused = invoke("status", *DEMO, "--year", "2027", "-o", str(tmp_path / "x.pdf"))
    assert refused.exit_code == 2 and "KC307" in refused.stderr


@pytest.mark.parametrize(
    ("year", "fail_on", "code"),
    [("2026", "missed", 1), ("2027", "missed", 0), ("2027", "behind", 1)],
)
def test_fail_on(year: str, fail_on: str, code: int) -> None:
    assert invoke("status", *DEMO, "--year", year, "--fail-on", fail_on).exit_code == code


def test_year_in_era_form_picks_the_same_plan() -> None:
    western = invoke("status", *DEMO, "--year", "2027", "--format", "json")
    era = invoke("status", *DEMO, "--year", "令和9年度", "--format", "json")
    assert era.exit_code == 0 and json.loads(era.output) == json.loads(western.output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city", "nowhere", "--year", "2027"], "KC301 市町村 'nowhere' は "),
        (["--city", "../x", "--year", "2027"], "KC304"),
        (["--city", "abashiri", "--year", "2040"], "KC302 abashiri に 2040年度を含む計画はありません"),
        (["--city", "abashiri", "--year", "someday"], "KC304 --year"),
        (["--city", "abashiri", "--year", "2027", "--as-of", "soon"], "KC304 --as-of"),
        (["--city", "abashiri", "--plan", "v9"], "KC303"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = invoke("status", "--root", str(REPO), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_broken_toml_names_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "targets" / "x").mkdir(parents=True)
    (tmp_path / "targets" / "x" / "p.toml").write_text('[plan]\nid = "x"\nfirst_year = \n', encoding="utf-8")
    result = invoke("status", "--root", str(tmp_path), "--city", "x", "--year", "2027")
    assert result.exit_code == 2
    assert result.output.startswith("targets/x/p.toml:3:14: KC201 TOML の構文エラー")


def test_unexpected_errors_end_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("kpicheck.rules.evaluate", boom)  # imported by the command when it runs
    result = invoke("status", *DEMO, "--year", "2027")
    assert result.exit_code == 2
    assert "KC399 内部エラー: RuntimeError: kaboom" in result.output
    assert "Traceback" not in result.output


def test_color_is_forced_by_option_and_labels_are_japanese() -> None:
    result = invoke("status", *DEMO, "--year", "2027", "--color")
    assert result.exit_code == 0
    assert "\033[32m達成\033[0m" in result.output


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("choice", "no_color", "tty", "expected"),
    [
        (None, "", True, True),
        (None, "1", True, False),
        (None, "", False, False),
        (True, "1", False, True),
        (False, "", True, False),
    ],
)
def test_use_color(
    monkeypatch: pytest.MonkeyPatch, choice: bool | None, no_color: str, tty: bool, expected: bool
) -> None:
    monkeypatch.setenv("NO_COLOR", no_color)
    assert use_color(choice, _Tty() if tty else io.StringIO()) is expected


def test_every_status_has_a_japanese_label() -> None:
    assert set(STATUS_LABELS) == set(Status)


PROBLEMS = [
    Problem("a.csv", 2, 1, "KC106", "x"),
    Problem("a.csv", 3, None, "KC111", "y", Severity.WARNING),
    Problem("b.toml", None, None, "KC204", "z"),
]
LINES = ["a.csv:2:1: KC106 x\n", "a.csv:3: KC111 y（警告）\n", "b.toml: KC204 z\n"]


@pytest.mark.parametrize(
    ("options", "out", "err"),
    [
        ({}, "", "".join(LINES)),  # import
        ({"limit": 2}, "", LINES[0] + LINES[1] + "kpicheck: ほかに 1 件の問題があります\n"),
        ({"limit": 0, "marked": False}, "", LINES[0] + "a.csv:3: KC111 y\n" + LINES[2]),  # status's warnings
        (
            {"limit": 1, "more": "kpicheck: mini にはほかにも問題があります"},
            "",
            LINES[0] + "kpicheck: mini にはほかにも問題があります\n",
        ),
        ({"limit": 1, "err": False}, LINES[0], "kpicheck: ほかに 2 件の問題があります\n"),  # validate
        (
            {"limit": 3, "err": False, "as_json": True},
            json.dumps([p.to_dict() for p in PROBLEMS], ensure_ascii=False, indent=2) + "\n",
            "",
        ),
    ],
)
def test_problems_one_a_line_then_how_many_more(
    capsys: pytest.CaptureFixture[str], options: dict[str, Any], out: str, err: str
) -> None:
    """The one printer of problems, in each command's shape; "more" goes to stderr even when the list does not."""
    echo_problems(PROBLEMS, **options)
    assert capsys.readouterr() == (out, err)


CP932_COMMANDS = [
    ["status", *DEMO, "--year", "2027"],
    ["status", *DEMO, "--year", "2027", "--format", "json"],
    ["status", *DEMO, "--year", "2026", "--fail-on", "missed"],
    ["report", *DEMO, "--year", "2027"],
    ["report", *DEMO, "--years", "2026-2030"],
    ["report", *DEMO, "--year", "2027", "--format", "html"],
    ["list", "--root", str(REPO)],
    ["show", "--city", "nemuro", "--root", str(REPO)],
    ["show", "--city", "hyuga", "--root", str(REPO)],
    ["show", "--city", "abashiri", "--root", str(REPO), "--format", "json"],
    ["validate", "--root", str(REPO)],
    ["status", "--city", "nowhere", "--year", "2027", "--root", str(REPO)],
]


@pytest.mark.parametrize("args", CP932_COMMANDS, ids=lambda a: " ".join(a[:4]))
def test_every_output_uses_only_characters_cp932_has(args: list[str]) -> None:
    result = invoke(*args)
    assert "KC399" not in result.output
    result.stdout.encode("cp932")  # strict: a character CP932 lacks raises here
    result.stderr.encode("cp932")


@pytest.mark.parametrize("args", CP932_COMMANDS[:7], ids=lambda a: " ".join(a[:4]))
def test_commands_run_on_a_cp932_console(args: list[str]) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "cp932"}
    done = subprocess.run([sys.executable, "-m", "kpicheck", *args], capture_output=True, env=env, check=False)
    assert done.returncode in (0, 1), done.stderr.decode("cp932", errors="replace")
    done.stdout.decode("cp932")  # what Windows shows: valid CP932 throughout


def test_a_fy2026_run_on_the_demo_says_nothing_of_fy2027_rows() -> None:
    """The demo's FY2027 rows are dated 2027-12-31: a FY2026 run as of 2026-12-03 never reads them (issue 21)."""
    result = invoke("status", "--root", str(REPO), "--city", "abashiri", "--year", "2026", "--as-of", "2026-12-03")
    assert result.exit_code == 0, result.output
    assert "未反映" not in result.stderr
    later = invoke("status", "--root", str(REPO), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-30")
    assert "基準日 2027-12-30 より後の日付の実績 32 行は未反映です" in later.stderr
    assert "（最も早い日付 2027-12-31）: 2027 年度の行。" in later.stderr


def test_rows_not_yet_known_are_those_the_judged_years_read(make_root: Any) -> None:
    """A year is judged with its own and earlier years' rows (前年比, deadlines): those dated later are
    counted and their years named; a later year's rows change nothing and are not counted."""
    rows = "rate,2026,50,2026-06-01,\nrate,2027,60,2028-02-01,\nrate,2028,70,2029-01-01,\n"
    root = make_root({"a.csv": "indicator,year,value,as_of,note\n" + rows})
    args = ["--root", str(root), "--city", "mini", "--as-of", "2026-05-01"]
    result = invoke("status", *args, "--year", "2027")
    assert result.exit_code == 0, result.output
    (line,) = result.stderr.splitlines()
    assert line == (
        "kpicheck: 基準日 2026-05-01 より後の日付の実績 2 行は未反映です（最も早い日付 2026-06-01）: "
        "2026・2027 年度の行。--as-of で基準日を指定できます"
    )
    years = invoke("report", *args, "--years", "2026-2026")
    assert years.exit_code == 0, years.output
    assert "実績 1 行は未反映です（最も早い日付 2026-06-01）: 2026 年度の行。" in years.stderr


def test_summary_writes_a_file_as_status_does(tmp_path: Path) -> None:
    args = ["summary", "--root", str(REPO), "--year", "2027", "--as-of", "2027-12-31"]
    shown = invoke(*args, "--format", "json")
    for suffix in (".json", ".csv", ".txt"):
        out = tmp_path / f"summary{suffix}"
        result = invoke(*args, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert result.stderr.strip() == f"書き出しました: {out}"
        if suffix == ".json":
            assert json.loads(out.read_text(encoding="utf-8")) == json.loads(shown.stdout)
        elif suffix == ".csv":
            data = out.read_bytes()
            assert data.startswith(b"\xef\xbb\xbf")  # Excel on Japanese Windows reads UTF-8 with a BOM
            assert [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:] == [
                "abashiri", "chitose", "hyuga", "nemuro",
            ]  # fmt: skip
        else:
            text = out.read_text(encoding="utf-8")
            assert "網走市" in text and max(wcswidth(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("targets/summary.csv", "の中には書き込みません（kpicheck は読むだけです）"),
        ("actuals/abashiri/summary.csv", "の中には書き込みません（kpicheck は読むだけです）"),
        ("summary.html", "summary が書き出せるのは .txt、.json、.csv です"),
        ("no/such/summary.csv", "がありません"),
    ],
)
def test_summary_refuses_the_paths_status_refuses(tmp_path: Path, where: str, said: str) -> None:
    root = tmp_path / "root"
    shutil.copytree(REPO / "targets", root / "targets")
    shutil.copytree(REPO / "actuals", root / "actuals")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = invoke("summary", "--root", str(root), "--year", "2027", "-o", str(root / where))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("kpicheck: KC307 ") and said in line, line
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_summary_output_file_refuses_a_format_its_suffix_contradicts(tmp_path: Path) -> None:
    result = invoke("summary", "--root", str(REPO), "--year", "2027", "--format", "json", "-o", str(tmp_path / "s.csv"))
    assert result.exit_code == 2
    assert "KC304 --format json と -o" in result.stderr
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize("city", ["abashiri", "nemuro", "chitose", "hyuga"])
def test_show_fits_80_columns(city: str) -> None:
    result = invoke("show", "--city", city, "--root", str(REPO), columns=80)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 3
    assert max(wcswidth(line) for line in lines) <= 80
