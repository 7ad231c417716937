"""The report's 見込み: the 評価シート's column and, for a numeric indicator, the multi-year chart (the
actuals, the yearly targets and the projection, dashed, to the final target year) as template data.

Kept apart from report_context.py so that the renderer's own changes and this one meet in one line
(`item.update(outlook_columns(evaluation))`); the numbers come from outlook.py, the geometry from here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kpicheck.models import Evaluation, Outlook, OutlookResult, Plan, plain, quantity
from kpicheck.outlook import projection
from kpicheck.statuses import OUTLOOK_DISPLAY

# The chart's box in px: small enough to sit in a table cell of an A4 page.
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 168, 76, 4, 4, 8, 18


def outlook_columns(evaluation: Evaluation) -> dict[str, Any]:
    """outlook_text (達成見込み（比 0.95）), outlook_mark, outlook_color and outlook_chart (None where
    there is no line to draw) for one indicator of the 評価シート."""
    found = evaluation.outlook
    if found is None:
        return {"outlook_text": "", "outlook_mark": "", "outlook_color": "", "outlook_chart": None}
    row = OUTLOOK_DISPLAY[found.code]
    ratio = f"（比 {found.ratio}）" if found.ratio is not None else ""
    return {
        "outlook_text": row.label + ratio,
        "outlook_mark": row.mark,
        "outlook_color": row.color,
        "outlook_chart": chart(found, row.label, row.color),
    }


def outlook_note(plan: Plan) -> str:
    """What 見込み means under the plan's floors, in a sentence for the report."""
    bands = plan.outlook
    floors = "、".join(
        f"{plain(floor)} 以上 {OUTLOOK_DISPLAY[code].label}"
        for code, floor in zip((Outlook.ON_TRACK, Outlook.NEEDS_ACCELERATION, Outlook.OFF_TRACK), bands, strict=True)
    )
    return (
        "今の傾向のままで最終目標年度に最終目標へ届くか。数値の指標は、基準値と各年度の実績に引いた直線が"
        "最終目標年度に届く値を、基準から最終目標までに必要な変化との比で判定"
        f"（{floors}、それ未満 悪化。UN ESCAP の SDG 進捗評価の方法による）。"
        "工程の指標は今年度の状況から（遅れ 要加速、期限を過ぎて未完了 達成困難）。"
    )


def chart(found: OutlookResult, label: str, color: str) -> dict[str, Any] | None:
    """Pixel positions of the actuals, the yearly targets and the dashed projection; None without a line."""
    line = projection(found)
    if line is None or found.final_year is None:
        return None
    values = [v for _, v in (*found.points, *found.targets, *line)]
    years = [y for y, _ in (*found.points, *found.targets, *line)]
    first, last = min(years), max(years)
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1

    def at(year: int, value: Decimal) -> dict[str, float]:
        x = LEFT + (WIDTH - LEFT - RIGHT) * (year - first) / max(last - first, 1)
        y = TOP + (HEIGHT - TOP - BOTTOM) * float((high - value) / (high - low))
        return {"x": round(x, 1), "y": round(y, 1)}

    actuals = [at(y, v) for y, v in found.points]
    unit = found.unit
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "color": color,
        "actuals": actuals,
        "actual_line": " ".join(f"{p['x']},{p['y']}" for p in actuals),
        "targets": [at(y, v) for y, v in found.targets],
        "projection": {"from": at(*line[0]), "to": at(*line[1])},
        "first_year": first,
        "last_year": last,
        "title": (
            f"{label}: 実績 {'、'.join(f'{y}年度 {quantity(v, unit)}' for y, v in found.points)}、"
            f"{found.final_year}年度の見込み {quantity(found.projected, unit)}"
            + (f"（最終目標 {quantity(found.final, unit)}）" if found.final is not None else "")
        ),
    }
