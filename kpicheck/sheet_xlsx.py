"""The entry sheet written as an Excel workbook (.xlsx); `workbook.py` reads filled ones back.

openpyxl takes about 170 ms to import, so it is imported inside `sheet_xlsx`, and only `kpicheck
sheet -o *.xlsx` pays for it.
"""

from __future__ import annotations

import io

from kpicheck.models import DIRECTIONS
from kpicheck.sheet_columns import COLUMNS, READ_ONLY_COLUMNS

# Column widths in Excel's units (about one half-width character each; a kanji is two).
WIDTHS = {"指標": 10, "項目": 18, "年度": 8, "実績": 14, "基準日": 12, "備考": 30, "要因分析": 40, "課題": 30,
          "今後の方向性": 14, "指標名": 40, "目標": 34, "担当": 24, "前年度実績": 14}  # fmt: skip
READ_ONLY_FILL = "EEEEEE"


def sheet_xlsx(rows: list[dict[str, str]], title: str, directions: tuple[str, ...] = DIRECTIONS) -> bytes:
    """The entry sheet as a workbook: header frozen, widths set, read-only columns shaded, 実績 as text,
    今後の方向性 a drop-down of the plan's directions."""
    from openpyxl import Workbook  # noqa: PLC0415 - see the module docstring
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "実績入力"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    shade = PatternFill("solid", start_color=READ_ONLY_FILL, end_color=READ_ONLY_FILL)
    for index, name in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[name]
        sheet.cell(row=1, column=index).font = Font(bold=True)
        for line in range(1, len(rows) + 2):
            cell = sheet.cell(row=line, column=index)
            if name in READ_ONLY_COLUMNS:
                cell.fill = shade
            if name in {"実績", "指標", "年度", "項目"}:
                cell.number_format = "@"  # text: 66% and 済 stay as typed, 1-1-2 is no date
    # a list typed into the rule itself: 255 characters at most (Excel's limit), words without commas;
    # a longer list gets no drop-down (the loader still checks every word)
    listed = ",".join(directions)
    if rows and len(listed) <= 255 and all("," not in d for d in directions):
        column = get_column_letter(COLUMNS.index("今後の方向性") + 1)
        choice = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        choice.error = f"今後の方向性は {'、'.join(directions)} から選んでください"
        choice.errorTitle = "今後の方向性"
        choice.add(f"{column}2:{column}{len(rows) + 1}")
        sheet.add_data_validation(choice)
    sheet.freeze_panes = "A2"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
