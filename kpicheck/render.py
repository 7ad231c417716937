"""Reports as text: the status table (tabulate), JSON (the contract other tools read) and CSV."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, TextIO

from kpicheck.bidi import visible_bidi
from kpicheck.grading import grade_counts, scale_grades
from kpicheck.json_text import indented_json
from kpicheck.kinds.registry import describe
from kpicheck.models import (
    CHANGE_LABELS,
    Band,
    Evaluation,
    Indicator,
    MetricResult,
    Plan,
    Report,
    State,
    Status,
    quantity_as_printed,
    show_actual,
)
from kpicheck.outlook import outlook_cell, outlook_counts, outlook_fields, outlook_line
from kpicheck.periods import wareki
from kpicheck.statuses import STATUS_DISPLAY, STATUS_LABELS

RESET = "\033[0m"  # after a status colour (statuses.STATUS_DISPLAY's `ansi`)

TABLE_HEADERS = ("ID", "指標", "目標", "実績", "状況")


def use_color(choice: bool | None, stream: TextIO) -> bool:
    """--color/--no-color win; otherwise colour only on a terminal and only without NO_COLOR."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def painted(status: Status, text: str, color: bool) -> str:
    """`text` in the status's terminal colour, or as it is with colour off."""
    return f"{STATUS_DISPLAY[status].ansi}{text}{RESET}" if color else text


def json_value(value: Decimal | State | str | None) -> Any:
    """Numbers as JSON numbers (integers stay integers), states as their words."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, State):
        return value.value
    return value


def actual_text(evaluation: Evaluation) -> str:
    return metric_texts(evaluation, lambda m: m.actual_text)


def rate_text(rate: Decimal | None) -> str:
    """95.0% (always one decimal, as evaluation sheets print it), ― where there is no rate."""
    return "―" if rate is None else f"{rate:,.1f}%"


def grade_text(band: Band | None, *, long: bool = True, pace: Decimal | None = None, gap: str = " ") -> str:
    """B（目標どおり）, or B alone where space is short; "" where nothing is graded.

    With `pace`, the 目安比 the grade was read from while the year runs: B（目標どおり、目安比 96.0%）, or
    B（目安比 96.0%）, `gap` between the word and the figure. Beside a 達成率 of 48.0% a bare B (95–110%)
    would contradict it (issue 19).
    """
    if band is None:
        return ""
    words = [band.label] if long and band.label else []
    if pace is not None:
        words.append(f"目安比{gap}{rate_text(pace)}")
    return f"{band.grade}（{'、'.join(words)}）" if words else band.grade


def _json_rate(rate: Decimal | None) -> float | None:
    return None if rate is None else float(rate)


def _metric_dict(m: MetricResult) -> dict[str, Any]:
    return {
        "id": m.id,
        "name": m.name,
        "target": m.target,
        "actual": json_value(m.actual),
        "status": m.status.value,
        "reason": m.reason,
        "achievement_rate": _json_rate(m.achievement_rate),
        "pace_rate": _json_rate(m.pace_rate),
        "progress_rate": _json_rate(m.progress_rate),
        "grade": m.grade.grade if m.grade else None,
        "previous": json_value(m.previous),
        "change": m.change.value if m.change else None,
    }


def _indicator_dict(e: Evaluation) -> dict[str, Any]:
    band, change = e.grade, e.change
    single = len(e.metrics) == 1
    return {
        "id": e.indicator.id,
        "name": e.indicator.name,
        "area": e.area_name,
        "initiative": e.initiative_name,
        "departments": list(e.indicator.departments),
        "target": e.target,
        "actual": json_value(e.metrics[0].actual) if single else None,
        "actual_text": actual_text(e),
        "previous": json_value(e.metrics[0].previous) if single else None,
        "status": e.status.value,
        "status_label": STATUS_LABELS[e.status],
        "reason": e.reason,
        "note": e.note,
        "achievement_rate": _json_rate(e.achievement_rate),
        "pace_rate": _json_rate(e.pace_rate),
        "progress_rate": _json_rate(e.progress_rate),
        "grade": band.grade if band else None,
        "grade_label": band.label if band else None,
        "change": change.value if change else None,
        "change_label": CHANGE_LABELS[change] if change else None,
        "analysis": e.analysis,
        "issues": e.issues,
        "direction": e.direction,
        **outlook_fields(e.outlook),
        "metrics": [_metric_dict(m) for m in e.metrics],
    }


def metric_texts(evaluation: Evaluation, text: Callable[[MetricResult], str]) -> str:
    """One text per metric, named where the indicator has several; empty parts left out."""
    parts = [(m.name, shown) for m in evaluation.metrics if (shown := text(m))]
    if len(evaluation.metrics) == 1:
        return parts[0][1] if parts else ""
    return "、".join(f"{name} {shown}" for name, shown in parts)


def large_text(value: object, m: MetricResult) -> str:
    """A number of a metric for a table read by people, written as the plan prints the metric's target
    (15,200名 beside 延べ15,000名; 124億円 beside 130億円); "" for a state or phase (shown as typed)."""
    return quantity_as_printed(value, m.unit, m.target) if isinstance(value, Decimal) else ""


def table_actual(evaluation: Evaluation) -> str:
    """The actual for a table read by people, exact, in the format of the target beside it."""
    return metric_texts(evaluation, lambda m: large_text(m.actual, m) or m.actual_text)


def previous_text(evaluation: Evaluation) -> str:
    """Last year's actual as this year's is shown (a running total to last year for 累計)."""
    return metric_texts(evaluation, lambda m: show_actual(m.previous, m.unit))


def to_dict(report: Report) -> dict[str, Any]:
    """The JSON contract: see README 'JSON output'."""
    return {**_head(report), "indicators": [_indicator_dict(e) for e in report.evaluations]}


def _head(report: Report) -> dict[str, Any]:
    """The contract's keys before "indicators" (the last key), in their order."""
    plan = report.plan
    scale = plan.grading
    return {
        "city": plan.city,
        "city_name": plan.city_name,
        "plan": plan.id,
        "plan_title": plan.title,
        "year": report.year,
        "year_label": f"{report.year}年度（{wareki(report.year)}）",
        "as_of": report.as_of.isoformat(),
        "summary": {status.value: count for status, count in report.summary().items()},
        "outlooks": outlook_counts(report.evaluations),
        "grading": None if scale is None else {"name": scale.name, "grades": scale_grades(scale)},
        "grades": grade_counts(scale, report.evaluations) if scale else None,
        "reduction_rate": plan.reduction_rate.value,  # how an upper bound's achievement_rate was computed
    }


def render_json(report: Report) -> str:
    return "".join(json_chunks(report))


CHUNK = 1 << 16  # characters of JSON gathered before they are handed on: one write each, not one per indicator
ITEM_SEPARATOR = ",\n    "  # between two indicators in "indicators", as indented_json lays them out


def indicator_json(evaluation: Evaluation) -> str:
    """One indicator's part of the contract as it stands in the "indicators" list (two levels in)."""
    return indented_json(_indicator_dict(evaluation), 2)


def json_chunks(report: Report, body: Iterable[str] | None = None) -> Iterator[str]:
    """render_json's text a part at a time, each indicator written as it is made and then let go: a
    large city's document and its dicts are never held whole (issue 23: status's memory). The parts
    joined are indented_json(to_dict(report)) + "\n", byte for byte.

    `body`: the indicators' text already made (indicator_json, joined by ITEM_SEPARATOR), in pieces of any
    size (status_json keeps it compressed); by default made here from the report's evaluations.
    """
    text = indented_json({**_head(report), "indicators": []})
    empty = "[]\n}"  # "indicators" is the last key: the text ends with its empty list and the closing brace
    if not report.evaluations:
        yield text + "\n"
        return
    parts, size = [text[: -len(empty)], "[\n    "], 0
    for piece in _items(report) if body is None else body:
        parts.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    parts.append("\n  ]\n}\n")
    yield "".join(parts)


def _items(report: Report) -> Iterator[str]:
    for n, evaluation in enumerate(report.evaluations):
        yield (ITEM_SEPARATOR if n else "") + indicator_json(evaluation)


# The CSV is for people in Excel: Japanese headers and labels (the JSON keys stay English: they
# are the contract), the status code last for whoever filters by it.
CSV_HEADER = (
    "指標ID", "指標名", "分野", "取組", "担当", "目標", "実績", "前年度実績", "前年度比", "達成率", "状況", "評価",
    "理由", "備考", "要因分析", "課題", "今後の方向性", "status",
)  # fmt: skip


def render_csv(report: Report, outlook: bool = False) -> bytes:
    """UTF-8 with a BOM and CRLF, as Excel on Japanese Windows opens it without mojibake; with `outlook`,
    見込み and its reason before the status code."""
    import csv  # noqa: PLC0415 - only --format csv: the table and the JSON need none

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((*CSV_HEADER[:-1], "見込み", "見込みの理由", CSV_HEADER[-1]) if outlook else CSV_HEADER)
    for e in report.evaluations:
        writer.writerow([guard(cell) for cell in (
            e.indicator.id, e.indicator.name, e.area_name, e.initiative_name, "、".join(e.indicator.departments),
            e.target or "", actual_text(e), previous_text(e), CHANGE_LABELS[e.change] if e.change else "",
            rate_text(e.achievement_rate).replace("―", ""), STATUS_LABELS[e.status],
            grade_text(e.grade, pace=e.grade_pace),
            e.reason, e.note, e.analysis, e.issues, e.direction,
            *((outlook_cell(e.outlook), e.outlook.reason if e.outlook else "") if outlook else ()), e.status.value,
        )])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def guard(cell: str) -> str:
    """A CSV cell Excel shows as text: a leading ' before what would start a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def render_table(report: Report, color: bool = False, width: int = 80, outlook: bool = False) -> str:
    """A table per area (重点戦略/基本方針) with a heading per 取組 and its 担当, fitting `width` columns.

    Long names, targets and actuals wrap inside their column; 担当 is shown once per 取組 heading, not
    on every row; no line is wider than `width` (display width: a kanji counts two).
    """
    width = max(width, 60)
    plan = report.plan
    lines = [
        *wrap(f"{plan.city_name} {plan.title}  {report.year}年度（{wareki(report.year)}）  {report.as_of} 時点", width),
        "",
    ]
    id_width = max([display_width(e.indicator.id) for e in report.evaluations] + [4])  # header "ID" + 2
    status_width = max(display_width(label) for label in STATUS_LABELS.values())
    scale = plan.grading
    rates = {e.indicator.id: rate_text(e.achievement_rate) for e in report.evaluations}
    # tabulate makes a column at least its header's width plus 2 (its MIN_PADDING)
    rate_width = max([display_width(r) for r in rates.values()] + [display_width("達成率") + 2])
    grades = {e.indicator.id: table_grade(e) for e in report.evaluations} if scale else {}
    grade_width = (
        max([display_width(line) for g in grades.values() for line in g.splitlines()] + [display_width("評価") + 2])
        if scale
        else 0
    )
    looks = {e.indicator.id: outlook_cell(e.outlook) for e in report.evaluations} if outlook else {}
    look_width = max([display_width(v) for v in looks.values()] + [display_width("見込み") + 2]) if outlook else 0
    headers = (*TABLE_HEADERS[:4], "達成率", TABLE_HEADERS[4], *(("評価",) if scale else ()), *(("見込み",) * outlook))
    fixed = id_width + rate_width + status_width + grade_width + look_width
    free = width - fixed - 2 * (len(headers) - 1)  # tabulate's "simple" puts two spaces between columns
    # Every text from the files made safe to show (bidi controls visible) before widths are measured.
    actuals = {e.indicator.id: visible_bidi(table_actual(e)) for e in report.evaluations}
    names = {e.indicator.id: visible_bidi(e.indicator.name) for e in report.evaluations}
    cells = {e.indicator.id: visible_bidi(e.target_shown) for e in report.evaluations}
    columns = [[names[e.indicator.id], cells[e.indicator.id], actuals[e.indicator.id]] for e in report.evaluations]
    natural = [
        max([display_width(row[i]) for row in columns] + [display_width(TABLE_HEADERS[i + 1]) + 2]) for i in range(3)
    ]
    name_w, target_w, actual_w = _share_columns(natural, free)
    for area in plan.areas:
        shown = [e for e in report.evaluations if e.indicator.area == area.id]
        if not shown:
            continue
        rows = [
            # A name of only spaces or line breaks is shown blank: tabulate 0.10 takes such a wrapped
            # cell for a number and fails (found by tests/test_hostile.py).
            [visible_bidi(e.indicator.id), names[e.indicator.id] if e.indicator.name.strip() else "",
             cells[e.indicator.id], actuals[e.indicator.id], rates[e.indicator.id],
             painted(e.status, STATUS_LABELS[e.status], color),
             *((grades[e.indicator.id],) if scale else ()), *((looks[e.indicator.id],) if outlook else ())]
            for e in shown
        ]  # fmt: skip
        table = text_table(
            _wrapped(rows, [None, name_w, target_w, actual_w]),
            headers,
            colalign=("left", "left", "left", "left", "right", "left", "left", "left")[: len(headers)],
        ).splitlines()
        headings = _initiative_headings(report, shown, width)
        lines += wrap(f"■ {area.name}", width)
        lines += table[:2]
        for line in table[2:]:
            first = line.split(" ", 1)[0]
            lines += headings.pop(first, [])
            lines.append(line)
        lines.append("")
    lines += _summary_lines(report, color, width)
    lines += wrap(outlook_line(report.evaluations), width) if outlook else []
    return "\n".join(lines) + "\n"


def text_table(rows: list[list[Any]], headers: tuple[str, ...], **options: Any) -> str:
    """Every terminal table of kpicheck, through tabulate as text only: each cell a string with its bidi
    controls made visible, and no number parsing, so that a name reading `1e5`, `1_000`, `NaN` or `inf`
    is shown as written, never as tabulate's number (100000.0, 1000, nan) nor aligned as one."""
    from tabulate import tabulate  # noqa: PLC0415 - wcwidth tables are slow to import; json/csv never need them

    cells = [[visible_bidi(str(cell)) for cell in row] for row in rows]
    return tabulate(cells, headers=headers, tablefmt="simple", disable_numparse=True, **options)


def table_grade(evaluation: Evaluation) -> str:
    """The status table's 評価 cell: B, or with the 目安比 it was read from on two lines (B（目安比 / 96.0%）),
    9 columns wide rather than 17, so that a graded table still fits 80 columns."""
    return grade_text(evaluation.grade, long=False, pace=evaluation.grade_pace, gap="\n")


def _summary_lines(report: Report, color: bool, width: int) -> list[str]:
    """計 33 指標: 達成 13  未達成 0 …, broken between items (not inside one) to fit `width`."""
    counts = report.summary()
    line = f"計 {len(report.evaluations)} 指標:"
    lines, used, gap = [], display_width(line), " "
    for status in Status:
        plain = f"{STATUS_LABELS[status]} {counts[status]}"
        if used + len(gap) + display_width(plain) > width:
            lines.append(line)
            line, used, gap = "", 0, "  "
        line += gap + painted(status, plain, color)
        used += len(gap) + display_width(plain)
        gap = "  "
    lines.append(line)
    return lines


def _share_columns(natural: list[int], free: int) -> list[int]:
    """Widths for 指標, 目標, 実績 within `free`: a column that fits keeps its width, the rest share what is left."""
    widths = [0, 0, 0]
    open_columns = [0, 1, 2]
    while open_columns:
        share = free // len(open_columns)
        fitting = [i for i in open_columns if natural[i] <= share]
        if not fitting:
            for i in open_columns:
                widths[i] = max(share, 8)
            break
        for i in fitting:
            widths[i] = natural[i]
            free -= natural[i]
            open_columns.remove(i)
    return widths


def _initiative_headings(report: Report, shown: list[Evaluation], width: int) -> dict[str, list[str]]:
    """The heading lines to put before the first row of each 取組: its name and its 担当, once."""
    headings: dict[str, list[str]] = {}
    seen: set[str] = set()
    for e in shown:
        if e.indicator.initiative in seen:
            continue
        seen.add(e.indicator.initiative)
        initiative = next((i for i in report.plan.initiatives if i.id == e.indicator.initiative), None)
        departments = "、".join(initiative.departments if initiative else e.indicator.departments)
        text = f"◆ {e.initiative_name}" + (f"（担当: {departments}）" if departments else "")
        headings[visible_bidi(e.indicator.id)] = wrap(text, width, indent="  ")  # keyed as the row shows it
    return headings


def display_width(text: str) -> int:
    """Columns a terminal gives `text` (East Asian wide characters take two)."""
    from wcwidth import wcswidth  # noqa: PLC0415 - as tabulate

    found = wcswidth(text)
    return found if found >= 0 else len(text)


def _wrapped(rows: list[list[str]], widths: list[int | None]) -> list[list[str]]:
    """Cells wrapped to their column's width as tabulate's maxcolwidths would, done here: tabulate casts a
    cell reading True or False to a bool before wrapping it and fails (found by tests/test_hostile.py)."""
    import tabulate as module  # noqa: PLC0415 - tabulate's own wrapper (held below 0.10), for the same lines

    wrapper = module._CustomTextWrap  # type: ignore[attr-defined]  # not in the stubs
    wrappers: list[Any] = [None if width is None else wrapper(width=width) for width in widths]
    wrappers += [None] * (max((len(row) for row in rows), default=0) - len(wrappers))
    return [
        [
            cell if wrap_to is None else "\n".join(wrap_to.wrap(cell))
            for cell, wrap_to in zip(row, wrappers, strict=False)
        ]
        for row in rows
    ]


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Lines of at most `width` display columns (Japanese has no spaces to break at: break anywhere), bidi
    controls made visible (what is wrapped here is shown on a terminal)."""
    from wcwidth import wcwidth  # noqa: PLC0415 - as tabulate

    text = visible_bidi(text)
    lines: list[str] = []
    line, used = "", 0
    for ch in text:
        size = max(wcwidth(ch), 0)
        if used + size > width:
            lines.append(line)
            line, used = indent, display_width(indent)
        line += ch
        used += size
    lines.append(line)
    return lines


def plan_rows(plans: list[Plan]) -> list[dict[str, Any]]:
    return [
        {
            "city": p.city,
            "city_name": p.city_name,
            "plan": p.id,
            "title": p.title,
            "first_year": p.first_year,
            "last_year": p.last_year,
            "indicators": len(p.indicators),
        }
        for p in plans
    ]


def render_plans(plans: list[Plan], output: str) -> str:
    """`kpicheck list`: cities, their plans, periods and indicator counts."""
    rows = plan_rows(plans)
    if output == "json":
        import json  # noqa: PLC0415 - list and show only: status writes its JSON with json_text

        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    table = [
        [r["city"], r["city_name"], r["plan"], r["title"], f"{r['first_year']}～{r['last_year']}年度", r["indicators"]]
        for r in rows
    ]
    headers = ("city", "市", "plan", "計画", "期間", "指標数")
    cities = len({r["city"] for r in rows})
    return text_table(table, headers) + f"\n\n{cities} 市, {len(rows)} 計画\n"


def reading_rows(plan: Plan, indicators: list[Indicator], year: int | None) -> list[dict[str, Any]]:
    rows = []
    for indicator in indicators:
        yearly = [t for y, t in sorted(indicator.targets.items()) if year is None or y == year]
        for target in [*yearly, *([indicator.due] if indicator.due else [])]:
            rows.append(
                {
                    "plan": plan.id,
                    "indicator": indicator.id,
                    "name": indicator.name,
                    "year": target.year,
                    "target": target.text,
                    "due": target.due_text or None,
                    "reading": "; ".join(describe(rule) for rule in target.rules),
                }
            )
        if not indicator.targets and not indicator.due:
            rows.append({"plan": plan.id, "indicator": indicator.id, "name": indicator.name, "year": None,
                         "target": "", "due": None, "reading": "目標・目標時期の記載なし"})  # fmt: skip
    return rows


READING_HEADERS = ("ID", "指標", "年度/期限", "目標（計画の記載）", "読み取り")


def render_readings(plan: Plan, indicators: list[Indicator], year: int | None, output: str, width: int = 80) -> str:
    """`kpicheck show`: each target cell as printed and the rule it was read as, `width` columns wide:
    the id and year whole, the name, the cell and its reading wrapped by display width."""
    rows = reading_rows(plan, indicators, year)
    if output == "json":
        import json  # noqa: PLC0415 - list and show only: status writes its JSON with json_text

        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    fields = ("indicator", "name", "due", "target", "reading")
    table = [[visible_bidi(str((r["due"] or r["year"] or "") if f == "due" else r[f])) for f in fields] for r in rows]
    least = [display_width(h) + 2 for h in READING_HEADERS]  # tabulate pads a header by 2
    whole = [max(least[i], *(display_width(row[i]) for row in table)) for i in (0, 2)]
    rest = width - sum(whole) - 8  # tabulate's two spaces between the five columns
    name, cell = max(rest * 3 // 10, least[1]), max(rest * 3 // 10, least[3])
    widths: list[int | None] = [None, name, None, cell, max(rest - name - cell, least[4])]
    heading = f"{plan.city_name} {plan.title}（{plan.first_year}～{plan.last_year}年度） {plan.path}"
    title = "\n".join(wrap(heading, width))
    body = text_table(_wrapped(table, widths), READING_HEADERS)
    return f"{title}\n{body}\n"
