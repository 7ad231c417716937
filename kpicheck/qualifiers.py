"""The words printed around a number in a target cell, as data: the ones kpicheck reads and the ones it refuses.

A new wording is a new row here (the README's phrase table is checked against QUALIFIERS);
quantities.py and phrases.py are the readers that use these tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kpicheck.models import Bound, Counts

# A number as plans print it: 1,200 or 12.5.
NUMERAL = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Where a number may start when a free label comes before it: not inside another number. Without it a
# pattern `^(?P<label>.*?)NUMBER…` tries every digit of a long run as the start of a number again, each
# try running to the run's end (quadratic in the cell's length; 100,000 digits never ended).
NUMBER_START = r"(?<![\d.,])"
# Patterns here never put two unbounded runs of the same characters side by side (`\s*末?\s*`): on a long
# run of spaces the engine would try every way to share the run between them. An optional word takes its
# own spaces with it instead (`\s*(?:末\s*)?`).
# A fiscal year named in a cell: R9, 令和9年度, H30年, 2027年度 (a Western year needs 年度 or 年 here:
# a bare 2027 is a number).
NAMED_YEAR = r"(?:令和|平成|(?<![A-Za-z])[RH])\s*(?:\d{1,2}|元)(?:\s*(?:年度|年))?|(?:19|20)\d\d\s*(?:年度|年)"
# The year a baseline was measured, in brackets before or after it: 1,234件(2020), (令和2年度) 45.0%,
# 39%(R4年度末時点). In brackets a bare Western year is a year.
SURVEY_YEAR = rf"\(\s*(?P<year>{NAMED_YEAR}|(?:19|20)\d\d)\s*(?:末\s*)?(?:時点\s*)?\)"


@dataclass(frozen=True)
class Qualifier:
    """A word around a number that kpicheck understands, and what it does to the reading."""

    word: str
    before: bool  # printed before the number (約, 延べ) rather than after it (以上, /年)
    reading: str  # for the README's phrase table
    bound: Bound | None = None
    counts: Counts | None = None


QUALIFIERS: tuple[Qualifier, ...] = (
    Qualifier("以上", False, "≧ N", Bound.AT_LEAST),
    Qualifier("超", False, "＞ N (the bound itself misses)", Bound.ABOVE),
    Qualifier("以下", False, "≦ N", Bound.AT_MOST),
    Qualifier("以内", False, "≦ N", Bound.AT_MOST),
    Qualifier("未満", False, "＜ N (the bound itself misses)", Bound.BELOW),
    Qualifier("まで", False, "≦ N", Bound.AT_MOST),
    Qualifier("を維持", False, "keep the level: as the number without it (≧ N; 0 is ≦ 0)"),
    Qualifier("維持", False, "as を維持"),
    Qualifier("程度", False, "an approximate target, read as the number without it (≧ N)"),
    Qualifier("相当", False, "as 程度 (200件相当: ≧ 200件)"),
    Qualifier("/年度", False, "per year", counts=Counts.PER_YEAR),
    Qualifier("/年", False, "per year", counts=Counts.PER_YEAR),
    Qualifier("(年間)", False, "per year", counts=Counts.PER_YEAR),
    Qualifier("(累計)", False, "cumulative", counts=Counts.CUMULATIVE),
    Qualifier("(延べ)", False, "cumulative", counts=Counts.CUMULATIVE),
    Qualifier("約", True, "an approximate target, read as the number without it (≧ N)"),
    Qualifier("相当", True, "as 約 (相当200件: ≧ 200件)"),
    Qualifier("延べ", True, "cumulative", counts=Counts.CUMULATIVE),
    Qualifier("累計", True, "cumulative", counts=Counts.CUMULATIVE),
    Qualifier("毎年度", True, "per year", counts=Counts.PER_YEAR),
    Qualifier("毎年", True, "per year", counts=Counts.PER_YEAR),
    Qualifier("各年度", True, "per year", counts=Counts.PER_YEAR),
    Qualifier("年間", True, "per year", counts=Counts.PER_YEAR),
    Qualifier("年", True, "per year (年4回)", counts=Counts.PER_YEAR),
)
# Longest first, so that /年度 and 毎年 are taken whole, not as /年 or 年 with a character left over.
QUALIFIERS_AFTER = sorted((q for q in QUALIFIERS if not q.before), key=lambda q: -len(q.word))
QUALIFIERS_BEFORE = sorted((q for q in QUALIFIERS if q.before), key=lambda q: -len(q.word))

# Verbs that may follow a number and its qualifiers without changing what is counted
# (4回以上実施, 5件創出, 20業務の標準化). A plan adds its own in `neutral_words`.
NEUTRAL_WORDS: tuple[str, ...] = (
    "実施", "創出", "達成", "開催", "受講", "導入", "設置", "整備", "公開", "作成", "登録", "参加",
    "配置", "取得", "発行", "交付", "提供", "配信", "確保", "育成", "活用", "利用", "構築", "運用",
    "策定", "標準化", "デジタル化", "電子化", "オンライン化", "実現",
)  # fmt: skip

# Words that bound or turn around a number and that kpicheck does not read in this place.
# In a label (before the number) or a verb (after it) they are refused, naming the word.
BOUND_WORDS: tuple[str, ...] = (
    "最大", "最小", "最低", "最高", "上限", "下限", "以上", "以下", "以内", "未満", "超", "まで",
    "程度", "約", "相当", "前後", "±", "〜", "~",
)  # fmt: skip
# Words that reverse a direction. Allowed in a label that names a measure (削減時間数: hours saved, a
# count that rises), refused elsewhere.
REVERSING_WORDS: tuple[str, ...] = (
    "削減", "短縮", "減少", "抑制", "低減", "縮減", "軽減", "減", "増", "向上", "改善", "比",
)  # fmt: skip
MEASURE_SUFFIXES: tuple[str, ...] = ("数", "率", "額", "量", "時間", "割合")
# Before the number: a sign or a comparison (-5件, ▲5%, 前年度より10件) and periods other than a
# fiscal year (月2回, 週1回, 四半期に1回, 隔年1回), which kpicheck does not evaluate.
SIGN_AND_PERIOD_WORDS: tuple[str, ...] = (
    "-", "+", "▲", "△", "▽", "マイナス", "プラス", "より", "比べ", ".", "第",
    "毎月", "月", "週", "四半期", "隔年", "半年", "毎日", "日当たり", "日あたり",
)  # fmt: skip
# In what would be the unit: words that change what the number means (2倍以上, 10件未実施, 10件以外), and 位:
# a rank is no count (1位 is better than 3位), only a standing below reads it.
UNIT_REFUSED: tuple[str, ...] = ("倍", "未", "以外", "から", "より", "ほど", "年度", "目標", "以降", "以前", "位")


class Against(StrEnum):
    """What a relative target is held against."""

    LAST_YEAR = "last_year"  # 前年度比3%増: last year's actual
    BASELINE = "baseline"  # 30%削減: the metric's declared baseline
    YEAR = "year"  # 2022年度比10%増: the actual of the year the cell names


@dataclass(frozen=True)
class Relative:
    """A target relative to last year (前年度比), to the baseline (30%削減) or to a named year (2022年度比):
    one row per wording."""

    pattern: re.Pattern[str]
    against: Against
    reading: str  # for the README's phrase table
    example: str  # a cell of this wording, listed in the README's table (a test checks both)

    def factor(self, found: re.Match[str]) -> tuple[Decimal, Bound]:
        """The multiplier on the reference value, and which side of the result meets the target."""
        groups = found.groupdict()
        num = Decimal(groups["num"].replace(",", "")) if groups.get("num") else None
        per = {"%": Decimal(100), "割": Decimal(10)}.get(groups.get("per") or "", Decimal(1))
        down = bool(re.search(r"減|削減|ダウン|以下|半", found["dir"]))
        if "倍" in found["dir"]:
            return (num if num is not None else Decimal(2)), Bound.AT_LEAST
        if found["dir"] == "半減":
            return Decimal("0.5"), Bound.AT_MOST
        change = (num or Decimal(0)) / per
        return (1 - change if down else 1 + change), (Bound.AT_MOST if down else Bound.AT_LEAST)


def _rel(pattern: str, against: Against, reading: str, example: str) -> Relative:
    return Relative(re.compile(rf"^(?P<label>.*?){pattern}$"), against, reading, example)


_LAST, _BASE, _YEAR = Against.LAST_YEAR, Against.BASELINE, Against.YEAR
# The year a target is compared with: 2022年度比10%増, 令和4年度より増加, R4年度実績以上.
_NAMED = rf"(?P<year>{NAMED_YEAR})\s*"

RELATIVES: tuple[Relative, ...] = (
    _rel(rf"前年度?(?:実績)?比\s*(?P<num>{NUMERAL})(?P<per>%)\s*(?:以上\s*)?(?P<dir>増加?|アップ)", _LAST,
         "≧ last year's actual × (1 + N/100)", "前年比3%増"),
    _rel(rf"前年度?(?:実績)?比\s*(?P<num>{NUMERAL})(?P<per>%)\s*(?:以上\s*)?(?P<dir>減少?|削減|ダウン)", _LAST,
         "≦ last year's actual × (1 − N/100)", "前年度比5%減"),
    _rel(r"前年度?(?:実績|値|水準)?(?P<dir>以上|以下)", _LAST, "≧ (≦) last year's actual", "前年度以上"),
    _rel(r"前年度?(?:実績)?(?:比|より)(?P<dir>増加?|減少?)", _LAST, "増: ≧ last year's actual; 減: ≦ it",
         "前年度比増"),
    _rel(rf"{_NAMED}(?:実績)?(?:比|より)\s*(?P<num>{NUMERAL})(?P<per>%)\s*(?:以上\s*)?(?P<dir>増加?|アップ)", _YEAR,
         "≧ that year's actual × (1 + N/100)", "2022年度比10%増"),
    _rel(rf"{_NAMED}(?:実績)?(?:比|より)\s*(?P<num>{NUMERAL})(?P<per>%)\s*(?:以上\s*)?(?P<dir>減少?|削減|ダウン)",
         _YEAR, "≦ that year's actual × (1 − N/100)", "2022年度比10%減"),
    _rel(rf"{_NAMED}の?(?:実績|値|水準)(?P<dir>以上|以下)", _YEAR, "≧ (≦) that year's actual", "2022年度実績以上"),
    _rel(rf"{_NAMED}(?:実績)?(?:比|より)(?P<dir>増加?|減少?)", _YEAR, "増: ≧ that year's actual; 減: ≦ it",
         "2022年度より増加"),
    _rel(rf"{NUMBER_START}(?P<num>{NUMERAL})\s*(?P<per>%|割)\s*(?P<dir>削減|減少?|増加?)", _BASE,
         "≦ baseline × (1 − N/100) (割: N/10); 増: ≧ baseline × (1 + N/100)", "30%削減"),
    _rel(r"(?P<dir>半減)", _BASE, "≦ baseline × 0.5", "半減"),
    _rel(rf"{NUMBER_START}(?P<num>{NUMERAL})\s*(?P<dir>倍増?)", _BASE, "≧ baseline × N", "2倍"),
    _rel(r"(?P<dir>倍増)", _BASE, "≧ baseline × 2", "倍増"),
)  # fmt: skip
# A comparison with a named year, in any wording: one that no row above reads is refused as such.
YEAR_COMPARED = re.compile(rf"(?:{NAMED_YEAR})\s*の?(?:実績|値|水準)?(?:比|より|以上|以下)")


# Standings no number judges (県内1位, 全国トップクラス): a scope, a rank and an optional verb, nothing else.
# The office says in the actuals whether it was reached (達成 / 未達成); any other rank wording is refused.
STANDING_SCOPES: tuple[str, ...] = ("全国", "県内", "道内", "都内", "府内")
STANDING_RANKS: tuple[tuple[str, str], ...] = (  # (pattern, a cell of it, listed in the README's table)
    (r"\d+位", "県内1位"),
    (r"(?:上位)?\d+位以内", "全国10位以内"),
    (r"トップクラス", "全国トップクラス"),
    (r"トップレベル", "県内トップレベル"),
    (r"トップ", "道内トップ"),
    (r"上位", "全国上位"),
    (r"最高水準", "県内最高水準"),
)
STANDING_ENDINGS: tuple[str, ...] = ("を維持", "維持", "を達成", "達成")
STANDING = re.compile(
    rf"^(?P<label>\D*?)(?P<standing>(?:{'|'.join(STANDING_SCOPES)})で?"  # no number before: 80%で県内1位
    rf"(?:{'|'.join(p for p, _ in STANDING_RANKS)})(?:{'|'.join(STANDING_ENDINGS)})?)$"
)
