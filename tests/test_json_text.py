"""render.indented_json writes what json.dumps(indent=2, ensure_ascii=False) writes, byte for byte
(issue 23: the JSON is written faster, its bytes unchanged), and status's JSON written a part at a
time (render.json_chunks) is that same text."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, invoke
from kpicheck import render
from kpicheck.json_text import _MARK, _MARK_TEXT
from kpicheck.render import indented_json, json_chunks, render_json, to_dict
from kpicheck.rules import evaluate
from kpicheck.selection import choose_plan


def reference(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


# Text that trips an encoder: quotes, backslashes, line breaks and controls, brackets and commas,
# the stand-in marker itself, and any other character.
TEXT = st.one_of(
    st.text(),
    st.sampled_from(["", '"', "\\", "\n", "\x00", "{", "]", ",\n  ", ": ", _MARK, f"{_MARK}0", "\\u0000", "令和"]),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT)
KEYS = st.one_of(TEXT, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
JSON_LIKE = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(KEYS, inner, max_size=6),
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(JSON_LIKE)
def test_the_same_bytes_as_json_dumps_on_any_data(value: Any) -> None:
    assert indented_json(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": [], "b": {}},
        [{}, []],
        {"a": 1, "b": [1, {"c": [2, {}]}], "d": "x"},
        {1: [1], "a": [2]},  # a key json.dumps turns into text, before a container
        {"a": f"{_MARK}0", "b": [1]},  # data that reads as the marker
        [f"{_MARK}1", [2], {"x": _MARK}],
        float("inf"),
    ],
)
def test_the_same_bytes_on_the_awkward_cases(value: Any) -> None:
    assert indented_json(value) == reference(value)


@pytest.mark.parametrize(("city", "year"), [("abashiri", 2027), ("abashiri", 2025), ("nemuro", 2027), ("hyuga", 2025)])
def test_status_json_of_the_demo_is_json_dumps_indent_2(city: str, year: int) -> None:
    as_of = date(year, 12, 31)
    loaded, plan, fiscal_year = choose_plan(REPO, city, year, None, as_of, keep_going=True)
    report = evaluate(plan, loaded.actuals, fiscal_year, as_of, loaded.errors)
    assert render_json(report) == reference(to_dict(report)) + "\n"
    result = invoke("status", "--root", str(REPO), "--city", city, "--year", str(year), "--as-of", f"{year}-12-31",
                    "--format", "json")  # fmt: skip
    assert result.stdout == reference(to_dict(report)) + "\n"


WHOLE = render.CHUNK  # as shipped


@pytest.mark.parametrize("chunk", [1, 700, WHOLE])
@pytest.mark.parametrize(("city", "year"), [("abashiri", 2027), ("hyuga", 2025)])
def test_the_streamed_json_is_the_whole_document(
    city: str, year: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Joined, the parts are json.dumps of the whole contract; a small CHUNK hands on many parts (one per
    indicator at 1), so the document is written as it is made rather than built whole."""
    monkeypatch.setattr(render, "CHUNK", chunk)
    as_of = date(year, 12, 31)
    loaded, plan, fiscal_year = choose_plan(REPO, city, year, None, as_of, keep_going=True)
    report = evaluate(plan, loaded.actuals, fiscal_year, as_of, loaded.errors)
    parts = list(json_chunks(report))
    assert "".join(parts) == reference(to_dict(report)) + "\n"
    if chunk == 1:
        assert len(parts) == len(report.evaluations) + 1
    elif chunk == WHOLE:
        assert len(parts) == 1  # a small city: one write, as before


def test_the_streamed_json_of_a_report_without_indicators() -> None:
    """A department with no indicator (status --department) writes "indicators": [] as json.dumps does."""
    loaded, plan, fiscal_year = choose_plan(REPO, "abashiri", 2027, None, date(2027, 12, 31), keep_going=True)
    report = evaluate(plan, loaded.actuals, fiscal_year, date(2027, 12, 31))._replace(evaluations=())
    text = "".join(json_chunks(report))
    assert text == reference(to_dict(report)) + "\n"
    assert '"indicators": []' in text


def test_the_marker_is_written_as_json_writes_it() -> None:
    """The marker's text is spelled out (json_text imports no json): it must be how the encoder writes it."""
    assert _MARK_TEXT == json.dumps(_MARK)[1:-1] == json.dumps(_MARK, ensure_ascii=False)[1:-1]
    assert indented_json({"a": _MARK}) == reference({"a": _MARK})
