"""The year's entry sheet (実績入力シート): one row per indicator and metric for staff to fill in.

The columns the actuals loader reads come first (指標, 項目, 年度, 実績, 基準日, 備考, 要因分析, 課題,
今後の方向性); the rest are
for reading only and the loader ignores them (指標名, 目標, 担当, 前年度実績). Rows are data here;
`sheet_xlsx.py` writes them as a workbook, `sheet_csv` below as CSV.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from kpicheck.kinds.base import Context
from kpicheck.kinds.registry import IDLE_KINDS
from kpicheck.models import Actuals, Plan, show_actual, target_for
from kpicheck.periods import normalize
from kpicheck.sheet_columns import COLUMNS


def sheet_rows(
    plan: Plan, actuals: Actuals, year: int, as_of: date, department: str | None = None
) -> list[dict[str, str]]:
    """A row per indicator (per metric where several) that has a target in `year`."""
    wanted = normalize(department) if department else None
    rows = []
    for indicator in plan.indicators:
        if wanted is not None and wanted not in {normalize(d) for d in indicator.departments}:
            continue
        target = target_for(indicator, year)
        if target is None:
            continue
        several = len(indicator.metrics) > 1
        for metric in indicator.metrics:
            rules = [r for r in target.rules if r.metric == metric.id and r.kind not in IDLE_KINDS]
            if not rules:
                continue
            ctx = Context(plan, indicator, metric, year, as_of, actuals)
            before = ctx.actual(year - 1)
            rows.append(
                {
                    "指標": indicator.id,
                    "項目": metric.name if several else "",
                    "年度": str(year),
                    "実績": "",
                    "基準日": "",
                    "備考": "",
                    "要因分析": "",
                    "課題": "",
                    "今後の方向性": "",
                    "指標名": indicator.name,
                    "目標": target.shown if not several else "、".join(r.text for r in rules),
                    "担当": "、".join(indicator.departments),
                    "前年度実績": show_actual(before.value, metric.unit) if before else "",
                }
            )
    return rows


def sheet_csv(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    """The sheet as CSV: UTF-8 with a BOM (Excel opens it), or CP932 when asked."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])
    text = out.getvalue()
    if encoding == "cp932":
        return text.encode("cp932", errors="replace")
    return ("\ufeff" + text).encode("utf-8")
