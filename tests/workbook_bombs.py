"""Workbooks that expand (issue 22), written at test time: small zips whose contents are not.

Shared by tests/test_workbook_limits.py and benchmarks/bad_rows.py (which puts this folder on its
path). Each part is streamed into the zip in pieces, so a workbook that unpacks to hundreds of
megabytes is written in constant memory and takes a few hundred kilobytes on disk.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# The actuals' header (indicator, year, value), so that a reader goes on to the rows below it.
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c><c r="B1" t="inlineStr"><is><t>year</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>value</t></is></c></row>'
)


def _content_types(strings: bool) -> str:
    shared = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPES}.sharedStrings+xml"/>' if strings else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPES}.worksheet+xml"/>'
        f"{shared}</Types>"
    )


_PARTS = {
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_REL}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def workbook(
    rows: Iterable[str], strings: Iterable[str] | None = None, dimension: str | None = None, strings_count: str = ""
) -> bytes:
    """An .xlsx whose one sheet holds `rows` (each a `<row …>` element) and, given `strings`, a shared
    string table of those `<si>` elements (its uniqueCount attribute `strings_count`, when given)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types(strings is not None))
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        head += f'<dimension ref="{dimension}"/>' if dimension else ""
        _stream(archive, "xl/worksheets/sheet1.xml", head + "<sheetData>", rows, "</sheetData></worksheet>")
        if strings is not None:
            count = f' uniqueCount="{strings_count}"' if strings_count else ""
            _stream(
                archive, "xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}"{count}>', strings, "</sst>"
            )
    return out.getvalue()


def _stream(archive: zipfile.ZipFile, name: str, head: str, body: Iterable[str], tail: str) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        part.write(head.encode())
        batch: list[str] = []
        for piece in body:
            batch.append(piece)
            if len(batch) == 10_000:
                part.write("".join(batch).encode())
                batch.clear()
        part.write("".join(batch).encode() + tail.encode())


def far_row(row: int) -> bytes:
    """A header and one cell at row `row` (openpyxl fills every row between with empty cells)."""
    return workbook([HEADER_ROW, f'<row r="{row}"><c r="A{row}"><v>1</v></c></row>'])


def many_rows(count: int) -> bytes:
    """A header and `count` rows of one number each, unnumbered (openpyxl counts them), as a bomb writes them."""
    return workbook([HEADER_ROW, *_repeat("<row><c><v>1</v></c></row>", count)])


def many_strings(count: int, declared: str = "") -> bytes:
    """A sheet of one cell and a shared string table of `count` strings (uniqueCount `declared`, if any)."""
    cell = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return workbook([cell], strings=_repeat("<si><t>a</t></si>", count), strings_count=declared)


def _repeat(text: str, count: int) -> Iterator[str]:
    for _ in range(count):
        yield text
