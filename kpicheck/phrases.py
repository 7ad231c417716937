"""Target cell text -> rules: one small reader per kind of cell, over the word tables of qualifiers.py.

A cell is read as the plan prints it. Compound cells (研修年2回実施、活用事例5件創出) and segmented
cells (小学校55% 中学校35%) are split into parts and each part is given to one of the indicator's
metrics. A numeric part is read by quantities.py; a part without a number is a standing (県内1位) or
a milestone (方針策定), and a roadmap cell is phases. Anything else raises PhraseError naming the
word: never a silent misreading, never a silent "no target".
"""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import date

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
from kpicheck.kinds.registry import CARRIED_KINDS, KINDS, NUMERIC_KINDS
from kpicheck.models import Rule, RuleKind, ValueKind
from kpicheck.periods import normalize
from kpicheck.qualifiers import BOUND_WORDS, QUALIFIERS_BEFORE, STANDING, SURVEY_YEAR
from kpicheck.quantities import check_label, read_quantity

_PERIODIC = re.compile(r"^(?P<name>.+?)(?<!\s)\s*\((?P<every>\d+年に\d+回)\)$")
# A cell that says only that its indicator is to be set (網走 Ver2.0 1-2-2 「目標指標設定」) names no target
# for the year: the plan defers it, as (見直し内容により指標を設定) does. Not a milestone ending in 設定.
_DEFERRED = re.compile(r"(?:目標)?指標を?設定")


def read_cell(text: str, ctx: CellContext, previous: tuple[Rule, ...] = ()) -> tuple[Rule, ...]:
    """Read one yearly target cell. `previous` is the prior year's reading (for carried phases)."""
    check_length(text)
    if not _roadmap(ctx):
        previous = ()  # only a roadmap cell reads the year before (a blank carries its phase on)
    if any(rule.value is not None or rule.baseline is not None for rule in previous):
        return _read_cell(text, ctx, previous)  # Decimal("1.0") == Decimal("1"): no key for a cache
    return _cached(text, _unnamed(ctx, text), previous, tuple(str(m.baseline) for m in ctx.metrics))


def _unnamed(ctx: CellContext, text: str) -> CellContext:
    """The context of a one-metric indicator without the metric's name when the cell cannot use it.

    A table repeats its cells (100%, 運用継続) under indicators of different names; the name of a single
    metric only matters to a cell that contains it (a label 受講者数 3,000人 stripped of it), as match and
    the plan's neutral words do. Without it, the readings of equal cells are equal and read once.
    """
    if len(ctx.metrics) != 1:
        return ctx
    metric = ctx.metrics[0]
    words = (metric.name, *metric.match, *ctx.neutral_words)
    if not any(words):
        return ctx
    plain = normalize(text)
    if any(word and (word in text or word in plain) for word in words):
        return ctx
    return _stripped(ctx)


@functools.lru_cache(maxsize=1024)
def _stripped(ctx: CellContext) -> CellContext:
    """`ctx` without its one metric's name and match words: built once per context, not once per cell."""
    return dataclasses.replace(ctx, metrics=(ctx.metrics[0]._replace(name="", match=()),))


@functools.lru_cache(maxsize=4096)
def _cached(text: str, ctx: CellContext, previous: tuple[Rule, ...], baselines: tuple[str, ...]) -> tuple[Rule, ...]:
    """read_cell once per distinct cell and context; `baselines` as written tells 1.0 from 1 (equal as keys)."""
    del baselines
    return _read_cell(text, ctx, previous)


def _read_cell(text: str, ctx: CellContext, previous: tuple[Rule, ...]) -> tuple[Rule, ...]:
    cell = normalize(text)
    if _roadmap(ctx):
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
    cell = re.sub(rf"(?<!\s)\s*([{ARROWS}])\s*", r"\1", cell)  # (?<!\s): a run of spaces tried once, not per space
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


def _roadmap(ctx: CellContext) -> bool:
    return ctx.metrics[0].kind is ValueKind.PHASE and len(ctx.metrics) == 1


def _segment_name(part: str) -> str:
    """What seems to name a part's segment, for a hint: 市 in 市 90%, in 90%(市); "" if nothing does."""
    after = LABEL_AFTER.search(part)
    if after:
        return after["label"]
    before = re.match(r"^([^\d\s:()]*?)\s*(?::\s*)?(?:約|延べ|累計|年間|毎年度|毎年|各年度|年)?\d", part)
    return before[1] if before else ""


def _part(part: str, ctx: CellContext) -> Rule:
    """A standing (県内1位), a number, or a milestone that merely contains one (第2期計画策定, 令和8年度から
    運用開始)."""
    standing = STANDING.fullmatch(part)
    if standing:
        check_label(part, standing["label"], ctx)
        metric = assign(part, None, numeric=False, ctx=ctx)
        return Rule(RuleKind.QUALITATIVE, part, metric.id, note=standing["standing"])
    if not _quantitative(part):
        return _milestone(part, ctx)
    try:
        return read_quantity(part, ctx)
    except PhraseError:
        if (
            _ends_as_milestone(part, ctx)
            and _only_ordinals(part)
            and any(m.kind is ValueKind.STATE for m in ctx.metrics)
        ):
            return _milestone(part, ctx)
        raise


# Numbers that name rather than count: 第2期, 令和8年度, R8, 2026年度, 3次.
_ORDINAL = re.compile(r"第\d+|(?:令和|平成|R|H)\s*\d+|(?<!\d)\d+\s*(?:年度|年|期|次|号)")


def _only_ordinals(part: str) -> bool:
    """Every number in `part` names something (a year, a 第N): the part is no count at all."""
    return not any(ch.isdigit() for ch in _ORDINAL.sub("", part)) and not any(w in part for w in BOUND_WORDS)


def read_due_target(text: str, due: date, start: date | None, ctx: CellContext) -> tuple[Rule, ...]:
    """Read a target due at a date (日向: 70申請・届出 at R7末; a 取組 due within the plan)."""
    check_length(text)
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
    # The last segment before a name starts after the last 、 or space; it holds a number when the last
    # digit comes after that. Both kept as the text is walked once (re-splitting the text before each name
    # was quadratic in a long cell).
    last_break = last_digit = -1
    walked = 0
    pieces = []
    start = 0
    for found in re.finditer(rf"(?:{named})(?=\s*(?::\s*)?(?:{before})?\d)", cell):
        for index in range(walked, found.start()):
            ch = cell[index]
            if ch == "、" or ch.isspace():
                last_break = index
            elif ch.isdigit():
                last_digit = index
        walked = found.start()
        if last_digit > max(last_break, start - 1) and cell[found.start() - 1] not in "(":
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
