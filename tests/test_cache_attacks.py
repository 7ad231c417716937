"""The cache as trusted storage (issue 22): each attack of the hostile corpus on the cache folder, made
at test time, ends in at most one warning line and a run that goes on, nothing written elsewhere."""

from __future__ import annotations

import os
import pickle
import re
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import invoke
from kpicheck import cache, cache_store
from kpicheck.targets import parse_plan
from kpicheck.workspace import load_plan

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "targets" / "abashiri" / "abashiri-v2.toml"
STATUS = ("status", "--root", str(REPO), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31")
WARNING = re.compile(r"^\S.*: KC50[1-4] \S.*（警告）$")


@pytest.fixture(autouse=True)
def _new_run():
    """Each test a run of its own, as far as the cache is concerned."""
    cache.reset()
    yield
    cache.reset()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_CACHE_HOME of this test; the cache folder is home/kpicheck."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    return tmp_path / "c"


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """call(), failing (not hanging) when it takes longer than `seconds`."""
    done: list[Any] = []
    thread = threading.Thread(target=lambda: done.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return done[0]


def cache_lines(err: str) -> list[str]:
    lines = [line for line in err.splitlines() if " KC50" in line]
    assert all(WARNING.match(line) for line in lines), lines
    return lines


def filled(home: Path, shown: str = "p.toml") -> tuple[Any, Path]:
    """The plan read once (its entry written) and the entry's path."""
    fresh = load_plan(PLAN, shown)
    (entry,) = (home / "kpicheck" / "plans").glob("*.kc2")
    cache.reset()  # the next load is another run
    return fresh, entry


class Planted:
    """A pickle that, when loaded, makes a folder: the marker of code run from the cache."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def test_a_fifo_entry_never_blocks(home, capsys):
    fresh, entry = filled(home)
    entry.unlink()
    os.mkfifo(entry)
    assert within(30, lambda: load_plan(PLAN, "p.toml")) == fresh
    (line,) = cache_lines(capsys.readouterr().err)
    assert line.startswith(f"{entry}: KC503 ") and "FIFO" in line
    assert stat.S_ISREG(entry.stat().st_mode)  # removed, then written afresh: the cache heals itself


def test_fifo_entries_do_not_hang_status(home):
    first = invoke(*STATUS)
    assert first.exit_code == 0, first.output
    entries = list((home / "kpicheck").glob("*/*.kc2"))
    assert entries
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    cache.reset()
    again = within(60, lambda: invoke(*STATUS))
    assert (again.exit_code, again.stdout) == (0, first.stdout)
    assert len(cache_lines(again.stderr)) == 1  # once per run, however many entries were wrong


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/random"])
def test_an_entry_linked_to_a_device_is_refused_unread(home, capsys, target):
    fresh, entry = filled(home)
    entry.unlink()
    entry.symlink_to(target)
    assert within(30, lambda: load_plan(PLAN, "p.toml")) == fresh
    (line,) = cache_lines(capsys.readouterr().err)
    assert line.startswith(f"{entry}: KC503 ")
    assert not entry.is_symlink()


def test_a_sparse_entry_of_3_gb_is_refused_by_its_size(home, capsys):
    fresh, entry = filled(home)
    with entry.open("r+b") as file:
        file.truncate(3 * 1024**3)
    started = time.perf_counter()
    assert load_plan(PLAN, "p.toml") == fresh
    assert time.perf_counter() - started < 20  # reading 3 GB would take minutes: a guard, not a goal
    (line,) = cache_lines(capsys.readouterr().err)
    assert "3,221,225,472 バイトで上限" in line and line.startswith(f"{entry}: KC503 ")
    assert entry.stat().st_size < cache.MAX_ENTRY


@pytest.mark.parametrize("framed", [False, True], ids=["bare pickle", "framed with a forged tag"])
def test_a_planted_pickle_never_runs(home, tmp_path, capsys, framed):
    marker = tmp_path / "ran"
    payload = pickle.dumps(Planted(marker))
    pickle.loads(payload)  # the payload does run code when unpickled: the test can fail
    assert marker.is_dir()
    marker.rmdir()
    fresh, entry = filled(home)
    entry.write_bytes((cache.MAGIC + bytes(cache.TAG_SIZE) if framed else b"") + payload + payload)
    assert load_plan(PLAN, "p.toml") == fresh
    assert not marker.exists()
    (line,) = cache_lines(capsys.readouterr().err)
    assert line.startswith(f"{entry}: KC503 ")


def test_a_planted_template_never_runs(home, tmp_path):
    from jinja2.bccache import bc_magic  # noqa: PLC0415 - Jinja's own header: the entry looks like one

    args = ["report", "--root", str(REPO), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31"]
    first = invoke(*args, "--format", "html")
    assert first.exit_code == 0, first.output
    marker = tmp_path / "ran"
    entries = list((home / "kpicheck" / "jinja" / "html").glob("*.kc2"))
    assert entries
    for entry in entries:  # Jinja unpickles a checksum after its header, then unmarshals code
        entry.write_bytes(cache.MAGIC + bytes(cache.TAG_SIZE) + bc_magic + pickle.dumps(Planted(marker)))
    cache.reset()
    again = invoke(*args, "--format", "html")
    assert (again.exit_code, again.stdout) == (0, first.stdout)
    assert not marker.exists()
    assert [line.split(": ", 1)[1][:5] for line in cache_lines(again.stderr)] == ["KC503"]


def test_an_entry_of_another_users_key_is_refused(home, capsys):
    """The key is per user: an entry written under another key (a copied cache folder) is not trusted."""
    fresh, _ = filled(home)
    key = home / "kpicheck" / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == cache.KEY_SIZE
    key.write_bytes(os.urandom(cache.KEY_SIZE))
    assert load_plan(PLAN, "p.toml") == fresh
    assert [line.split(": ", 1)[1][:5] for line in cache_lines(capsys.readouterr().err)] == ["KC503"]


def test_the_folder_is_created_private(home):
    load_plan(PLAN, "p.toml")
    for folder in (home / "kpicheck", home / "kpicheck" / "plans"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for entry in (home / "kpicheck" / "plans").iterdir():
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def parse(raw: bytes, shown: str) -> Any:
        calls.append(shown)
        return parse_plan(raw, shown)

    monkeypatch.setattr("kpicheck.targets.parse_plan", parse)
    return calls


@pytest.mark.parametrize("folder", ["kpicheck", "kpicheck/plans"])
def test_a_folder_others_can_write_is_refused_and_bypassed(home, monkeypatch, capsys, folder):
    fresh, entry = filled(home)
    (home / folder).chmod(0o770)
    before = entry.read_bytes()
    calls = _parses(monkeypatch)
    assert load_plan(PLAN, "p.toml") == fresh
    assert load_plan(PLAN, "p.toml") == fresh
    assert calls == ["p.toml", "p.toml"]  # uncached for the rest of the run, not only once
    (line,) = cache_lines(capsys.readouterr().err)
    assert line.startswith(f"{home / folder}: KC501 ") and "770" in line
    assert entry.read_bytes() == before  # nothing of a refused folder is touched


def test_a_folder_of_another_user_is_refused(home, monkeypatch, capsys):
    fresh, _ = filled(home)
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    calls = _parses(monkeypatch)
    assert load_plan(PLAN, "p.toml") == fresh
    assert calls == ["p.toml"]
    (line,) = cache_lines(capsys.readouterr().err)
    assert line.startswith(f"{home / 'kpicheck'}: KC501 ") and f"uid {uid}" in line


def test_without_getuid_owner_and_mode_are_not_checked(home, monkeypatch, capsys):
    """Windows has no os.getuid and its st_mode does not show ACLs: the checks are skipped there, on purpose."""
    fresh, _ = filled(home)
    (home / "kpicheck").chmod(0o770)
    monkeypatch.delattr(os, "getuid")
    calls = _parses(monkeypatch)
    assert load_plan(PLAN, "p.toml") == fresh
    assert calls == []
    assert not cache_lines(capsys.readouterr().err)


def data_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "targets" / "abashiri").mkdir(parents=True)
    (root / "targets" / "abashiri" / "abashiri-v2.toml").write_bytes(PLAN.read_bytes())
    (root / "actuals" / "abashiri").mkdir(parents=True)
    return root


def tree(root: Path) -> list[tuple[str, bytes]]:
    return sorted((str(p.relative_to(root)), p.read_bytes() if p.is_file() else b"") for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("folder", "into", "command"),
    [
        ("plans", "actuals", "validate"),
        ("plans", "actuals", "status"),
        ("plans", "targets", "validate"),
        ("jinja/markdown", "actuals", "report"),
    ],
)
def test_a_sub_folder_linked_into_the_data_root_is_never_written(tmp_path, home, folder, into, command):
    root = data_root(tmp_path)
    (home / "kpicheck" / folder).parent.mkdir(parents=True, mode=0o700)
    (home / "kpicheck").chmod(0o700)
    (home / "kpicheck" / folder).symlink_to(root / into, target_is_directory=True)
    before = tree(root)
    args = {"validate": ["validate"], "status": list(STATUS[:1]), "report": ["report"]}[command]
    if command != "validate":
        args += ["--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31"]
    result = invoke(*args, "--root", str(root))
    assert result.exit_code == 0, result.output
    assert tree(root) == before
    (line,) = cache_lines(result.stderr)
    assert ": KC501 " in line


@pytest.mark.parametrize("where", ["root", "root/actuals", "link to root", "link to root/targets"])
def test_a_cache_folder_inside_the_data_root_creates_nothing_there(tmp_path, monkeypatch, where):
    root = data_root(tmp_path)
    (tmp_path / "link").symlink_to(root, target_is_directory=True)
    home = {
        "root": root,
        "root/actuals": root / "actuals",
        "link to root": tmp_path / "link",
        "link to root/targets": tmp_path / "link" / "targets",
    }[where]
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    before = tree(root)
    for command in (["validate"], ["status", "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31"]):
        result = invoke(*command, "--root", str(root))
        assert result.exit_code == 0, result.output
        (line,) = cache_lines(result.stderr)
        assert line.startswith(f"{home / 'kpicheck'}: KC502 ")
        cache.reset()
    assert tree(root) == before


def test_old_entries_are_pruned_to_the_bound(home, monkeypatch):
    monkeypatch.setattr(cache_store, "MAX_ENTRIES", 3)
    plans = home / "kpicheck" / "plans"
    names = []
    for number in range(5):  # one run: pruning happens before a run's first write only
        load_plan(PLAN, f"p{number}.toml")
        (new,) = set(plans.glob("*.kc2")) - set(names)
        names.append(new)
        os.utime(new, ns=(number * 10**9, number * 10**9))  # p0 the oldest
    (plans / "notes.txt").write_bytes(b"the user's own file: never kpicheck's to remove")
    os.mkfifo(plans / "odd.kc2")
    cache.reset()
    calls = _parses(monkeypatch)
    load_plan(PLAN, "p0.toml")  # a hit: p0 is now the newest
    load_plan(PLAN, "p9.toml")  # a write: the folder is pruned to 3 first, then p9 added
    assert calls == ["p9.toml"]
    left = set(plans.iterdir())
    assert left >= {names[0], names[3], names[4]}
    assert not left & {names[1], names[2], plans / "odd.kc2"}
    assert (plans / "notes.txt").read_bytes().startswith(b"the user's own file")
    assert len(left) == 5  # three kept, p9 added, and the user's file (not counted against the bound)


def test_pruning_by_size_removes_the_oldest_first(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir(mode=0o700)
    for number in range(4):
        (folder / f"{number}.kc2").write_bytes(b"x" * 100)
        os.utime(folder / f"{number}.kc2", ns=(number * 10**9, number * 10**9))
    fd = os.open(folder, os.O_RDONLY)
    try:
        assert cache_store.prune(cache_store.Folder(str(folder), fd), entries=10, size=250) == 2
    finally:
        os.close(fd)
    assert sorted(p.name for p in folder.iterdir()) == ["2.kc2", "3.kc2"]


def test_an_entry_over_the_cap_is_not_written(home, monkeypatch, capsys):
    monkeypatch.setattr(cache, "MAX_ENTRY", 1000)
    load_plan(PLAN, "p.toml")
    assert not list((home / "kpicheck" / "plans").glob("*.kc2"))
    assert not cache_lines(capsys.readouterr().err)  # too large to keep is not a problem
