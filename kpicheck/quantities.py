"""The number in a part of a target cell, and the words around it: a threshold, a baseline→target pair, a
target relative to a baseline, last year or a named year; and a 基準値 as printed.

A numeric part is `label prefix NUMBER unit qualifiers verb`; every word in it must be a label (a noun
naming the measure), a word of QUALIFIERS or of NEUTRAL_WORDS (qualifiers.py). Anything else raises
PhraseError naming the word. phrases.py splits a cell into the parts read here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from kpicheck.cells import (
    ARROWS,
    DASHES,
    LABEL_AFTER,
    MILESTONE_ENDINGS,
    CellContext,
    PhraseError,
    assign,
    check_length,
    metric_called,
    metric_words,
)
from kpicheck.kinds.registry import KINDS
from kpicheck.models import (
    COUNTS_LABELS,
    Bound,
    Counts,
    Metric,
    Rule,
    RuleKind,
    magnitude_problem,
    plain,
    quantity,
)
from kpicheck.periods import fiscal_year_end, normalize, parse_year
from kpicheck.qualifiers import (
    BOUND_WORDS,
    MEASURE_SUFFIXES,
    NAMED_YEAR,
    NEUTRAL_WORDS,
    NUMERAL,
    QUALIFIERS,
    QUALIFIERS_AFTER,
    QUALIFIERS_BEFORE,
    RELATIVES,
    REVERSING_WORDS,
    SIGN_AND_PERIOD_WORDS,
    STANDING_RANKS,
    SURVEY_YEAR,
    UNIT_REFUSED,
    YEAR_COMPARED,
    Against,
    Qualifier,
    Relative,
)

_PARTICLES = frozenset("をにがはでとへの")
_LONGEST_UNIT = 8  # characters: 申請・届出, データセット

_NUMBER = re.compile(rf"(?<![\d.])(?:{NUMERAL})")
# A deadline inside a year's cell: R9年度までに100%, 2027年度末を目途に20業務の標準化.
_DEADLINE = re.compile(rf"^(?P<year>{NAMED_YEAR})\s*(?:末\s*)?(?:までに|を目途に|目途に|まで)")
# The printed context of a target in brackets after it: 1,200件（前年度比20%増）.
_ASIDE = re.compile(r"\((?P<aside>前年度?比[^()]*)\)")  # matched at a position, never searched
_YEAR = re.compile(NAMED_YEAR)
_YEAR_EXAMPLES = "、".join(r.example for r in RELATIVES if r.against is Against.YEAR)
_YEAR_BEFORE = re.compile(rf"^{SURVEY_YEAR}\s*")
_YEAR_AFTER = re.compile(rf"(?<!\s)\s*{SURVEY_YEAR}$")  # searched: from a run's first space only


class Baseline(NamedTuple):
    """A 基準値 as printed: its number, unit, the year it was measured and its period (12件/年)."""

    value: Decimal
    unit: str | None
    year: int | None
    counts: Counts | None


@dataclass
class _Reading:
    """What has been read of one numeric part so far."""

    bound: Bound | None = None
    counts: Counts | None = None
    notes: tuple[str, ...] = ()

    def add(self, qualifier: Qualifier, text: str) -> None:
        if qualifier.bound is not None:
            if self.bound is not None:
                raise PhraseError(
                    f"{text!r} を読めません: 上限・下限の語が 2 つあります（{qualifier.word!r} ともう 1 つ）"
                )
            self.bound = qualifier.bound
        if qualifier.counts is not None:
            if self.counts is not None and self.counts is not qualifier.counts:
                raise PhraseError(f"{text!r} を読めません: {qualifier.word!r} がほかの部分の数え方と矛盾します")
            self.counts = qualifier.counts


def read_quantity(text: str, ctx: CellContext) -> Rule:
    """A part with a number: a relative target, a baseline→target pair, or a threshold."""
    body, due = _deadline(text)
    for relative in RELATIVES:
        found = relative.pattern.match(body)
        if found and (relative.against is Against.YEAR or not YEAR_COMPARED.search(found["label"])):
            return _relative(text, found, relative, ctx, due)
    compared = YEAR_COMPARED.search(body)
    if compared:  # 2022年度比10ポイント増, 2022年度以上: a year compared in a way no row reads
        raise PhraseError(
            f"{text!r} を読めません: {compared[0]!r} の比較の形は解釈できません"
            f"（ある年度と比べる目標は {_YEAR_EXAMPLES} の形で書けます）"
        )
    if any(a in body for a in ARROWS):
        return _arrow(text, body, ctx, due)
    return _plain(text, body, ctx, due)


def _plain(text: str, body: str, ctx: CellContext, due: date | None) -> Rule:
    """A number to reach (or stay under) in the year: the metric's declared baseline, if any, is its start."""
    value, unit, reading, label = _threshold(text, body, ctx)
    metric = assign(text, unit, numeric=True, ctx=ctx)
    unit = _unit(text, unit, metric, ctx)
    kind = RuleKind.REDUCTION if label.endswith("削減率") else RuleKind.THRESHOLD
    bound = reading.bound or (Bound.AT_MOST if value == 0 and kind is RuleKind.THRESHOLD else Bound.AT_LEAST)
    rule = Rule(
        kind,
        text,
        metric.id,
        value=value,
        unit=unit,
        bound=bound,
        counts=reading.counts,
        baseline=metric.baseline,
        baseline_year=metric.baseline_year,
        note="、".join(reading.notes),
    )
    return _with_due(rule, due)


def _deadline(text: str) -> tuple[str, date | None]:
    """R9年度までに100% -> ("100%", 2028-03-31)."""
    found = _DEADLINE.match(text)
    if not found:
        return text, None
    try:
        year = parse_year(found["year"])
    except ValueError as exc:
        raise PhraseError(f"{text!r} を読めません: {exc}") from None
    return text[found.end() :], fiscal_year_end(year)


def _with_due(rule: Rule, due: date | None) -> Rule:
    """A deadline printed in the cell (R9年度までに100%): the rule as its kind reads a dated cell."""
    if due is None:
        return rule
    dated = KINDS[rule.kind].dated
    if dated is None:
        raise PhraseError(f"{rule.text!r} を読めません: {rule.kind.value} の目標には期限を付けられません")
    return dated(rule, due, None)


def _threshold(text: str, body: str, ctx: CellContext) -> tuple[Decimal, str | None, _Reading, str]:
    """`label prefix NUMBER unit qualifiers verb` -> value, printed unit, reading, label."""
    body = re.sub(r"ゼロ(?=$|[件人回名%をの])", "0", body)
    found = _NUMBER.search(body)
    if not found:
        raise PhraseError(f"{text!r} を数値目標として読めません")
    year = next((y[0] for y in _YEAR.finditer(body) if y.start() <= found.start() < y.end()), None)
    if year is not None:  # 2022年度比, (令和2年度): not a number with the unit 年度
        raise PhraseError(
            f"{text!r} を読めません: {year!r} は年度で、目標の数値ではありません"
            f"（基準値の年度は 1,234件(2020) のように括弧で、ある年度との比較は {_YEAR_EXAMPLES} のように書きます）"
        )
    too_big = magnitude_problem(Decimal(found[0].replace(",", "")))
    if too_big:
        raise PhraseError(f"{text[:40]!r} を読めません: {too_big}")
    reading = _Reading()
    label = _prefix(text, body[: found.start()], reading)
    check_label(text, label, ctx)
    unit = _tail(text, body[found.end() :], reading, ctx)
    return Decimal(found[0].replace(",", "")), unit, reading, label


def _prefix(text: str, before: str, reading: _Reading) -> str:
    """Strip the qualifiers printed before the number (延べ, 年間, 約); what is left is the label."""
    label = before.strip()
    joined = label.replace(" ", "")
    for word in SIGN_AND_PERIOD_WORDS:  # 隔年, 半年 end in 年: not "per year"
        if word in joined:
            raise PhraseError(f"{text!r} を読めません: 数値の前の {word!r} は解釈できない語です")
    end = len(label)  # where the label ends: moved, not sliced, so 年年年…1件 stays linear
    stripped = True
    while stripped:
        stripped = False
        for qualifier in QUALIFIERS_BEFORE:
            if label.endswith(qualifier.word, 0, end):
                reading.add(qualifier, text)
                end -= len(qualifier.word)
                while end and label[end - 1] in " :":
                    end -= 1
                stripped = True
                break
    return label[:end].rstrip(" :は")


def check_label(text: str, label: str, ctx: CellContext) -> None:
    """A label names the measure; a word in it that bounds or turns the number around is refused."""
    checked = label
    for word in (*ctx.neutral_words, *(m.name for m in ctx.metrics if m.name)):
        checked = checked.replace(word, "")
    for word in (*BOUND_WORDS, *SIGN_AND_PERIOD_WORDS):
        if word in checked:
            raise PhraseError(f"{text!r} を読めません: 数値の前の {word!r} は解釈できない語です")
    if checked.endswith(MEASURE_SUFFIXES):
        return
    for word in REVERSING_WORDS:
        if word in checked:
            raise PhraseError(f"{text!r} を読めません: 数値の前の {word!r} は解釈できない語です")


def _unit_like(text: str) -> bool:
    """A unit names what is counted (件, 申請・届出, データセット); a verb or a qualifier is no unit."""
    return (
        len(text) <= _LONGEST_UNIT
        and not any(ch.isdigit() or ch in _PARTICLES or ch in "/():=" + ARROWS for ch in text)
        and not any(
            w in text for w in (*BOUND_WORDS, *REVERSING_WORDS, *UNIT_REFUSED, *(q.word for q in QUALIFIERS_AFTER))
        )
        and not text.endswith(MILESTONE_ENDINGS + NEUTRAL_WORDS)
        and (text.isascii() or not any(ch.isascii() and ch.isalpha() for ch in text))  # km, GB; not G基地局
    )


def _tail(text: str, after: str, reading: _Reading, ctx: CellContext) -> str | None:
    """Read `unit qualifiers verb` after the number; the unit is the shortest that leaves a readable tail."""
    after = after.strip()
    best = (-1, "")
    conflict: PhraseError | None = None
    for size in [*range(1, min(len(after), _LONGEST_UNIT) + 1), 0]:  # a longer slice is never a unit
        unit = after[:size]
        if not _unit_like(unit):
            continue
        trial = _Reading(reading.bound, reading.counts, reading.notes)
        try:
            used = _qualifiers(text, after[size:], trial, ctx)
        except PhraseError as exc:  # two bounds, or counts that contradict: say that, not "not understood"
            conflict = conflict or exc
            continue
        if used == len(after) - size:
            reading.bound, reading.counts, reading.notes = trial.bound, trial.counts, trial.notes
            return unit.strip() or None
        if size + used > best[0]:
            best = (size + used, after[size + used :])
    if conflict is not None:
        raise conflict
    leftover = best[1] if best[0] >= 0 else after
    said = f"{text!r} を読めません: 数値の後の {leftover!r} は解釈できない語です"
    if _YEAR_AFTER.fullmatch(leftover):
        raise PhraseError(
            f"{said}（目標の年度はセルの列の年度です。"
            "基準値の年度なら 1,234件(2020)→1,500件 のように矢印の前に書きます）"
        )
    if leftover.startswith("位"):  # 1位, 3位以内: a rank is no count to compare
        examples = "、".join(example for _, example in STANDING_RANKS)
        raise PhraseError(
            f"{said}（順位は数値として判定しません。{examples} のように範囲と順位を書くと、"
            "担当課が実績に記入する 達成・未達成 で判定します）"
        )
    bracket = LABEL_AFTER.fullmatch(leftover)
    if bracket:
        raise PhraseError(
            f'{said}（区分ごとの値なら、指標の metrics に name = "{bracket["label"]}" の項目を宣言してください。'
            "括弧内の項目名で振り分けます）"
        )
    raise PhraseError(
        f"{said}（解釈できる語: {'、'.join(q.word for q in QUALIFIERS if not q.before)}、および 実施 などの動詞）"
    )


def _qualifiers(text: str, rest: str, reading: _Reading, ctx: CellContext) -> int:
    """How much of `rest` is qualifiers, an aside and a neutral verb; fills `reading`."""
    position = 0
    progress = True
    while progress and position < len(rest):
        progress = False
        aside = _ASIDE.match(rest, position)
        if aside:
            reading.notes = (*reading.notes, f"括弧内「{aside['aside']}」は参考")
            position = aside.end()
            progress = True
            continue
        for qualifier in QUALIFIERS_AFTER:
            if rest.startswith(qualifier.word, position):
                reading.add(qualifier, text)
                position += len(qualifier.word)
                progress = True
                break
        else:
            label = LABEL_AFTER.match(rest, position)
            if label and label["label"] in metric_words(ctx):  # 90%(市): the segment's name after its number
                position = label.end()
                progress = True
    verb = rest[position:]
    if verb and _neutral_verb(verb, ctx):
        return len(rest)
    return position


def _neutral_verb(verb: str, ctx: CellContext) -> bool:
    body = verb[1:] if verb[0] in "のを" else verb
    words = NEUTRAL_WORDS + ctx.neutral_words
    return body in words


def _unit(text: str, printed: str | None, metric: Metric, ctx: CellContext) -> str | None:
    called = metric_called(ctx, metric.id, "の")
    if printed and metric.unit and normalize(metric.unit) != printed:
        raise PhraseError(
            f"{text!r} の単位は {printed!r} ですが、{called}単位（unit）は {metric.unit!r} です"
            f"（どちらかの誤りなら直し、別の数値なら指標の metrics で単位 {printed!r} の項目を分けてください）"
        )
    unit = metric.unit or printed
    if unit is None:
        raise PhraseError(
            f"{text!r} には単位がなく、{called}単位も宣言されていません"
            '（計画の単位を unit = "件" のように宣言してください）'
        )
    return unit


def _relative(text: str, found: re.Match[str], relative: Relative, ctx: CellContext, due: date | None) -> Rule:
    label = found["label"].strip()
    check_label(text, label, ctx)
    printed = found.groupdict().get("num")
    if printed and magnitude_problem(Decimal(printed.replace(",", ""))):
        raise PhraseError(f"{text[:40]!r} を読めません: {magnitude_problem(Decimal(printed.replace(',', '')))}")
    factor, bound = relative.factor(found)
    metric = assign(text, None, numeric=True, ctx=ctx, any_unit=True)
    if relative.against is not Against.BASELINE:
        if due is not None:
            raise PhraseError(f"{text!r} を読めません: 前年比やある年度との比較の目標には期限を付けられません")
        change = plain((factor - 1) * 100)
        if relative.against is Against.LAST_YEAR:
            return Rule(RuleKind.GROWTH, text, metric.id, value=change, unit=metric.unit, bound=bound)
        try:
            named = parse_year(found["year"])
        except ValueError as exc:
            raise PhraseError(f"{text!r} を読めません: {exc}") from None
        # The plan's own figure for that year, where the metric declares it: what to compare with until
        # (or unless) that year's actual is entered.
        figure = metric.baseline if metric.baseline_year == named else None
        return Rule(
            RuleKind.GROWTH_SINCE,
            text,
            metric.id,
            value=change,
            unit=metric.unit,
            bound=bound,
            baseline=figure,
            baseline_year=named,
        )
    if metric.baseline is None:
        raise PhraseError(
            f"{text!r} は基準値に対する目標ですが、{metric_called(ctx, metric.id, 'に')}基準値がありません"
            '（計画の基準値/現状値を baseline = { value = "...", year = "..." } として宣言してください）'
        )
    value = metric.baseline * factor
    if magnitude_problem(value):
        raise PhraseError(f"{text!r} を読めません: 目標値 {value:f} は{magnitude_problem(value)}")
    note = f"基準値 {quantity(metric.baseline, metric.unit)} × {plain(factor)}"
    rule = Rule(
        RuleKind.THRESHOLD,
        text,
        metric.id,
        value=value,
        unit=metric.unit,
        bound=bound,
        baseline=metric.baseline,
        baseline_year=metric.baseline_year,
        note=note,
    )
    return _with_due(rule, due)


def _arrow(text: str, body: str, ctx: CellContext, due: date | None) -> Rule:
    """39%→100%, 1,234件(2020)→1,500件, 12件/年→20件/年: the baseline as printed, then the target; the
    direction from the two. A dash for the baseline (―→30件) is the target alone."""
    left, right = re.split(rf"[{ARROWS}]", body, maxsplit=1)
    base = read_baseline(left, ctx, text)
    if base is None:
        return _plain(text, right, ctx, due)
    value, unit, reading, _ = _threshold(text, right, ctx)
    if base.unit and unit and base.unit != unit:
        raise PhraseError(f"{text!r} を読めません: 基準値の単位は {base.unit!r}、目標の単位は {unit!r} です")
    if base.counts and reading.counts and base.counts is not reading.counts:
        raise PhraseError(
            f"{text!r} を読めません: 基準値は{COUNTS_LABELS[base.counts]}、目標は{COUNTS_LABELS[reading.counts]}です"
        )
    metric = assign(text, unit or base.unit, numeric=True, ctx=ctx)
    unit = _unit(text, unit or base.unit, metric, ctx)
    bound = reading.bound or (Bound.AT_MOST if value < base.value or value == 0 else Bound.AT_LEAST)
    year = base.year if base.year is not None else metric.baseline_year if metric.baseline == base.value else None
    rule = Rule(
        RuleKind.THRESHOLD,
        text,
        metric.id,
        value=value,
        unit=unit,
        bound=bound,
        counts=reading.counts or base.counts,
        baseline=base.value,
        baseline_year=year,
        note="、".join(reading.notes),
    )
    return _with_due(rule, due)


def read_baseline(printed: str, ctx: CellContext, cell: str = "") -> Baseline | None:
    """A 基準値 as plans print it, in a cell before its arrow or in a metric's `baseline`: 39%, 約3,000人,
    1,234件(2020), (令和2年度) 45.0%, 12件/年. None for a dash (―, －: the plan has no baseline).

    The year in brackets is the year it was measured, as printed (令和2年度 and 2020 are 2020); a bound
    (以上, 以内) is refused: a baseline is a value, not a target.
    """
    check_length(printed)
    if not ctx.metrics:  # a metric's own baseline, as the loader and import read it: once per text
        return _baseline_alone(printed, ctx, cell)
    return _read_baseline(printed, ctx, cell)


@functools.lru_cache(maxsize=4096)
def _baseline_alone(printed: str, ctx: CellContext, cell: str) -> Baseline | None:
    return _read_baseline(printed, ctx, cell)


def _read_baseline(printed: str, ctx: CellContext, cell: str) -> Baseline | None:
    text = cell or printed
    body = normalize(printed)
    if body in DASHES:
        return None
    year = None
    found = _YEAR_BEFORE.match(body) or _YEAR_AFTER.search(body)
    if found:
        try:
            year = parse_year(found["year"])
        except ValueError as exc:
            raise PhraseError(f"{text!r} を読めません: 基準値の年度: {exc}") from None
        body = body[: found.start()] + body[found.end() :]
    value, unit, reading, _ = _threshold(text, body, ctx)
    if reading.bound:
        raise PhraseError(
            f"{text!r} を読めません: 基準値には 以上・以下 などの語を付けられません（基準値は値そのものを書きます）"
        )
    return Baseline(value, unit, year, reading.counts)
