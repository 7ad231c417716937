"""The rule-kind registry: every RuleKind member has one complete row, and the engine reads only it."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from kpicheck.kinds.base import Kind
from kpicheck.kinds.registry import BAR_KINDS, CARRIED_KINDS, IDLE_KINDS, KINDS, NUMERIC_KINDS, describe
from kpicheck.models import Rule, RuleKind

PACKAGE = Path(__file__).resolve().parent.parent / "kpicheck"


@pytest.mark.parametrize("kind", list(RuleKind), ids=str)
def test_every_kind_has_a_complete_row(kind: RuleKind) -> None:
    """A RuleKind member without a row (or with a field left None) fails here, named."""
    row = KINDS.get(kind)
    assert row is not None, f"RuleKind.{kind.name} has no row in kpicheck/kinds/registry.py KINDS"
    assert isinstance(row, Kind)
    assert callable(row.evaluate) and callable(row.describe), kind
    assert all(isinstance(getattr(row, flag), bool) for flag in ("numeric", "idle", "bar", "carries")), kind
    # the row's functions live in the kind's own module, not borrowed from another kind's
    assert inspect.getmodule(row.evaluate) is inspect.getmodule(row.describe), kind


def test_the_registry_has_no_row_for_a_kind_that_does_not_exist() -> None:
    assert set(KINDS) == set(RuleKind)


def test_a_missing_row_is_named_by_the_completeness_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: with one row taken out it names that kind."""
    monkeypatch.delitem(KINDS, RuleKind.GROWTH)
    with pytest.raises(AssertionError, match=r"RuleKind\.GROWTH has no row"):
        test_every_kind_has_a_complete_row(RuleKind.GROWTH)


def test_the_flag_sets_are_read_from_the_rows() -> None:
    assert {RuleKind.THRESHOLD, RuleKind.GROWTH, RuleKind.END_TARGET, RuleKind.REDUCTION} == NUMERIC_KINDS
    assert {RuleKind.NONE, RuleKind.TBD} == IDLE_KINDS
    assert {RuleKind.THRESHOLD, RuleKind.END_TARGET, RuleKind.REDUCTION} == BAR_KINDS
    assert {RuleKind.PHASE, RuleKind.CONTINUOUS} == CARRIED_KINDS


@pytest.mark.parametrize("kind", list(RuleKind), ids=str)
def test_every_kind_describes_a_plain_rule(kind: RuleKind) -> None:
    """A reading of each kind with the fields its reader fills prints one line of Japanese."""
    from datetime import date  # noqa: PLC0415
    from decimal import Decimal  # noqa: PLC0415

    rule = Rule(kind, "x", "value", value=Decimal(3), unit="件", phases=("検討",), due=date(2026, 3, 31))
    text = describe(rule)
    assert text and "\n" not in text


def test_no_module_outside_the_kinds_package_keeps_a_set_of_kinds() -> None:
    """A frozenset or tuple of RuleKind members outside kinds/ is a registry column gone missing."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "kinds":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.count("RuleKind.") >= 2 and ("frozenset(" in line or " in (" in line or "= (" in line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, offenders
