"""A draft's `review = [...]` marks: the readings `kpicheck import` guessed, until a person confirms them.

The words import writes and the loader accepts, and what the KC409 warning says of each; targets.py
reports them, kpi_rows, draft and importer write them (docs/import-review-ja.md explains each).
"""

from __future__ import annotations

from collections.abc import Iterable

REVIEW_UNIT, REVIEW_COUNTS, REVIEW_BASELINE = "unit", "counts", "baseline"
REVIEW_WORDS: dict[str, str] = {
    REVIEW_UNIT: "単位（unit）",
    REVIEW_COUNTS: "数え方（counts: 年度内の数・時点の値・累計）",
    REVIEW_BASELINE: "基準値（baseline）",
}
REVIEW_CELL = "targets."  # targets.2026: that year's cell could not be read and is 目標未設定


def review_message(ident: str, marks: Iterable[str]) -> str:
    """The KC409 warning for an indicator whose guessed readings are still marked `review`."""
    said = [REVIEW_WORDS.get(m) or f"{m.removeprefix(REVIEW_CELL)}年度の目標（読めないため目標未設定）" for m in marks]
    return (
        f"指標 {ident}: kpicheck import の推定が確認待ちです: {'、'.join(said)}。"
        "計画の表と照らして確かめ、直したら review の行を消してください（docs/import-review-ja.md）"
    )


def marks_problem(marks: object, ident: str, first: int, last: int) -> tuple[str, str] | None:
    """The code and message an indicator's `review` value calls for: KC409 (a warning) while a mark is
    left, KC202 for a value that is not a list of import's marks; None once the list is empty."""
    if not isinstance(marks, list) or not all(isinstance(m, str) for m in marks):
        return "KC202", f'指標 {ident}: review は語の配列にしてください（例: review = ["counts"]）'
    cells = {f"{REVIEW_CELL}{year}" for year in range(first, last + 1)}
    unknown = [m for m in marks if m not in REVIEW_WORDS and m not in cells]
    if unknown:
        known = "、".join([*REVIEW_WORDS, f"{REVIEW_CELL}{first}"])
        return "KC202", f"指標 {ident}: review の {unknown[0]!r} は確認の印ではありません（{known} など）"
    return ("KC409", review_message(ident, marks)) if marks else None
