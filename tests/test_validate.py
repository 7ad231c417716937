"""`kpicheck validate`: the bad-file corpus, the command's output and exit codes, and no crashes on any text."""

from __future__ import annotations

import contextlib
import copy
import json
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINI_PLAN, REPO, examples, invoke
from kpicheck.actual_values import parse_value
from kpicheck.cells import CellContext, PhraseError
from kpicheck.errors import CODES
from kpicheck.models import Counts, Metric, ValueKind
from kpicheck.periods import parse_year
from kpicheck.phrases import read_cell
from kpicheck.targets import load_plan
from kpicheck.validate import validate

BAD = Path(__file__).resolve().parent / "bad"
CORPUS = [
    line.split("\t") for line in (BAD / "expected.tsv").read_text(encoding="utf-8").splitlines() if line[:1] != "#"
]


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40
    on_disk = {f"{p.parent.name}/{p.name}" for p in BAD.glob("*/*")}
    assert on_disk == {name for name, _, _ in CORPUS}


@pytest.mark.parametrize(("name", "code", "line"), CORPUS, ids=[c[0] for c in CORPUS])
def test_each_bad_file_gives_exactly_its_code_and_line(
    make_root: Callable[..., Path], name: str, code: str, line: str
) -> None:
    source = BAD / name
    if name.startswith("targets/"):
        root = make_root()
        shutil.copy(source, root / "targets" / "mini" / "plan.toml")
    else:
        root = make_root({source.name: source.read_bytes()})
    found = [(p.code, "-" if p.line is None else str(p.line)) for p in validate(root)]
    # A file may have a second, related problem: codes and lines are then listed with ';'.
    assert found == list(zip(code.split(";"), line.split(";"), strict=True))


def test_a_10_mb_file_is_read_and_its_bad_row_found(make_root: Callable[..., Path]) -> None:
    padding = "".join(f",,,{' ' * 100}\n" for _ in range(100_000))  # Excel's empty rows: skipped
    big = "indicator,year,value,note\nrate,2026,60,\n" + padding + "rtae,2027,1,\n"
    assert len(big.encode()) > 10_000_000
    problems = validate(make_root({"big.csv": big}))
    assert [(p.code, p.line) for p in problems] == [("KC102", 100_003)]


def test_named_files_report_only_their_own_problems(make_root: Callable[..., Path], monkeypatch: Any) -> None:
    root = make_root(
        {"good.csv": "indicator,year,value\nrate,2026,60\n", "bad.csv": "indicator,year,value\nx,2026,1\n"}
    )
    monkeypatch.chdir(root)
    assert validate(root, [Path("actuals/mini/good.csv")]) == []
    assert [p.code for p in validate(root, [Path("actuals/mini/bad.csv")])] == ["KC102"]


def test_a_duplicate_is_reported_in_the_file_being_committed(make_root: Callable[..., Path], monkeypatch: Any) -> None:
    root = make_root({"a.csv": "indicator,year,value\nrate,2026,60\n", "z.csv": "indicator,year,value\nrate,2026,61\n"})
    monkeypatch.chdir(root)
    (problem,) = validate(root, [Path("actuals/mini/a.csv")])
    assert (problem.path, problem.code) == ("actuals/mini/a.csv", "KC107")


def test_an_actuals_folder_for_no_city(make_root: Callable[..., Path]) -> None:
    root = make_root()
    (root / "actuals" / "atlantis").mkdir()
    (root / "actuals" / "atlantis" / "a.csv").write_text("indicator,year,value\n")
    assert [p.code for p in validate(root)] == ["KC110"]


# Any text either reads or gives a coded problem; never another exception.
METRICS = (
    Metric("value", "率", "%", Counts.LEVEL),
    Metric("value", "件数", "件", Counts.PER_YEAR),
    Metric("value", "方針", None, Counts.LEVEL, kind=ValueKind.STATE),
)
JAPANESE_TEXT = st.text(
    alphabet=st.sampled_from(
        list("0123456789０１２３,，.%％年回件名以上実施策定継続完了前年比増()（）、 ・-小学校中学校R令和度末")
    )
)


@settings(max_examples=examples(300), deadline=None)
@given(text=st.one_of(st.text(max_size=30), JAPANESE_TEXT), which=st.integers(0, 2))
def test_phrases_never_crash(text: str, which: int) -> None:
    try:
        read_cell(text, CellContext((METRICS[which],)))
    except PhraseError as exc:
        assert exc.code.startswith("KC2")


@settings(max_examples=examples(300), deadline=None)
@given(text=st.one_of(st.text(max_size=20), JAPANESE_TEXT))
def test_years_never_crash(text: str) -> None:
    with contextlib.suppress(ValueError):
        assert 1900 <= parse_year(text) <= 2200


ANY_PLAN, _ = load_plan(REPO / "targets" / "abashiri" / "abashiri-v2.toml")


@settings(max_examples=examples(300), deadline=None)
@given(text=st.one_of(st.text(max_size=20), JAPANESE_TEXT), which=st.integers(0, 2))
def test_values_never_crash(text: str, which: int) -> None:
    with contextlib.suppress(ValueError):
        parse_value(text, METRICS[which], ANY_PLAN)


def test_mini_plan_itself_is_clean(make_root: Callable[..., Path]) -> None:
    assert validate(make_root(plan=MINI_PLAN)) == []


def test_the_readme_lists_every_problem_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| (KC\d{3}) \|", readme, re.MULTILINE))
    assert listed == set(CODES)


PLAN_DATA = tomllib.loads(MINI_PLAN)
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**7), st.text(max_size=8), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip
PATHS = [
    ("plan", key) for key in PLAN_DATA["plan"]
] + [("indicators", 0, key) for key in PLAN_DATA["indicators"][0]] + [
    ("indicators", 4, "metrics", 0, "counts"), ("indicators", 1, "targets", "2026"), ("areas", 0, "id"),
    ("initiatives", 0, "departments"), ("plan", "phases"), ("plan", "carry_forward"), ("indicators", 0, "due"),
]  # fmt: skip


@settings(max_examples=examples(200), deadline=None)
@given(path=st.sampled_from(PATHS), value=ODD_VALUES)
def test_target_files_with_wrong_types_give_problems_not_crashes(
    tmp_path_factory: Any, path: tuple[Any, ...], value: Any
) -> None:
    data = copy.deepcopy(PLAN_DATA)
    node = data
    for step in path[:-1]:
        node = node[step]
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    file = tmp_path_factory.mktemp("odd") / "plan.toml"
    file.write_text(tomli_w.dumps(data), encoding="utf-8")
    plan, problems = load_plan(file)
    assert plan is not None or problems
    assert all(p.code in CODES for p in problems)


def run_validate(root: Path, *args: str) -> Any:
    return invoke("validate", "--root", str(root), *args)


def test_validate_help() -> None:
    result = invoke("validate", "--help")
    assert result.exit_code == 0 and "使い方: " in result.output


def test_validate_exit_codes_and_sorted_lines(make_root: Callable[..., Path]) -> None:
    assert run_validate(make_root({"ok.csv": "indicator,year,value\nrate,2026,60\n"})).exit_code == 0
    root = make_root(
        {"b.csv": "indicator,year,value\nx,2026,1\nrate,2026,x\n", "a.csv": "indicator,year,value\ny,2026,1\n"}
    )
    result = run_validate(root)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line]
    assert [line.split(": ")[0] for line in lines] == [
        "actuals/mini/a.csv:2:1",
        "actuals/mini/b.csv:2:1",
        "actuals/mini/b.csv:3:3",
    ]
    assert lines[2].startswith("actuals/mini/b.csv:3:3: KC106 ")
    assert run_validate(root.parent / "nowhere").exit_code == 2


def test_validate_json_and_strict(make_root: Callable[..., Path]) -> None:
    root = make_root({"a.csv": "indicator,year,value\ncount,2028,3\n"})  # 2028 is "-": a warning only
    result = run_validate(root, "--format", "json")
    assert result.exit_code == 0
    (problem,) = json.loads(result.stdout)
    assert problem == {"path": "actuals/mini/a.csv", "line": 2, "column": None, "code": "KC111",
                       "message": problem["message"], "severity": "warning"}  # fmt: skip
    assert run_validate(root, "--strict").exit_code == 1


def test_status_with_plan_and_no_year_takes_the_as_of_year() -> None:
    args = ["status", "--root", str(REPO), "--city", "abashiri", "--plan", "abashiri-v2", "--format", "json"]
    assert json.loads(invoke(*args, "--as-of", "2027-12-31").stdout)["year"] == 2027
    assert json.loads(invoke(*args, "--as-of", "2040-01-01").stdout)["year"] == 2030


RUNNING_TOTAL = MINI_PLAN.replace(
    '''[[indicators]]
id = "count"''',
    '''[[indicators]]
id = "class"
initiative = "1-1"
name = "スマホ教室受講者（累計）"
unit = "人"
counts = "cumulative"
[indicators.targets]
2026 = ""
2027 = "200人"
2028 = "300人"

[[indicators]]
id = "count"''',
)


@pytest.mark.parametrize(
    ("rows", "warned"),
    [
        ("class,2026,150\n", False),  # a year with no target of its own, summed into FY2027's 累計 200人
        ("rate,2027,70\n", False),  # a level's own year
        ("rate,2028,70\n", True),  # blank in 2028, the plan's last year: nothing reads it
        ("count,2028,3\n", True),  # "-" in 2028, a count per year: no verdict reads it
    ],
)
def test_a_row_a_later_running_total_sums_is_not_unused(
    make_root: Callable[..., Path], rows: str, warned: bool
) -> None:
    """KC111 only for a row no verdict reads: each kind's row in the registry says which rows it reads."""
    root = make_root({"a.csv": "indicator,year,value\n" + rows}, plan=RUNNING_TOTAL)
    result = run_validate(root)
    assert ("KC111" in result.stdout) is warned, result.stdout
