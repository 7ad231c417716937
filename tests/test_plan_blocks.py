"""A plan's [[indicators]] parsed a few blocks at a time reads exactly as the whole text parsed at once: the
same plan (repr and pickle), the same problems at the same lines, the same KC201 for a TOML error
anywhere; and it holds far less while reading (toml_reader.by_blocks, targets.read_plan)."""

from __future__ import annotations

import pickle
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_plan_rows import INDICATORS, ROWS

from conftest import REPO, examples
from kpicheck import plan_rows, targets, toml_reader
from kpicheck.toml_reader import Blocks, by_blocks, loads

SHIPPED = sorted((REPO / "targets").glob("*/*.toml"))
LARGE = targets.BY_BLOCKS  # the size from which a plan is read by blocks (set to 0 below, for every plan)
BAD = sorted((REPO / "tests" / "bad" / "targets").glob("*.toml"))


def _fresh() -> None:
    """No row nor cell kept from an earlier reading: objects are shared as in a first reading (pickle shows it)."""
    plan_rows._kept.clear()
    for name, module in list(sys.modules.items()):
        if not name.startswith("kpicheck."):
            continue
        for value in vars(module).values():
            if hasattr(value, "cache_clear") and getattr(value, "__module__", "").startswith("kpicheck"):
                value.cache_clear()


@pytest.fixture(autouse=True)
def every_plan_by_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small plans too (only those of 256 K characters or more are read by blocks otherwise)."""
    monkeypatch.setattr(targets, "BY_BLOCKS", 0)


def _whole(_source: str, _name: str) -> None:
    """by_blocks as if every text were unusual: the whole text parsed at once, as before."""


def _read(text: str, *, whole: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, bytes]:
    _fresh()
    with monkeypatch.context() as patched:
        if whole:
            patched.setattr(targets, "by_blocks", _whole)
        result = targets.read_plan(text, "plan.toml")
    return repr(result), pickle.dumps(result, pickle.HIGHEST_PROTOCOL)


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _read(text, whole=False, monkeypatch=monkeypatch) == _read(text, whole=True, monkeypatch=monkeypatch)


CLEAN = [row for row in INDICATORS if "どこかへ" not in row[1] and "ends" not in row[0]]  # rows without a problem


def _plan(count: int, *, kinds: list[tuple[str, tuple[str, str, str]]] = INDICATORS) -> str:
    """test_plan_rows' plan with `count` indicators of its rows, in two initiatives, their blocks interleaved."""
    blocks = []
    for number in range(count):
        keys, cells = kinds[number % len(kinds)]
        rows = "\n".join(f'{2026 + n} = "{cell}"' for n, cell in enumerate(cells))
        blocks.append(f'\n[[indicators]]\nid = "1-{number}"\ninitiative = "1"\n{keys}\n[indicators.targets]\n{rows}\n')
        if number == count // 2:
            blocks.append('\n[[initiatives]]\nid = "2"\narea = "1"\nname = "取組2"\n')
    return ROWS.format(indicators="".join(blocks))


@pytest.mark.parametrize("path", [*SHIPPED, *BAD], ids=lambda p: p.name)
def test_every_plan_reads_by_blocks_as_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_bytes().decode("utf-8-sig", "replace")
    _both(text, monkeypatch)
    _both(text.replace("\n", "\r\n"), monkeypatch)


def test_the_shipped_plans_are_read_by_blocks() -> None:
    """Their [[initiatives]] between the indicators too (chitose, nemuro): none is left to the whole parse."""
    for path in SHIPPED:
        assert isinstance(by_blocks(path.read_text(encoding="utf-8"), "indicators"), dict), path.name


def test_only_a_large_plan_is_read_by_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(targets, "BY_BLOCKS", LARGE)
    sizes: list[int] = []

    def counted(source: str, name: str) -> dict[str, Any] | None:
        sizes.append(len(source))
        return by_blocks(source, name)

    monkeypatch.setattr(targets, "by_blocks", counted)
    for path in SHIPPED:  # under 40,000 characters: parsed at once, the faster way for a small file
        targets.read_plan(path.read_text(encoding="utf-8"), "plan.toml")
    large = _plan(3000, kinds=CLEAN)
    assert len(large) >= LARGE
    plan, _ = targets.read_plan(large, "plan.toml")
    assert sizes == [len(large)] and plan is not None and len(plan.indicators) == 3000


def _as_loaded(data: dict[str, Any]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, Blocks) else value for key, value in data.items()}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_tables_by_blocks_are_those_of_the_whole_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = by_blocks(text, "indicators")
    assert data is not None
    assert list(data) == list(loads(text))  # the keys in the same order too
    assert _as_loaded(data) == loads(text)


def test_a_large_plan_in_many_chunks_reads_as_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _plan(300)  # five chunks of 64 blocks, an [[initiatives]] block among them
    data = by_blocks(text, "indicators")
    assert data is not None and _as_loaded(data) == loads(text)
    _both(text, monkeypatch)


ENTRY = '\n[[indicators]]\nid = "9-9"\ninitiative = "1"\nname = "x"\n[indicators.targets]\n2026 = "1件"\n'
HEAD = ROWS.format(indicators="")

# Texts whose blocks could read otherwise than the whole text: parsed whole.
WHOLE = {
    "a multi-line string": HEAD + ENTRY + 'note = """\n[[indicators]]\n"""\n',
    "a literal multi-line string": HEAD + ENTRY + "note = '''\nx\n'''\n",
    "a table after the first entry": HEAD + ENTRY + "[other]\nx = 1\n",
    "[plan] again after the entries": HEAD + ENTRY + "[plan]\n",
    "an array of tables begun after the first entry": HEAD + ENTRY + "[[other]]\nx = 1\n",
    "an entry's sub-table after another array's": HEAD + ENTRY + '[[areas]]\nid = "2"\n[indicators.x]\n',
    "a sub-table of another array": HEAD + ENTRY + "[areas.x]\n",
    "a quoted header": HEAD + ENTRY + '[["indicators"]]\nid = "1"\n',
    "a deeper sub-table": HEAD + ENTRY + "[indicators.targets.x]\n",
    "a header with more on its line": HEAD + ENTRY + '[[indicators]] id = "x"\n',
    "indicators in the head": "indicators = []\n" + HEAD + ENTRY,
    "an indicators table in the head": HEAD + "[indicators.x]\n" + ENTRY,
    "a value's line that looks like a header": HEAD + ENTRY + "x = [\n[1],\n]\n",
    "no entry": HEAD,
}


@pytest.mark.parametrize("text", WHOLE.values(), ids=WHOLE.keys())
def test_unusual_texts_are_parsed_whole(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert by_blocks(text, "indicators") is None
    _both(text, monkeypatch)


# Blocks that do not parse alone: each is read again from the whole text, which says what is wrong and where.
BROKEN = {
    "a TOML error in an entry": ENTRY + 'name = "unclosed\n',
    "a key twice": ENTRY.replace('name = "x"', 'name = "x"\nname = "y"'),
    "a sub-table twice": ENTRY + '[indicators.targets]\n2027 = "2件"\n',
    "too deep": ENTRY + "x = " + "[" * 2000 + "]" * 2000 + "\n",
}


@pytest.mark.parametrize("tail", BROKEN.values(), ids=BROKEN.keys())
def test_a_block_that_does_not_parse_alone_reads_as_the_whole_text(tail: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _plan(100) + tail
    data = by_blocks(text, "indicators")
    assert data is not None
    with pytest.raises(toml_reader.Unusual):
        data["indicators"].finish()
    _both(text, monkeypatch)
    plan, problems = targets.read_plan(text, "plan.toml")
    assert plan is None and [p.code for p in problems] == ["KC201"]


def test_a_toml_error_in_a_block_the_plan_never_reads_is_still_kc201(monkeypatch: pytest.MonkeyPatch) -> None:
    """[plan] without its years stops the reading before the indicators: the last block's error is the file's."""
    text = _plan(100).replace("first_year = 2026\n", "") + ENTRY + "name = \n"
    plan, problems = targets.read_plan(text, "plan.toml")
    assert plan is None
    assert [(p.code, p.line) for p in problems] == [("KC201", text.count("\n"))]
    _both(text, monkeypatch)


HEADERS = [
    "[plan]", "[indicators]", "[[areas]]", "[[initiatives]]", "[indicators.targets]", "[[indicators.metrics]]",
    "[ indicators . targets ]", "[[ indicators ]]", "[[indicators]] # c", "  [[indicators]]", '[["indicators"]]',
    "[initiatives.x]", "[[initiatives.x]]", "[[other]]", "[x]", "indicators = 1", "indicators.x = 1", 'x = """',
    "id = ", 'name = "dup"', '2026 = "1件"', "[[indicators]]\r", "[[indicators]]]", "[targets.indicators]",
    '[[initiatives]]\nid = "9"\narea = "1"\nname = "n"', '[[indicators]]\nid = "8-8"\ninitiative = "1"\nname = "n"',
]  # fmt: skip


@settings(max_examples=examples(60), deadline=None)
@given(st.data())
def test_a_plan_with_lines_moved_or_added_reads_by_blocks_as_whole(data: st.DataObject) -> None:
    """Lines added (headers, keys, broken values), dropped or repeated anywhere: the same reading both ways."""
    lines = _plan(70).split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        change = data.draw(st.sampled_from(["add", "drop", "repeat"]))
        if change == "add":
            lines.insert(at, data.draw(st.sampled_from(HEADERS)))
        elif change == "drop":
            del lines[at]
        else:
            lines.insert(at, lines[data.draw(st.integers(0, len(lines) - 1))])
    with pytest.MonkeyPatch.context() as monkeypatch:
        _both("\n".join(lines), monkeypatch)


def _held(text: str, *, whole: bool) -> int:
    """What reading `text` held at its peak beyond the plan and problems it returns (tracemalloc)."""
    _fresh()
    with pytest.MonkeyPatch.context() as patched:
        if whole:
            patched.setattr(targets, "by_blocks", _whole)
        tracemalloc.start()
        try:
            result = targets.read_plan(text, "plan.toml")
            kept, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result[0] is not None and not result[1]
    return peak - kept


def test_reading_by_blocks_holds_far_less() -> None:
    """The parser's tables of the whole file are never all held: a 4.4 MB plan of 20,000 indicators held
    39 MiB beyond its plan at the peak, and holds 10 MiB now (its text's lines for the ids, a chunk's tables)."""
    text = _plan(2000, kinds=CLEAN)
    blocks, whole = _held(text, whole=False), _held(text, whole=True)
    assert blocks < whole * 0.3, (blocks, whole)
