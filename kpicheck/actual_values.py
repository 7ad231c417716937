"""An actual's cell -> its value: a number in the metric's unit, a word of progress, or a phase word.

`15,000`, `１５，０００名`, `66%`, `1万5,200名` (as reports print large numbers), `済`, `実施中`, `構築`:
what staff type, and what the entry sheet prefills (models.show_actual), read back to the same value.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from kpicheck.models import KANJI_GROUPS, MULTIPLIER_UNITS, Metric, Plan, State, ValueKind, magnitude_problem
from kpicheck.periods import normalize

STATE_WORDS: dict[str, State] = {
    **dict.fromkeys(
        ["済", "済み", "完了", "完了済", "実施", "実施済", "実施済み", "達成", "策定済", "導入済", "○", "〇", "◯",
         "有", "あり", "はい", "yes", "done", "true"], State.DONE),
    **dict.fromkeys(
        ["実施中", "検討中", "準備中", "着手", "着手済", "進行中", "作業中", "一部実施", "一部完了", "継続中", "△"],
        State.IN_PROGRESS),
    **dict.fromkeys(
        ["未", "未実施", "未着手", "未完了", "未策定", "未達成", "×", "✕", "無", "なし", "いいえ", "no", "false"],
        State.NOT_STARTED),
}  # fmt: skip

_NUMBER_START = re.compile(r"^[+-]?[\d.,]")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def parse_value(text: str, metric: Metric, plan: Plan, *, normalized: bool = False) -> Decimal | State | str:
    """Read one actual for a metric: 15,000 / １５，０００名 / 66% / 済 / ○ / a phase word.

    `normalized`: the text is a cell as actuals' loader reads it (NFKC, trimmed, ="…" removed), which a
    second normalize leaves as it is, so each row skips it; an unquoted cell may still need it (=" 5").
    """
    value = text if normalized and text == text.strip() and not text.startswith('="') else unquote(normalize(text))
    if value.startswith("=") or value.startswith("+=") or value.startswith("@"):
        raise ValueError(f"{cut(text)!r} は表計算の数式です。値を貼り付けてください")
    if metric.kind is ValueKind.NUMBER:
        return _number(value, metric)
    state = STATE_WORDS.get(value.lower())
    if metric.kind is ValueKind.PHASE:
        word = plan.phase_aliases.get(value, value)
        if word in plan.phases:
            return word
        if state is not None:  # 実施 / 実施中 / 未着手: for a bare arrow (continuous work) in a roadmap
            return state
        raise ValueError(f"{cut(text)!r} はこの計画の段階ではありません（{'、'.join(plan.phases)}）")
    if state is None and _NUMBER_START.match(value):  # a number where the targets are words, or none can be read
        raise ValueError(
            f"{cut(text)!r} は数値ですが、この指標の目標は数値で読めていません（目標が完了や県内1位などの語なら"
            " 済/完了/達成/未達成/実施中 などで入力します。数値の目標なら、目標ファイルの指標に単位 unit を宣言し、"
            "読めない目標のセルを直してください）"
        )
    if state is None:
        raise ValueError(
            f"{cut(text)!r} は進捗を表す語ではありません（済/完了/達成/○、実施中/検討中、未/未着手/未達成/×）"
        )
    return state


def unquote(value: str) -> str:
    """Excel's ="0123" guard around a value."""
    if not value.startswith('="'):  # nearly every cell: no pattern to run
        return value
    found = re.fullmatch(r'="(.*)"', value)
    return found[1] if found else value


def cut(text: str, limit: int = 40) -> str:
    """A value as a message quotes it: long input is cut, so one bad cell is one short line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: str, metric: Metric) -> Decimal:
    return _number_in(value, metric.unit)


@functools.lru_cache(maxsize=4096)  # files repeat their values (100%, 3, 1,000): each text read once
def _number_in(value: str, declared: str | None) -> Decimal:
    number = value
    unit = normalize(declared or "")
    if unit and number.endswith(unit):
        number = number[: -len(unit)].strip()
    grouped = None if _NUMBER.match(number) or unit.startswith(MULTIPLIER_UNITS) else _kanji_number(number)
    if grouped is not None:
        result = grouped
    elif not _NUMBER.match(number) or len(number) > 64:
        raise ValueError(f"{cut(value)!r} は {declared!r} 単位の数値ではありません")
    else:
        try:
            result = Decimal(number.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
            raise ValueError(f"{value!r} は数値ではありません") from None
    if result < 0:
        raise ValueError(f"{cut(value)!r} は負の値です（件数や率は負になりません）")
    too_big = magnitude_problem(result)
    if too_big:
        raise ValueError(f"{cut(value)!r}: {too_big}")
    if unit == "%" and result > 100:
        raise ValueError(f"{cut(value)!r} は 100% を超えています")
    return result


_GROUPED = re.compile(
    r"^(?:(?P<兆>\d[\d,]*)兆)?(?:(?P<億>\d[\d,]*)億)?(?:(?P<万>\d[\d,]*)万)?(?P<rest>\d[\d,]*(?:\.\d+)?)?$"
)


def _kanji_number(text: str) -> Decimal | None:
    """1万5,200 -> 15200, 124億 -> 12400000000: a number written as reports print large ones (None if not one).

    Every group below the first is under 10,000 (1万15,000 is not a number), each group a plain number.
    """
    found = _GROUPED.match(text) if len(text) <= 64 and any(name in text for name, _ in KANJI_GROUPS) else None
    if found is None or not any(found[name] for name, _ in KANJI_GROUPS):
        return None
    total, top = Decimal(0), True
    for name, size in (*KANJI_GROUPS, ("rest", 1)):
        part = found[name]
        if not part:
            continue
        if not _NUMBER.match(part):
            return None
        count = Decimal(part.replace(",", ""))
        if not top and count >= 10_000:
            return None
        total, top = total + count * size, False
    return total
