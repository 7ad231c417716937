"""Reports as text: the status table (tabulate), JSON (the contract other tools read) and CSV."""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal
from typing import Any, TextIO

from kpicheck.models import STATUS_LABELS, Evaluation, Indicator, Plan, Report, State, Status
from kpicheck.periods import wareki

# ANSI colours per status, and the empty twin used when colour is off.
COLORS: dict[Status, str] = {
    Status.ACHIEVED: "\033[32m",
    Status.MISSED: "\033[1;31m",
    Status.ON_TRACK: "\033[36m",
    Status.BEHIND: "\033[33m",
    Status.NO_DATA: "\033[35m",
    Status.NOT_APPLICABLE: "\033[2m",
    Status.TBD: "\033[2m",
    Status.UPCOMING: "\033[2;34m",
}
COLORS_OFF: dict[Status, str] = dict.fromkeys(Status, "")
RESET = "\033[0m"

TABLE_HEADERS = ("ID", "指標", "目標", "実績", "状況", "担当")


def use_color(choice: bool | None, stream: TextIO) -> bool:
    """--color/--no-color win; otherwise colour only on a terminal and only without NO_COLOR."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def json_value(value: Decimal | State | str | None) -> Any:
    """Numbers as JSON numbers (integers stay integers), states as their words."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, State):
        return value.value
    return value


def actual_text(evaluation: Evaluation) -> str:
    metrics = [m for m in evaluation.metrics if m.actual_text]
    if len(evaluation.metrics) == 1:
        return metrics[0].actual_text if metrics else ""
    return "、".join(f"{m.name} {m.actual_text}" for m in metrics)


def to_dict(report: Report) -> dict[str, Any]:
    """The JSON contract: see README 'JSON output'."""
    plan = report.plan
    return {
        "city": plan.city,
        "city_name": plan.city_name,
        "plan": plan.id,
        "plan_title": plan.title,
        "year": report.year,
        "year_label": f"{report.year}年度（{wareki(report.year)}）",
        "as_of": report.as_of.isoformat(),
        "summary": {status.value: count for status, count in report.summary().items()},
        "indicators": [
            {
                "id": e.indicator.id,
                "name": e.indicator.name,
                "area": e.area_name,
                "initiative": e.initiative_name,
                "departments": list(e.indicator.departments),
                "target": e.target,
                "actual": json_value(e.metrics[0].actual) if len(e.metrics) == 1 else None,
                "actual_text": actual_text(e),
                "status": e.status.value,
                "status_label": STATUS_LABELS[e.status],
                "reason": e.reason,
                "note": e.note,
                "metrics": [
                    {
                        "id": m.id,
                        "name": m.name,
                        "target": m.target,
                        "actual": json_value(m.actual),
                        "status": m.status.value,
                        "reason": m.reason,
                    }
                    for m in e.metrics
                ],
            }
            for e in report.evaluations
        ],
    }


def render_json(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"


# The CSV is for people in Excel: Japanese headers and labels (the JSON keys stay English: they
# are the contract), the status code last for whoever filters by it.
CSV_HEADER = ("指標ID", "指標名", "分野", "取組", "担当", "目標", "実績", "状況", "理由", "備考", "status")


def render_csv(report: Report) -> bytes:
    """UTF-8 with a BOM and CRLF, as Excel on Japanese Windows opens it without mojibake."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in report.evaluations:
        writer.writerow([guard(cell) for cell in (
            e.indicator.id, e.indicator.name, e.area_name, e.initiative_name, "、".join(e.indicator.departments),
            e.target or "", actual_text(e), STATUS_LABELS[e.status], e.reason, e.note, e.status.value,
        )])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def guard(cell: str) -> str:
    """A CSV cell Excel shows as text: a leading ' before what would start a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def summary_line(report: Report, color: bool = False) -> str:
    colors = COLORS if color else COLORS_OFF
    reset = RESET if color else ""
    counts = report.summary()
    return "  ".join(f"{colors[s]}{STATUS_LABELS[s]} {counts[s]}{reset}" for s in Status)


def render_table(report: Report, color: bool = False) -> str:
    """A table per area (重点戦略/基本方針), then one line counting each status."""
    from tabulate import tabulate  # noqa: PLC0415 - wcwidth tables are slow to import; json/csv never need them

    colors = COLORS if color else COLORS_OFF
    reset = RESET if color else ""
    plan = report.plan
    lines = [
        f"{plan.city_name} {plan.title}  {report.year}年度（{wareki(report.year)}）  {report.as_of} 時点",
        "",
    ]
    for area in plan.areas:
        rows = [
            [
                e.indicator.id,
                e.indicator.name,
                e.target_shown,
                actual_text(e),
                f"{colors[e.status]}{STATUS_LABELS[e.status]}{reset}",
                "、".join(e.indicator.departments),
            ]
            for e in report.evaluations
            if e.indicator.area == area.id
        ]
        if not rows:
            continue
        lines.append(f"■ {area.name}")
        lines.append(tabulate(rows, headers=TABLE_HEADERS, tablefmt="simple", disable_numparse=True))
        lines.append("")
    lines.append(f"計 {len(report.evaluations)} 指標: {summary_line(report, color)}")
    return "\n".join(lines) + "\n"


def plan_rows(plans: list[Plan]) -> list[dict[str, Any]]:
    return [
        {
            "city": p.city,
            "city_name": p.city_name,
            "plan": p.id,
            "title": p.title,
            "first_year": p.first_year,
            "last_year": p.last_year,
            "indicators": len(p.indicators),
        }
        for p in plans
    ]


def render_plans(plans: list[Plan], output: str) -> str:
    """`kpicheck list`: cities, their plans, periods and indicator counts."""
    rows = plan_rows(plans)
    if output == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    from tabulate import tabulate  # noqa: PLC0415 - see render_table

    table = [
        [r["city"], r["city_name"], r["plan"], r["title"], f"{r['first_year']}～{r['last_year']}年度", r["indicators"]]
        for r in rows
    ]
    headers = ("city", "市", "plan", "計画", "期間", "指標数")
    cities = len({r["city"] for r in rows})
    return tabulate(table, headers=headers, disable_numparse=True) + f"\n\n{cities} 市, {len(rows)} 計画\n"


def reading_rows(plan: Plan, indicators: list[Indicator], year: int | None) -> list[dict[str, Any]]:
    rows = []
    for indicator in indicators:
        yearly = [t for y, t in sorted(indicator.targets.items()) if year is None or y == year]
        for target in [*yearly, *([indicator.due] if indicator.due else [])]:
            rows.append(
                {
                    "plan": plan.id,
                    "indicator": indicator.id,
                    "name": indicator.name,
                    "year": target.year,
                    "target": target.text,
                    "due": target.due_text or None,
                    "reading": "; ".join(rule.describe() for rule in target.rules),
                }
            )
        if not indicator.targets and not indicator.due:
            rows.append({"plan": plan.id, "indicator": indicator.id, "name": indicator.name, "year": None,
                         "target": "", "due": None, "reading": "目標・目標時期の記載なし"})  # fmt: skip
    return rows


def render_readings(plan: Plan, indicators: list[Indicator], year: int | None, output: str) -> str:
    """`kpicheck show`: each target cell as printed and the rule it was read as."""
    rows = reading_rows(plan, indicators, year)
    if output == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    from tabulate import tabulate  # noqa: PLC0415 - see render_table

    table = [[r["indicator"], r["name"], r["due"] or r["year"] or "", r["target"], r["reading"]] for r in rows]
    title = f"{plan.city_name} {plan.title}（{plan.first_year}～{plan.last_year}年度） {plan.path}"
    body = tabulate(table, headers=("ID", "指標", "年度/期限", "目標（計画の記載）", "読み取り"), disable_numparse=True)
    return f"{title}\n{body}\n"
