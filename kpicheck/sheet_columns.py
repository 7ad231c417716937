"""The entry sheet's columns (実績入力シート), shared by the rows (sheet.py) and the workbook writer.

The columns the actuals loader reads come first; the rest are for reading only and the loader
ignores them.
"""

from __future__ import annotations

INPUT_COLUMNS = ("指標", "項目", "年度", "実績", "基準日", "備考", "要因分析", "課題", "今後の方向性")
READ_ONLY_COLUMNS = ("指標名", "目標", "担当", "前年度実績")
COLUMNS = INPUT_COLUMNS + READ_ONLY_COLUMNS
