"""The [plan] table's settings: its phase words, pace tolerance, grading scale, directions, upper
bounds' 達成率 and 見込み floors, each read with its problems (targets.py builds the plan from them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kpicheck.grading import parse_scale
from kpicheck.ids import ID_RULE, is_id
from kpicheck.models import DIRECTIONS, ReductionRate, Scale
from kpicheck.outlook import parse_bands
from kpicheck.periods import normalize
from kpicheck.toml_reader import Reader


def settings(head: dict[str, Any], r: Reader, plan_line: int | None) -> dict[str, Any]:
    """The plan's id and settings as Plan's keyword arguments, each a problem and its default when wrong."""
    tolerance = head.get("pace_tolerance", 0.95)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0.5 <= tolerance <= 1:
        r.problem("KC202", "[plan] pace_tolerance は 0.5 から 1 までの割合にしてください（例: 0.95）", plan_line)
        tolerance = 0.95
    plan_id = r.text(head, "id", "[plan]", plan_line)
    if plan_id and not is_id(plan_id):  # an id typed as --plan and written in file names: never a path
        r.problem("KC202", f"[plan] id {plan_id!r}: 計画 id は{ID_RULE}です", r.line_of_id(plan_id) or plan_line)
    bands, why = parse_bands(head.get("outlook"))  # the 見込み floors: a preset's name or a table
    if why:
        r.problem("KC202", f"[plan] {why}", r.line_of(r"^\s*\[plan\.outlook") or r.line_of_key("outlook", plan_line))
    return {
        "id": plan_id,
        "outlook": bands,
        "pace_tolerance": Decimal(str(tolerance)),
        "grading": _grading(head, r, plan_line),
        "directions": _directions(head, r, plan_line),
        "reduction_rate": _reduction_rate(head, r, plan_line),
    }


def phase_words(head: dict[str, Any], r: Reader, plan_line: int | None) -> tuple[tuple[str, ...], dict[str, str]]:
    """The plan's phases and phase_aliases, NFKC-normalised, with every inconsistency reported."""
    phases = tuple(normalize(p) for p in r.texts(head, "phases", "[plan]", plan_line))
    aliases = head.get("phase_aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        r.problem("KC202", "[plan] phase_aliases は語から段階の語への対応表にしてください", plan_line)
        aliases = {}
    aliases = {normalize(k): normalize(v) for k, v in aliases.items()}
    for word in sorted({p for p in phases if phases.count(p) > 1}):
        r.problem("KC204", f"段階の語 {word!r} が phases に 2 回あります", r.line_of_key("phases", plan_line))
    if "" in phases:
        r.problem("KC202", "[plan] phases: 空の段階の語があります", plan_line)
    for word, target in aliases.items():
        if target not in phases:
            r.problem("KC207", f"phase_alias {word!r} の行き先 {target!r} が phases にありません", plan_line)
        if word in phases and word != target:
            message = f"phase_alias {word!r} 自体が段階の語です（{word} を {target} と読んでしまいます）"
            r.problem("KC207", message, r.line_of_key("phase_aliases", plan_line))
    return phases, aliases


def _grading(head: dict[str, Any], r: Reader, plan_line: int | None) -> Scale | None:
    """grading = "A-D" (a preset) or [plan.grading] with its own bands; None: the plan grades nothing."""
    if "grading" not in head:
        return None
    found = parse_scale(head["grading"])
    if isinstance(found, str):
        line = r.line_of(r"^\s*\[plan\.grading") or r.line_of_key("grading", plan_line)
        r.problem("KC202", f"[plan] {found}", line or plan_line)
        return None
    return found


def _directions(head: dict[str, Any], r: Reader, plan_line: int | None) -> tuple[str, ...]:
    """The words 今後の方向性 may take: the plan's own list, else models.DIRECTIONS (拡大 … 完了)."""
    if "directions" not in head:
        return DIRECTIONS
    words = tuple(normalize(w) for w in r.texts(head, "directions", "[plan]", plan_line))
    if not words or not all(words):
        r.problem("KC202", "[plan] directions は空でない語の配列にしてください", r.line_of_key("directions", plan_line))
        return DIRECTIONS
    return words


def _reduction_rate(head: dict[str, Any], r: Reader, plan_line: int | None) -> ReductionRate:
    """reduction_rate = "mirror" (the default), "ratio" or "baseline": how an upper bound's 達成率 is computed."""
    value = head.get("reduction_rate", ReductionRate.MIRROR.value)
    known = [m.value for m in ReductionRate]
    if not isinstance(value, str) or value not in known:
        message = f"[plan] reduction_rate は {'、'.join(known)} のどれかにしてください（{value!r} は不可）"
        r.problem("KC202", message, r.line_of_key("reduction_rate", plan_line))
        return ReductionRate.MIRROR
    return ReductionRate(value)
