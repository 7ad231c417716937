"""What the readers of a target cell share: the error they raise, what they know of the indicator, and
the giving of a part of a cell to one of the indicator's metrics.

phrases.py splits a cell into parts and quantities.py reads the number in a part; both build on this
module, which imports neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kpicheck.models import Metric, ValueKind
from kpicheck.periods import normalize

DASHES = frozenset({"-", "－", "‐", "―", "—", "ー", "–"})
ARROWS = "→⇒➡"

# The last words of a cell that states something to get done (方針策定, 運用継続, 整備完了 ...).
# General administrative Japanese, not one city's vocabulary; a plan adds its own in
# `milestone_words`.
MILESTONE_ENDINGS: tuple[str, ...] = (
    "策定", "継続", "完了", "実装", "開始", "実施", "導入", "判断", "設定", "整理", "化",
    "展開", "運用", "登用", "構築", "整備", "公開", "決定", "廃止", "稼働", "開設", "移行",
    "推進", "見直し", "検討", "調査", "作成", "締結", "更新", "周知", "達成",
)  # fmt: skip

# A segment's name after its number, in brackets: 90%(市) 80%(県).
LABEL_AFTER = re.compile(r"\((?P<label>[^()]+)\)")


class PhraseError(ValueError):
    """A cell that cannot be read; `code` is the problem code to report it under."""

    def __init__(self, message: str, code: str = "KC203") -> None:
        super().__init__(message)
        self.code = code


# The longest target cell read (characters, as written, before NFKC). The shipped plans' longest is 25
# (研修計画策定、年4回以上実施 受講部署数4部署以上); a plan cell is rarely over 200. Past it the cell is
# refused (KC211) before any pattern runs: the reading stays linear, but a pasted page is no target.
MAX_CELL_CHARS = 1000


def check_length(text: str) -> None:
    """PhraseError KC211 for a cell longer than MAX_CELL_CHARS, quoting only its start."""
    if len(text) > MAX_CELL_CHARS:
        raise PhraseError(
            f"セルが {len(text):,} 文字あります（{text[:20]!r}…）: 目標のセルは {MAX_CELL_CHARS:,} 文字までです"
            "（計画の表の 1 つのセルを写してください。説明は note に書けます）",
            "KC211",
        )


@dataclass(frozen=True)
class CellContext:
    """What reading one indicator's cells needs to know about the indicator and its plan."""

    metrics: tuple[Metric, ...]
    phases: tuple[str, ...] = ()
    phase_aliases: tuple[tuple[str, str], ...] = ()
    milestone_words: tuple[str, ...] = ()
    carry_forward: bool = False
    neutral_words: tuple[str, ...] = ()

    def phase_word(self, word: str) -> str:
        aliases = dict(self.phase_aliases)
        if word in aliases:
            return aliases[word]
        if word in self.phases:
            return word
        known = "、".join(self.phases)
        example = self.phases[0] if self.phases else "段階"
        raise PhraseError(
            f"{word!r} はこの計画の段階の語ではありません（段階は {known}。同じ段階の別の書き方なら、"
            f'[plan] の phase_aliases に "{word}" = "{example}" のように加えてください）',
            "KC207",
        )


def metric_called(ctx: CellContext, metric: str, particle: str) -> str:
    """A metric as a message names it: この指標 when it is the indicator's only one, else 項目「小学校」."""
    if len(ctx.metrics) == 1:
        return f"この指標{particle}"
    found = next((m for m in ctx.metrics if m.id == metric), None)
    return f"項目「{found.name or found.id if found else metric}」{particle}"


def metric_words(ctx: CellContext) -> list[str]:
    """The names and match words of the indicator's metrics, longest first: what labels a segment."""
    words = {w for m in ctx.metrics for w in (m.name, *m.match) if w}
    return sorted(words, key=lambda w: (-len(w), w))


def assign(text: str, unit: str | None, *, numeric: bool, ctx: CellContext, any_unit: bool = False) -> Metric:
    """Give a part of a cell to one metric: by name or match word, then by unit, then by kind."""
    metrics = ctx.metrics
    wanted = [m for m in metrics if (m.unit is not None) == numeric]
    if len(metrics) == 1:
        only = metrics[0]
        if not wanted and not (numeric and only.kind is ValueKind.STATE and not only.unit):
            raise PhraseError(
                f"{text!r} は数値で判定しない目標（完了すべき事柄・順位など）ですが、この指標には単位"
                f"（unit = {only.unit!r}）が宣言されています（数値の指標でなければ unit を消し、数値の目標と"
                "並ぶなら指標の metrics で項目を分けてください）"
            )
        return only
    for words in (lambda m: (m.name,), lambda m: m.match):
        named = [m for m in wanted if any(w and w in text for w in words(m))]
        if len(named) == 1:
            return named[0]
    if numeric and not any_unit:
        by_unit = [m for m in wanted if m.unit and normalize(m.unit) == unit]
        if len(by_unit) == 1:
            return by_unit[0]
    if len(wanted) == 1:
        return wanted[0]
    names = "、".join(m.name or m.id for m in metrics)
    raise PhraseError(
        f"{text!r} がどの項目（{names}）のことか判別できません（セルの語を、当たる項目の name か"
        ' match = ["…"] に書いてください）'
    )
