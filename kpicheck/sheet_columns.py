"""The entry sheet's columns (実績入力シート), shared by the rows (sheet.py) and the workbook writer.

The loader finds its columns by header name, so the sheet orders them for the person filling it in:
what a row is (指標, 項目, 指標名) and what it must reach (目標, 前年度実績) left of what the 課 types.
"""

from __future__ import annotations

# The columns the actuals loader reads (actuals.HEADER_ALIASES).
INPUT_COLUMNS = ("指標", "項目", "年度", "実績", "基準日", "備考", "要因分析", "課題", "今後の方向性")
# Last year's actual where it is known, shown for reading: a header the loader does not know, so a
# saved sheet never adds (or contradicts) last year's rows: kpicheck reads only what a person typed.
KNOWN_PREVIOUS = "前年度実績（入力済み）"
# Last year's actual, asked for (left blank, to be typed) where a year-relative target needs it and
# none is known; the loader reads it as the actual of 年度 − 1 (actuals.HEADER_ALIASES "previous").
PREVIOUS = "前年度実績"
# For reading only: the loader ignores them.
READ_ONLY_COLUMNS = ("指標名", "目標", KNOWN_PREVIOUS, "担当")
# What the 課 types on every row; every other cell of the sheet is locked.
ENTRY_COLUMNS = ("実績", "基準日", "備考", "要因分析", "課題", "今後の方向性")
# Left to right on the sheet; the panes are frozen right of 指標名.
COLUMNS = ("指標", "項目", "指標名", "目標", KNOWN_PREVIOUS, PREVIOUS, *ENTRY_COLUMNS, "年度", "担当")
FROZEN_AFTER = "指標名"
