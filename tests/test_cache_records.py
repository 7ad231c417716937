"""The plan cache writes records (NamedTuples) as tuple.__new__(cls, fields) (issue 23, round 3): read back,
a plan is the same records, of the same types; a tuple subclass with state beyond its fields is pickled as usual."""

from __future__ import annotations

import io
import pickle
import pickletools
from pathlib import Path

import pytest

from kpicheck import cache, models
from kpicheck.models import Plan
from kpicheck.workspace import load_plans

# The record classes of a plan (NamedTuples), by the names _types gives them.
RECORD_TYPES = {name for name, value in vars(models).items() if isinstance(value, type) and issubclass(value, tuple)}

REPO = Path(__file__).resolve().parent.parent


def test_a_cached_plan_is_read_back_as_the_same_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache.reset()
    try:
        fresh, _ = load_plans(REPO, "abashiri")  # read afresh and written to the cache
        again, _ = load_plans(REPO, "abashiri")  # from the cache
    finally:
        cache.reset()
    assert again == fresh
    assert _types(again) == _types(fresh)
    entries = list((tmp_path / "cache" / "kpicheck" / "plans").glob("*.kc2"))
    assert entries
    for entry in entries:
        stream = io.BytesIO(entry.read_bytes()[cache.HEADER :])
        pickle.load(stream)  # the check (kpicheck's stamp, the name, the source bytes)
        ops = [op.name for op, _, _ in pickletools.genops(stream)]
        assert "NEWOBJ" in ops  # the Plan (a dataclass) as before
        records = sum(1 for name in _types(fresh) if name in RECORD_TYPES)
        # each record by tuple.__new__, not through its own __new__ (one NEWOBJ per class or dataclass at most)
        assert records > 100 and ops.count("NEWOBJ") < len(RECORD_TYPES)


def _types(value: object) -> list[str]:
    """The type of every object in a plan, depth first (records, enums, Decimals, dicts)."""
    found = [type(value).__qualname__]
    if isinstance(value, Plan):
        items: list[object] = list(vars(value).values())
    elif isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, (tuple, list)):
        items = list(value)
    else:
        items = []
    for item in items:
        found += _types(item)
    return found


def test_a_namedtuple_with_a_dict_is_pickled_as_usual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache.reset()
    try:
        value = _WithState("a", 1)
        value.extra = "kept"
        assert cache.cached("plans", "n", b"s", lambda: value) is value
        back = cache.cached("plans", "n", b"s", lambda: None)
    finally:
        cache.reset()
    assert back == value
    assert back.extra == "kept"


class _Base(tuple):  # a record with state beyond its fields, on purpose
    _fields = ("name", "number")

    def __new__(cls, name: str, number: int) -> _Base:
        return tuple.__new__(cls, (name, number))

    def __getnewargs__(self) -> tuple[object, ...]:
        return tuple(self)


class _WithState(_Base):
    extra: str
