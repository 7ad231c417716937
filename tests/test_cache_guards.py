"""The reviewer's findings on the cache as trusted storage (issue 22, round 2): another data root
never receives a byte, a folder at an entry's name does not turn the cache off, pruning removes
kpicheck's own files only, a key others can read is replaced, a file of size 0 is read to the cap."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import test_cache_attacks as attacks
from test_cache_attacks import PLAN, cache_lines, data_root, filled, tree

from conftest import invoke
from kpicheck import cache, cache_store
from kpicheck.workspace import load_plan

home = attacks.home  # the fixtures: XDG_CACHE_HOME of the test, and each test a run of its own
_new_run = attacks._new_run
STATUS = ("status", "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31")


def two_roots(tmp_path: Path) -> tuple[Path, Path]:
    """The root kpicheck is given, and another one it is not told about."""
    other = tmp_path / "other"
    other.mkdir()
    return data_root(tmp_path), data_root(other)


@pytest.mark.parametrize("into", ["actuals", "targets", "actuals/abashiri"])
def test_a_cache_folder_linked_into_another_data_root_is_refused(tmp_path, home, into):
    root, other = two_roots(tmp_path)
    home.mkdir(mode=0o700)
    (home / "kpicheck").symlink_to(other / into, target_is_directory=True)
    before = tree(other)
    result = invoke(*STATUS, "--root", str(root))
    assert result.exit_code == 0, result.output
    assert tree(other) == before
    (line,) = cache_lines(result.stderr)
    assert line.startswith(f"{home / 'kpicheck'}: KC502 ")


@pytest.mark.parametrize("where", ["other/root", "other/root/actuals", "other/root/targets/abashiri"])
def test_xdg_cache_home_in_another_data_root_creates_nothing(tmp_path, monkeypatch, where):
    root, other = two_roots(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / where))
    before = tree(other)
    for command in (STATUS, ("validate",)):
        result = invoke(*command, "--root", str(root))
        assert result.exit_code == 0, result.output
        (line,) = cache_lines(result.stderr)
        assert ": KC502 " in line
        cache.reset()
    assert tree(other) == before
    assert not (tmp_path / where / "kpicheck").exists()


def test_a_parent_swapped_for_a_link_while_opening_is_caught(tmp_path, home, monkeypatch):
    """Between the check of the real path and the open, $XDG_CACHE_HOME becomes a link into another
    root's actuals/ (where a kpicheck/ folder waits): the folder opened is checked again, not trusted."""
    root, other = two_roots(tmp_path)
    home.mkdir(mode=0o700)
    (other / "actuals" / "kpicheck").mkdir(mode=0o700)
    before = tree(other)
    opening = cache_store.open_root

    def swapped(real: str) -> cache_store.Folder:
        home.rename(tmp_path / "c-was")
        home.symlink_to(other / "actuals", target_is_directory=True)
        return opening(real)

    monkeypatch.setattr(cache_store, "open_root", swapped)
    result = invoke(*STATUS, "--root", str(root))
    assert result.exit_code == 0, result.output
    assert tree(other) == before
    (line,) = cache_lines(result.stderr)
    assert ": KC502 " in line


def test_a_data_root_without_targets_twin_is_no_data_root(tmp_path, home):
    """Only a folder with both targets/ and actuals/ is a data root: a lone actuals/ above the cache is not."""
    (tmp_path / "c" / "actuals").mkdir(parents=True)
    root, _ = two_roots(tmp_path)
    result = invoke(*STATUS, "--root", str(root))
    assert result.exit_code == 0, result.output
    assert not cache_lines(result.stderr)
    assert list((home / "kpicheck" / "plans").glob("*.kc2"))


def test_an_empty_folder_at_an_entry_name_is_removed(home, capsys):
    fresh, entry = filled(home)
    entry.unlink()
    entry.mkdir()
    assert load_plan(PLAN, "p.toml") == fresh
    (line,) = cache_lines(capsys.readouterr().err)
    assert line.startswith(f"{entry}: KC503 ")
    assert entry.is_file()  # written afresh: the cache healed itself


def test_a_full_folder_at_an_entry_name_is_left_and_the_cache_stays_on(home, capsys, monkeypatch):
    fresh, entry = filled(home)
    entry.unlink()
    entry.mkdir()
    (entry / "mine.txt").write_text("the user's")
    assert load_plan(PLAN, "p.toml") == fresh
    (line,) = cache_lines(capsys.readouterr().err)
    assert line.startswith(f"{entry}: KC503 ")  # the place is the path, never a descriptor's number
    assert (entry / "mine.txt").read_text() == "the user's"
    load_plan(PLAN, "q.toml")  # another plan is still cached in this run
    assert len(list((home / "kpicheck" / "plans").glob("*.kc2"))) == 2
    cache.reset()
    calls: list[str] = []
    monkeypatch.setattr("kpicheck.targets.parse_plan", lambda _raw, shown: calls.append(shown) or fresh[0])
    load_plan(PLAN, "q.toml")
    assert calls == []  # a hit in the next run: the cache was not turned off


def test_pruning_leaves_the_users_files(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir(mode=0o700)
    for name in ("a.kc2", ".a.kc2.1.tmp", "notes.txt", "old.pickle", "key"):
        (folder / name).write_bytes(b"x")
        os.utime(folder / name, ns=(0, 0))
    (folder / "z.kc2").symlink_to("/dev/zero")
    fd = os.open(folder, os.O_RDONLY)
    try:
        assert cache_store.prune(cache_store.Folder(str(folder), fd), entries=0, size=0) == 3
    finally:
        os.close(fd)
    assert sorted(p.name for p in folder.iterdir()) == ["key", "notes.txt", "old.pickle"]


def test_the_cache_root_is_tagged_for_backup_tools(home):
    load_plan(PLAN, "p.toml")
    tag = home / "kpicheck" / "CACHEDIR.TAG"
    assert tag.read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    assert stat.S_IMODE(tag.stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_others_can_read_is_replaced(home, capsys, mode):
    fresh, _ = filled(home)
    key = home / "kpicheck" / "key"
    old = key.read_bytes()
    key.chmod(mode)
    assert load_plan(PLAN, "p.toml") == fresh
    (line,) = cache_lines(capsys.readouterr().err)
    assert line.startswith(f"{key}: KC503 ") and f"{mode:o}" in line
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_bytes() != old  # a new secret: entries tagged with the readable one are not trusted


def _size_shown_as_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """fstat says 0 bytes, as for a file of /proc: what is there is read only up to the cap."""
    real = os.fstat

    def fstat(fd: int) -> Any:
        info = real(fd)
        if not stat.S_ISREG(info.st_mode):
            return info
        return os.stat_result((*info[:6], 0, *info[7:10]))

    monkeypatch.setattr(cache_store.os, "fstat", fstat)


@pytest.mark.parametrize(("data", "kept"), [(b"12345", True), (b"x" * 11, False)])
def test_a_file_of_size_zero_is_read_up_to_the_cap(tmp_path, monkeypatch, data, kept):
    folder = tmp_path / "f"
    folder.mkdir(mode=0o700)
    (folder / "e.kc2").write_bytes(data)
    _size_shown_as_zero(monkeypatch)
    reads: list[int] = []
    real_read = os.read

    def read(fd: int, most: int) -> bytes:
        chunk = real_read(fd, most)
        reads.append(len(chunk))
        return chunk

    monkeypatch.setattr(cache_store.os, "read", read)
    fd = os.open(folder, os.O_RDONLY)
    try:
        where = cache_store.Folder(str(folder), fd)
        if kept:
            assert cache_store.read(where, "e.kc2", 10) == data
        else:
            with pytest.raises(cache_store.CacheError, match="上限 10 バイト"):
                cache_store.read(where, "e.kc2", 10)
            assert not (folder / "e.kc2").exists()
    finally:
        os.close(fd)
    assert 0 < sum(reads) <= 11  # never past the cap and one byte
