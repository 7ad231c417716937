"""A small city comes from the cache as a whole for one command line (workspace.city_for, issue 23:
start-up): the same City as read afresh, and read afresh whenever anything it was read from differs."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, invoke
from kpicheck import cache, workspace
from kpicheck.workspace import City, city_for, load_city

STATUS = ("status", "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31", "--format", "json")


@pytest.fixture(autouse=True)
def _new_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of this test's own, and a new run as far as the cache is concerned."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache.reset()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The demo's abashiri (two plans, three CSV files of actuals) in a root of its own."""
    root = tmp_path / "root"
    for folder in ("targets", "actuals"):
        shutil.copytree(REPO / folder / "abashiri", root / folder / "abashiri")
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cities load_city reads afresh (a city from the cache reads none)."""
    found: list[str] = []
    real = workspace.load_city

    def counted(root: Path, city: str, *args: object, **kwargs: object) -> City:
        found.append(city)
        return real(root, city, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace, "load_city", counted)
    return found


def fresh(root: Path) -> City:
    return load_city(root, "abashiri", 2027, None, keep_going=True)


def test_the_second_run_reads_nothing_afresh_and_gets_the_same_city(root: Path, reads: list[str]) -> None:
    first = city_for(root, "abashiri", 2027, None, keep_going=True)
    cache.reset()
    again = city_for(root, "abashiri", 2027, None, keep_going=True)
    assert reads == ["abashiri"]  # the first run only
    assert again == first == fresh(root)
    assert again.actuals and again.plans[0].indicators


def test_status_from_the_cache_prints_what_it_prints_afresh(
    root: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = invoke(*STATUS, "--root", str(root))
    cache.reset()
    again = invoke(*STATUS, "--root", str(root))
    monkeypatch.setenv("KPICHECK_CACHE", "off")
    uncached = invoke(*STATUS, "--root", str(root))
    assert (again.exit_code, again.stdout, again.stderr) == (first.exit_code, first.stdout, first.stderr)
    assert again.stdout == uncached.stdout and '"indicators"' in again.stdout
    assert reads == ["abashiri", "abashiri"]  # the first run and the one without a cache


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "actuals/abashiri/fy2027-sample.csv").write_bytes(
            (root / "actuals/abashiri/fy2027-sample.csv").read_bytes().replace(b",", b", ", 1)
        ),
        lambda root: (root / "actuals/abashiri/fy2027-sample.csv").unlink(),
        lambda root: shutil.copy(root / "actuals/abashiri/fy2025-sample.csv", root / "actuals/abashiri/more.csv"),
        lambda root: (root / "targets/abashiri/abashiri-v1.toml").write_bytes(
            (root / "targets/abashiri/abashiri-v1.toml").read_bytes() + b"\n"
        ),
    ],
    ids=["an actuals file edited", "one removed", "one added", "the plan the year does not use edited"],
)
def test_any_file_changed_is_read_afresh(root: Path, reads: list[str], change: Callable[[Path], object]) -> None:
    city_for(root, "abashiri", 2027, None, keep_going=True)
    change(root)
    cache.reset()
    again = city_for(root, "abashiri", 2027, None, keep_going=True)
    assert reads == ["abashiri", "abashiri"]
    assert again == fresh(root)


@pytest.mark.parametrize(
    ("year", "plan", "keep_going"),
    [(2026, None, True), (2027, "abashiri-v2", True), (2027, None, False)],
)
def test_other_arguments_are_another_entry(
    root: Path, reads: list[str], year: int, plan: str | None, keep_going: bool
) -> None:
    city_for(root, "abashiri", 2027, None, keep_going=True)
    other = city_for(root, "abashiri", year, plan, keep_going=keep_going)
    assert reads == ["abashiri", "abashiri"]
    assert other == load_city(root, "abashiri", year, plan, keep_going=keep_going)


def test_the_input_limits_are_part_of_the_key(root: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    city_for(root, "abashiri", 2027, None, keep_going=True)
    monkeypatch.setenv("KPICHECK_MAX_ROWS", "3")
    city_for(root, "abashiri", 2027, None, keep_going=True)
    assert reads == ["abashiri", "abashiri"]


def test_a_large_city_is_always_read_afresh(root: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workspace, "CITY_ENTRY_BYTES", 1000)
    city_for(root, "abashiri", 2027, None, keep_going=True)
    city_for(root, "abashiri", 2027, None, keep_going=True)
    assert reads == ["abashiri", "abashiri"]


def test_a_city_with_a_workbook_is_always_read_afresh(root: Path, reads: list[str], tmp_path: Path) -> None:
    """openpyxl reads it, and openpyxl's version is not part of the key."""
    from openpyxl import Workbook  # noqa: PLC0415 - this test only

    csv_file = root / "actuals/abashiri/fy2027-sample.csv"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(csv_file.read_text(encoding="utf-8-sig").splitlines()):
        sheet.append(row)
    book.save(root / "actuals/abashiri/fy2027-sample.xlsx")
    csv_file.unlink()
    first = city_for(root, "abashiri", 2027, None, keep_going=True)
    again = city_for(root, "abashiri", 2027, None, keep_going=True)
    assert reads == ["abashiri", "abashiri"]
    assert again == first and first.actuals
    assert not (tmp_path / "cache" / "kpicheck" / "cities").exists()


def test_a_file_changed_while_the_city_is_read_keeps_no_entry(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What was read after the key's bytes were taken is not kept under that key."""
    real = workspace.load_city
    actuals = root / "actuals/abashiri/fy2027-sample.csv"
    before = actuals.read_bytes()

    def edited_meanwhile(*args: object, **kwargs: object) -> City:
        actuals.write_bytes(before.replace(b",", b", ", 1))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace, "load_city", edited_meanwhile)
    city_for(root, "abashiri", 2027, None, keep_going=True)
    assert not list((root.parent / "cache" / "kpicheck" / "cities").glob("*.kc2"))
    monkeypatch.setattr(workspace, "load_city", real)
    actuals.write_bytes(before)
    cache.reset()
    assert city_for(root, "abashiri", 2027, None, keep_going=True) == fresh(root)


def test_an_edit_of_the_same_size_and_time_is_read_afresh(root: Path, reads: list[str]) -> None:
    """The key is the files' bytes, not their size and time: a digit changed within the same second."""
    city_for(root, "abashiri", 2027, None, keep_going=True)
    path = root / "actuals/abashiri/fy2027-sample.csv"
    before = path.stat()
    data = path.read_bytes()
    index = next(i for i, byte in enumerate(data) if byte in b"123456789" and i > data.index(b"\n"))
    path.write_bytes(data[:index] + (b"2" if data[index : index + 1] != b"2" else b"3") + data[index + 1 :])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    cache.reset()
    again = city_for(root, "abashiri", 2027, None, keep_going=True)
    assert reads == ["abashiri", "abashiri"]
    assert again == fresh(root)


def test_a_root_given_relative_or_absolute_gets_the_city_as_read_afresh(
    root: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    absolute = city_for(root, "abashiri", 2027, None, keep_going=True)
    monkeypatch.chdir(root.parent)
    cache.reset()
    relative = city_for(Path(root.name), "abashiri", 2027, None, keep_going=True)
    assert relative == load_city(Path(root.name), "abashiri", 2027, None, keep_going=True)
    assert absolute == fresh(root)


def test_rows_up_to_a_year_are_another_entry(root: Path, reads: list[str]) -> None:
    """summary reads a city's rows up to the year only: that City is not the whole one."""
    whole = city_for(root, "abashiri", 2026, None)
    upto = city_for(root, "abashiri", 2026, None, rows_until=2026)
    cache.reset()
    assert city_for(root, "abashiri", 2026, None, rows_until=2026) == upto
    assert reads == ["abashiri", "abashiri"]
    assert upto == load_city(root, "abashiri", 2026, rows_until=2026)
    assert len(upto.actuals) < len(whole.actuals)  # the demo's 2027 rows


SUMMARY = ("summary", "--year", "2027", "--as-of", "2027-12-31", "--format", "json")


def test_summary_reads_again_only_the_cities_whose_files_changed(
    root: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national team's second run: the cities nobody touched come from the cache, as read the first time."""
    for folder in ("targets", "actuals"):
        shutil.copytree(REPO / folder / "nemuro", root / folder / "nemuro")
    first = invoke(*SUMMARY, "--root", str(root))
    cache.reset()
    again = invoke(*SUMMARY, "--root", str(root))
    assert reads == ["abashiri", "nemuro"]  # the first run only
    assert (again.exit_code, again.stdout, again.stderr) == (first.exit_code, first.stdout, first.stderr)
    edited = next((root / "actuals/nemuro").glob("*.csv"))
    edited.write_bytes(edited.read_bytes().replace(b",", b", ", 1))
    cache.reset()
    after = invoke(*SUMMARY, "--root", str(root))
    assert reads == ["abashiri", "nemuro", "nemuro"]
    monkeypatch.setenv("KPICHECK_CACHE", "off")
    assert after.stdout == invoke(*SUMMARY, "--root", str(root)).stdout
    assert '"state": "ok"' in after.stdout


def test_a_plan_named_none_is_not_no_plan(root: Path, reads: list[str]) -> None:
    """`--plan None` is a plan id kpicheck must look for, not the entry of a city read with no --plan."""
    city_for(root, "abashiri", 2026, None, keep_going=True)
    city_for(root, "abashiri", 2026, "None", keep_going=True)
    assert reads == ["abashiri", "abashiri"]


def test_with_the_cache_off_a_city_is_read_once(root: Path, monkeypatch: pytest.MonkeyPatch, reads: list[str]) -> None:
    monkeypatch.setenv("KPICHECK_CACHE", "off")
    listed: list[str] = []
    real = workspace._city_source
    monkeypatch.setattr(workspace, "_city_source", lambda *a: listed.append("x") or real(*a))
    assert city_for(root, "abashiri", 2027, None, keep_going=True) == fresh(root)
    assert (reads, listed) == (["abashiri"], [])
