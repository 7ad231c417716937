"""Only the plan the year needs is read: a problem in another plan is one warning for `status`, and
`validate` still lists it; periods are still checked for overlaps; the output does not change."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, invoke
from kpicheck import cli, workspace
from kpicheck.render import to_dict
from kpicheck.report import ReportFormat
from kpicheck.rules import evaluate
from kpicheck.workspace import load_city, pick_plan

AS_OF = date(2027, 12, 31)
V1, V2 = "targets/abashiri/abashiri-v1.toml", "targets/abashiri/abashiri-v2.toml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of 網走市's plans and actuals (two plans: Ver1.0 FY2021-2025, Ver2.0 FY2026-2030)."""
    for part in ("targets", "actuals"):
        shutil.copytree(REPO / part / "abashiri", tmp_path / part / "abashiri")
    return tmp_path


def status(root: Path, year: str, *more: str) -> Any:
    return invoke("status", "--root", str(root), "--city", "abashiri", "--year", year, "--as-of", "2027-12-31", *more)


def break_cell(root: Path, name: str) -> None:
    """A target cell no reading accepts (KC207 in a roadmap plan) in the named plan."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('2026 = "', '2026 = "最大3回 ', 1).replace('2021 = "', '2021 = "最大3回 ', 1))


def test_same_output_as_reading_every_plan(root: Path) -> None:
    """The year's plan read alone gives the JSON that the whole city gives (the shipped demo)."""
    for year in (2025, 2026, 2027):
        alone, whole = load_city(root, "abashiri", year), load_city(root, "abashiri")
        assert [p.id for p in alone.plans] == [pick_plan(whole.plans, year, None).id]
        evaluated = [to_dict(evaluate(pick_plan(c.plans, year, None), c.actuals, year, AS_OF)) for c in (alone, whole)]
        assert evaluated[0] == evaluated[1]


def test_broken_cell_in_the_other_plan_is_not_read(root: Path) -> None:
    break_cell(root, V1)
    result = status(root, "2027", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["plan"] == "abashiri-v2"
    assert V1 not in result.stderr  # Ver1.0's cells are not read for 2027
    used = status(root, "2025")  # the year that uses the plan stops on it, as before
    assert used.exit_code == 2
    assert "KC207" in used.stderr and V1 in used.stderr  # a roadmap plan: an unknown phase word
    checked = invoke("validate", "--root", str(root))  # and validate lists it whatever the year
    assert checked.exit_code == 1
    assert any(V1 in line and "KC207" in line for line in checked.stdout.splitlines())


def test_problem_in_the_other_plans_table_is_one_warning(root: Path) -> None:
    path = root / V1
    path.write_text(path.read_text(encoding="utf-8").replace('city = "abashiri"', 'city = "nemuro"'), encoding="utf-8")
    result = status(root, "2027")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if V1 in line]
    assert len(warned) == 1
    assert "KC202" in warned[0] and "この年度には使わない計画" in warned[0]
    assert status(root, "2025").exit_code == 2  # the year that uses it: an error


def test_other_plan_that_toml_cannot_read_stops_as_before(root: Path) -> None:
    """Its [plan] cannot be read, so it might be the year's plan: every plan is read and the error stops it."""
    (root / V1).write_text("schema = 1\n[plan\n", encoding="utf-8")
    result = status(root, "2027")
    assert result.exit_code == 2
    assert "KC201" in result.stderr and V1 in result.stderr


def test_syntax_error_below_the_plan_table_of_the_other_plan(root: Path) -> None:
    """An error further down a plan the year does not use is not this run's: that plan is not read."""
    path = root / V1
    path.write_text(path.read_text(encoding="utf-8") + "\n[[indicators]]\nid = \n", encoding="utf-8")
    assert status(root, "2027").exit_code == 0
    assert status(root, "2025").exit_code == 2


def test_overlap_with_the_years_plan_is_still_an_error(root: Path) -> None:
    path = root / V1
    path.write_text(path.read_text(encoding="utf-8").replace("last_year = 2025", "last_year = 2026"), encoding="utf-8")
    for year in ("2027", "2024"):  # 2027 is covered by Ver2.0 alone, 2024 by Ver1.0 alone
        result = status(root, year)
        assert result.exit_code == 2, result.output
        assert "KC205" in result.stderr


def test_unused_plan_is_not_read(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the year's plan goes through the reader (the other one's [plan] table is enough)."""
    monkeypatch.setenv("KPICHECK_CACHE", "off")
    read: list[str] = []
    original = workspace.load_plan
    monkeypatch.setattr(workspace, "load_plan", lambda path, shown: read.append(shown) or original(path, shown))
    city = workspace.load_city(root, "abashiri", 2027)
    assert read == [V2]
    assert not any(key[0] == "abashiri-v1" for key in city.actuals)  # its rows were passed over


def test_status_json_does_not_import_what_it_does_not_use(tmp_path: Path) -> None:
    """The start-up budget: status --format json imports no Jinja, tabulate, report, validate or phrase reader."""
    code = (
        "import sys\n"
        "from kpicheck.cli import main\n"
        "sys.argv = ['kpicheck', 'status', '--root', sys.argv[1], '--city', 'abashiri', '--year', '2027',"
        " '--as-of', '2027-12-31', '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "", "NO_COLOR": "1"}
    run = [sys.executable, "-c", code, str(REPO)]
    subprocess.run(run, capture_output=True, check=True, env=env)  # fills the plan cache
    loaded = set(subprocess.run(run, capture_output=True, check=True, env=env, text=True).stderr.split())
    unwanted = {"jinja2", "tabulate", "wcwidth", "dateutil", "openpyxl", "kpicheck.report", "kpicheck.validate",
                "kpicheck.phrases", "kpicheck.cells", "kpicheck.quantities", "kpicheck.targets",
                "kpicheck.summary", "hashlib"}  # fmt: skip
    assert loaded & unwanted == set()
    assert "kpicheck.rules" in loaded  # the check can fail: the command did run


def test_report_format_option_mirrors_report_format() -> None:
    assert [f.value for f in cli.ReportFormatOption] == [f.value for f in ReportFormat]
