"""A plan's cells -> targets per year: bars, carried phases and deadlines, settled units and counts.

What the printed schedule means, on plain cells and rules; reading the TOML (keys, types, the lines
problems are reported at) is targets.py's, which calls this. A cell that cannot be read raises
PhraseError with the code to report it under.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kpicheck.cells import DASHES, CellContext, PhraseError
from kpicheck.kinds.registry import KINDS, NUMERIC_KINDS
from kpicheck.models import COUNTS_LABELS, Counts, Metric, Rule, RuleKind, Target, ValueKind
from kpicheck.periods import fiscal_year_of, fiscal_year_start, normalize, parse_due, parse_year
from kpicheck.phrases import read_cell, read_due_target

RATE_UNITS = frozenset({"%", "‰", "割"})


def year_rules(
    year: int,
    text: str,
    ctx: CellContext,
    previous: tuple[Rule, ...],
    *,
    first: int,
    ends: int,
    part: int | None,
    missing: bool,
) -> tuple[Rule, ...]:
    """One plan year's cell as rules; `previous` is the year before's (a blank carries its phase on).

    A year after `ends` (schedule_ends) carries nothing; a row whose cells the source lost
    (`missing`) is 目標未設定 every year. A deadline before the plan's `first` year is KC208.
    """
    if year > ends:
        return (Rule(RuleKind.NONE, "", ctx.metrics[0].id),)
    if missing:
        rules: tuple[Rule, ...] = (Rule(RuleKind.TBD, text, ctx.metrics[0].id, note="missing_in_source"),)
    else:
        rules = read_cell(_share(text, part), ctx, previous)
    misplaced = next((why for rule in rules if (why := KINDS[rule.kind].misplaced(rule, year, first))), "")
    if misplaced:
        raise PhraseError(misplaced)
    early = next((rule.due for rule in rules if rule.due is not None and rule.due < fiscal_year_start(first)), None)
    if early is not None:
        raise PhraseError(f"期限 {early} が計画の開始（{first}年度）より前です", "KC208")
    return rules


def _share(text: str, part: int | None) -> str:
    """This row's activity of a cell shared by several rows (時間外窓口開設・情報提供・… -> 情報提供)."""
    if part is None or not normalize(text):
        return text
    pieces = [p for p in re.split(r"[・、]", normalize(text)) if p]
    if len(pieces) < part:
        raise PhraseError(f"{text!r} の取組は {len(pieces)} 個ですが、part = {part} です")
    return pieces[part - 1]


def spread(targets: dict[int, Target]) -> dict[int, Target]:
    """The yearly targets with each printed cell spread over the blank years it covers (bars, deadlines)."""
    return _carry_deadlines(_bars(targets))


def _carry_deadlines(targets: dict[int, Target]) -> dict[int, Target]:
    """`R9年度までに100%` printed in FY2026 also applies to the blank years up to FY2027, its due year."""
    result = dict(targets)
    for year in sorted(targets):
        due = [r for r in result[year].rules if r.kind is RuleKind.END_TARGET and r.due is not None]
        for rule in due:
            assert rule.due is not None
            for later in range(year + 1, fiscal_year_of(rule.due) + 1):
                blank = later in result and all(r.kind is RuleKind.NONE for r in result[later].rules)
                if blank:
                    result[later] = Target(later, result[later].text, (rule._replace(carried=True),))
    return result


def _bars(targets: dict[int, Target]) -> dict[int, Target]:
    """A printed phase cell and the blank years it carries into are one bar.

    In the bar's last year the target is the cell's last phase; in its earlier years the first
    (the work is under way). A single-phase bar needs its phase every year.
    """
    years = sorted(targets)
    result = dict(targets)
    index = 0
    while index < len(years):
        rules = targets[years[index]].rules
        if len(rules) != 1 or rules[0].kind is not RuleKind.PHASE:
            index += 1
            continue
        end = index
        while end + 1 < len(years) and _carried_phase(targets[years[end + 1]]):
            end += 1
        bar = (years[index], years[end])
        for position in range(index, end + 1):
            year = years[position]
            rule = targets[year].rules[0]
            reach = rule.phases[-1] if position == end else rule.phases[0]
            result[year] = targets[year]._replace(rules=(rule._replace(reach=reach, bar=bar),))
        index = end + 1
    return result


def _carried_phase(target: Target) -> bool:
    return len(target.rules) == 1 and target.rules[0].kind is RuleKind.PHASE and target.rules[0].carried


def every_year(metric: str, first: int, last: int) -> dict[int, Target]:
    """`continuous = true`: the 取組 is carried out in every plan year."""
    rule = Rule(RuleKind.CONTINUOUS, "", metric)
    return {year: Target(year, "", (rule,)) for year in range(first, last + 1)}


def scheduled_work(cells: dict[int, str], metric: str) -> dict[int, Target]:
    """The printed `schedule` cells: the 取組 to carry out in each year whose cell is not blank or a dash."""
    targets = {}
    for year, text in cells.items():
        work = normalize(text)
        if work and work not in DASHES:
            targets[year] = Target(year, text, (Rule(RuleKind.CONTINUOUS, text, metric, note=work),))
    return targets


def due_target(text: str, due_text: str, start_text: str, ctx: CellContext, first: int, last: int) -> Target | None:
    """A target due at `due_text` (R7末), from `start_text` if printed; None when nothing is due.

    A due or start year that cannot be read, or a due before the plan's first year, is KC208.
    """
    if not due_text:
        return None  # a schedule item without a 目標時期: listed, but nothing is due
    try:
        due = parse_due(due_text, last)
        start = fiscal_year_start(parse_year(start_text)) if start_text else None
    except ValueError as exc:
        raise PhraseError(str(exc), "KC208") from None
    if due < fiscal_year_start(first):
        raise PhraseError(f"期限 due = {due_text!r}（{due}）が計画の開始（{first}年度）より前です", "KC208")
    return Target(None, text, read_due_target(text, due, start, ctx), due_text=due_text)


class Settled(NamedTuple):
    """An indicator's metrics with the unit and counts its cells settle on, and its cells restated in them."""

    metrics: tuple[Metric, ...]
    targets: dict[int, Target]
    due: Target | None
    faults: tuple[str, ...]  # KC203: a metric whose cells disagree, left out of `metrics`


def settle(metrics: tuple[Metric, ...], targets: dict[int, Target], due: Target | None) -> Settled:
    """Give each metric the unit and counts its cells print where the TOML leaves them out.

    A declared `counts` wins over the cell (網走 Ver2.0's 延べ15,000名 is a level); a metric with no
    declared unit takes the one unit its numeric cells print.
    """
    cells = [*targets.values(), *([due] if due else [])]
    settled = []
    faults = []
    for metric in metrics:
        called = "" if len(metrics) == 1 else f"項目「{metric.name or metric.id}」の"
        rules = [rule for t in cells for rule in t.rules if rule.metric == metric.id]
        numeric = [rule for rule in rules if rule.kind in NUMERIC_KINDS]
        unit = metric.unit
        if unit is None and numeric:
            units = sorted({rule.unit for rule in numeric if rule.unit})
            if len(units) != 1:
                said = "単位がありません" if not units else f"単位が異なります（{'、'.join(units)}）"
                faults.append(f'{called}セルに{said}（計画の単位を unit = "件" のように宣言してください）')
                continue
            # a number beside a milestone or a standing (県内1位): the unit would be refused for the latter
            # once declared, so it is never inferred over it (found importing a 50% / 県内1位 row)
            worded = [rule for rule in rules if KINDS[rule.kind].judged_by_word]
            if numeric and worded:
                faults.append(
                    f"{called}セルに数値（{units[0]}）と「{worded[0].text}」が混在しています"
                    "（指標の項目（metrics）で、数値の項目と言葉で判定する項目を分けてください）"
                )
                continue
            unit = units[0]
        counts = metric.counts
        if not metric.counts_declared:
            stated = [rule.counts for rule in numeric] + [metric.baseline_counts]  # a baseline 12件/年 says it too
            printed = sorted({period for period in stated if period})
            if len(printed) > 1:
                said = "と".join(COUNTS_LABELS[period] for period in printed)
                faults.append(
                    f"{called}セルの数え方が{said}で混在しています"
                    '（計画の数え方を counts = "per_year"（年度内の数）、"level"（時点の値）、'
                    '"cumulative"（累計）のいずれかで宣言してください）'
                )
                continue
            counts = printed[0] if printed else Counts.LEVEL
            if unit in RATE_UNITS:  # 毎年度95%以上: a rate held every year, not a count of events
                counts = Counts.LEVEL
        kind = ValueKind.NUMBER if unit is not None else metric.kind
        settled.append(metric._replace(unit=unit, counts=counts, kind=kind))

    by_id = {m.id: m for m in settled}

    def fix(target: Target) -> Target:
        # Most rules already say their metric's unit and counts: kept as they are, not copied (100,000-row import).
        rules = tuple(
            rule._replace(unit=by_id[rule.metric].unit, counts=by_id[rule.metric].counts)
            if rule.kind in NUMERIC_KINDS
            and rule.metric in by_id
            and (rule.unit, rule.counts) != (by_id[rule.metric].unit, by_id[rule.metric].counts)
            else rule
            for rule in target.rules
        )
        return target if rules == target.rules else target._replace(rules=rules)

    return Settled(tuple(settled), {y: fix(t) for y, t in targets.items()}, fix(due) if due else None, tuple(faults))
