"""Target cell text -> rules: one small reader per kind of cell, over the word tables of qualifiers.py.

A cell is read as the plan prints it. Compound cells (研修年2回実施、活用事例5件創出) and segmented
cells (小学校55% 中学校35%) are split into parts and each part is given to one of the indicator's
metrics. A numeric part is `label prefix NUMBER unit qualifiers verb`; every word in it must be a
label (a noun naming the measure), a word of QUALIFIERS or of NEUTRAL_WORDS (qualifiers.py).
Anything else raises PhraseError naming the word: never a silent misreading, never a silent "no
target".
"""

from __future__ import annotations

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
    metric_called,
    metric_words,
)
from kpicheck.kinds.registry import CARRIED_KINDS, KINDS, NUMERIC_KINDS
from kpicheck.models import (
    COUNTS_LABELS,
    Bound,
    Counts,
    Metric,
    Rule,
    RuleKind,
    ValueKind,
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
    STANDING,
    STANDING_RANKS,
    SURVEY_YEAR,
    UNIT_REFUSED,
    YEAR_COMPARED,
    Against,
    Qualifier,
    Relative,
)

_PARTICLES = frozenset("をにがはでとへの")

_NUMBER = re.compile(rf"(?<![\d.])(?:{NUMERAL})")
_PERIODIC = re.compile(r"^(?P<name>.+?)\s*\((?P<every>\d+年に\d+回)\)$")
# A cell that says only that its indicator is to be set (網走 Ver2.0 1-2-2 「目標指標設定」) names no target
# for the year: the plan defers it, as (見直し内容により指標を設定) does. Not a milestone ending in 設定.
_DEFERRED = re.compile(r"(?:目標)?指標を?設定")
# A deadline inside a year's cell: R9年度までに100%, 2027年度末を目途に20業務の標準化.
_DEADLINE = re.compile(rf"^(?P<year>{NAMED_YEAR})\s*末?\s*(?:までに|を目途に|目途に|まで)")
# The printed context of a target in brackets after it: 1,200件（前年度比20%増）.
_ASIDE = re.compile(r"^\((?P<aside>前年度?比[^()]*)\)")
_YEAR = re.compile(NAMED_YEAR)
_YEAR_EXAMPLES = "、".join(r.example for r in RELATIVES if r.against is Against.YEAR)
_YEAR_BEFORE = re.compile(rf"^{SURVEY_YEAR}\s*")
_YEAR_AFTER = re.compile(rf"\s*{SURVEY_YEAR}$")


class Baseline(NamedTuple):
    """A 基準値 as printed: its number, unit, the year it was measured and its period (12件/年)."""

    value: Decimal
    unit: str | None
    year: int | None
    counts: Counts | None


def read_cell(text: str, ctx: CellContext, previous: tuple[Rule, ...] = ()) -> tuple[Rule, ...]:
    """Read one yearly target cell. `previous` is the prior year's reading (for carried phases)."""
    cell = normalize(text)
    if ctx.metrics[0].kind is ValueKind.PHASE and len(ctx.metrics) == 1:
        return _read_phase(cell, ctx, previous)
    if not cell or cell in DASHES:
        return (Rule(RuleKind.NONE, cell, ctx.metrics[0].id),)
    if "=" in cell:
        raise PhraseError(f"{text!r} を読めません: '='（数式？）は kpicheck が解釈できる目標ではありません")
    inner = re.fullmatch(r"\((.+)\)", cell)
    if (inner and (inner[1].endswith("設定") or inner[1].endswith("数"))) or _DEFERRED.fullmatch(cell):
        # "(見直し内容により指標を設定)", "(活用計画に基づく施策創出件数)", "目標指標設定": the plan defers the target.
        return (Rule(RuleKind.TBD, cell, ctx.metrics[0].id),)
    if inner:
        cell = inner[1]
    periodic = _PERIODIC.match(cell)
    if periodic:
        metric = assign(cell, None, numeric=False, ctx=ctx)
        return (Rule(RuleKind.MILESTONE, cell, metric.id, note=periodic["every"]),)
    cell = re.sub(rf"\s*([{ARROWS}])\s*", r"\1", cell)
    cell = re.sub(r"(比|より|までに|目途に)\s+", r"\1", cell)  # 前年度比 5%減, 2022年度より 増加 are one part
    cell = re.sub(rf"(?:^|(?<=\s))({SURVEY_YEAR})\s+", r"\1", cell)  # (令和2年度) 45.0%→60% is one part
    cell = re.sub(rf"(?<=[^\s{ARROWS}])\s+({SURVEY_YEAR})", r"\1", cell)  # 45.0% (令和2年度)→60% too
    parts = _split(cell, ctx)
    if not any(_quantitative(p) or STANDING.match(p) for p in parts):
        return (_milestone(cell, ctx),)
    rules = tuple(_part(p, ctx) for p in parts)
    judged = {rule.metric: rule.text for rule in rules if rule.kind is RuleKind.QUALITATIVE}
    shared = next((rule for rule in rules if rule.metric in judged and rule.text != judged[rule.metric]), None)
    if shared is not None:  # 県内1位、方針策定 on one metric: one word of the office would judge both
        raise PhraseError(
            f"{text!r} を読めません: 「{judged[shared.metric]}」と「{shared.text}」が"
            f"{metric_called(ctx, shared.metric, 'に')}当たります（担当課の判定で評価する目標は、指標の metrics で"
            "ほかと別の項目にしてください）"
        )
    numbers = [rule.metric for rule in rules if rule.kind in NUMERIC_KINDS]  # at most one number per metric
    twice = next((metric for metric in numbers if numbers.count(metric) > 1), None)
    if twice is not None:  # 小学校50% 中学校30% on one metric: one actual would be held to both numbers
        names = [
            _segment_name(part)
            for part, rule in zip(parts, rules, strict=True)
            if rule.metric == twice and rule.kind in NUMERIC_KINDS
        ]
        declare = "、".join(f'name = "{n}"' for n in names) if all(names) else 'name = "項目の名前"'
        raise PhraseError(
            f"{text!r} を読めません: 数値が {len(numbers)} つあり、どれも{metric_called(ctx, twice, 'に')}当たります"
            f"（数値ごとに項目を分けてください: 指標の metrics に {declare} のように項目を宣言すると、"
            "その名前（または match の語）で数値を項目に振り分けます）"
        )
    return rules


def _segment_name(part: str) -> str:
    """What seems to name a part's segment, for a hint: 市 in 市 90%, in 90%(市); "" if nothing does."""
    after = LABEL_AFTER.search(part)
    if after:
        return after["label"]
    before = re.match(r"^([^\d\s:()]*?)\s*:?\s*(?:約|延べ|累計|年間|毎年度|毎年|各年度|年)?\d", part)
    return before[1] if before else ""


def _part(part: str, ctx: CellContext) -> Rule:
    """A standing (県内1位), a number, or a milestone that merely contains one (第2期計画策定, 令和8年度から
    運用開始)."""
    standing = STANDING.fullmatch(part)
    if standing:
        _check_label(part, standing["label"], ctx)
        metric = assign(part, None, numeric=False, ctx=ctx)
        return Rule(RuleKind.QUALITATIVE, part, metric.id, note=standing["standing"])
    if not _quantitative(part):
        return _milestone(part, ctx)
    try:
        return _quantity(part, ctx)
    except PhraseError:
        if (
            _ends_as_milestone(part, ctx)
            and _only_ordinals(part)
            and any(m.kind is ValueKind.STATE for m in ctx.metrics)
        ):
            return _milestone(part, ctx)
        raise


# Numbers that name rather than count: 第2期, 令和8年度, R8, 2026年度, 3次.
_ORDINAL = re.compile(r"第\d+|(?:令和|平成|R|H)\s*\d+|\d+\s*(?:年度|年|期|次|号)")


def _only_ordinals(part: str) -> bool:
    """Every number in `part` names something (a year, a 第N): the part is no count at all."""
    return not any(ch.isdigit() for ch in _ORDINAL.sub("", part)) and not any(w in part for w in BOUND_WORDS)


def read_due_target(text: str, due: date, start: date | None, ctx: CellContext) -> tuple[Rule, ...]:
    """Read a target due at a date (日向: 70申請・届出 at R7末; a 取組 due within the plan)."""
    cell = normalize(text)
    if not cell:
        metric = assign("", None, numeric=False, ctx=ctx)
        return (Rule(RuleKind.DEADLINE, cell, metric.id, due=due, start=start),)
    rules = []
    for rule in read_cell(cell, ctx):
        dated = KINDS[rule.kind].dated
        if dated is None:
            raise PhraseError(f"{text!r}: 期限付きの目標は数値か完了すべき事柄にしてください")
        rules.append(dated(rule, due, start))
    return tuple(rules)


def _quantitative(text: str) -> bool:
    return any(ch.isdigit() for ch in text) or bool(re.search(r"前年|半減|倍増|ゼロ", text))


def _ends_as_milestone(text: str, ctx: CellContext) -> bool:
    stripped = text.rstrip("。.)")
    return stripped.endswith(MILESTONE_ENDINGS + ctx.milestone_words)


def _split(cell: str, ctx: CellContext) -> list[str]:
    """Split on 、 and spaces; a bare name before a number (公式SNS登録者数 延べ15,000名) is its label."""
    raw = [p for p in re.split(r"[、\s]+", _segment_breaks(cell, ctx)) if p]
    parts: list[str] = []
    pending = ""
    for part in raw:
        if not _quantitative(part) and not _ends_as_milestone(part, ctx) and not STANDING.match(part):
            pending += part
            continue
        parts.append(pending + part)
        pending = ""
    if pending:
        if parts and not _quantitative(pending):
            parts[-1] += pending
        else:
            parts.append(pending)
    return parts


def _segment_breaks(cell: str, ctx: CellContext) -> str:
    """A space where a segment printed without one starts: 市 90%県 80%, 小学校55%中学校35%, 90%(市)80%(県).

    Only for an indicator of several metrics, and only before a metric's name (or match word) that follows
    a number of the same segment and is itself followed by a number: 研修年2回 has no number before 年.
    """
    words = metric_words(ctx) if len(ctx.metrics) > 1 else []
    if not words:
        return cell
    named = "|".join(map(re.escape, words))
    before = "|".join(map(re.escape, (q.word for q in QUALIFIERS_BEFORE)))
    cell = re.sub(rf"(\((?:{named})\))(?=\d)", r"\1 ", cell)  # 90%(市)80%(県)
    pieces = []
    start = 0
    for found in re.finditer(rf"(?:{named})(?=\s*:?\s*(?:{before})?\d)", cell):
        segment = re.split(r"[、\s]", cell[start : found.start()])[-1]
        if any(ch.isdigit() for ch in segment) and cell[found.start() - 1] not in "(":
            pieces.append(cell[start : found.start()] + " ")
            start = found.start()
    return "".join(pieces) + cell[start:]


def _milestone(text: str, ctx: CellContext) -> Rule:
    if not _ends_as_milestone(text, ctx):
        raise PhraseError(
            f"{text!r} を読めません: 数値、増減率、段階、完了すべき事柄（マイルストーン）のいずれでもありません"
            "（完了すべき事柄は 策定、完了、継続 などの語で終わります。計画独自の語で終わるなら、"
            "[plan] の milestone_words にその語を加えてください）"
        )
    metric = assign(text, None, numeric=False, ctx=ctx)
    return Rule(RuleKind.MILESTONE, text, metric.id)


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


def _quantity(text: str, ctx: CellContext) -> Rule:
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
    _check_label(text, label, ctx)
    unit = _tail(text, body[found.end() :], reading, ctx)
    return Decimal(found[0].replace(",", "")), unit, reading, label


def _prefix(text: str, before: str, reading: _Reading) -> str:
    """Strip the qualifiers printed before the number (延べ, 年間, 約); what is left is the label."""
    label = before.strip()
    for word in SIGN_AND_PERIOD_WORDS:  # 隔年, 半年 end in 年: not "per year"
        if word in label.replace(" ", ""):
            raise PhraseError(f"{text!r} を読めません: 数値の前の {word!r} は解釈できない語です")
    stripped = True
    while stripped:
        stripped = False
        for qualifier in QUALIFIERS_BEFORE:
            if label.endswith(qualifier.word):
                reading.add(qualifier, text)
                label = label[: -len(qualifier.word)].rstrip(" :")
                stripped = True
                break
    return label.rstrip(" :は")


def _check_label(text: str, label: str, ctx: CellContext) -> None:
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
        len(text) <= 8
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
    for size in [*range(1, len(after) + 1), 0]:
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
        aside = _ASIDE.match(rest[position:])
        if aside:
            reading.notes = (*reading.notes, f"括弧内「{aside['aside']}」は参考")
            position += aside.end()
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
    _check_label(text, label, ctx)
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


def _read_phase(cell: str, ctx: CellContext, previous: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """A roadmap cell: phase words, a bare arrow (work under way, no phase named), or a blank."""
    metric = ctx.metrics[0].id
    words = [w for w in re.split(rf"[・、\s{ARROWS}]+", cell) if w and w not in DASHES]
    carries = ctx.carry_forward and previous and previous[0].kind in CARRIED_KINDS
    if not words and carries:  # a blank, or an arrow drawn on from the previous cell
        return (previous[0]._replace(text=cell, carried=True),)
    if not words and any(a in cell for a in ARROWS):
        return (Rule(RuleKind.CONTINUOUS, cell, metric, note="矢印のみ（段階の記載なし）"),)
    if not words:
        return (Rule(RuleKind.NONE, cell, metric),)
    order = {word: index for index, word in enumerate(ctx.phases)}
    phases = tuple(sorted(dict.fromkeys(ctx.phase_word(w) for w in words), key=order.__getitem__))
    # The note keeps the cell as printed (導入・試行, 検討・随時廃止) for readings that quote it: the
    # phases are in the plan's order and aliases resolved (試行・導入, 検討・実施). Carried years keep it.
    return (Rule(RuleKind.PHASE, cell, metric, phases=phases, note=cell),)
