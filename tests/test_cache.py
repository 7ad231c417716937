"""The cache in the user's cache folder: where it lives, that it is used, and that it can never do harm."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import invoke
from kpicheck import cache
from kpicheck.targets import parse_plan
from kpicheck.workspace import load_plan

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "targets" / "abashiri" / "abashiri-v2.toml"


@pytest.fixture(autouse=True)
def _new_run():
    """Each test a run of its own, as far as the cache is concerned (what it has warned about, opened)."""
    cache.reset()
    yield
    cache.reset()


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({"XDG_CACHE_HOME": "/x/cache"}, "linux", "/x/cache/kpicheck"),
        ({"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/u"}, "linux", "/home/u/.cache/kpicheck"),
        ({"HOME": "/home/u"}, "linux", "/home/u/.cache/kpicheck"),
        ({"HOME": "/Users/u"}, "darwin", "/Users/u/Library/Caches/kpicheck"),
        ({"LOCALAPPDATA": "/AppData/Local", "HOME": "/h"}, "win32", "/AppData/Local/kpicheck"),
        ({"LOCALAPPDATA": "/AppData/Local", "HOME": "/h"}, "linux", "/h/.cache/kpicheck"),
        ({"XDG_CACHE_HOME": "/x/cache", "KPICHECK_CACHE": "off"}, "linux", None),
    ],
)
def test_cache_home(monkeypatch, env, platform, expected):
    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA", "KPICHECK_CACHE", "HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    found = cache.cache_home()
    assert (str(found) if found else None) == expected


def test_plan_is_read_once_then_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    calls = []
    monkeypatch.setattr("kpicheck.targets.parse_plan", lambda _raw, shown: calls.append(shown) or (None, []))
    assert load_plan(PLAN, "targets/a.toml") == (None, [])
    assert load_plan(PLAN, "targets/a.toml") == (None, [])
    assert calls == ["targets/a.toml"]
    assert len(list((tmp_path / "c" / "kpicheck" / "plans").glob("*.kc2"))) == 1
    load_plan(PLAN, "targets/b.toml")  # another name: its problems name it, so another entry
    assert calls == ["targets/a.toml", "targets/b.toml"]
    assert len(list((tmp_path / "c" / "kpicheck" / "plans").glob("*.kc2"))) == 2


def test_cached_plan_equals_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = load_plan(PLAN, "p.toml")

    def no_reading(*args):
        raise AssertionError("read afresh although cached")

    with monkeypatch.context() as patch:
        patch.setattr("kpicheck.targets.parse_plan", no_reading)
        again = load_plan(PLAN, "p.toml")
    monkeypatch.setenv("KPICHECK_CACHE", "off")
    assert again == fresh == load_plan(PLAN, "p.toml") == parse_plan(PLAN.read_bytes(), "p.toml")
    assert again[0] is not None and again[0].indicator("4-2-1") is not None


def test_unreadable_plan_file_is_a_problem_not_an_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    plan, problems = load_plan(tmp_path / "missing.toml", "missing.toml")
    assert plan is None and [p.code for p in problems] == ["KC002"]
    assert not (tmp_path / "c").exists()


def test_edited_plan_is_read_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    path = tmp_path / "plan.toml"
    path.write_bytes(PLAN.read_bytes())
    before, _ = load_plan(path, "plan.toml")
    path.write_bytes(PLAN.read_bytes().replace(b'title = "', b'title = "new '))
    after, _ = load_plan(path, "plan.toml")
    assert before is not None and after is not None
    assert after.title == "new " + before.title


def test_unwritable_or_damaged_cache_is_harmless(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    plan, problems = load_plan(PLAN, "p.toml")
    assert plan is not None and not problems
    assert " KC504 " in capsys.readouterr().err  # a file where the folder should be: said, not fatal
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    load_plan(PLAN, "p.toml")
    for entry in (tmp_path / "c" / "kpicheck" / "plans").glob("*.kc2"):
        entry.write_bytes(b"\x80\x05garbage")
    assert load_plan(PLAN, "p.toml")[0] == plan
    assert " KC503 " in capsys.readouterr().err


def test_cache_never_under_the_data_root(tmp_path, monkeypatch):
    root = tmp_path / "root"
    (root / "targets" / "abashiri").mkdir(parents=True)
    (root / "targets" / "abashiri" / "abashiri-v2.toml").write_bytes(PLAN.read_bytes())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    monkeypatch.chdir(root)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = invoke("validate", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert list((tmp_path / "c" / "kpicheck" / "plans").glob("*.kc2"))


def test_report_templates_compiled_once_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    args = ["report", "--root", str(REPO), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31"]
    first = invoke(*args, "--format", "html")
    assert first.exit_code == 0, first.output
    entries = sorted((tmp_path / "c" / "kpicheck" / "jinja" / "html").iterdir())
    assert entries  # report.html.j2, base.html.j2, charts.svg.j2 …
    again = invoke(*args, "--format", "html")
    assert again.stdout == first.stdout
    assert sorted((tmp_path / "c" / "kpicheck" / "jinja" / "html").iterdir()) == entries
    for entry in entries:
        entry.write_bytes(b"damaged")
    assert invoke(*args, "--format", "html").stdout == first.stdout
    markdown = invoke(*args)  # the same templates' names, compiled apart: escaping differs
    assert markdown.exit_code == 0 and "<html" not in markdown.stdout
    assert list((tmp_path / "c" / "kpicheck" / "jinja" / "markdown").iterdir())


def test_cache_folder_inside_the_data_root_is_not_used(tmp_path, monkeypatch):
    root = tmp_path / "root"
    (root / "targets" / "abashiri").mkdir(parents=True)
    (root / "targets" / "abashiri" / "abashiri-v2.toml").write_bytes(PLAN.read_bytes())
    for inside in (root / "targets", root / "actuals" / "x"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(inside))
        result = invoke("report", "--root", str(root), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31")
        assert result.exit_code == 0, result.output
        assert not (inside / "kpicheck").exists()


def test_every_sub_package_of_kpicheck_is_in_the_code_stamp() -> None:
    """A module of kinds/ shapes cached plans too: an edit there must make the cache stale."""
    from kpicheck import cache  # noqa: PLC0415

    package = Path(cache.__file__).parent
    folders = {p.parent.name for p in package.rglob("*.py") if p.parent != package and "__pycache__" not in p.parts}
    assert folders <= set(cache.SUBPACKAGES)
    assert b"kinds/threshold.py" in cache._code_stamp()
