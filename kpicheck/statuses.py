"""How each status is shown: its label, short label, mark, terminal and report colours and legend text.

One row per status, so a new status (or a changed colour) is one edit here, and every output — the
terminal table, JSON/CSV labels, the council reports' legends and charts, the multi-city summary —
reads it from this table. tests/test_statuses.py fails, naming the status, when a row is missing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from kpicheck.models import Outlook, OutlookBands, Status, quantity


class StatusDisplay(NamedTuple):
    label: str  # 達成: tables, CSV, the JSON's status_label, reports
    short: str  # the summary table's column heading, short enough that eleven columns fit 80
    mark: str  # ◎○△× as in a Japanese evaluation sheet, the rest full-width so cells line up
    ansi: str  # the terminal table's colour (the same hue as `color`)
    color: str  # the reports' label and chart colour
    meaning: str  # the legend's explanation; {tolerance}: the plan's pace_tolerance in % (meaning())


# Each row: label, short, mark, ANSI colour, colour on the first line; the legend's meaning on the second.
# fmt: off
STATUS_DISPLAY: dict[Status, StatusDisplay] = {
    Status.ACHIEVED: StatusDisplay(
        "達成", "達成", "◎", "\033[32m", "#2e7d32",
        "目標を満たしている",
    ),
    Status.MISSED: StatusDisplay(
        "未達成", "未達成", "×", "\033[1;31m", "#c62828",
        "年度（または期限）が終わり、目標に届かなかった",
    ),
    Status.ON_TRACK: StatusDisplay(
        "順調", "順調", "○", "\033[36m", "#00838f",
        "年度の途中で、実績が経過日数に応じた目安の{tolerance}以上（計画の設定による）",
    ),
    Status.BEHIND: StatusDisplay(
        "遅れ", "遅れ", "△", "\033[33m", "#ef6c00",
        "年度の途中で、実績が経過日数に応じた目安の{tolerance}を下回る、または年度初めの値を下回る",
    ),
    Status.NO_DATA: StatusDisplay(
        "実績未入力", "未入力", "？", "\033[35m", "#8e24aa",
        "その年度の実績が入力されていない",
    ),
    Status.NOT_APPLICABLE: StatusDisplay(
        "対象外", "対象外", "－", "\033[2m", "#9e9e9e",
        "計画にその年度の目標がない",
    ),
    Status.TBD: StatusDisplay(
        "目標未設定", "未設定", "＊", "\033[2m", "#bdbdbd",
        "計画で目標が後日設定とされている、または原文から読み取れない",
    ),
    Status.UPCOMING: StatusDisplay(
        "未到来", "未到来", "◇", "\033[2;34m", "#5c7ca3",
        "基準日にはまだその年度が始まっていない",
    ),
    Status.UNRATED: StatusDisplay(
        "評価不能", "不能", "！", "\033[1;34m", "#795548",
        "実績はあるが、判定に要るデータ（前年度の実績、累計の途中の年度、基準値）がない、または目標・実績のセルを読めない",
    ),
}
# fmt: on

# 見込み (outlook.py), a set apart from the statuses: its own rows, in the same columns. The marks are
# the trend's arrows where CP932 has them, never the statuses' ◎○△×, so 達成見込み is not read as 達成.
# fmt: off
OUTLOOK_DISPLAY: dict[Outlook, StatusDisplay] = {
    Outlook.ON_TRACK: StatusDisplay(
        "達成見込み", "見込", "↑", "\033[32m", "#2e7d32",
        "今の傾向のままで、最終目標年度に必要な変化の{on_track}以上に届く（または最終目標を既に満たしている）",
    ),
    Outlook.NEEDS_ACCELERATION: StatusDisplay(
        "要加速", "要加速", "→", "\033[33m", "#ef6c00",
        "今の傾向では必要な変化の{needs_acceleration}以上{on_track}未満: 取組の加速が要る",
    ),
    Outlook.OFF_TRACK: StatusDisplay(
        "達成困難", "困難", "▽", "\033[1;31m", "#c62828",
        "今の傾向では必要な変化の{needs_acceleration}に届かない、または期限を過ぎても完了していない",
    ),
    Outlook.DETERIORATING: StatusDisplay(
        "悪化", "悪化", "↓", "\033[1;35m", "#6a1b9a",
        "傾向が目標と逆向き（基準より悪くなっている）",
    ),
    Outlook.INSUFFICIENT_DATA: StatusDisplay(
        "判定不能", "不能", "・", "\033[2m", "#9e9e9e",
        "実績が2年度分に満たない、数値の最終目標がない、または累計の途中の年度が未入力で、傾向を判定できない",
    ),
}
# fmt: on
OUTLOOK_LABELS: dict[Outlook, str] = {outlook: row.label for outlook, row in OUTLOOK_DISPLAY.items()}

# The labels alone, for readers that need no more (CSV headings, the JSON's status_label).
STATUS_LABELS: dict[Status, str] = {status: row.label for status, row in STATUS_DISPLAY.items()}


def meaning(status: Status, pace_tolerance: Decimal) -> str:
    """The legend's text for `status` under a plan's pace_tolerance (0.95: 順調 at 95% of the pace value or more)."""
    return STATUS_DISPLAY[status].meaning.format(tolerance=quantity(pace_tolerance * 100, "%"))


def outlook_meaning(outlook: Outlook, bands: OutlookBands) -> str:
    """The legend's text for `outlook` under a plan's floors (0.95: 達成見込み from 95% of the required change)."""
    floors = {name: quantity(getattr(bands, name) * 100, "%") for name in OutlookBands._fields}
    return OUTLOOK_DISPLAY[outlook].meaning.format(**floors)
