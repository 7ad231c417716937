"""Fiscal years (年度, April to March), 令和/平成 years and deadline words such as "R7末"."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


@functools.cache
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern compiled when first used, then kept: compiling this module's patterns at import cost
    every command line about 1.5 ms (issue 23), most of which never reads a date or an odd id."""
    return re.compile(pattern, flags)


# First Gregorian year of each era: 令和元年 = 2019, 平成元年 = 1989.
ERAS: dict[str, int] = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989}

_YEAR = r"""^(?:
        (?:FY|fy)?\s*(?P<western>\d{4})\s*(?:年度|年)?
      | (?P<era>令和|平成|R|H|r|h)\s*(?P<num>\d{1,2}|元)\s*(?:年度|年)?
    )$"""

# Western dates as staff type them or Excel writes them: 2027-09-30, 2027/9/30, 2027.9.30, 2027年9月30日,
# 2027-09-30 00:00:00. A four-digit year first, always (dateutil alone would take 9/30 as this year).
# Every pattern here is compiled when first used (`compiled`), not by every start-up: _WESTERN only past
# the plain forms, _DUE only when a plan is read afresh.
_WESTERN = r"^\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"

# The same without a time: read here, without dateutil (2027/9/30, 2027.9.30, 2027-9-30, 2027年9月30日).
_PLAIN_WESTERN = (
    r"^(\d{4})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{1,2})$",
    r"^(\d{4})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$",
)

_DUE = r"^(?P<year>.+?)(?P<end>末|度末|年度末)?(?:時点|まで)?$"


def normalize(text: str) -> str:
    """NFKC and trimmed: full-width digits, ％ and spaces become their plain forms."""
    text = clean(text)
    if not unicodedata.is_normalized("NFKC", text):  # most cells already are: skip the rewrite
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


# Control characters (C0, DEL, C1) and the two non-characters XML refuses: an ESC sequence in a
# department name must not reach a terminal, nor U+0001 an SVG, nor NUL an HTML page. A line
# break stays a line break (\n: a note may have several lines; each output escapes it); a tab is
# a space.
_CONTROLS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
_BREAKS = "\r\n?|[\u2028\u2029]"


def clean(text: str) -> str:
    """Text as every output may show it: control characters removed, line breaks as \n, tabs as spaces."""
    if text.isprintable():  # no control character, no line break: nothing to do (most text)
        return text
    return compiled(_CONTROLS).sub("", compiled(_BREAKS).sub("\n", text).replace("\t", " "))


# Ids are compared (KC204) and written by import in one form, so that twins that only look alike are caught:
# 1-1-1 typed with a minus (U+2212), an en dash or a full-width hyphen, or copied with a zero-width space.
# Every dash and minus becomes "-". The katakana long mark ー (U+30FC; ｰ after NFKC) is a dash only where
# it follows no kana: in 1ー1ー1 it is an IME's dash, in データ a vowel mark, kept.
_ID_DASHES = "[\u2010-\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]|(?<![\u3041-\u30fa\u30fc])\u30fc"
# Removed: controls (C0, DEL, C1), format characters (zero-width space and joiners U+200B-U+200D, word
# joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, bidi controls) and variation selectors: invisible in an id.
_ID_INVISIBLE = (
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff"
    "\U000e0000-\U000e0fff]"
)


def canonical_id(text: str) -> str:
    """An id in the form ids are compared and written in: NFKC, every dash and minus "-", invisible
    characters removed, trimmed. `１−１‐１` and `1-1-1` (with a zero-width space) are both `1-1-1`."""
    if text.isascii() and text.isprintable():  # 1-1-1, abashiri-v2: already canonical but for spaces
        return text.strip()
    text = unicodedata.normalize("NFKC", text)
    return compiled(_ID_INVISIBLE).sub("", compiled(_ID_DASHES).sub("-", text)).strip()


def id_flaw(text: str) -> str | None:
    """Why an id as written cannot stand, or None: a NUL (the file was cut or written as UTF-16?) is said,
    never dropped in silence; other invisible characters canonical_id removes."""
    if "\x00" in text:
        return f"id {text!r} に NUL 文字（\\x00）があります（ファイルの壊れ、または UTF-16 で保存？）"
    return None


# A few fiscal years, asked for on every numeric verdict: each day made once (a date is immutable).
@functools.lru_cache(maxsize=256)
def fiscal_year_start(year: int) -> date:
    return date(year, 4, 1)


@functools.lru_cache(maxsize=256)
def fiscal_year_end(year: int) -> date:
    return date(year + 1, 3, 31)


def fiscal_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


@functools.lru_cache(maxsize=1024)  # a file of actuals repeats a few years on every row
def parse_year(text: str) -> int:
    """Read a fiscal year: 2027, 2027年度, FY2027, R9, 令和9年度, 令和元年度, H30. ValueError if not."""
    cleaned = normalize(text)
    if len(cleaned) == 4 and cleaned.isdecimal():  # 2027 (--year, most rows): as _YEAR reads it, not compiling it
        year = int(cleaned)
    else:
        match = compiled(_YEAR, re.VERBOSE).match(cleaned)
        if not match:
            raise ValueError(f"{text!r} を年度として読めません（例: 2027, 2027年度, FY2027, R9, 令和9年度）")
        if match["western"]:
            year = int(match["western"])
        else:
            era = match["era"].upper() if match["era"] in "rh" else match["era"]
            num = 1 if match["num"] == "元" else int(match["num"])
            if num < 1:
                raise ValueError(f"{text!r}: 和暦の年は元年（1）から数えます")
            year = ERAS[era] + num - 1
    if not 1900 <= year <= 2200:
        raise ValueError(f"{text!r} は年度としてありえない値です")
    return year


def parse_due(text: str, plan_last_year: int) -> date:
    """Read a deadline: R7末 / 令和7年度末 / R3 (within FY) / 2025年度末 / 計画期間内 -> the last day it allows."""
    cleaned = normalize(text)
    if cleaned in {"計画期間内", "計画期間中", "計画期間末"}:
        return fiscal_year_end(plan_last_year)
    match = re.match(_DUE, cleaned)
    if not match:
        raise ValueError(f"{text!r} を期限として読めません")
    return fiscal_year_end(parse_year(match["year"]))


@functools.lru_cache(maxsize=1024)  # and a few dates
def parse_date(text: str) -> date:
    """Read a calendar date: 2027-09-30, 2027/9/30, 2027年9月30日, R9.9.30, 令和9年9月30日."""
    cleaned = normalize(text)
    if _iso_shaped(cleaned):  # --as-of, the sheet: no pattern compiled (the era pattern below cannot match it)
        try:
            return date.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(f"{text!r} は存在しない日付です") from None
    era = re.match(r"^(令和|平成|R|H)\s*(\d{1,2}|元)[年.\-/](\d{1,2})[月.\-/](\d{1,2})日?$", cleaned, re.IGNORECASE)
    if era:
        base = ERAS[era[1].upper() if era[1] in "rh" else era[1]]
        number = 1 if era[2] == "元" else int(era[2])
        if number < 1:
            raise ValueError(f"{text!r}: 和暦の年は元年（1）から数えます")
        try:
            return date(base + number - 1, int(era[3]), int(era[4]))
        except ValueError:
            raise ValueError(f"{text!r} は存在しない日付です") from None
    plain = compiled(_PLAIN_WESTERN[0]).match(cleaned) or compiled(_PLAIN_WESTERN[1]).match(cleaned)
    if plain:  # most typed dates: without dateutil's 10 ms import
        try:
            return date(int(plain[1]), int(plain[3]), int(plain[4]))
        except ValueError:
            raise ValueError(f"{text!r} は存在しない日付です") from None
    if re.match(_WESTERN, cleaned):
        from dateutil import parser  # noqa: PLC0415 - only for dates typed in the Western way (17 ms)

        text_date = re.sub(r"[年月]", "-", cleaned).removesuffix("日")
        try:
            return parser.parse(text_date, yearfirst=True, dayfirst=False).date()
        except (ValueError, OverflowError):
            raise ValueError(f"{text!r} は存在しない日付です") from None
    raise ValueError(f"{text!r} を日付として読めません（例: 2027-09-30, 2027/9/30, 令和9年9月30日）")


def _iso_shaped(text: str) -> bool:
    """Whether `text` is 2027-09-30 in shape, as the pattern d{4}-d{2}-d{2} of decimal digits (re's \\d,
    str.isdecimal) matches it whole."""
    return len(text) == 10 and text[4] == text[7] == "-" and (text[:4] + text[5:7] + text[8:]).isdecimal()


def days_gone(start: date, end: date, day: date) -> tuple[int, int]:
    """The share of the days from start to end (inclusive) gone by the end of `day`, clipped to 0..1, as
    (days gone, days), unreduced (an empty period, which loaders refuse, is all gone: (1, 1))."""
    total = (end - start).days + 1
    if total <= 0:
        return 1, 1
    gone = (day - start).days + 1
    return min(max(gone, 0), total), total


def today_in_japan() -> date:
    return datetime.now(JST).date()


def wareki(year: int) -> str:
    """2027 -> 令和9年度; 2019 -> 令和元年度 (fiscal years)."""
    for era in ("令和", "平成"):
        num = year - ERAS[era] + 1
        if num >= 1:
            return f"{era}{'元' if num == 1 else num}年度"
    return f"{year}年度"
