"""The template context of a council report: the evaluation sheet's rows, counts and legends, as data.

report.py renders these with Jinja; nothing here knows of templates or files.

Variables of a one-year report (report.*.j2)
--------------------------------------------
The JSON contract of `kpicheck status --format json` (render.to_dict), for the indicators shown
(--department narrows `indicators` and `summary` alike):

    city, city_name, plan, plan_title, year, year_label, as_of (ISO date), summary {status: count},
    grading ({name, grades [{grade, label}]} or None), grades ({grade: count} or None), reduction_rate,
    indicators [{id, name, area, initiative, departments, target, actual, actual_text, previous, status,
                 status_label, reason, note, achievement_rate, pace_rate, progress_rate, grade, grade_label,
                 change, change_label, analysis, issues, direction,
                 metrics [{id, name, target, actual, status, reason, achievement_rate, pace_rate,
                           progress_rate, grade, previous, change}]}]

each indicator with more keys for the evaluation sheet:

    target_shown   the target cell for a table (due dates and carried phases spelled out; "" if none)
    mark           the status mark (see `legend`)
    baseline_text, actual_shown, previous_shown
                   基準値, 実績 and last year's 実績 as the report prints them (10,000 or more in 万/億)
    rate_text      達成率 "95.0%" or "―";  grade_text  "B（目標どおり）" or "" (ungraded); while the year runs
                   with the 目安比 it was read from, "B（目標どおり、目安比 96.0%）", as the table and CSV
    pace_rate_text 目安比 "96.0%" while the year runs (the rate a grade on a rate is read off), else ""
    status_text    the status label, with "（前年度より改善）" when 未達成/遅れ but better than last year
    evaluation     grade_text, else status_text;  improved_not_met  that case as a boolean
    change_label   改善 / 悪化 / 横ばい / 新規 or "";  has_remarks  any of note, analysis, issues, direction
    outlook_text   見込み "要加速（比 0.648）" (outlook_ratio where there is one);  outlook_mark, outlook_color
    outlook_chart  {width, height, color, actuals, actual_line, targets, projection {from, to}, first_year,
                   last_year, title} in px for charts.outlook_chart, or None without a line to draw
    progress       [{metric, name, label, actual, target, ratio, percent, actual_text, target_text,
                     status, color}] one per metric whose target is a plain number and whose actual is a
                   number (at least N, end-of-plan, reduction rate); `ratio` = 達成率 / 100 (float),
                   `percent` its text ("103.1%"). Growth targets (前年比) have none: their threshold depends
                   on last year's actual, which the Report does not carry.

and the helpers:

    as_of_label    "2027年12月31日"
    plan_period    "2026年度〜2030年度"
    department     the --department given, or None
    statuses       [{status, label, mark, color, meaning, count}] every status in order, with its count
    legend         the same without counts
    achievement    {achieved, evaluable, rate (float or None), text ("44.8%" or "―"), definition}:
                   達成した指標の割合 = 達成 / (達成 + 未達成 + 順調 + 遅れ), i.e. indicators with a target
                   this year and an actual; 実績未入力, 対象外 and 目標未設定 are left out of the denominator
    scale          {name, grades [{grade, label}]} or None;  scale_definition  how it grades, in Japanese
    grade_rows     [{grade, label, count, share}] per grade ([] when ungraded)
    rate_definition  the 達成率 formulas, in Japanese (for upper bounds the plan's reduction_rate)
    changes        {counts [{change, label, count}], line, compared}: change since last year
    by_department  [{name, total, statuses [count per status, in legend order], grades [count per grade],
                     indicators}] per 担当, in the plan's order
    areas          [{name, indicators}] in the plan's order; areas with no indicator shown are left out
    attention      indicators 未達成 then 遅れ, each in plan order
    no_data        indicators 実績未入力
    progress       every indicator's progress items, flattened (for one chart of them all)
    charts         {"summary": link, "progress": link}: the .svg files written beside a Markdown report
                   with -o (progress only if there is a bar to draw); None where none is written
    generator      "kpicheck 0.2.0"
    outlook_note   what 見込み means under the plan's floors, one sentence of Japanese

Variables of a multi-year report (years.*.j2)
---------------------------------------------
    city, city_name, plan, plan_title, as_of, as_of_label, plan_period, department, legend, generator
    scale, scale_definition  as for one year
    years          [{year, year_label, started, summary, statuses, achievement, grade_rows, report}] one per fiscal
                   year; `started` is False for a year that begins after the as-of date; `report` is
                   that year's JSON contract (filtered by --department)
    areas          [{name, rows [{id, name, departments, cells [{year, target, target_shown, actual_text,
                     actual_shown, status, status_label, mark, color, reason, note, grade, grade_text}]}]}]
                   one cell per year
    charts         {"years": link} for a Markdown report written with -o, else {"years": None}

The stand-alone chart template (chart.svg.j2) gets the report's variables plus `chart`: "summary",
"progress" or "years".
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kpicheck import __version__, grading
from kpicheck.grading import CEILING_RATES, grade_counts, rate_of, scale_grades, share
from kpicheck.kinds.registry import BAR_KINDS
from kpicheck.models import (
    CHANGE_LABELS,
    Change,
    Evaluation,
    MetricResult,
    Plan,
    Report,
    Rule,
    Scale,
    Status,
    quantity,
    show_actual,
    target_for,
)
from kpicheck.periods import fiscal_year_start
from kpicheck.render import actual_text, grade_text, large_text, metric_texts, rate_text, to_dict
from kpicheck.report_outlook import outlook_columns, outlook_note
from kpicheck.statuses import STATUS_DISPLAY, STATUS_LABELS, meaning

ACHIEVEMENT_DEFINITION = (
    "達成した指標の割合 = 達成 ÷ 判定対象。判定対象は、その年度の目標があり実績が入力されている指標"
    "（達成・未達成・順調・遅れ）。実績未入力・対象外・目標未設定・未到来・評価不能の指標は含めない。"
)
RATE_DEFINITION = (
    "達成率 = 実績 ÷ 目標 × 100（目標以上を目指す指標）。上限の目標（〇分以内、0件など）は {ceiling}。"
    "前年比の目標は前年度実績 × 増加率を目標とする。複数の項目がある指標は最も低い項目の率。小数第2位を四捨五入。"
    "目安比は、年度の途中で順調・遅れの指標について、経過日数に応じた目安に対する実績の割合（同じ式）。"
    "年度の途中の、上限のある件数（年10件以内など）には率を出さない。"
)


def rate_definition(plan: Plan) -> str:
    """The 達成率 formulas for the report's legend, naming the one the plan uses for upper bounds."""
    return RATE_DEFINITION.format(ceiling=CEILING_RATES[plan.reduction_rate].legend)


# How each basis of a grading scale reads, for the report's legend.
BASIS_DEFINITIONS = {
    "rate": "評価は、年度の途中で順調・遅れの指標は目安比、それ以外は達成率（小数第1位）で決める。"
    "数値でない目標（方針策定、段階など）は状況から決める。",
    "baseline": "評価は、目標を達成していれば{0}、それ以外は基準値（計画の現状値）と比べて決める。基準値より"
    "少しでも良ければ（上限の目標では低ければ）{1}、基準値と同じか悪化が基準値の{margin}%以内なら{2}"
    "（△10%以内: △は減少）、それより悪ければ{3}。基準値のない指標は評価できない。",
    "status": "評価は、指標の状況（達成・順調・遅れ・未達成）から決める。",
}


def scale_definition(scale: Scale | None) -> str:
    if scale is None:
        return ""
    bands = []
    for band in scale.bands:
        edge = "" if band.floor is None else f"（{quantity(band.floor, '%')}{'超' if band.strict else '以上'}）"
        bands.append(f"{band.grade} {band.label}{edge}")
    bands.append(f"{scale.none.grade} {scale.none.label}")
    basis = BASIS_DEFINITIONS[scale.basis].format(*scale.grades, margin=quantity(scale.margin, ""))
    if scale.unrated is not None:
        cannot = f"実績未入力・目標未設定・評価不能は「{scale.none.label}」。"
    else:  # the scale has no grade for it (S-C, ◎○△×): counted apart
        cannot = (
            f"実績未入力・目標未設定は「{scale.none.label}」、評価不能は評価の欄にも「評価不能」と示し、別に数える。"
        )
    return f"評価基準（{scale.name}）: {'、'.join(bands)}。{scale.note}{basis}{cannot}"


def departments(plan: Plan) -> list[str]:
    """Every 担当 named by the plan's indicators, in order of first appearance."""
    seen: dict[str, None] = {}
    for indicator in plan.indicators:
        seen.update(dict.fromkeys(indicator.departments))
    return list(seen)


def achievement(report: Report) -> dict[str, Any]:
    """grading.achievement with its definition, for the report's legend."""
    return {**grading.achievement(report), "definition": ACHIEVEMENT_DEFINITION}


def legend(plan: Plan) -> list[dict[str, Any]]:
    """Every status in order with its label, mark, colour and meaning (順調/遅れ under the plan's pace_tolerance)."""
    items = []
    for status in Status:
        row = STATUS_DISPLAY[status]
        text = meaning(status, plan.pace_tolerance)
        items.append(
            {"status": status.value, "label": row.label, "mark": row.mark, "color": row.color, "meaning": text}
        )
    return items


def statuses(report: Report) -> list[dict[str, Any]]:
    counts = report.summary()
    return [{**item, "count": counts[Status(item["status"])]} for item in legend(report.plan)]


def progress(report: Report, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Actual against target for each metric read as a plain numeric threshold, from the rules themselves.

    Drawing geometry, not an evaluation figure: the bar runs to the printed target even where the
    verdict has no goal yet (a count under a ceiling while its year runs), so it is placed here from the
    rule rather than read from the evaluation's rates (issue 18 left it so on purpose).
    """
    target = target_for(evaluation.indicator, report.year)
    items = []
    for result in evaluation.metrics:
        rules = [r for r in (target.rules if target else ()) if r.metric == result.id]
        if len(rules) != 1 or rules[0].kind not in BAR_KINDS or not isinstance(result.actual, Decimal):
            continue
        if result.status is Status.UNRATED:  # no bar from a value the verdict could not use (a 累計's one year)
            continue
        rule = rules[0]
        if rule.value is None or rule.value < 0 or (rule.value == 0 and not rule.bound.ceiling):
            continue
        ratio = _ratio(report.plan, result, result.actual, rule)
        if ratio is None:  # no 達成率 under the plan's formula (目標 ÷ 0, no 基準値): no bar to draw
            continue
        pace = None if result.pace is None else _ratio(report.plan, result, result.pace, rule)
        several = len(evaluation.metrics) > 1
        items.append(
            {
                "metric": result.id,
                "name": result.name,
                "label": f"{evaluation.indicator.id} {result.name}" if several else evaluation.indicator.id,
                "actual": float(result.actual),
                "target": float(rule.value),
                "ratio": float(ratio.quantize(Decimal("0.001"), ROUND_HALF_UP)),
                "percent": rate_text((ratio * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)),
                "actual_text": quantity(result.actual, rule.unit),
                "target_text": f"{rule.bound.symbol}{quantity(rule.value, rule.unit)}",
                "direction": "down" if rule.bound.ceiling else "up",
                # where the pace value stands on the bar (None when none was computed), so a reader
                # sees why a value short of the target is 順調 or 遅れ
                "pace_ratio": None if pace is None else float(pace.quantize(Decimal("0.001"), ROUND_HALF_UP)),
                "pace_text": None if result.pace is None else quantity(result.pace.quantize(Decimal("0.1")), rule.unit),
                "status": result.status.value,
                "color": STATUS_DISPLAY[result.status].color,
            }
        )
    return items


def _ratio(plan: Plan, result: MetricResult, value: Decimal, rule: Rule) -> Decimal | None:
    """How far along the bar `value` is: the 達成率 as a fraction (grading.rate_of: for a ceiling by the plan's
    reduction_rate, so the bar and the rate printed beside it agree); None where that formula gives none."""
    assert rule.value is not None
    found = rate_of(value, rule.value, ceiling=rule.bound.ceiling, method=plan.reduction_rate, baseline=result.baseline)
    return None if found is None else found / 100


def _common(plan: Plan, as_of: date, department: str | None) -> dict[str, Any]:
    return {
        "as_of_label": f"{as_of.year}年{as_of.month}月{as_of.day}日",
        "plan_period": f"{plan.first_year}年度〜{plan.last_year}年度",
        "department": department,
        "legend": legend(plan),
        "generator": f"kpicheck {__version__}",
    }


def year_context(report: Report, department: str | None = None) -> dict[str, Any]:
    """Template variables of a one-year report (see the module docstring)."""
    data = to_dict(report)
    scale = report.plan.grading
    for item, evaluation in zip(data["indicators"], report.evaluations, strict=True):
        item["target_shown"] = evaluation.target_shown
        item["mark"] = STATUS_DISPLAY[evaluation.status].mark
        item["progress"] = progress(report, evaluation)
        item.update(sheet_columns(evaluation))
        item.update(outlook_columns(evaluation))  # 見込み: report_outlook.py
    indicators = data["indicators"]
    areas = [
        {"name": area.name, "indicators": shown}
        for area in report.plan.areas
        if (shown := [i for i, e in zip(indicators, report.evaluations, strict=True) if e.indicator.area == area.id])
    ]
    by_status = {s: [i for i in indicators if i["status"] == s.value] for s in Status}
    return {
        **data,
        **_common(report.plan, report.as_of, department),
        "statuses": statuses(report),
        "achievement": achievement(report),
        "grade_rows": grade_rows(report.plan.grading, data["grades"]),
        "rate_definition": rate_definition(report.plan),
        "scale_definition": scale_definition(scale),
        "scale": None if scale is None else {"name": scale.name, "grades": scale_grades(scale)},
        "changes": change_rows(report),
        "by_department": department_rows(report, indicators),
        "areas": areas,
        "attention": by_status[Status.MISSED] + by_status[Status.BEHIND] + by_status[Status.UNRATED],
        "no_data": by_status[Status.NO_DATA],
        "progress": [p for i in indicators for p in i["progress"]],
        "charts": {"summary": None, "progress": None},
        "outlook_note": outlook_note(report.plan),
    }


def _previous_shown(m: MetricResult) -> str:
    """Last year's value of a metric with a target this year (a part due only last year is not compared)."""
    if m.previous is None or m.target is None:
        return ""
    return large_text(m.previous, m) or show_actual(m.previous, m.unit)


def sheet_columns(evaluation: Evaluation) -> dict[str, Any]:
    """The 評価シート's columns for one indicator (see the module docstring)."""
    band, pace = evaluation.grade, evaluation.pace_rate
    graded = grade_text(band, pace=evaluation.grade_pace)  # with the 目安比 it was read from, as table and CSV
    improved = evaluation.change is Change.IMPROVED and evaluation.status in (Status.MISSED, Status.BEHIND)
    status_text = STATUS_LABELS[evaluation.status] + ("（前年度より改善）" if improved else "")
    return {
        "baseline_text": metric_texts(evaluation, lambda m: large_text(m.baseline, m)),
        "actual_shown": metric_texts(evaluation, lambda m: large_text(m.actual, m) or m.actual_text),
        "previous_shown": metric_texts(evaluation, _previous_shown),
        "rate_text": rate_text(evaluation.achievement_rate),
        "pace_rate_text": rate_text(pace) if pace is not None else "",
        "grade_text": graded,
        "evaluation": graded or status_text,
        "has_remarks": bool(evaluation.note or evaluation.analysis or evaluation.issues or evaluation.direction),
        "change_label": CHANGE_LABELS[evaluation.change] if evaluation.change else "",
        "improved_not_met": improved,
        "status_text": status_text,
    }


def grade_rows(scale: Scale | None, counts: dict[str, int] | None) -> list[dict[str, Any]]:
    """The contract's count per grade with each one's share of the graded (浜松 R5: 5 / 10 / 4, 26.3% …);
    [] if ungraded."""
    if scale is None or counts is None:
        return []
    total = sum(counts.values())
    return [
        {
            "grade": band.grade,
            "label": band.label,
            "count": counts[band.grade],
            "share": rate_text(share(counts[band.grade], total)),  # ― of none graded
        }
        for band in scale.all_bands
    ]


def change_rows(report: Report) -> dict[str, Any]:
    """Indicators per change since last year, and the one-line summary (前年度より改善 5、悪化 2、…)."""
    counts = dict.fromkeys(Change, 0)
    for evaluation in report.evaluations:
        if evaluation.change is not None:
            counts[evaluation.change] += 1
    improved = sum(
        1 for e in report.evaluations if e.status in (Status.MISSED, Status.BEHIND) and e.change is Change.IMPROVED
    )
    line = "、".join(f"{CHANGE_LABELS[c]} {counts[c]}" for c in Change) + "（新規: 前年度の実績なし）"
    return {
        "counts": [{"change": c.value, "label": CHANGE_LABELS[c], "count": counts[c]} for c in Change],
        "line": f"前年度の実績と比べて: {line}。未達成・遅れのうち前年度より改善 {improved}",
        "compared": sum(counts.values()),
    }


def department_rows(report: Report, indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """担当課別の状況: per 担当 (in the plan's order), its indicators and their count per status (and grade).

    An indicator with several 担当 counts for each of them.
    """
    scale = report.plan.grading
    rows = []
    for name in departments(report.plan):
        mine = [
            (item, e) for item, e in zip(indicators, report.evaluations, strict=True) if name in e.indicator.departments
        ]
        if not mine:
            continue
        by_status = dict.fromkeys(Status, 0)
        for _item, e in mine:
            by_status[e.status] += 1
        rows.append(
            {
                "name": name,
                "total": len(mine),
                "statuses": [by_status[s] for s in Status],
                "grades": list(grade_counts(scale, [e for _i, e in mine]).values()) if scale else [],
                "indicators": [item for item, _e in mine],
            }
        )
    return rows


def years_context(reports: list[Report], department: str | None = None) -> dict[str, Any]:
    """Template variables of a multi-year report: one plan, one Report per fiscal year in order."""
    first = reports[0]
    plan = first.plan
    contracts = [to_dict(r) for r in reports]
    years = [
        {
            "year": r.year,
            "year_label": contract["year_label"],
            "started": fiscal_year_start(r.year) <= r.as_of,
            "summary": contract["summary"],
            "statuses": statuses(r),
            "achievement": achievement(r),
            "grade_rows": grade_rows(r.plan.grading, contract["grades"]),
            "report": contract,
        }
        for r, contract in zip(reports, contracts, strict=True)
    ]
    # --department filters each year alike (departments do not change by year), so rows line up.
    by_year = [{e.indicator.id: e for e in r.evaluations} for r in reports]
    areas = []
    for area in plan.areas:
        rows = []
        for evaluation in first.evaluations:
            indicator = evaluation.indicator
            if indicator.area != area.id:
                continue
            cells = []
            for r, evaluations in zip(reports, by_year, strict=True):
                e = evaluations[indicator.id]
                # a scale by status (◎○△×) would repeat the cell's mark: the mark is the grade there
                graded = plan.grading is not None and plan.grading.basis != "status"
                band = e.grade if graded else None
                cells.append(
                    {
                        "year": r.year,
                        "grade": band.grade if band else "",
                        "grade_text": grade_text(band, pace=e.grade_pace),
                        "target": e.target,
                        "target_shown": e.target_shown,
                        "actual_text": actual_text(e),
                        "actual_shown": metric_texts(e, lambda m: large_text(m.actual, m) or m.actual_text),
                        "status": e.status.value,
                        "status_label": STATUS_LABELS[e.status],
                        "mark": STATUS_DISPLAY[e.status].mark,
                        "color": STATUS_DISPLAY[e.status].color,
                        "reason": e.reason,
                        "note": e.note,
                    }
                )
            rows.append(
                {"id": indicator.id, "name": indicator.name, "departments": list(indicator.departments), "cells": cells}
            )
        if rows:
            areas.append({"name": area.name, "rows": rows})
    return {
        "city": plan.city,
        "city_name": plan.city_name,
        "plan": plan.id,
        "plan_title": plan.title,
        "as_of": first.as_of.isoformat(),
        **_common(plan, first.as_of, department),
        "years": years,
        "scale": None if plan.grading is None else {"name": plan.grading.name, "grades": scale_grades(plan.grading)},
        "scale_definition": scale_definition(plan.grading),
        "areas": areas,
        "charts": {"years": None},
    }
