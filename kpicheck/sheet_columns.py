"""The entry sheet's columns (実績入力シート), shared by the rows (sheet.py) and the workbook writer.

The loader finds its columns by header name, so the sheet orders them for the person filling it in:
what a row is (指標, 項目, 指標名) and what it must reach (目標, 前年度実績) left of what the 課 types.
"""

from __future__ import annotations

# The columns the actuals loader reads (actuals.HEADER_ALIASES).
INPUT_COLUMNS = ("指標", "項目", "年度", "実績", "基準日", "備考", "要因分析", "課題", "今後の方向性")
# For reading only: the loader ignores them.
READ_ONLY_COLUMNS = ("指標名", "目標", "担当")
# Last year's actual: shown where known, asked for where a year-relative target needs it.
PREVIOUS = "前年度実績"
# What the 課 types on every row; every other cell of the sheet is locked.
ENTRY_COLUMNS = ("実績", "基準日", "備考", "要因分析", "課題", "今後の方向性")
# Left to right on the sheet; the panes are frozen right of 指標名.
COLUMNS = ("指標", "項目", "指標名", "目標", PREVIOUS, *ENTRY_COLUMNS, "年度", "担当")
FROZEN_AFTER = "指標名"
