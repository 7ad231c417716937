"""Loading a city faster (issue 23, round 3) without changing what is loaded: places named as pathlib named
them, actuals records of the very type and fields they had, a city's folders listed once, files read whole."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kpicheck import errors, inputs
from kpicheck.actuals import load_actuals
from kpicheck.models import Actual, Place
from kpicheck.workspace import load_city, load_plans


def _pathlib_display(path: Path, root: Path) -> str:
    """display_path as pathlib alone gave it before (the reference)."""
    try:
        return str((path.absolute().parent.resolve() / path.name).relative_to(root.absolute().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A root with a real city, a symlinked city folder and file, a link out of the root, a loop and a
    dangling link; the working folder inside it (relative paths)."""
    root = tmp_path / "root"
    (root / "targets" / "a").mkdir(parents=True)
    (root / "targets" / "a" / "p.toml").write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "q.toml").write_text("x")
    (root / "targets" / "linked").symlink_to(root / "targets" / "a", target_is_directory=True)
    (root / "targets" / "out").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "targets" / "a" / "alias.toml").symlink_to(tmp_path / "elsewhere" / "q.toml")
    (root / "targets" / "loop").symlink_to(root / "targets" / "loop")
    (root / "targets" / "gone").symlink_to(tmp_path / "nowhere")
    (tmp_path / "rootlink").symlink_to(root, target_is_directory=True)
    monkeypatch.chdir(root / "targets")
    errors._real.cache_clear()
    errors._resolved.cache_clear()
    return root


def test_display_path_names_every_place_as_pathlib_did(tree: Path) -> None:
    tmp = tree.parent
    paths = [
        tree / "targets" / "a" / "p.toml",
        tree / "targets" / "a" / "alias.toml",  # a symlinked file: named as itself
        tree / "targets" / "linked" / "p.toml",  # through a symlinked folder
        tree / "targets" / "out" / "q.toml",  # a link out of the root: as given
        tree / "targets" / "loop" / "x.toml",  # a loop above: as given
        tree / "targets" / "gone" / "x.toml",  # a dangling link above
        tree / "targets" / "nothing" / "x.toml",  # not there
        tree / "targets" / "a" / ".." / "a" / "p.toml",  # a ".." (pathlib decides)
        tree,  # the root itself: "."
        tree / "targets",
        Path("a/p.toml"),  # relative to the working folder
        Path("p.toml"),
        Path(),
        tmp / "elsewhere" / "q.toml",  # outside the root
        Path("/"),
        tmp / "rootlink" / "targets" / "a" / "p.toml",
    ]
    roots = [tree, tmp / "rootlink", Path(".."), Path(), Path("a"), Path("/"), tree / "targets" / "linked"]
    for root in roots:
        for path in paths:
            assert errors.display_path(path, root) == _pathlib_display(path, root), (path, root)
    assert errors.display_path(tree / "targets" / "a" / "p.toml", tree) == "targets/a/p.toml"
    assert errors.display_path(tree / "targets" / "out" / "q.toml", tree) == str(tree / "targets" / "out" / "q.toml")


def test_the_row_path_makes_actual_records(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "指標,年度,実績,基準日,備考\nrate,2026,65%,2026-09-30,メモ\ncount,2027,3,,\n"})
    plans, _ = load_plans(root, "mini")
    files = sorted((root / "actuals" / "mini").glob("*.csv"))
    loaded = load_actuals(files, plans, root).actuals
    assert loaded
    for actual in loaded.values():
        assert type(actual) is Actual
        assert type(actual.place) is Place
        assert len(actual) == len(Actual._fields)
        assert actual.place == Place(actual.place.path, actual.place.line)
    rate = loaded[("mini", "rate", "value", 2026)]
    assert (rate.text, rate.note, rate.analysis, rate.direction) == ("65%", "メモ", "", "")
    assert rate.place == Place("actuals/mini/a.csv", 2)


def test_a_city_folder_is_listed_once(make_root: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_root({"a.csv": "指標,年度,実績\nrate,2026,65%\n"})
    listed: list[str] = []
    real = os.listdir

    def counting(folder: object) -> list[str]:
        listed.append(os.fspath(folder))  # type: ignore[arg-type]
        return real(folder)  # type: ignore[arg-type]

    monkeypatch.setattr(inputs.os, "listdir", counting)
    city = load_city(root, "mini", 2026)
    assert city.plans
    assert listed.count(str(root / "targets" / "mini")) == 1
    assert listed.count(str(root / "actuals" / "mini")) == 1


def test_a_short_raw_read_is_read_on(tmp_path: Path) -> None:
    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:  # noqa: ARG002 - one byte at a time, as a raw read may
            chunk, self.data = self.data[:1], self.data[1:]
            return chunk

    assert inputs._read_upto(Trickle(b"abcdef"), 4) == b"abcd"  # type: ignore[arg-type]
    assert inputs._read_upto(Trickle(b"ab"), 4) == b"ab"  # type: ignore[arg-type]
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * 100_000)
    assert inputs.read_input(path) == b"x" * 100_000


@pytest.mark.parametrize(
    "name", ["a.csv", "A.CSV", "a.b.xlsx", "a.", "a", ".csv", "..csv", "a..", "2026年度", "x.numbers", "a. csv"]
)
def test_a_suffix_is_pathlibs(name: str) -> None:
    assert inputs._suffix(name) == Path(name).suffix


def test_a_very_deep_root_is_named_as_pathlib_names_it(tmp_path: Path) -> None:
    """Folders above a file are resolved a level per call: a root deeper than Python's recursion limit
    allows (nearly a thousand folders, in the review of issue 23) must not fall back to the full path."""
    root = tmp_path
    for _ in range(1000):  # a level at a time: pathlib's mkdir(parents=True) recurses as well
        root /= "a"
        root.mkdir()
    (root / "targets" / "x").mkdir(parents=True)
    errors._real.cache_clear()
    path = root / "targets" / "x" / "p.toml"
    try:
        assert errors.display_path(path, root) == _pathlib_display(path, root) == "targets/x/p.toml"
    finally:  # removed a level at a time too: shutil.rmtree (pytest's clean-up) recurses
        (root / "targets" / "x").rmdir()
        (root / "targets").rmdir()
        while root != tmp_path:
            root.rmdir()
            root = root.parent
