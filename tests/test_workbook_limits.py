"""A workbook's limits, checked before openpyxl reads (workbook_limits.py), and how a damaged UTF-8 file
is told from CP932 (decoding.py). The issue's own bombs are in test_hostile.py."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import workbook_bombs
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from conftest import run, xlsx
from kpicheck import workbook_limits
from kpicheck.decoding import DecodeError, decode
from kpicheck.validate import validate
from kpicheck.workbook import WorkbookError, read_rows
from kpicheck.workbook_limits import LimitError, check

ROWS = ["indicator", "year", "value"], ["rate", 2026, 60], ["rate", 2027, 61]


def refusal(data: bytes) -> tuple[str, int | None, str]:
    with pytest.raises(LimitError) as caught:
        check(data)
    return caught.value.code, caught.value.line, str(caught.value)


def test_a_workbook_excel_or_kpicheck_writes_passes(tmp_path: Path) -> None:
    check(xlsx([*ROWS, *[["rate", 2026, n] for n in range(5000)]]))
    written = tmp_path / "sheet.xlsx"
    # the entry sheet as kpicheck writes it, with styles and locked cells
    assert (
        run(
            "sheet",
            "--root",
            str(Path(__file__).parent.parent),
            "--city",
            "abashiri",
            "--year",
            "2027",
            "-o",
            str(written),
        )[0]
        == 0
    )
    check(written.read_bytes())


@pytest.mark.parametrize(("cap", "rows", "refused"), [(3, 2, False), (3, 3, True), (100, 3, False)])
def test_the_row_cap_is_kpicheck_max_rows(monkeypatch: pytest.MonkeyPatch, cap: int, rows: int, refused: bool) -> None:
    """Row 1 is the header: `rows` rows below it end at row rows + 1."""
    monkeypatch.setenv("KPICHECK_MAX_ROWS", str(cap))
    data = workbook_bombs.many_rows(rows)
    if not refused:
        assert len(list(read_rows(data))) == rows + 1
        return
    assert refusal(data)[:2] == ("KC007", cap + 1)


@pytest.mark.parametrize("number", ["1e11", "99999999999", " 2000000", "2_000_000", "1048577.0"])
def test_a_row_number_is_read_as_openpyxl_reads_it(number: str) -> None:
    data = workbook_bombs.workbook([workbook_bombs.HEADER_ROW, f'<row r="{number}"><c><v>1</v></c></row>'])
    code, line, _ = refusal(data)
    assert code == "KC007" and line is not None and line > 1_000_000


def test_a_row_number_that_is_none_is_left_to_openpyxl() -> None:
    data = workbook_bombs.workbook([workbook_bombs.HEADER_ROW, '<row r="x"><c><v>1</v></c></row>'])
    check(data)
    with pytest.raises(WorkbookError):
        list(read_rows(data))


def test_a_row_wider_than_excel_is_refused() -> None:
    code, line, message = refusal(workbook_bombs.workbook(['<row r="7">' + "<c/>" * 16_385 + "</row>"]))
    assert (code, line) == ("KC007", 7) and "16,384" in message


@pytest.mark.parametrize(
    ("ref", "refused"),
    [
        ("A1:C3", False),
        ("A1:XFD1048576", False),
        ("A1:XFD1048577", True),
        ("A1:XFE2", True),
        ("$A$1:$C$99999999", True),
        ("nonsense", False),
    ],
)
def test_a_dimension_outside_excels_grid_is_refused(ref: str, refused: bool) -> None:
    data = workbook_bombs.workbook([workbook_bombs.HEADER_ROW], dimension=ref)
    if refused:
        assert refusal(data)[0] == "KC007"
    else:
        check(data)


def test_a_shared_string_table_declaring_too_many_strings_is_refused_unread() -> None:
    code, _, message = refusal(workbook_bombs.many_strings(3, declared="7000000"))
    assert code == "KC006" and "7,000,000" in message


def test_elements_past_the_cap_are_refused_even_when_the_count_lies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPICHECK_MAX_ROWS", "10")  # 100,640 elements; each string takes two (<si><t>)
    check(workbook_bombs.many_strings(40_000, declared="1"))
    assert refusal(workbook_bombs.many_strings(55_000, declared="1"))[0] == "KC006"  # under 1 MB: no ratio


def test_a_part_that_expands_over_100_times_is_refused() -> None:
    code, _, message = refusal(workbook_bombs.many_strings(200_000))  # 3.4 MB of <si> from about 10 KB
    assert code == "KC006" and "xl/sharedStrings.xml" in message and "倍" in message


def test_the_unpacked_total_is_held_to_the_file_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPICHECK_MAX_FILE_MB", "0.1")
    data = workbook_bombs.many_rows(4000)  # about 120 KB unpacked
    assert len(data) < 100 * 1024
    assert refusal(data)[0] == "KC006"


def test_parts_that_are_not_xml_are_passed_over() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, zipfile.ZipFile(io.BytesIO(xlsx(list(ROWS)))) as book:
        for part in book.infolist():
            archive.writestr(part, book.read(part))
        archive.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    assert [cells[:3] for _, cells in read_rows(out.getvalue())][1] == ["rate", "2026", "60"]


def test_a_limit_in_actuals_is_one_coded_line(make_root: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPICHECK_MAX_ROWS", "2")
    root = make_root({"a.xlsx": xlsx(list(ROWS)), "b.csv": "indicator,year,value\nrate,2026,60\n"})
    assert [(p.path, p.code) for p in validate(root)] == [("actuals/mini/a.xlsx", "KC007")]


# ------------------------------------------------------------------ decoding

TEXT = "indicator,year,value,note\nrate,2026,60,押印廃止\nrate,2027,61,ﾃｽﾄ運用\n"


@pytest.mark.parametrize(
    "text",
    [TEXT, "a,ﾃｽﾄﾃｽﾄｼｽﾃﾑ\n", "指標縲あ\n" * 3],  # 半角カナ pair into valid UTF-8; 縲あ is E3 80 82 A0 in CP932
)
def test_real_cp932_is_read_as_cp932(text: str) -> None:
    assert decode(text.encode("cp932")) == text


@pytest.mark.parametrize(
    ("damage", "line", "column"),
    [
        (lambda raw: raw.replace("押".encode(), "押".encode()[:2]), 2, 14),  # a character cut short
        (lambda raw: raw.replace(b"2027,61", b"2027,6\xff1"), 3, 12),  # a stray byte
        (lambda raw: raw + b"rate,2028,62,\x82\xa0\n", 4, 14),  # a CP932 あ pasted in: valid CP932 as a whole
        (lambda raw: "\ufeff".encode() + raw.replace("廃".encode(), b"\x80"), 2, 16),  # with a BOM
    ],
)
def test_utf8_with_damage_is_kc001_at_the_first_bad_byte(
    damage: Callable[[bytes], bytes], line: int, column: int
) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(damage(TEXT.encode()))
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value).startswith("UTF-8 のファイルですが")


def test_neither_utf8_nor_cp932_keeps_its_message() -> None:
    with pytest.raises(DecodeError, match="CP932 でも"):
        decode(b"a,b\n\x8e\xff\xff\n")


def test_a_stray_cell_beyond_the_columns_read_is_passed_over_without_filling_rows() -> None:
    """Only column XFD at row 99,999,999,999: not read, so neither refused nor filled up to (it never ended)."""
    far = '<row r="99999999999"><c r="XFD99999999999"><v>1</v></c></row>'
    data = workbook_bombs.workbook([workbook_bombs.HEADER_ROW, '<row r="2"><c r="A2"><v>5</v></c></row>', far])
    assert [number for number, _ in read_rows(data)] == [1, 2]


def _plan_phrases() -> list[str]:
    """Every quoted string of the shipped plans, its words and its runs of Japanese, once each."""
    phrases: set[str] = set()
    for plan in sorted((Path(__file__).parent.parent / "targets").glob("*/*.toml")):
        for quoted in re.findall(r'"([^"\n]*)"', plan.read_text(encoding="utf-8")):
            phrases.update([quoted, *re.split(r"[\s、。，,・（）()「」『』：:／/]+", quoted)])
            phrases.update(re.findall(r"[^\x00-\x7f]+", quoted))
    phrases = {phrase for phrase in phrases if re.search(r"[^\x00-\x7f]", phrase)}
    return sorted(phrase for phrase in phrases if _cp932(phrase))


def _cp932(text: str) -> bool:
    """Whether CP932 holds the text as it is (〜 U+301C comes back as ～ U+FF5E)."""
    try:
        return text.encode("cp932").decode("cp932") == text
    except UnicodeEncodeError:
        return False


def test_every_plan_phrase_alone_in_cp932_is_read_as_cp932() -> None:
    """An English header and one Japanese phrase: 一部 is 88 EA 95 94 in CP932, and EA 95 94 is valid
    UTF-8, so a phrase or two may hold a valid 3-byte sequence by chance (23 of them were KC001)."""
    phrases = _plan_phrases()
    assert len(phrases) > 1000  # the shipped plans really were read
    wrong = []
    for phrase in phrases:
        text = f"indicator,year,value,note\nrate,2026,60,{phrase}\n"
        try:
            if decode(text.encode("cp932")) != text:
                wrong.append(phrase)
        except DecodeError:
            wrong.append(phrase)
    assert wrong == []


def test_every_plan_phrase_in_damaged_utf8_is_kc001() -> None:
    """The other direction: a Japanese UTF-8 file with one bad byte (a stray 0xff after the phrase) is
    never read as CP932, whatever the phrase."""
    passed = []
    for phrase in _plan_phrases():
        raw = f"indicator,year,value,note\nrate,2026,60,押印廃止\nrate,2027,61,{phrase}".encode() + b"\xff\n"
        try:
            decode(raw)
        except DecodeError as error:
            assert (error.line, str(error)[:6]) == (3, "UTF-8 ")
            continue
        passed.append(phrase)
    assert passed == []


@pytest.mark.parametrize(
    "text", ["indicator,year,value,note\nrate,2026,60,回答率\n", "a,一部\n", "a,b\n1,作製\n2,一覧表\n"]
)
def test_cp932_with_a_chance_utf8_sequence_is_cp932(text: str) -> None:
    assert decode(text.encode("cp932")) == text


# ------------------------------------------------------------------ cells with a value, sheets, strings


def test_a_formatted_empty_cell_far_below_is_neither_refused_nor_read() -> None:
    """Data in A1:E20 and only a fill on A200000 (a used range that runs on, as many sheets have)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["indicator", "year", "value", "note", "who"], *[["rate", 2026, n, "", "x"] for n in range(19)]]:
        sheet.append(row)
    sheet["A200000"].fill = PatternFill("solid", fgColor="FFFF00")
    out = io.BytesIO()
    book.save(out)
    assert [number for number, _ in read_rows(out.getvalue())] == list(range(1, 21))


@pytest.mark.parametrize(
    ("cell", "refused"),
    [
        ('<c r="A12"><v>1</v></c>', True),
        ('<c r="A12"><f>1+1</f></c>', True),
        ('<c r="A12" t="inlineStr"><is><t>x</t></is></c>', True),
        ('<c r="A12" s="1"/>', False),
        ('<c r="A12" s="1"></c><c r="B12" s="1"/>', False),
    ],
)
def test_only_a_cell_with_a_value_counts_for_the_row_cap(
    monkeypatch: pytest.MonkeyPatch, cell: str, refused: bool
) -> None:
    monkeypatch.setenv("KPICHECK_MAX_ROWS", "10")
    rows = [workbook_bombs.HEADER_ROW, '<row r="2"><c r="A2"><v>5</v></c></row>', f'<row r="12">{cell}</row>']
    data = workbook_bombs.workbook(rows)
    if refused:
        assert refusal(data)[:2] == ("KC007", 12)
    else:
        assert [number for number, _ in read_rows(data)] == [1, 2]


def test_a_sheet_past_the_row_cap_is_named_in_the_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sheet 1 a valid table, sheet 2 past the cap: refused (every sheet is checked), naming sheet 2."""
    monkeypatch.setenv("KPICHECK_MAX_ROWS", "10")
    book = Workbook()
    first = book.active
    assert first is not None
    for row in ROWS:
        first.append(list(row))
    second = book.create_sheet("集計")
    for n in range(12):
        second.append([n])
    out = io.BytesIO()
    book.save(out)
    code, line, message = refusal(out.getvalue())
    assert (code, line) == ("KC007", 11)
    assert message.startswith("シート「集計」で、11 行目にセルがあります"), message


def test_the_shared_strings_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """At least 200,000 strings and 100 characters each; a lower floor here to keep the test small."""
    monkeypatch.setenv("KPICHECK_MAX_ROWS", "10")
    monkeypatch.setattr(workbook_limits, "STRINGS_LEAST", 100)
    check(workbook_bombs.workbook(["<row/>"], strings=["<si><t>a</t></si>"] * 100))
    code, _, message = refusal(workbook_bombs.workbook(["<row/>"], strings=["<si><t>a</t></si>"] * 101))
    assert code == "KC006" and "共有文字列が 100 個を超えています" in message
    check(workbook_bombs.workbook(["<row/>"], strings=[f"<si><t>{'a' * 9_990}</t></si>"]))
    code, _, message = refusal(workbook_bombs.workbook(["<row/>"], strings=[f"<si><t>{'a' * 10_001}</t></si>"]))
    assert code == "KC006" and "10,000 文字を超えています" in message


def test_the_shared_strings_cap_is_200000_by_default() -> None:
    assert check(workbook_bombs.many_strings(3, declared="200000")) is not None
    code, _, message = refusal(workbook_bombs.many_strings(3, declared="200001"))
    assert code == "KC006" and "上限 200,000 個" in message
