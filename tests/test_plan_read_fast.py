"""A plan read in fewer steps reads the same: id lines found in one pass over the text, rows kept from one
plan for the next (toml_reader.py, plan_rows.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_plan_rows import ROWS

from conftest import REPO, examples
from kpicheck import plan_rows, targets
from kpicheck.toml_reader import Lines, Reader

SHIPPED = sorted((REPO / "targets").glob("*/*.toml"))
BAD = sorted((REPO / "tests" / "bad" / "targets").glob("*.toml"))

# Texts whose id lines are found line by line and in one pass: CRLF, indents, quotes, a tab, a long
# mark and a full-width dash, an id in a multi-line string, and line ends splitlines knows besides \n.
TEXTS = [
    'id = "1"\n[[a]]\n  id = "1-1"\n\tid=\'2\'\nname = "x"\n',
    'id = "1"\r\n[[a]]\r\n  id = "1-1"\r\nid = "1ー1"\r\n',
    'x = """\nid = "in a string"\n"""\nid = "１−１"\n id = "a" # c\nid = "unclosed\nid = "3"\n',
    'id = "1"\u2028id = "2"\nid = "3"\n',
    'id = "1"\rid = "2"\nid = "3"\n',
    'id = "1"\nid = "3"\x0cid = "4"\n',
    'a = "x"\x85id = "5"\nid = "6"\x1fid = "7"\n',
    '\ufeffid = "1"\n\n\nid = "1"\n',
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_id_lines_in_one_pass_are_those_line_by_line(text: str) -> None:
    lines = text.splitlines()
    one_pass = Reader("p", lines, nested="indicators", source=text)
    by_line = Reader("p", lines, nested="indicators")
    assert one_pass.id_lines == by_line.id_lines


@pytest.mark.parametrize("path", [*SHIPPED, *BAD], ids=lambda p: p.name)
def test_id_lines_of_every_plan_in_one_pass(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig", "replace")
    lines = text.splitlines()
    assert Reader("p", lines, nested="indicators", source=text).id_lines == Reader("p", lines, "indicators").id_lines
    assert Reader("p", lines, "indicators", source=text.replace("\n", "\r\n")).id_lines == (
        Reader("p", lines, "indicators").id_lines
    )


def _alone(text: str) -> str:
    plan_rows._kept.clear()
    return repr(targets.read_plan(text, "plan.toml"))


def test_rows_kept_from_the_plan_before_read_as_alone() -> None:
    """Each shipped plan read after all the others (rows kept across plans) reads as when read first."""
    texts = [path.read_text(encoding="utf-8") for path in SHIPPED]
    alone = [_alone(text) for text in texts]
    plan_rows._kept.clear()
    for _ in range(2):  # the second round: every row met before
        assert [repr(targets.read_plan(text, "plan.toml")) for text in texts] == alone
    # The same plan twice in a row shares the rows, not the indicators' own metrics and places.
    first, _ = targets.read_plan(texts[0], "a.toml")
    again, _ = targets.read_plan(texts[0], "b.toml")
    assert first is not None and again is not None
    assert first.indicators[0].targets is again.indicators[0].targets
    assert first.indicators[0].place != again.indicators[0].place


def test_rows_kept_only_for_the_same_years_and_words() -> None:
    text = SHIPPED[0].read_text(encoding="utf-8")
    plan_rows._kept.clear()
    targets.read_plan(text, "plan.toml")
    kept = plan_rows._kept[0]
    other = text.replace("[plan]\n", '[plan]\nneutral_words = ["全体"]\n', 1)
    assert other != text
    targets.read_plan(other, "plan.toml")
    assert plan_rows._kept[0] is not kept and plan_rows._kept[0][0] != kept[0]
    assert repr(targets.read_plan(other, "plan.toml")) == _alone(other)


ONE_ROW = '\n[[indicators]]\nid = "1-1"\ninitiative = "1"\nname = "研修"\n[indicators.targets]\n2026 = "50%"\n'


def _mini(first: int) -> str:
    """test_plan_rows' plan (FY2026-2028), beginning in `first`, with one indicator whose row starts in 2026."""
    return ROWS.replace("first_year = 2026", f"first_year = {first}").format(indicators=ONE_ROW)


def test_rows_kept_only_for_the_same_period() -> None:
    """The same cells in a plan of other years (2026 out of its period) read as in that plan alone."""
    plan_rows._kept.clear()
    targets.read_plan(_mini(2026), "plan.toml")
    later = _mini(2027)
    shared = repr(targets.read_plan(later, "plan.toml"))
    assert "計画期間外" in shared
    assert shared == _alone(later)


def test_rows_kept_up_to_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    text = SHIPPED[0].read_text(encoding="utf-8")
    plan_rows._kept.clear()
    targets.read_plan(text, "plan.toml")
    kept = plan_rows._kept[0][1]
    monkeypatch.setattr(plan_rows, "KEEP", len(kept))
    targets.read_plan(text, "plan.toml")
    assert plan_rows._kept[0][1] is not kept  # full: the next plan starts afresh


BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@settings(max_examples=examples(300))
@given(st.lists(st.sampled_from(["a", "指標", " ", "\r\n", *BREAKS]), max_size=30).map("".join))
def test_lines_are_splitlines_a_line_at_a_time(text: str) -> None:
    lines = Lines(text)
    assert list(iter(lines)) == text.splitlines()  # searched from the top: no list kept
    assert lines._all is None
    assert len(lines) == len(text.splitlines()) and list(lines) == text.splitlines()  # by number: the list
    assert all(lines[n] == line for n, line in enumerate(text.splitlines()))


def test_a_plan_read_without_a_problem_never_splits_every_line() -> None:
    """The 18 MiB of a large plan's lines are not held: the reader only searched them from the top."""
    source = (REPO / "targets" / "abashiri" / "abashiri-v2.toml").read_text(encoding="utf-8")
    seen: list[Lines] = []

    class Watched(Lines):
        def __init__(self, text: str) -> None:
            super().__init__(text)
            seen.append(self)

    original = targets.Lines
    targets.Lines = Watched  # type: ignore[misc]
    try:
        plan, problems = targets.read_plan(source, "abashiri-v2.toml")
    finally:
        targets.Lines = original  # type: ignore[misc]
    assert plan is not None and problems == []
    assert len(seen) == 1 and seen[0]._all is None
