"""actual_rows: the row path reads every row as the loader's own path does, and validate's lean mode keeps
the same places and says the same problems as the full mode."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from conftest import MINI_PLAN
from kpicheck import actuals as loader
from kpicheck.actual_rows import MEMO_SIZE, Columns, Lookups, gc_paused
from kpicheck.actuals import ActualsResult, load_actuals
from kpicheck.models import Actuals, Place
from kpicheck.validate import validate
from kpicheck.workspace import load_plans

HEADER = "指標,項目,年度,実績,基準日,前年度実績,備考,要因分析,課題,今後の方向性\n"
# Rows the row path takes whole and rows it must hand on: each kind of problem, a blank 実績, a
# 前年度実績 equal to or unlike a row read before or after it, a repeat, other widths, values equal as
# numbers but typed differently (1.0 and 1), full-width and era forms.
FILES = {
    "a.csv": HEADER
    + "rate,,2026,65%,2026/9/30,,メモ,分析,課題,\n"
    + "rate,,令和9年度,７０％,,,, ,,\n"
    + "count,,2026,1.0,,,,,,\n"
    + "count,,R9,1,,,,,,\n"
    + "count,,2028,1,2027-01-01,,,,,\n"
    + "spend,,2027,1030000,,1000000,,,,\n"
    + "spend,,2028,1060000,,1030000,,,,\n"
    + "school,小学校,2026,50,,,,,,\n"
    + "school,js,2026,30%,,,,,,\n"
    + "school,,2027,50,,,,,,\n"
    + "school,高校,2027,50,,,,,,\n"
    + "plan,,2026,済,2027-03-31,,,,,\n"
    + "plan,,2027,いいえ,,,,,,\n"
    + "nosuch,,2026,1,,,,,,\n"
    + "rate,,2040,1,,,,,,\n"
    + "rate,,二〇二六,1,,,,,,\n"
    + "rate,,2027,abc,,,,,,\n"
    + "rate,,2028,-,,,備考だけ,,,\n"
    + "rate,,2028,70%,2028-04-01,,,,,\n"
    + "\n"
    + ",,,,,,,,,\n"
    + "count,,2027,5,,,,,,,,extra\n"
    + "count,,2027,5,,,,,,\n"
    + "rate,,2026,66%\n"
    + 'count,,2026,="3",,,,,,\n',
    "b.csv": "indicator,year,value,note\n"
    + "rate,2026,65%,二つ目\n"
    + "spend,2026,1030000,\n"
    + "spend,2025,1000000,\n"
    + "spend,2025,999999,\n"
    + "count,2028,1,\n",
    "c.csv": "indicator,year,value\n",
}


def _slow_only(rows: Iterable[tuple[int, list[str]]], *args: object) -> None:
    """actual_rows.stream with every row handed to the loader's own path."""
    slow = args[-1]
    assert callable(slow)
    for line, row in rows:
        slow(row, line)


def _load(root: Path, *, lean: bool = False, until: int | None = None) -> ActualsResult:
    plans, _ = load_plans(root, "mini")
    files = sorted((root / "actuals" / "mini").glob("*.csv"))
    return load_actuals(files, plans, root, until=until, lean=lean)


def _fast_and_slow(
    root: Path, monkeypatch: pytest.MonkeyPatch, until: int | None = None
) -> tuple[ActualsResult, ActualsResult]:
    """The files loaded through the row path, then with every row handed to the loader's own path."""
    fast = _load(root, until=until)
    monkeypatch.setattr(loader, "stream", _slow_only)
    return fast, _load(root, until=until)


def _places(actuals: Actuals) -> dict[tuple[str, str, str, int], Place]:
    return {key: actual.place for key, actual in actuals.items()}


def test_the_row_path_reads_every_row_as_the_loaders_own_path(
    make_root: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = _fast_and_slow(make_root(FILES), monkeypatch)
    assert len(slow.problems) > 10  # the files do go through the slow path's checks
    assert fast.problems == slow.problems
    assert fast.actuals == slow.actuals
    assert fast.previous == slow.previous
    assert fast.actuals[("mini", "count", "value", 2026)].text == "1.0"  # not the 1 of FY2027's row
    assert fast.actuals[("mini", "count", "value", 2027)].text == "1"


@pytest.mark.parametrize("until", [2025, 2026, 2027])
def test_rows_up_to_a_year_are_read_as_the_loaders_own_path(
    make_root: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, until: int
) -> None:
    """summary reads the rows up to its year: the row path passes the later ones over as the loader's own
    path does, a 前年度実績 in the year after still giving the year's actual (a.csv has the column)."""
    fast, slow = _fast_and_slow(make_root(FILES), monkeypatch, until)
    assert fast.problems == slow.problems
    assert fast.actuals == slow.actuals
    assert fast.previous == slow.previous
    assert max(key[3] for key in fast.actuals) == until


def test_rows_of_later_years_never_reach_the_loaders_own_path(
    make_root: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a 前年度実績 column a later year's row has nothing for the years read: passed over on the row
    path, not handed to the loader's path one row at a time (summary: three years in five of every city)."""
    root = make_root({"b.csv": "indicator,year,value\nrate,2026,65%\n" + "rate,2027,70%\ncount,R10,3\n" * 3})
    handed: list[list[str]] = []
    read_row = loader._row
    monkeypatch.setattr(loader, "_row", lambda row, *rest: (handed.append(row), read_row(row, *rest))[1])
    result = _load(root, until=2026)
    assert handed == []
    assert list(result.actuals) == [("mini", "rate", "value", 2026)]
    assert result.problems == []


def test_the_lean_mode_keeps_the_places_and_says_the_same_problems(make_root: Callable[..., Path]) -> None:
    root = make_root(FILES)
    full, lean = _load(root), _load(root, lean=True)
    assert lean.actuals == {}
    assert lean.kept is not None
    assert lean.problems == full.problems
    assert dict(lean.kept.items()) == _places(full.actuals)


def test_lean_mode_on_the_slow_path_alone_keeps_the_same(
    make_root: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_root(FILES)
    full = _load(root)
    monkeypatch.setattr(loader, "stream", _slow_only)
    lean = _load(root, lean=True)
    assert lean.kept is not None
    assert lean.problems == full.problems
    assert dict(lean.kept.items()) == _places(full.actuals)


def test_validate_says_kc107_kc111_and_kc112_from_what_lean_mode_kept(make_root: Callable[..., Path]) -> None:
    """As before lean mode (the same lines, checked against the loader of main before issue 23's change)."""
    root = make_root(FILES)
    said = [f"{p.path}:{p.line}: {p.code} {p.message}" for p in validate(root) if p.code in {"KC107", "KC111", "KC112"}]
    assert said[-5:] == [
        "actuals/mini/b.csv:2: KC107 指標 rate の 2026 年度の実績は actuals/mini/a.csv:2 で入力済みです",
        "actuals/mini/b.csv:3: KC107 指標 spend の 2026 年度の実績は"
        " actuals/mini/a.csv:7:6 の前年度実績 '1000000' と違います",
        "actuals/mini/b.csv:5: KC107 指標 spend の 2025 年度の実績は actuals/mini/b.csv:4 で入力済みです",
        # FY2028 has no target for count (KC111); c.csv has a header only (KC112)
        "actuals/mini/b.csv:6: KC111 count には 2028年度の目標がありません（値は保持しますが判定しません）",
        "actuals/mini/c.csv:None: KC112 データ行がありません",
    ]
    assert "actuals/mini/a.csv:20: KC111 rate には 2028年度の目標がありません（値は保持しますが判定しません）" in said


def test_memos_start_again_past_their_size(make_root: Callable[..., Path]) -> None:
    """A file of more distinct values than a memo holds reads every one (the memo is a saving only)."""
    rows = "".join(f"count,{2026 + n % 3},{n},\n" for n in range(MEMO_SIZE + 10))
    root = make_root({"a.csv": "indicator,year,value,note\n" + rows})
    loaded = _load(root)
    assert {key: a.value for key, a in loaded.actuals.items()} == {
        ("mini", "count", "value", 2026): 0,
        ("mini", "count", "value", 2027): 1,
        ("mini", "count", "value", 2028): 2,
    }
    assert len(loaded.problems) == loader.MAX_FILE_PROBLEMS + 1  # repeats (KC107), counted past the cap (KC115)


def test_columns_name_every_column_the_loader_knows() -> None:
    assert set(Columns._fields) == set(loader.HEADER_ALIASES.values())
    assert Lookups._fields == ("year", "indicator", "metric", "plans", "as_of")


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_restores_the_collector_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(ValueError, match="inside"), gc_paused():
            assert not gc.isenabled()
            raise ValueError("inside")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("new_id", ["newkpi", "rate"])
def test_two_files_with_one_plan_id_are_two_plans_to_the_row_path(tmp_path: Path, new_id: str) -> None:
    """Ver1 copied to Ver2 without changing [plan] id: validate says KC204 (never KC399), and each row is
    held to the plan whose years it falls in, not to the other file's indicators (found by review)."""
    later = (
        MINI_PLAN.replace("first_year = 2026", "first_year = 2029")
        .replace("last_year = 2028", "last_year = 2031")
        .replace("2026 =", "2029 =")
        .replace("2027 =", "2030 =")
        .replace("2028 =", "2031 =")
        .replace('id = "rate"', f'id = "{new_id}"')
    )
    (tmp_path / "targets" / "mini").mkdir(parents=True)
    (tmp_path / "targets" / "mini" / "v1.toml").write_text(MINI_PLAN, encoding="utf-8")
    (tmp_path / "targets" / "mini" / "v2.toml").write_text(later, encoding="utf-8")
    (tmp_path / "actuals" / "mini").mkdir(parents=True)
    rows = f"indicator,year,value\nrate,2027,65%\n{new_id},2030,70%\n"
    (tmp_path / "actuals" / "mini" / "a.csv").write_text(rows, encoding="utf-8")
    found = validate(tmp_path)
    assert [(p.path, p.code) for p in found] == [("targets/mini/v2.toml", "KC204")]
