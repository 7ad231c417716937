"""Ids compared after normalisation (issue 22): look-alike twins in a plan are KC204, a NUL is said."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINI_PLAN, run

TWIN = """
[[indicators]]
id = "{twin}"
initiative = "1-1"
name = "双子"
unit = "%"
counts = "level"
[indicators.targets]
2026 = "65%"
2027 = "70%"
2028 = ""
"""


def with_indicator(ident: str, twin: str) -> str:
    """The mini plan with an indicator `ident` and one more whose id is `twin`."""
    return MINI_PLAN.replace('id = "rate"', f'id = "{ident}"') + TWIN.format(twin=twin)


@pytest.mark.parametrize(
    "twin",
    [
        "1−1−1",  # minus signs (U+2212), as a word processor types them
        "1‐1‐1",  # hyphens (U+2010)
        "１－１－１",  # full width
        "1-1-1\u200b",  # a zero-width space copied with it
        "1-\u20601-1",  # a word joiner
    ],
)
def test_a_look_alike_id_is_a_duplicate(make_root: Callable[..., Path], twin: str) -> None:
    code, out, _ = run("validate", "--root", str(make_root(plan=with_indicator("1-1-1", twin))))
    assert code == 1
    (line,) = [line for line in out.splitlines() if " KC204 " in line]
    twin_line = int(line.split(":")[1])  # the second one's line, and the first one's named in the message
    assert "'1-1-1' が重複しています（" in line and f"{twin_line} 行目" not in line and " 行目の id と同じ" in line


def test_different_ids_are_not_twins(make_root: Callable[..., Path]) -> None:
    code, out, err = run("validate", "--root", str(make_root(plan=with_indicator("1-1-1", "1-1-2"))))
    assert (code, out) == (0, ""), err


def test_a_nul_in_a_plan_id_is_said_not_dropped(make_root: Callable[..., Path]) -> None:
    code, out, _ = run("validate", "--root", str(make_root(plan=with_indicator("1-1-1", "1-1-2\\u0000"))))
    assert code == 1
    (line,) = [line for line in out.splitlines() if "KC212" in line]
    assert line.startswith("targets/mini/plan.toml:") and "NUL" in line


def test_an_actual_typed_with_minus_signs_finds_the_plans_id(make_root: Callable[..., Path]) -> None:
    plan = with_indicator("1-1-1", "2-2-2")
    root = make_root({"a.csv": "指標,年度,実績\n1−1−1,2026,66%\n"}, plan=plan)
    code, out, err = run("status", "--root", str(root), "--city", "mini", "--year", "2026", "--format", "json")
    assert code == 0, err
    assert '"actual": 66' in out


def test_a_nul_in_an_actual_id_is_said(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": b"indicator,year,value\nra\x00te,2026,66\n"})
    code, out, _ = run("validate", "--root", str(root))
    assert code == 1
    assert out.startswith("actuals/mini/a.csv:2:1: KC212 ")
