"""Target cell text -> rules: a table of patterns, one small builder each.

A cell is read as the plan prints it. Compound cells (研修年2回実施、活用事例5件創出) and segmented
cells (小学校55% 中学校35%) are split into parts and each part is given to one of the indicator's
metrics. Anything not recognised raises PhraseError: never a silent "no target".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kpicheck.models import Metric, Rule, RuleKind, ValueKind
from kpicheck.periods import normalize

DASHES = frozenset({"-", "－", "‐", "―", "—", "ー", "–"})
ARROWS = "→⇒➡"

# The last words of a cell that states something to get done (方針策定, 運用継続, 整備完了 ...).
# General administrative Japanese, not one city's vocabulary; a plan adds its own in
# `milestone_words`.
MILESTONE_ENDINGS: tuple[str, ...] = (
    "策定", "継続", "完了", "実装", "開始", "実施", "導入", "判断", "設定", "整理", "化",
    "展開", "運用", "登用", "構築", "整備", "公開", "決定", "廃止", "稼働", "開設", "移行",
    "推進", "見直し", "検討", "調査", "作成", "締結", "更新", "周知", "達成",
)  # fmt: skip

_PERIODIC = re.compile(r"^(?P<name>.+?)\s*\((?P<every>\d+年に\d+回)\)$")
_GROWTH = re.compile(r"^(?P<label>.*?)前年(?:度)?比\s*(?P<pct>\d+(?:\.\d+)?)%\s*(?:以上)?(?:増|増加|アップ)$")
_NUMBER = re.compile(
    r"""^(?P<label>.*?)
        (?P<total>延べ|累計)?
        (?P<per>年)?
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)
        (?P<unit>.*?)
        (?P<ge>以上)?
        (?P<verb>実施|創出|達成|開催|受講|導入|以上実施)?$""",
    re.VERBOSE,
)


class PhraseError(ValueError):
    """A cell that cannot be read; `code` is the problem code to report it under."""

    def __init__(self, message: str, code: str = "KC203") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CellContext:
    """What reading one indicator's cells needs to know about the indicator and its plan."""

    metrics: tuple[Metric, ...]
    phases: tuple[str, ...] = ()
    phase_aliases: tuple[tuple[str, str], ...] = ()
    milestone_words: tuple[str, ...] = ()
    carry_forward: bool = False

    def phase_word(self, word: str) -> str:
        aliases = dict(self.phase_aliases)
        if word in aliases:
            return aliases[word]
        if word in self.phases:
            return word
        known = "、".join(self.phases)
        raise PhraseError(f"{word!r} is not a phase word of this plan ({known}; or add a phase_alias)", "KC207")


def read_cell(text: str, ctx: CellContext, previous: tuple[Rule, ...] = ()) -> tuple[Rule, ...]:
    """Read one yearly target cell. `previous` is the prior year's reading (for carried phases)."""
    cell = normalize(text)
    if ctx.metrics[0].kind is ValueKind.PHASE and len(ctx.metrics) == 1:
        return _read_phase(cell, ctx, previous)
    if not cell or cell in DASHES:
        return (Rule(RuleKind.NONE, cell, ctx.metrics[0].id),)
    inner = re.fullmatch(r"\((.+)\)", cell)
    if inner and (inner[1].endswith("設定") or inner[1].endswith("数")):
        # "(見直し内容により指標を設定)", "(活用計画に基づく施策創出件数)": the plan defers the target.
        return (Rule(RuleKind.TBD, cell, ctx.metrics[0].id),)
    if inner:
        cell = inner[1]
    periodic = _PERIODIC.match(cell)
    if periodic:
        metric = _assign(cell, None, numeric=False, ctx=ctx)
        return (Rule(RuleKind.MILESTONE, cell, metric.id, note=periodic["every"]),)
    growth = _GROWTH.match(cell)
    if growth:
        metric = _assign(cell, None, numeric=True, ctx=ctx, any_unit=True)
        return (Rule(RuleKind.GROWTH, cell, metric.id, value=Decimal(growth["pct"]), unit=metric.unit),)
    parts = _split(cell, ctx)
    if not any(_has_digit(p) for p in parts):
        return (_milestone(cell, ctx),)
    return tuple(_numeric(p, ctx) if _has_digit(p) else _milestone(p, ctx) for p in parts)


def read_due_target(text: str, due: date, start: date | None, ctx: CellContext) -> tuple[Rule, ...]:
    """Read a target due at a date (日向: 70申請・届出 at R7末; a 取組 due within the plan)."""
    cell = normalize(text)
    if not cell:
        metric = _assign("", None, numeric=False, ctx=ctx)
        return (Rule(RuleKind.DEADLINE, cell, metric.id, due=due, start=start),)
    rules = []
    for rule in read_cell(cell, ctx):
        if rule.kind is RuleKind.AT_LEAST:
            rules.append(Rule(RuleKind.END_TARGET, rule.text, rule.metric, rule.value, rule.unit, due=due))
        elif rule.kind is RuleKind.REDUCTION:
            rules.append(Rule(RuleKind.REDUCTION, rule.text, rule.metric, rule.value, rule.unit, due=due))
        elif rule.kind is RuleKind.MILESTONE:
            rules.append(Rule(RuleKind.DEADLINE, rule.text, rule.metric, due=due, start=start))
        else:
            raise PhraseError(f"{text!r}: a target due at a date must be a number or a thing to complete")
    return tuple(rules)


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _ends_as_milestone(text: str, ctx: CellContext) -> bool:
    stripped = text.rstrip("。.)")
    return stripped.endswith(MILESTONE_ENDINGS + ctx.milestone_words)


def _split(cell: str, ctx: CellContext) -> list[str]:
    """Split on 、 and spaces; a bare name before a number (公式SNS登録者数 延べ15,000名) is its label."""
    raw = [p for p in re.split(r"[、\s]+", cell) if p]
    parts: list[str] = []
    pending = ""
    for part in raw:
        if not _has_digit(part) and not _ends_as_milestone(part, ctx):
            pending += part
            continue
        parts.append(pending + part)
        pending = ""
    if pending:
        if parts and not _has_digit(pending):
            parts[-1] += pending
        else:
            parts.append(pending)
    return parts


def _milestone(text: str, ctx: CellContext) -> Rule:
    if not _ends_as_milestone(text, ctx):
        raise PhraseError(
            f"cannot read {text!r}: not a number, a growth rate, a phase or a milestone "
            "(a milestone ends in a word such as 策定, 完了, 継続; a plan may add milestone_words)"
        )
    metric = _assign(text, None, numeric=False, ctx=ctx)
    return Rule(RuleKind.MILESTONE, text, metric.id)


def _numeric(text: str, ctx: CellContext) -> Rule:
    match = _NUMBER.match(text)
    if not match:
        raise PhraseError(f"cannot read {text!r} as a numeric target")
    unit = match["unit"].strip()
    metric = _assign(text, unit or None, numeric=True, ctx=ctx)
    if unit and metric.unit and normalize(metric.unit) != unit:
        raise PhraseError(f"{text!r} is in {unit!r} but metric {metric.id!r} is declared in {metric.unit!r}")
    value = Decimal(match["num"].replace(",", ""))
    label = match["label"]
    kind = RuleKind.REDUCTION if label.endswith("削減率") else RuleKind.AT_LEAST
    return Rule(kind, text, metric.id, value=value, unit=metric.unit or unit or None)


def _read_phase(cell: str, ctx: CellContext, previous: tuple[Rule, ...]) -> tuple[Rule, ...]:
    metric = ctx.metrics[0].id
    words = [w for w in re.split(rf"[・、\s{ARROWS}]+", cell) if w and w not in DASHES]
    if not words:
        if ctx.carry_forward and previous and previous[0].kind is RuleKind.PHASE:
            before = previous[0]
            return (Rule(RuleKind.PHASE, cell, metric, phases=before.phases, carried=True),)
        return (Rule(RuleKind.NONE, cell, metric),)
    phases = tuple(dict.fromkeys(ctx.phase_word(w) for w in words))
    return (Rule(RuleKind.PHASE, cell, metric, phases=phases),)


def _assign(text: str, unit: str | None, *, numeric: bool, ctx: CellContext, any_unit: bool = False) -> Metric:
    """Give a part of a cell to one metric: by name or match word, then by unit, then by kind."""
    metrics = ctx.metrics
    wanted = [m for m in metrics if (m.unit is not None) == numeric]
    if len(metrics) == 1:
        if not wanted:
            kind = "a number" if numeric else "a milestone"
            raise PhraseError(f"{text!r} is {kind}, but the indicator declares {'no ' if numeric else 'a '}unit")
        return metrics[0]
    for words in (lambda m: (m.name,), lambda m: m.match):
        named = [m for m in wanted if any(w and w in text for w in words(m))]
        if len(named) == 1:
            return named[0]
    if numeric and not any_unit:
        by_unit = [m for m in wanted if m.unit and normalize(m.unit) == unit]
        if len(by_unit) == 1:
            return by_unit[0]
    if len(wanted) == 1:
        return wanted[0]
    names = ", ".join(m.id for m in metrics)
    raise PhraseError(f"cannot tell which metric ({names}) {text!r} is about; add a `match` word to one")
