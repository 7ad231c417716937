"""`kpicheck summary` as text: a table of one line per city fitting the terminal, JSON and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from kpicheck.bidi import visible_bidi
from kpicheck.json_text import indented_json
from kpicheck.models import Outlook, Status
from kpicheck.render import display_width, guard, wrap
from kpicheck.statuses import OUTLOOK_LABELS, STATUS_DISPLAY, STATUS_LABELS
from kpicheck.summary import ERROR, NO_PLAN, Totals

STATE_TEXT = {ERROR: "（エラー）", NO_PLAN: "（計画なし）"}
RATE_HEADER = "達成割合"  # 達成 ÷ 判定対象 (not an indicator's 達成率, 実績 ÷ 目標)
# Narrowest the 市町村 and 計画 columns get before they wrap.
MIN_NAME_WIDTH = 6


def table_row(row: dict[str, Any]) -> list[str]:
    """A city's cells of the table: 市町村, 計画 (or why there is none), a count per status, 達成割合 (bidi
    controls made visible before the widths are measured)."""
    plan = row["plan"] or STATE_TEXT.get(row["state"], "")
    first = [visible_bidi(row["city_name"] or row["city"]), visible_bidi(plan)]
    if row["summary"] is None:
        return [*first, *("" for _ in Status), ""]
    return [*first, *(str(row["summary"][s.value]) for s in Status), row["achievement"]["text"]]


def render_summary_table(head: dict[str, Any], body: list[list[str]], totals: dict[str, Any], width: int = 80) -> str:
    """The cities' `table_row`s under a title and over the totals, within `width` display columns."""
    headers = ["市町村", "計画", *(STATUS_DISPLAY[s].short for s in Status), RATE_HEADER]
    fixed = [max([display_width(headers[i]), *(display_width(r[i]) for r in body)]) for i in range(2, len(headers))]
    free = width - sum(fixed) - (len(headers) - 1)
    natural = [max([display_width(headers[i]), *(display_width(r[i]) for r in body)]) for i in (0, 1)]
    name_w = min(natural[0], max(MIN_NAME_WIDTH, free // 2))
    plan_w = max(MIN_NAME_WIDTH, min(natural[1], free - name_w))
    table = _table(body, headers, [name_w, plan_w]) if body else "（市町村がありません）"
    title = f"{head['year_label']} 基準日 {head['as_of']} の状況（{totals['cities']} 市町村）"
    lines = [*wrap(title, width), "", *table.splitlines(), ""]
    states = totals["states"]
    items = [f"{STATUS_DISPLAY[s].short} {totals['summary'][s.value]:,}" for s in Status]
    lines += _items(f"計 {states['ok']:,} 市町村（達成割合 {totals['achievement']['text']}）:", items, width)
    lines += wrap("（後の年度の実績の行は読んでいません。全行の確認は kpicheck validate）", width)
    if totals["summary"][Status.UNRATED.value]:  # the one heading shortened past its label
        unrated = STATUS_DISPLAY[Status.UNRATED]
        lines += wrap(f"{unrated.short}: {unrated.label}（実績はあるが、判定に要るデータがない）", width)
    if states[NO_PLAN]:
        lines += wrap(f"この年度を含む計画のない市町村: {states[NO_PLAN]:,}", width)
    if states[ERROR]:
        lines += wrap(f"ファイルにエラーのある市町村: {states[ERROR]:,}（kpicheck validate で確認できます）", width)
    if totals.get("unreadable"):
        unreadable = f"{totals['unreadable']:,}（フォルダがない・読めない・計画ファイルがない）"
        lines += wrap(f"うち読めない市町村: {unreadable}", width)
    return "\n".join(lines) + "\n"


def _table(body: list[list[str]], headers: list[str], name_widths: list[int]) -> str:
    """Laid out here rather than by tabulate: its multi-line cells need its own formats, whose two-space
    gaps and padded headings do not leave eleven columns room in 80. 市町村 and 計画 wrap in their column."""
    widths = [*name_widths]
    widths += [max([display_width(headers[i]), *(display_width(r[i]) for r in body)]) for i in range(2, len(headers))]

    def line(cells: list[str]) -> str:
        padded = [
            cell + " " * (width - display_width(cell)) if i < 2 else " " * (width - display_width(cell)) + cell
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return " ".join(padded).rstrip()

    lines = [line(headers), " ".join("-" * w for w in widths)]
    for row in body:
        names = [wrap(row[0], widths[0]), wrap(row[1], widths[1])]
        for index in range(max(len(n) for n in names)):
            rest = row[2:] if index == 0 else ["" for _ in row[2:]]
            lines.append(line([n[index] if index < len(n) else "" for n in names] + rest))
    return "\n".join(lines)


def _items(head: str, items: list[str], width: int) -> list[str]:
    """`head` then the items two spaces apart, broken between items (not inside one) to fit `width`."""
    lines, line = [], head
    for item in items:
        if display_width(line) + 2 + display_width(item) > width:
            lines.append(line)
            line = item
        else:
            line += ("  " if line != head else " ") + item
    lines.append(line)
    return lines


def json_chunks(head: dict[str, Any], rows: Iterable[dict[str, Any]], totals: Totals) -> Iterator[str]:
    """The JSON contract, written as the rows come (the same text as json.dumps of the whole, indent 2,
    through json_text's C encoder: the main process writes every row while the workers evaluate).

    `totals` is read after the last row, so it may be filled while `rows` is consumed.
    """
    yield indented_json(head)[:-2] + ',\n  "cities": ['
    first = True
    for row in rows:
        yield ("\n    " if first else ",\n    ") + indented_json(row, 2)
        first = False
    yield ("\n  ]" if not first else "]") + ',\n  "totals": ' + indented_json(totals.as_dict(), 1) + "\n}\n"


# One header per column: 達成 is the status count, and 達成割合 = 達成 ÷ 判定対象 (no second 達成 column).
CSV_HEADER = (
    "市町村ID", "市町村名", "状態", "計画", "計画名", "指標数",
    *(STATUS_LABELS[s] for s in Status), "判定対象", "達成割合", "評価基準", "評価別の指標数", "問題数",
    *(f"見込み:{OUTLOOK_LABELS[o]}" for o in Outlook),
)  # fmt: skip


def csv_header() -> bytes:
    """The first line of the CSV, after a BOM: Excel on Japanese Windows opens UTF-8 with one."""
    return ("\ufeff" + _csv_line(CSV_HEADER)).encode("utf-8")


def csv_row(row: dict[str, Any]) -> bytes:
    """A city's line of the CSV (CRLF); 状態 is the JSON's state code."""
    counts = [row["summary"][s.value] if row["summary"] else "" for s in Status]
    share = row["achievement"] or {}
    rate = share.get("rate")
    return _csv_line([
        guard(row["city"]), guard(row["city_name"] or ""), row["state"], guard(row["plan"] or ""),
        guard(row["plan_title"] or ""), row["indicators"], *counts, share.get("evaluable", ""),
        "" if rate is None else rate, (row["grading"] or {}).get("name", ""),
        "、".join(f"{grade} {count}" for grade, count in (row["grades"] or {}).items()), row["problem_count"],
        *(row["outlooks"][o.value] if row["outlooks"] else "" for o in Outlook),
    ]).encode("utf-8")  # fmt: skip


def _csv_line(cells: Iterable[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()
