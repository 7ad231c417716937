"""An entry written a part at a time (cache_store.write_with): the same file as one written whole, its head
written last over the room left for it, and nothing left behind when the writing stops or fails."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kpicheck import cache_store


@pytest.fixture(params=["dir_fd", "path"])
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[cache_store.Folder]:
    """A private folder, opened as on Linux and macOS (a descriptor) and as on Windows (a path)."""
    where = tmp_path / "plans"
    where.mkdir(mode=0o700)
    if request.param == "path":
        yield cache_store.Folder(str(where), None)
        return
    fd = os.open(where, os.O_RDONLY)
    try:
        yield cache_store.Folder(str(where), fd)
    finally:
        os.close(fd)


def _names(folder: cache_store.Folder) -> list[str]:
    return sorted(path.name for path in Path(folder.path).iterdir())


def _fill(parts: list[bytes], head: bytes | None) -> Callable[[cache_store.Sink], bytes | None]:
    def fill(out: cache_store.Sink) -> bytes | None:
        for part in parts:
            assert out.write(part) == len(part)
        assert out.size == sum(map(len, parts))
        return head

    return fill


def test_the_parts_are_written_in_order_and_the_head_over_the_room_left(folder: cache_store.Folder) -> None:
    parts = [bytes(8), b"abc", b"x" * 70_000, b"", b"end"]
    cache_store.write_with(folder, "e.kc2", _fill(parts, b"HEAD1234"))
    path = Path(folder.path, "e.kc2")
    assert path.read_bytes() == b"HEAD1234" + b"".join(parts[1:])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _names(folder) == ["e.kc2"]  # no temporary file left


def test_the_same_bytes_as_written_whole(folder: cache_store.Folder) -> None:
    data = b"MAGIC" + bytes(range(256)) * 1000
    cache_store.write(folder, "whole.kc2", data)
    cache_store.write_with(folder, "parts.kc2", _fill([bytes(5), data[5:]], data[:5]))
    assert Path(folder.path, "parts.kc2").read_bytes() == Path(folder.path, "whole.kc2").read_bytes()


def test_an_entry_is_replaced_whole(folder: cache_store.Folder) -> None:
    cache_store.write(folder, "e.kc2", b"old entry, longer than the new one")
    cache_store.write_with(folder, "e.kc2", _fill([b"..", b"new"], b"HD"))
    assert Path(folder.path, "e.kc2").read_bytes() == b"HDnew"


def test_nothing_is_written_when_fill_gives_no_head(folder: cache_store.Folder) -> None:
    """Too large to keep, found while writing: no entry, and an older one is left as it was."""
    cache_store.write(folder, "kept.kc2", b"older")
    cache_store.write_with(folder, "new.kc2", _fill([b"x" * 1000], None))
    cache_store.write_with(folder, "kept.kc2", _fill([b"x" * 1000], None))
    assert _names(folder) == ["kept.kc2"]
    assert Path(folder.path, "kept.kc2").read_bytes() == b"older"


class FillError(Exception):
    """What a fill that cannot go on raises (an unpicklable value, in cache.py)."""


def test_a_failing_fill_leaves_no_file(folder: cache_store.Folder) -> None:
    def fill(out: cache_store.Sink) -> bytes | None:
        out.write(b"half an entry")
        raise FillError

    cache_store.write(folder, "kept.kc2", b"older")
    with pytest.raises(FillError):
        cache_store.write_with(folder, "kept.kc2", fill)
    assert _names(folder) == ["kept.kc2"]
    assert Path(folder.path, "kept.kc2").read_bytes() == b"older"


def test_a_folder_at_the_name_is_left_alone(folder: cache_store.Folder) -> None:
    """As `write` does: refused when read (and said then), not written over here."""
    Path(folder.path, "e.kc2").mkdir()
    Path(folder.path, "e.kc2", "inside").write_bytes(b"the user's")
    cache_store.write_with(folder, "e.kc2", _fill([b"..", b"new"], b"HD"))
    assert _names(folder) == ["e.kc2"]
    assert Path(folder.path, "e.kc2", "inside").read_bytes() == b"the user's"


def test_a_disk_error_while_writing_leaves_no_file(folder: cache_store.Folder) -> None:
    def fill(out: cache_store.Sink) -> bytes | None:
        out.write(b"part")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        cache_store.write_with(folder, "e.kc2", fill)
    assert _names(folder) == []


def _no_new_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder where no file can be made (read-only, or not the user's to write, which root cannot show)."""
    real = os.open

    def refused(path: str, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_CREAT:
            raise OSError(30, "Read-only file system", path)
        return real(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_store.os, "open", refused)


def test_a_folder_where_no_file_can_be_made_is_an_os_error(
    folder: cache_store.Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Said by the cache as KC504 (an OSError); before, `write` failed on its own name for the entry."""
    _no_new_file(monkeypatch)
    with pytest.raises(OSError, match="Read-only"):
        cache_store.write(folder, "e.kc2", b"data")
    with pytest.raises(OSError, match="Read-only"):
        cache_store.write_with(folder, "e.kc2", _fill([b"data"], b"HD"))
    assert _names(folder) == []


def test_a_plans_folder_where_no_entry_can_be_made_is_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kpicheck import cache  # noqa: PLC0415 - the run's cache state, reset around this test
    from kpicheck.workspace import load_plan  # noqa: PLC0415

    plan_file = Path(__file__).resolve().parent.parent / "targets" / "abashiri" / "abashiri-v2.toml"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    cache.reset()
    try:
        load_plan(plan_file, "p.toml")  # the key and folders made; then no entry can be made
        (entry,) = (tmp_path / "c" / "kpicheck" / "plans").glob("*.kc2")
        entry.unlink()
        cache.reset()
        _no_new_file(monkeypatch)
        plan, problems = load_plan(plan_file, "p.toml")
    finally:
        cache.reset()
    assert plan is not None and not problems
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and " KC504 " in err and "Read-only" in err
