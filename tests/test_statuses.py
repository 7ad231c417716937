"""The one table of how a status is shown: a complete row for every status, and the labels the CLI still reads."""

from __future__ import annotations

import pytest

from kpicheck import models
from kpicheck.models import Status
from kpicheck.statuses import STATUS_DISPLAY, STATUS_LABELS


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


def test_the_models_copy_of_the_labels_is_the_tables() -> None:
    """models.STATUS_LABELS stays for cli.py's import until it reads kpicheck.statuses (issue 18)."""
    assert models.STATUS_LABELS == STATUS_LABELS
