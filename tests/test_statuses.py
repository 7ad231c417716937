"""The one table of how a status is shown: a complete row for every status, and the labels the CLI still reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpicheck.models import OUTLOOK_PRESETS, Outlook, Status
from kpicheck.statuses import OUTLOOK_DISPLAY, STATUS_DISPLAY, meaning, outlook_meaning


@pytest.mark.parametrize("status", list(Status), ids=str)
def test_every_status_has_a_complete_row(status: Status) -> None:
    assert status in STATUS_DISPLAY, f"{status!r} has no row in kpicheck.statuses.STATUS_DISPLAY"
    row = STATUS_DISPLAY[status]
    empty = [name for name, value in row._asdict().items() if not value]
    assert not empty, f"{status!r}: empty {', '.join(empty)} in kpicheck.statuses.STATUS_DISPLAY"


def test_the_table_lists_the_statuses_in_their_order() -> None:
    """Legends and counts go in the enum's order; the table reads the same way."""
    assert list(STATUS_DISPLAY) == list(Status)


def test_labels_and_marks_tell_statuses_apart() -> None:
    for column in ("label", "short", "mark", "color"):
        values = [getattr(row, column) for row in STATUS_DISPLAY.values()]
        assert len(set(values)) == len(values), column


@pytest.mark.parametrize(("tolerance", "shown"), [("0.95", "95%"), ("0.9", "90%"), ("0.925", "92.5%"), ("1", "100%")])
def test_the_pace_meanings_name_the_plans_tolerance(tolerance: str, shown: str) -> None:
    assert (
        meaning(Status.ON_TRACK, Decimal(tolerance))
        == f"年度の途中で、実績が経過日数に応じた目安の{shown}以上（計画の設定による）"
    )
    assert f"目安の{shown}を下回る" in meaning(Status.BEHIND, Decimal(tolerance))
    assert meaning(Status.ACHIEVED, Decimal(tolerance)) == STATUS_DISPLAY[Status.ACHIEVED].meaning


@pytest.mark.parametrize("outlook", list(Outlook), ids=str)
def test_every_outlook_has_a_complete_row_of_its_own(outlook: Outlook) -> None:
    """見込み is its own table: a complete row each, marks apart from the statuses' (達成見込み is not 達成)."""
    row = OUTLOOK_DISPLAY.get(outlook)
    assert row is not None, f"{outlook!r} has no row in kpicheck.statuses.OUTLOOK_DISPLAY"
    assert all(row), outlook
    assert row.mark not in {r.mark for r in STATUS_DISPLAY.values()}
    assert row.label not in {r.label for r in STATUS_DISPLAY.values()}


def test_outlook_labels_and_marks_tell_outlooks_apart() -> None:
    assert list(OUTLOOK_DISPLAY) == list(Outlook)
    for column in ("label", "short", "mark", "color"):
        values = [getattr(row, column) for row in OUTLOOK_DISPLAY.values()]
        assert len(set(values)) == len(values), column


def test_the_outlook_meanings_name_the_plans_floors() -> None:
    escap = OUTLOOK_PRESETS["escap"]
    assert "必要な変化の95%以上" in outlook_meaning(Outlook.ON_TRACK, escap)
    assert "50%以上95%未満" in outlook_meaning(Outlook.NEEDS_ACCELERATION, escap)
    assert "70%以上90%未満" in outlook_meaning(
        Outlook.NEEDS_ACCELERATION, escap._replace(on_track=Decimal("0.9"), needs_acceleration=Decimal("0.7"))
    )
