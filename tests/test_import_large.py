"""kpicheck import of a large generated table: the same draft, byte for byte, however the import is made faster.

The table is benchmarks/import_table.py's (every path of the import: rates, bare numbers under 単位, per-year
counts, running totals, milestones, and one row in ten a cell the loader cannot read). The digests were taken
from the import as it was before its reading of the draft was reworked (issue 22): a change to the draft's
text, its problems or its counts is a change users see, made on purpose and reviewed with a new digest.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pytest

from conftest import REPO
from kpicheck.importer import import_table

ROWS = 5000
DRAFT_SHA256 = "152f4a497a493a14c97d24a2c8e3167cce2e05f1b41f499299bdf20391bbad8e"
DRAFT_CHARS = 1653782
PROBLEMS_SHA256 = "72192105fc3dd80eeb05261285c1f054d95212ba8629400ae2c1a27ffd6837d3"


def test_the_draft_of_a_5000_row_table_is_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    generator = importlib.import_module("import_table")
    path = tmp_path / "kpi.csv"
    generator.write_table(path, ROWS)
    result = import_table(path, "kpi.csv", city="bench", plan="bench-dx", title="試験市DX推進計画")
    counts = (result.indicators, result.cells, result.read, result.unread, result.marked)
    assert counts == (5000, 25000, 24500, 500, 2000)
    assert len(result.problems) == 2500
    assert hashlib.sha256(repr(result.problems).encode()).hexdigest() == PROBLEMS_SHA256
    assert len(result.text) == DRAFT_CHARS
    assert hashlib.sha256(result.text.encode()).hexdigest() == DRAFT_SHA256
