"""status --format json on screen (status_json.py): evaluated, written and let go an indicator at a time,
yet the very bytes of render_json, and the same counts and --fail-on verdicts (issue 23: status's memory)."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import REPO, invoke
from kpicheck import render, status_json
from kpicheck.errors import KpicheckError
from kpicheck.models import Status
from kpicheck.report import for_department
from kpicheck.rules import at_or_worse, evaluate
from kpicheck.selection import choose_plan
from kpicheck.status_json import evaluate_to_json, json_parts

CASES = [("abashiri", 2026), ("abashiri", 2027), ("chitose", 2025), ("hyuga", 2023), ("hyuga", 2025), ("nemuro", 2027)]


@pytest.mark.parametrize(("city", "year"), CASES)
@pytest.mark.parametrize("department", [None, "学校教育課", "存在しない課"])
def test_the_streamed_document_is_render_json(city: str, year: int, department: str | None) -> None:
    as_of = date(year, 12, 31)
    loaded, plan, fiscal_year = choose_plan(REPO, city, year, None, as_of, keep_going=True)
    whole = evaluate(plan, loaded.actuals, fiscal_year, as_of, loaded.errors)
    try:
        expected = render.render_json(for_department(whole, department))
    except KpicheckError as exc:  # no such 担当 in this plan: the same KC304, word for word
        with pytest.raises(KpicheckError) as streamed_error:
            evaluate_to_json(plan, loaded.actuals, fiscal_year, as_of, loaded.errors, department)
        assert streamed_error.value.problems == exc.problems
        return
    streamed = evaluate_to_json(plan, loaded.actuals, fiscal_year, as_of, loaded.errors, department)
    assert "".join(json_parts(streamed)) == expected
    shown = for_department(whole, department)
    for worst in (Status.MISSED, Status.BEHIND):
        found = [(e.indicator.id, e.status) for e in at_or_worse(streamed.counted, worst)]
        assert found == [(e.indicator.id, e.status) for e in at_or_worse(shown, worst)]


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_small_pieces_unpack_to_the_same_text(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """However the compressed body is cut while it is unpacked and joined, the text is the same."""
    monkeypatch.setattr(status_json, "CHUNK", chunk)
    monkeypatch.setattr(render, "CHUNK", chunk)
    loaded, plan, fiscal_year = choose_plan(REPO, "abashiri", 2027, None, date(2027, 12, 31), keep_going=True)
    whole = evaluate(plan, loaded.actuals, fiscal_year, date(2027, 12, 31), loaded.errors)
    streamed = evaluate_to_json(plan, loaded.actuals, fiscal_year, date(2027, 12, 31), loaded.errors)
    parts = list(json_parts(streamed))
    assert "".join(parts) == render.render_json(whole)
    assert len(parts) > (len(whole.evaluations) if chunk < 10 else 1)  # written in parts, not as one document


def test_the_kept_evaluations_hold_no_text() -> None:
    """What is kept of each evaluation until the document is written: no reasons, no metrics."""
    loaded, plan, fiscal_year = choose_plan(REPO, "hyuga", 2025, None, date(2025, 12, 31), keep_going=True)
    streamed = evaluate_to_json(plan, loaded.actuals, fiscal_year, date(2025, 12, 31), loaded.errors)
    assert streamed.counted.evaluations
    for kept in streamed.counted.evaluations:
        assert (kept.reason, kept.metrics, kept.note) == ("", (), "")
        assert kept.outlook is None or kept.outlook.reason == ""


def test_status_json_with_fail_on_says_what_it_said() -> None:
    args = ("status", "--root", str(REPO), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31")
    streamed = invoke(*args, "--format", "json", "--fail-on", "behind")
    table = invoke(*args, "--fail-on", "behind")
    assert (streamed.exit_code, streamed.stderr) == (table.exit_code, table.stderr)
    assert streamed.exit_code == 1
