"""Issue 22 item 8: city and plan ids in one documented character set (kpicheck/ids.py), so that an id
is never a path, a quote or a space: `[a-z0-9][a-z0-9_-]{0,63}`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, invoke
from kpicheck.ids import is_id

TABLE = "分野,取組,指標,2026,2027\nデジタル,窓口,オンライン申請率,50%,60%\n"


def _import_args(tmp_path: Path) -> list[str]:
    table = tmp_path / "kpi.csv"
    table.write_text(TABLE, encoding="utf-8")
    return ["import", str(table), "--root", str(tmp_path), "--city", "newtown", "--plan", "newtown-dx", "--title", "t"]


def test_every_shipped_plan_and_city_id_fits_the_documented_set() -> None:
    data = json.loads(invoke("list", "--root", str(REPO), "--format", "json").stdout)
    plans = [(p["city"], p["plan"]) for p in data]
    assert plans and all(is_id(city) and is_id(plan) for city, plan in plans)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("abashiri-v2", True),
        ("a", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ('../../x"', False),
        ("Abashiri", False),
        ("-x", False),
        ("a b", False),
        ("a\n", False),
        ("ａｂｃ", False),
    ],
)
def test_the_id_set(text: str, ok: bool) -> None:
    assert is_id(text) is ok


def test_a_plan_id_outside_the_set_is_refused(make_root: Callable[..., Path]) -> None:
    root = make_root()
    plan = root / "targets" / "mini" / "plan.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace('id = "mini"', "id = '../../x\"'", 1), encoding="utf-8")
    result = invoke("validate", "--root", str(root), "--format", "json")
    assert result.exit_code == 1
    found = [(p["path"], p["code"]) for p in json.loads(result.stdout) if "../../x" in p["message"]]
    assert found == [("targets/mini/plan.toml", "KC202")]


@pytest.mark.parametrize("plan", ['../../x"', "a b", "Plan", "x" * 65])
def test_import_refuses_a_plan_id_outside_the_set(tmp_path: Path, plan: str) -> None:
    args = _import_args(tmp_path)
    args[args.index("--plan") + 1] = plan
    result = invoke(*args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"kpicheck: KC304 --plan {plan!r}: 計画 id は"), lines
    assert result.stdout == ""


def test_a_city_folder_name_over_64_characters_is_kc209(make_root: Callable[..., Path]) -> None:
    root = make_root()
    (root / "targets" / ("c" * 65)).mkdir()
    result = invoke("validate", "--root", str(root), "--format", "json")
    assert [(p["path"], p["code"]) for p in json.loads(result.stdout)] == [(f"targets/{'c' * 65}", "KC209")]
