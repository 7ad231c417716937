"""Target cell text -> rules: the plans' phrasing, compound and segmented cells, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO
from kpicheck.cells import CellContext, PhraseError
from kpicheck.kinds.registry import describe
from kpicheck.models import Counts, Metric, RuleKind, ValueKind
from kpicheck.phrases import read_cell
from kpicheck.targets import load_plan

PCT = Metric("value", "率", "%", Counts.LEVEL)
KEN = Metric("value", "件数", "件", Counts.PER_YEAR)
KAI = Metric("value", "回数", "回", Counts.PER_YEAR)
MEI = Metric("value", "登録者数", "名", Counts.LEVEL)
KIKAN = Metric("value", "参画医療機関", "機関", Counts.PER_YEAR)
JIKAN = Metric("value", "削減時間数", "時間", Counts.PER_YEAR)
YEN = Metric("value", "観光消費額", "円", Counts.PER_YEAR)
DONE = Metric("value", "方針", None, Counts.LEVEL, kind=ValueKind.STATE)
TRAINING = (
    Metric("plan", "研修計画策定", None, Counts.LEVEL, kind=ValueKind.STATE),
    Metric("sessions", "研修実施回数", "回", Counts.PER_YEAR, match=("年",)),
    Metric("departments", "受講部署数", "部署", Counts.PER_YEAR),
)
CASES = (
    Metric("sessions", "研修実施回数", "回", Counts.PER_YEAR, match=("研修",)),
    Metric("cases", "活用事例創出件数", "件", Counts.PER_YEAR, match=("活用事例",)),
)
SCHOOLS = (Metric("es", "小学校", "%", Counts.LEVEL), Metric("js", "中学校", "%", Counts.LEVEL))
SHARED = (Metric("city", "市", "%", Counts.LEVEL), Metric("pref", "県", "%", Counts.LEVEL, match=("県全体",)))

Reading = list[tuple[str, str, str | None]]  # (kind, metric, value)


@pytest.mark.parametrize(
    ("cell", "metrics", "expected"),
    [
        ("65%", (PCT,), [("threshold", "value", "65")]),
        ("６５％", (PCT,), [("threshold", "value", "65")]),
        ("3件", (KEN,), [("threshold", "value", "3")]),
        ("240名", (MEI,), [("threshold", "value", "240")]),
        ("公式SNS登録者数 延べ15,000名", (MEI,), [("threshold", "value", "15000")]),
        ("公式SNS登録者数 16,000名", (MEI,), [("threshold", "value", "16000")]),
        ("年4回以上", (KAI,), [("threshold", "value", "4")]),
        ("2回以上実施", (KAI,), [("threshold", "value", "2")]),
        ("参画医療機関 4機関以上", (KIKAN,), [("threshold", "value", "4")]),
        ("削減時間数 200時間以上", (JIKAN,), [("threshold", "value", "200")]),
        ("削減時間数 1,000時間以上", (JIKAN,), [("threshold", "value", "1000")]),
        ("前年比3%増", (YEN,), [("growth", "value", "3")]),
        ("前年比３％増", (YEN,), [("growth", "value", "3")]),
        (
            "研修計画策定、年4回以上実施 受講部署数4部署以上",
            TRAINING,
            [("milestone", "plan", None), ("threshold", "sessions", "4"), ("threshold", "departments", "4")],
        ),
        (
            "年4回以上実施 受講部署数6部署以上",
            TRAINING,
            [("threshold", "sessions", "4"), ("threshold", "departments", "6")],
        ),
        ("研修年2回実施、活用事例5件創出", CASES, [("threshold", "sessions", "2"), ("threshold", "cases", "5")]),
        ("小学校55% 中学校35%", SCHOOLS, [("threshold", "es", "55"), ("threshold", "js", "35")]),
        ("方針策定", (DONE,), [("milestone", "value", None)]),
        ("運用継続", (DONE,), [("milestone", "value", None)]),
        ("整備完了", (DONE,), [("milestone", "value", None)]),
        ("サイト実装", (DONE,), [("milestone", "value", None)]),
        ("試行開始", (DONE,), [("milestone", "value", None)]),
        ("現状調査、課題整理の実施", (DONE,), [("milestone", "value", None)]),
        ("(方針に基づき対象の拡大を実施)", (DONE,), [("milestone", "value", None)]),
        ("（方針に基づき対象の拡大を実施）", (DONE,), [("milestone", "value", None)]),
        ("定期監査 (3年に1回)", (DONE,), [("milestone", "value", None)]),
        ("(見直し内容により指標を設定)", (DONE,), [("tbd", "value", None)]),
        ("(検討結果により設定)", (DONE,), [("tbd", "value", None)]),
        ("(活用計画に基づく施策創出件数)", (DONE,), [("tbd", "value", None)]),
        ("目標指標設定", (DONE,), [("tbd", "value", None)]),  # 網走 Ver2.0 1-2-2, seed l.260
        ("指標を設定", (DONE,), [("tbd", "value", None)]),
        ("ルール設定", (DONE,), [("milestone", "value", None)]),  # setting something else is done or not
        ("", (PCT,), [("none", "value", None)]),
        ("-", (PCT,), [("none", "value", None)]),
        ("－", (DONE,), [("none", "value", None)]),
    ],
)
def test_cell_reads_as_rules(cell: str, metrics: tuple[Metric, ...], expected: Reading) -> None:
    rules = read_cell(cell, CellContext(metrics))
    got = [(r.kind.value, r.metric, None if r.value is None else str(r.value)) for r in rules]
    assert got == expected


@pytest.mark.parametrize(
    ("cell", "metrics", "expected"),
    [
        # a segment's name after its number, in brackets (issue 20)
        ("90%(市) 80%(県)", SHARED, "[city] ≧ 90%; [pref] ≧ 80%"),
        ("90%（市） 80%（県）", SHARED, "[city] ≧ 90%; [pref] ≧ 80%"),
        ("90%(市)80%(県)", SHARED, "[city] ≧ 90%; [pref] ≧ 80%"),
        ("90%以上(市) 80%(県全体)", SHARED, "[city] ≧ 90%; [pref] ≧ 80%"),
        # segments printed without a space between them
        ("市 90%県 80%", SHARED, "[city] ≧ 90%; [pref] ≧ 80%"),
        ("市90%県80%", SHARED, "[city] ≧ 90%; [pref] ≧ 80%"),
        ("市 約90%県 80%以上", SHARED, "[city] ≧ 90%; [pref] ≧ 80%"),
        ("小学校55%中学校35%", SCHOOLS, "[es] ≧ 55%; [js] ≧ 35%"),
        ("年4回以上実施受講部署数6部署以上", TRAINING, "[sessions] ≧ 4回（年度内の数）; [departments] ≧ 6部署"),
        # a name inside a segment that no number follows splits nothing
        ("研修年2回実施、活用事例5件創出", CASES, "[sessions] ≧ 2回（年度内の数）; [cases] ≧ 5件"),
    ],
)
def test_segments_read_as(cell: str, metrics: tuple[Metric, ...], expected: str) -> None:
    assert "; ".join(describe(r) for r in read_cell(cell, CellContext(metrics))) == expected


@pytest.mark.parametrize(
    ("cell", "metrics", "message"),
    [
        ("90%(町) 80%(県)", SHARED, 'name = "町" の項目を宣言'),  # a name no metric declares
        ("90%(市)", (PCT,), 'name = "市" の項目を宣言'),
        ("市内90%県内80%", SHARED, "'80%' は解釈できない"),  # 市内 is no declared name: no segment starts
        ("県 80%(市)", SHARED, "判別できません"),  # two names for one number
        ("市 90%県 80%", (DONE,), "数値が 2 つ"),  # one metric: nothing to split by
    ],
)
def test_segments_that_name_no_metric_are_refused(cell: str, metrics: tuple[Metric, ...], message: str) -> None:
    with pytest.raises(PhraseError, match=message):
        read_cell(cell, CellContext(metrics))


def test_periodic_milestone_keeps_its_period() -> None:
    (rule,) = read_cell("定期監査 (3年に1回)", CellContext((DONE,)))
    assert rule.note == "3年に1回"


def test_thresholds_are_exact_decimals() -> None:
    (rule,) = read_cell("12.5%", CellContext((PCT,)))
    assert rule.value == Decimal("12.5")


@pytest.mark.parametrize(
    ("cell", "metrics", "message"),
    [
        ("よろしく", (DONE,), "読めません"),
        ("方針策定", (PCT,), r"この指標には単位（unit = '%'）が宣言されています（数値の指標でなければ unit を消し"),
        ("3件", (PCT,), "この指標の単位（unit）は '%' です（どちらかの誤りなら直し"),
        ("5件", TRAINING, r"どの項目（研修計画策定、研修実施回数、受講部署数）.*name か match"),
        ("小学校3件", SCHOOLS, "'小学校3件' の単位は '件' ですが、項目「小学校」の単位（unit）は '%' です"),
        ("10% 20%", (PCT,), "どれもこの指標に当たります"),
        ("市 90% 県 80%", (DONE,), '数値が 2 つ.*数値ごとに項目を分け.*metrics に name = "市"、name = "県" のように'),
        ("年4回 6部署", (DONE,), 'metrics に name = "項目の名前" のように'),
        ("90%(市) 80%(県)", (DONE,), 'name = "市" の項目を宣言'),  # the bracket is read as no metric's name
        ("90%(市) 80%(県)", SCHOOLS, 'name = "市" の項目を宣言'),
        ("前年比", (YEN,), "読めません"),
    ],
)
def test_unreadable_cells_raise_with_a_message(cell: str, metrics: tuple[Metric, ...], message: str) -> None:
    with pytest.raises(PhraseError, match=message):
        read_cell(cell, CellContext(metrics))


PHASED = CellContext(
    (Metric("value", "取組", None, Counts.LEVEL, kind=ValueKind.PHASE),),
    phases=("検討", "構築", "運用"),
    phase_aliases=(("システム構築", "構築"),),
    carry_forward=True,
)


def test_phase_cells_and_carry_forward() -> None:
    first = read_cell("検討・構築", PHASED)
    assert first[0].kind is RuleKind.PHASE and first[0].phases == ("検討", "構築")
    carried = read_cell("", PHASED, first)
    assert carried[0].kind is RuleKind.PHASE and carried[0].carried and carried[0].phases == ("検討", "構築")
    assert read_cell("システム構築", PHASED)[0].phases == ("構築",)
    assert read_cell("", PHASED)[0].kind is RuleKind.NONE  # blank before any phase: nothing to carry


def test_unknown_phase_word_has_its_own_code() -> None:
    with pytest.raises(PhraseError) as caught:
        read_cell("廃止", PHASED)
    assert caught.value.code == "KC207"


PLAN_FILES = sorted((REPO / "targets").glob("*/*.toml"))


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: p.stem)
def test_every_cell_of_every_plan_reads_as_reviewed(path: Path, golden: Callable[[str, str], None]) -> None:
    """Each plan's readings, cell by cell, against a reviewed golden table."""
    plan, problems = load_plan(path)
    assert problems == []
    assert plan is not None
    lines = []
    for indicator in plan.indicators:
        for target in [*(t for _, t in sorted(indicator.targets.items())), *([indicator.due] if indicator.due else [])]:
            reading = "; ".join(describe(rule) for rule in target.rules)
            lines.append(f"{indicator.id}\t{target.year or 'due ' + target.due_text}\t{target.text}\t{reading}")
    golden(f"readings-{path.stem}.tsv", "\n".join(lines) + "\n")


def test_abashiri_v2_has_33_indicators_with_five_cells_each() -> None:
    plan, _ = load_plan(REPO / "targets" / "abashiri" / "abashiri-v2.toml")
    assert plan is not None
    assert len(plan.indicators) == 33
    assert {len(i.targets) for i in plan.indicators} == {5}


def test_a_cell_read_again_under_another_name_is_read_with_that_name() -> None:
    """read_cell reads equal cells once (a table repeats 100%, 運用継続); a metric's name is part of that
    only where the cell holds it: 最大受入数 is a label under its own name and a refused bound word elsewhere."""
    own = CellContext((Metric("value", "最大受入数", "人", Counts.LEVEL),))
    other = CellContext((Metric("value", "研修", "人", Counts.LEVEL),))
    for _ in range(2):
        with pytest.raises(PhraseError, match="最大"):
            read_cell("最大受入数 100人", other)
        (rule,) = read_cell("最大受入数 100人", own)
        assert rule.value == 100


def test_equal_baselines_written_differently_stay_as_written() -> None:
    """Decimal("1.0") == Decimal("1"): a cell read under one must not come back with the other."""
    for written in ("1.0", "1", "1.00"):
        ctx = CellContext((Metric("value", "", "件", Counts.LEVEL, baseline=Decimal(written)),))
        (rule,) = read_cell("30%削減", ctx)
        assert str(rule.baseline) == written
