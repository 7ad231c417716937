"""Issue 22 item 4: `summary` names every city it could not read, the same cities `validate` names.

A city folder that is a file, a link loop or a dangling link, a folder that cannot be listed, an empty
one, `actuals/<city>` that is a file of CSV rows, a name that is not a city id: each is a coded line, a
row in error counted in the totals (`unreadable`), and exit 2, while the other cities are still shown.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_summary import ACTUALS, write_root

from conftest import invoke

YEAR = ["--year", "2027", "--as-of", "2027-12-31"]
# Every kind of city kpicheck cannot read, by the name it has in the root, and the code it is named with.
BROKEN = {
    "afile": "KC309",  # targets/afile is a file
    "loop": "KC309",  # a link to itself
    "gone": "KC309",  # a link to nothing
    "pipe": "KC309",  # a named pipe
    "locked": "KC002",  # a folder that cannot be listed
    "empty": "KC202",  # a folder without a plan file
    "csvfile": "KC118",  # actuals/csvfile is a file of CSV rows, targets/csvfile a good plan
    "Upper": "KC209",  # a folder whose name is not a city id
    "orphan": "KC110",  # actuals/orphan/ without targets/orphan/
    "lonely": "KC118",  # actuals/lonely, a file, without targets/lonely/
}


@pytest.fixture
def broken_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_root(tmp_path / "root", {"good": "甲市", "fine": "乙町", "csvfile": "丙村"})
    targets, actuals = root / "targets", root / "actuals"
    (targets / "afile").write_text("計画はフォルダに置くもの\n", encoding="utf-8")
    (targets / "loop").symlink_to(targets / "loop")
    (targets / "gone").symlink_to(tmp_path / "nowhere")
    os.mkfifo(targets / "pipe")
    (targets / "locked").mkdir()
    (targets / "locked" / "plan.toml").write_text("", encoding="utf-8")
    (targets / "empty").mkdir()
    (targets / "Upper").mkdir()
    for name in ("csvfile",):
        for child in (actuals / name).iterdir():
            child.unlink()
        (actuals / name).rmdir()
        (actuals / name).write_text(ACTUALS, encoding="utf-8")
    (actuals / "orphan").mkdir()
    (actuals / "lonely").write_text(ACTUALS, encoding="utf-8")
    real = os.listdir

    def refuse(path: os.PathLike[str] | str) -> list[str]:
        if Path(path).parts[-2:] == ("targets", "locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    # Tests run as root, which ignores file modes: the refusal is simulated where kpicheck lists.
    monkeypatch.setattr(os, "listdir", refuse)
    return root


def _city_of(path: str) -> str:
    return Path(path).parts[1]


def test_summary_and_validate_name_the_same_broken_cities(broken_root: Path) -> None:
    checked = invoke("validate", "--root", str(broken_root), "--format", "json")
    assert checked.exit_code == 1, checked.output
    named = {_city_of(p["path"]): p["code"] for p in json.loads(checked.stdout) if p["severity"] == "error"}
    assert named == BROKEN

    result = invoke("summary", "--root", str(broken_root), *YEAR, "--format", "json")
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    rows = {row["city"]: row for row in data["cities"]}
    errors = {city: row["problems"][0]["code"] for city, row in rows.items() if row["state"] == "error"}
    assert errors == named
    assert [rows[c]["state"] for c in ("fine", "good")] == ["ok", "ok"]  # the others still summarised
    assert list(rows) == sorted(rows)
    assert data["totals"]["states"] == {"ok": 2, "no_plan": 0, "error": len(BROKEN)}
    assert data["totals"]["unreadable"] == len(BROKEN)
    assert data["totals"]["cities"] == len(BROKEN) + 2


def test_each_broken_city_is_one_coded_line_and_the_table_is_still_printed(broken_root: Path) -> None:
    result = invoke("summary", "--root", str(broken_root), *YEAR)
    assert result.exit_code == 2
    assert "甲市" in result.stdout and "乙町" in result.stdout
    lines = [line for line in result.stderr.splitlines() if " KC" in line]
    places = {line.split(": ", 1)[0]: line.split(": ", 1)[1][:5] for line in lines}
    assert places == {
        "targets/afile": "KC309",
        "targets/loop": "KC309",
        "targets/gone": "KC309",
        "targets/pipe": "KC309",
        "targets/locked": "KC002",
        "targets/empty": "KC202",
        "actuals/csvfile": "KC118",
        "targets/Upper": "KC209",
        "actuals/orphan": "KC110",
        "actuals/lonely": "KC118",
    }
    assert "KC399" not in result.output and "Traceback" not in result.output
    data = json.loads(invoke("summary", "--root", str(broken_root), *YEAR, "--format", "json").stdout)
    assert f"うち読めない市町村: {data['totals']['unreadable']:,}（" in result.stdout  # the table says how many


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_every_format_lists_the_broken_cities(broken_root: Path, fmt: str) -> None:
    result = invoke("summary", "--root", str(broken_root), *YEAR, "--format", fmt)
    assert result.exit_code == 2
    for name in BROKEN:
        assert name in result.stdout.replace("\n", "").replace(" ", "") or fmt == "table"
    if fmt == "table":  # the table wraps a long id in its column: count the rows in error instead
        assert f"ファイルにエラーのある市町村: {len(BROKEN)}" in result.stdout


def test_cities_may_name_a_broken_city(broken_root: Path) -> None:
    result = invoke("summary", "--root", str(broken_root), *YEAR, "--format", "json", "--cities", "good,afile")
    assert result.exit_code == 2, result.output
    rows = json.loads(result.stdout)["cities"]
    assert [(r["city"], r["state"]) for r in rows] == [("good", "ok"), ("afile", "error")]
    assert rows[1]["problems"][0]["path"] == "targets/afile"


@pytest.mark.parametrize("city", ["afile", "loop", "gone", "pipe"])
def test_status_of_a_city_that_is_not_a_folder_is_kc309(broken_root: Path, city: str) -> None:
    result = invoke("status", "--root", str(broken_root), "--city", city, *YEAR)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"targets/{city}: KC309 ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("command", ["status", "report", "sheet"])
def test_actuals_of_a_city_that_is_a_file_is_kc118_everywhere(broken_root: Path, command: str, tmp_path: Path) -> None:
    extra = ["-o", str(tmp_path / "s.csv")] if command == "sheet" else []
    result = invoke(command, "--root", str(broken_root), "--city", "csvfile", *YEAR, *extra)
    assert result.exit_code == 2
    assert "actuals/csvfile: KC118 " in result.stderr


def test_a_plain_root_counts_no_city_as_unreadable(tmp_path: Path) -> None:
    root = write_root(tmp_path / "root", {"good": "甲市"}, broken=("good",))
    data = json.loads(invoke("summary", "--root", str(root), *YEAR, "--format", "json").stdout)
    assert data["totals"]["states"]["error"] == 1
    assert data["totals"]["unreadable"] == 0  # a plan that cannot be read is an error, not an unreadable city


def test_list_names_the_cities_it_cannot_show(broken_root: Path) -> None:
    result = invoke("list", "--root", str(broken_root))
    assert result.exit_code == 2
    assert "targets/afile: KC309 " in result.stderr and "targets/loop: KC309 " in result.stderr
    assert "KC399" not in result.output


def test_list_shows_the_cities_and_names_a_city_folder_that_is_a_file(tmp_path: Path) -> None:
    root = write_root(tmp_path / "root", {"good": "甲市"})
    (root / "targets" / "afile").write_text("計画はフォルダに置くもの\n", encoding="utf-8")
    result = invoke("list", "--root", str(root))
    assert result.exit_code == 2
    assert "甲市" in result.stdout and "targets/afile: KC309 " in result.stderr
