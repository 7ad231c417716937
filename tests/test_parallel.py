"""parallel.py and `summary --jobs`: work shared among processes gives the rows one process gives, in order."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_summary import write_root

from conftest import invoke
from kpicheck import parallel
from kpicheck.parallel import PARALLEL_FROM, default_jobs, ordered_map

_offset = 0


def _set_offset(value: int) -> None:
    global _offset  # noqa: PLW0603 - the worker's state under test
    _offset = value


def _work(item: int) -> tuple[int, int, int]:
    return item, item * item + _offset, os.getpid()


def test_results_in_order_from_several_processes() -> None:
    items = list(range(PARALLEL_FROM * 3))
    found = list(ordered_map(_work, items, 2, _set_offset, (7,)))
    assert [(i, v) for i, v, _ in found] == [(i, i * i + 7) for i in items]
    # really done elsewhere: in workers, not in this process
    assert os.getpid() not in {pid for *_, pid in found}


def test_few_items_or_one_job_stay_in_this_process() -> None:
    for items, jobs in ((list(range(PARALLEL_FROM - 1)), 4), (list(range(PARALLEL_FROM)), 1)):
        found = list(ordered_map(_work, items, jobs, _set_offset, (1,)))
        assert {pid for *_, pid in found} == {os.getpid()}
        assert [v for _, v, _ in found] == [i * i + 1 for i in items]


def test_no_processes_falls_back_to_this_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sandbox without semaphores: ProcessPoolExecutor cannot be made; the same results, here."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    items = list(range(PARALLEL_FROM))
    found = list(ordered_map(_work, items, 2, _set_offset, (0,)))
    assert [v for _, v, _ in found] == [i * i for i in items]
    assert {pid for *_, pid in found} == {os.getpid()}


def _die_at_150(item: int) -> int:
    if item == 150 and os.getpid() != _parent:
        os._exit(9)  # a worker killed (out of memory, say) mid-run
    return item


_parent = os.getpid()


def test_a_dead_worker_leaves_the_rest_to_this_process() -> None:
    items = list(range(PARALLEL_FROM * 3))
    assert list(ordered_map(_die_at_150, items, 2)) == items


def test_default_jobs_within_limits() -> None:
    assert 1 <= default_jobs() <= parallel.MAX_JOBS


def test_summary_same_with_and_without_workers(tmp_path: Path) -> None:
    """A root large enough to be shared out: JSON, CSV and table byte for byte the same with -j 1 and -j 2,
    a broken city among them (its row and its problems on stderr as well)."""
    cities = {f"c{n:03d}": f"第{n}市" for n in range(PARALLEL_FROM + 20)}
    root = write_root(tmp_path / "root", cities, broken=("c050",))
    args = ["summary", "--root", str(root), "--year", "2027", "--as-of", "2027-12-31"]
    for fmt in ("json", "csv", "table"):
        one = invoke(*args, "--format", fmt, "-j", "1")
        two = invoke(*args, "--format", fmt, "-j", "2")
        assert one.exit_code == two.exit_code == 2
        assert one.stdout == two.stdout and one.stderr == two.stderr
    rows = json.loads(invoke(*args, "--format", "json", "-j", "2").stdout)["cities"]
    assert [row["city"] for row in rows] == sorted(cities)
    assert rows[50]["state"] == "error" and rows[49]["state"] == rows[51]["state"] == "ok"


def test_summary_in_workers_as_a_process(tmp_path: Path) -> None:
    """As users run it (python -m, a real stdout): the same bytes, no worker's output doubled."""
    root = write_root(tmp_path / "root", {f"c{n:03d}": f"第{n}市" for n in range(PARALLEL_FROM + 5)})
    args = [sys.executable, "-m", "kpicheck", "summary", "--root", str(root), "--year", "2027"]
    args += ["--as-of", "2027-12-31", "--format", "json"]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    one = subprocess.run([*args, "-j", "1"], capture_output=True, env=env, check=False)
    two = subprocess.run([*args, "-j", "2"], capture_output=True, env=env, check=False)
    assert one.returncode == two.returncode == 0, two.stderr.decode()
    assert one.stdout == two.stdout
    assert b"Traceback" not in two.stderr


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    root = write_root(tmp_path / "root", {"aaa": "甲市"})
    result = invoke("summary", "--root", str(root), "--year", "2027", "-j", "0")
    assert result.exit_code == 2
    assert "KC304" in result.stderr and "--jobs" in result.stderr


SPAWNED = """
import json, multiprocessing, sys
from datetime import date
from pathlib import Path
from kpicheck.summary import select_cities, summarize
if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")  # as on Windows and macOS: workers import kpicheck afresh
    selection = select_cities(Path(sys.argv[1]), None)
    print(json.dumps(list(summarize(selection, 2027, date(2027, 12, 31), int(sys.argv[2]))), ensure_ascii=False))
"""


def test_summary_in_spawned_workers(tmp_path: Path) -> None:
    """Workers started afresh (Windows, macOS) receive the run's settings and give the same rows."""
    root = write_root(tmp_path / "root", {f"c{n:03d}": f"第{n}市" for n in range(PARALLEL_FROM + 1)}, ("c007",))
    script = tmp_path / "spawned.py"
    script.write_text(SPAWNED, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, str(script), str(root), jobs], capture_output=True, env=env, check=True)
        for jobs in ("1", "2")
    ]
    assert runs[0].stdout == runs[1].stdout
    assert json.loads(runs[1].stdout)[7]["state"] == "error"


def test_a_refused_cache_folder_is_said_once_not_once_a_worker(tmp_path: Path) -> None:
    """The cache folder is checked before workers start: its one warning is one line for the run."""
    root = write_root(tmp_path / "root", {f"c{n:03d}": f"第{n}市" for n in range(PARALLEL_FROM + 5)})
    cache_home = tmp_path / "cache"
    (cache_home / "kpicheck").mkdir(parents=True)
    (cache_home / "kpicheck").chmod(0o770)  # others may write: refused (KC501), the run goes on uncached
    args = [sys.executable, "-m", "kpicheck", "summary", "--root", str(root), "--year", "2027"]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run([*args, "--format", "json", "-j", "2"], capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().count("KC501") == 1


def test_a_cache_entry_warning_from_workers_is_said_once(tmp_path: Path) -> None:
    """Damaged entries met by both workers (KC503): the workers keep their warnings and the main process
    says the run's one line, as one process would (found by review: one line per worker)."""
    root = write_root(tmp_path / "root", {f"c{n:03d}": f"第{n}市" for n in range(PARALLEL_FROM + 5)})
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = [sys.executable, "-m", "kpicheck", "summary", "--root", str(root), "--year", "2027", "--format", "csv"]
    subprocess.run([*args, "-j", "1"], capture_output=True, env=env, check=True)  # fills the cache
    entries = list((tmp_path / "cache").rglob("*.kc2"))
    assert len(entries) > PARALLEL_FROM
    for entry in entries:  # one byte changed: the tag fails, the entry is removed and read afresh
        data = bytearray(entry.read_bytes())
        data[100] ^= 1
        entry.write_bytes(bytes(data))
    done = subprocess.run([*args, "-j", "2"], capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().count("KC503") == 1
