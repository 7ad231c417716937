"""A plan's entry is pickled straight into its file (cache.py _save_pickled): the same bytes as pickled whole,
and a value that cannot be pickled leaves no file and no warning (one too large: test_cache_attacks)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from kpicheck import cache

PLAN = Path(__file__).resolve().parent.parent / "targets" / "abashiri" / "abashiri-v2.toml"


@pytest.fixture(autouse=True)
def _new_run():
    cache.reset()
    yield
    cache.reset()


def test_an_entry_holds_the_two_pickles_as_before(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    value = {"plan": list(range(100_000)), "text": "指標" * 50_000}  # frames of 64 KiB, bytes over a frame
    source = PLAN.read_bytes() * 10
    assert cache.cached("plans", "n", source, lambda: value) == value
    (entry,) = (tmp_path / "kpicheck" / "plans").glob("*.kc2")
    data = entry.read_bytes()
    check = (cache._code_stamp(), "n", source)
    payload = pickle.dumps(check, pickle.HIGHEST_PROTOCOL) + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    home = tmp_path / "kpicheck"
    assert data == cache.MAGIC + cache._tag(home, ("plans",), entry.name, payload) + payload
    assert cache.cached("plans", "n", source, lambda: None) == value  # read back, its tag checked


def test_an_unpicklable_value_is_just_not_cached(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    value = [1, lambda: 2]
    assert cache.cached("plans", "n", b"source", lambda: value) is value
    assert not [p.name for p in (tmp_path / "kpicheck" / "plans").iterdir()]  # no entry, no temporary file
    assert capsys.readouterr().err == ""
