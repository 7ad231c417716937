"""targets/<city>/<plan>.toml -> Plan, collecting every problem with its place.

This module knows the file's format: its tables and keys and the records they make. What the
cells mean is schedule.py's; finding the line a key stands on is toml_reader.py's.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from kpicheck.cells import DASHES, CellContext, PhraseError
from kpicheck.draft_marks import marks_problem
from kpicheck.errors import Problem, Severity
from kpicheck.inputs import InputError, read_input
from kpicheck.models import (
    COUNTS_LABELS,
    Area,
    Counts,
    Indicator,
    Initiative,
    Metric,
    Place,
    Plan,
    Target,
    ValueKind,
)
from kpicheck.periods import clean, normalize, parse_year
from kpicheck.plan_head import phase_words, settings
from kpicheck.plan_rows import RowReader
from kpicheck.quantities import Baseline, read_baseline
from kpicheck.schedule import due_target, every_year, scheduled_work, settle
from kpicheck.toml_reader import Lines, Reader, TOMLDecodeError, Unusual, by_blocks, loads, syntax_error_place

SINGLE_METRIC = "value"
# A plan of this many characters or more is parsed a few [[indicators]] at a time (toml_reader.by_blocks): the
# parser's tables of the whole file take about 6 times its text (28 MiB for 4.4 MB). A smaller one is parsed
# at once, which is faster (a national summary's 1,741 plans of 10,000 characters: 8% of their reading).
BY_BLOCKS = 256 * 1024
SCHEMA = 1
# A plan's tables as its messages name them: the word a reader knows, and the table to edit.
TABLES = {"area": "分野（[[areas]]）", "initiative": "取組（[[initiatives]]）", "indicator": "指標（[[indicators]]）"}

# Every key a target file may hold, per table (docs/targets-format.md). Another key is KC210.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "file": frozenset({"schema", "plan", "areas", "initiatives", "indicators"}),
    "plan": frozenset({
        "id", "city", "city_name", "title", "issued", "first_year", "last_year", "source", "phases",
        "phase_aliases", "carry_forward", "milestone_words", "neutral_words", "pace_tolerance",
        "grading", "directions", "reduction_rate", "outlook",
    }),
    "area": frozenset({"id", "name"}),
    "initiative": frozenset({"id", "area", "name", "departments"}),
    "indicator": frozenset({
        "id", "initiative", "name", "departments", "category", "note", "unit", "counts", "match", "baseline",
        "metrics", "targets", "target", "due", "start", "schedule", "continuous", "part", "schedule_ends",
        "missing_in_source", "review",
    }),
    "metric": frozenset({"id", "name", "unit", "counts", "match", "baseline"}),
}  # fmt: skip
COUNTS = {c.value: c for c in Counts}  # `counts = "level"` -> Counts.LEVEL


def load_plan(path: Path, display: str | None = None) -> tuple[Plan | None, list[Problem]]:
    """Read one plan file. Returns the plan (None if it cannot be built) and every problem found."""
    shown = display or str(path)
    try:
        raw = read_input(path)
    except InputError as exc:
        return None, [Problem(shown, None, None, exc.code, str(exc))]
    return parse_plan(raw, shown)


def parse_plan(raw: bytes, shown: str) -> tuple[Plan | None, list[Problem]]:
    """The plan in a file's bytes (named `shown` in problems), and every problem found."""
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = raw.count(b"\n", 0, exc.start) + 1
        return None, [
            Problem(
                shown,
                bad_line,
                None,
                "KC001",
                f"UTF-8 ではありません（{exc.start} バイト目）。TOML ファイルは UTF-8 で保存してください",
            )
        ]
    return read_plan(source, shown)


def read_plan(source: str, shown: str) -> tuple[Plan | None, list[Problem]]:
    """Read a plan from its TOML text (`kpicheck import` checks its draft through this, as validate reads files)."""
    data = by_blocks(source, "indicators") if len(source) >= BY_BLOCKS else None
    if data is not None:  # the indicators a few at a time: the parser's tables of a large plan are not all held
        reader = Reader(shown, Lines(source), nested="indicators", source=source)
        try:
            plan = _build_plan(data, reader)
            data["indicators"].finish()  # a TOML error in a block the plan did not read is still the file's
        except Unusual:
            pass  # a block that does not parse alone: the whole text, below, says what is wrong
        else:
            return plan, reader.problems
    try:
        data = loads(source)
    except TOMLDecodeError as exc:
        line, column = syntax_error_place(exc)
        message = str(exc).split(" (at line")[0]
        return None, [Problem(shown, line, column, "KC201", f"TOML の構文エラー: {message}")]
    except RecursionError:
        return None, [
            Problem(shown, None, None, "KC201", "TOML の入れ子が深すぎます（配列やテーブルの中の配列やテーブル）")
        ]
    reader = Reader(shown, Lines(source), nested="indicators", source=source)
    plan = _build_plan(data, reader)
    return plan, reader.problems


def _plan_table(data: dict[str, Any], r: Reader) -> tuple[dict[str, Any], int | None] | None:
    """The [plan] table and its line, after checking the file's top level (schema, known keys)."""
    r.unknown_keys(data, KNOWN_KEYS["file"], "ファイル", 1, top=True)
    schema = data.get("schema")
    if schema is None:
        r.problem("KC202", f"先頭に schema = {SCHEMA} がありません（このファイルの書式の版）", 1)
    elif schema != SCHEMA or isinstance(schema, bool):
        r.problem(
            "KC202", f"schema = {schema!r}: この kpicheck が読むのは schema {SCHEMA} です", r.line_of(r"^\s*schema\s*=")
        )
    head = data.get("plan")
    if isinstance(head, list):
        message = "[plan] はテーブル 1 つにしてください（テーブルの配列 [[plan]] ではなく）"
        r.problem("KC202", message, r.line_of(r"^\s*\[\[plan\]\]"))
        return None
    if not isinstance(head, dict):
        r.problem("KC202", "[plan] テーブルがありません", 1)
        return None
    plan_line = r.line_of(r"^\s*\[plan\]") or r.line_of(r"^\s*plan\s*=")
    r.unknown_keys(head, KNOWN_KEYS["plan"], "[plan]", plan_line)
    return head, plan_line


def _build_plan(data: dict[str, Any], r: Reader) -> Plan | None:
    found = _plan_table(data, r)
    if found is None:
        return None
    head, plan_line = found
    first, last = head.get("first_year"), head.get("last_year")
    if not all(isinstance(y, int) and not isinstance(y, bool) and 1900 <= y <= 2200 for y in (first, last)):
        r.problem("KC202", "[plan] には年度で first_year と last_year が必要です（例: 2026）", plan_line)
        return None
    assert isinstance(first, int) and isinstance(last, int)
    if not first <= last <= first + 30:
        r.problem(
            "KC202",
            f"[plan] 期間 {first}～{last}: first_year は last_year 以前、かつ 30 年以内にしてください",
            plan_line,
        )
        return None
    if not isinstance(head.get("carry_forward", False), bool):
        r.problem("KC202", "[plan] carry_forward は true か false にしてください", plan_line)
    phases, aliases = phase_words(head, r, plan_line)
    words = {key: r.texts(head, key, "[plan]", plan_line) for key in ("milestone_words", "neutral_words")}
    for key, listed in words.items():
        if any(not normalize(w) for w in listed):
            r.problem(
                "KC202", f"[plan] {key}: 空の語はどんな文字列にも一致してしまいます", r.line_of_key(key, plan_line)
            )
    areas = _areas(data, r)
    initiatives = _initiatives(data, r, {a.id for a in areas})
    base_ctx = CellContext(
        metrics=(),
        phases=phases,
        phase_aliases=tuple(aliases.items()),
        milestone_words=tuple(normalize(w) for w in words["milestone_words"] if normalize(w)),
        carry_forward=bool(head.get("carry_forward", False)),
        neutral_words=tuple(normalize(w) for w in words["neutral_words"] if normalize(w)),
    )
    rows = RowReader(base_ctx, first, last)
    indicators = _indicators(data, r, {i.id: i for i in initiatives}, rows)
    return Plan(
        **settings(head, r, plan_line),
        city=r.text(head, "city", "[plan]", plan_line),
        city_name=r.text(head, "city_name", "[plan]", plan_line),
        title=r.text(head, "title", "[plan]", plan_line),
        issued=r.text(head, "issued", "[plan]", plan_line, required=False),
        first_year=first,
        last_year=last,
        areas=tuple(areas),
        initiatives=tuple(initiatives),
        indicators=tuple(indicators),
        phases=phases,
        phase_aliases=dict(aliases),
        path=r.path,
    )


def _unique(r: Reader, kind: str, ids: Iterable[tuple[str, int | None]]) -> None:
    """KC204 for an id met twice, compared in canonical form (1−1−1 is 1-1-1), naming the first one's line."""
    seen: dict[str, int | None] = {}
    for item_id, line in ids:
        if item_id in seen:
            first = f"（{seen[item_id]} 行目の id と同じ。ダッシュの種類や見えない文字の違いは同じ id とみなします）"
            said = first if seen[item_id] is not None and seen[item_id] != line else ""
            r.problem("KC204", f"{TABLES.get(kind, kind)} の id {item_id!r} が重複しています{said}", line)
        seen.setdefault(item_id, line)


def _areas(data: dict[str, Any], r: Reader) -> list[Area]:
    areas = []
    lines = []
    start = r.line_of(r"^\[\[areas\]\]") or 0
    for table in r.tables(data, "areas"):
        line = r.line_of_id(table.get("id"), start)
        where = TABLES["area"]
        r.unknown_keys(table, KNOWN_KEYS["area"], where, line)
        areas.append(Area(r.ident(table, where, line), r.text(table, "name", where, line)))
        lines.append(line)
    _unique(r, "area", zip((a.id for a in areas), lines, strict=True))
    return areas


def _initiatives(data: dict[str, Any], r: Reader, area_ids: set[str]) -> list[Initiative]:
    result = []
    lines = []
    start = r.line_of(r"^\[\[initiatives\]\]") or 0
    for table in r.tables(data, "initiatives"):
        line = r.line_of_id(table.get("id"), start)
        where = TABLES["initiative"]
        r.unknown_keys(table, KNOWN_KEYS["initiative"], where, line)
        item = Initiative(
            id=r.ident(table, where, line),
            area=normalize(r.text(table, "area", where, line)),
            name=r.text(table, "name", where, line),
            departments=r.texts(table, "departments", where, line),
        )
        if item.area not in area_ids:
            r.problem(
                "KC206", f"取組 {item.id!r} の area = {item.area!r}: その id の分野が [[areas]] にありません", line
            )
        result.append(item)
        lines.append(line)
    _unique(r, "initiative", zip((i.id for i in result), lines, strict=True))
    return result


def _metrics(table: dict[str, Any], r: Reader, where: str, line: int | None, phased: bool) -> tuple[Metric, ...]:
    specs = table.get("metrics")
    if specs is None:
        specs = [
            {
                "id": SINGLE_METRIC,
                "name": table.get("name", ""),
                **{k: table[k] for k in ("unit", "counts", "match", "baseline") if k in table},
            }
        ]
    if not isinstance(specs, list) or not specs or not all(isinstance(s, dict) for s in specs):
        r.problem("KC202", f"{where}: metrics は空でないテーブルの配列にしてください", line)
        return ()
    metrics = []
    nested = "metrics" in table
    for spec in specs:
        unit = spec.get("unit")
        declared = "counts" in spec
        counts_text = spec.get("counts", "level")
        counts = COUNTS.get(counts_text) if isinstance(counts_text, str) else None
        if counts is None:
            r.problem(
                "KC202",
                f"{where}: counts は per_year、level、cumulative のいずれかにしてください（{counts_text!r} は不可）",
                line,
            )
            counts_text, counts = "level", COUNTS["level"]
        if unit is not None and not isinstance(unit, str):
            r.problem("KC202", f"{where}: unit は文字列にしてください", line)
            unit = None
        kind = ValueKind.NUMBER if unit is not None else ValueKind.PHASE if phased else ValueKind.STATE
        baseline = None
        if "baseline" in spec:
            baseline = _metric_baseline(spec, unit, counts_text, declared, r, where, line)
        if nested:
            r.unknown_keys(spec, KNOWN_KEYS["metric"], f"{where} の項目", line)
        metrics.append(
            Metric(
                id=r.ident(spec, f"{where} の項目", line),
                name=r.text(spec, "name", where, line),
                unit=unit,
                counts=counts,
                match=r.texts(spec, "match", where, line),
                kind=kind,
                counts_declared=declared,
                baseline=baseline.value if baseline else None,
                baseline_year=baseline.year if baseline else None,
                baseline_counts=baseline.counts if baseline else None,
            )
        )
    if len(metrics) > 1:
        _unique(r, f"{where} の項目", ((m.id, line) for m in metrics))
    return tuple(metrics)


def _metric_baseline(
    spec: dict[str, Any], unit: str | None, counts_text: str, declared: bool, r: Reader, where: str, line: int | None
) -> Baseline | None:
    """A metric's baseline, its problems at its own line (a metric's: the block's first baseline)."""
    place, before = functools.partial(r.line_of_key, "baseline", line), len(r.problems)
    baseline = _baseline(spec.get("baseline"), unit, r, where, line)
    if len(r.problems) > before:
        r.problems[before:] = [p._replace(line=place()) for p in r.problems[before:]]
    if baseline and baseline.counts and declared and baseline.counts != counts_text:
        r.problem(
            "KC202",
            f"{where}: 基準値 {spec['baseline']['value']!r} は{COUNTS_LABELS[baseline.counts]}ですが、"
            f"counts = {counts_text!r} です（どちらかを直してください）",
            place(),
        )
    return baseline


def _baseline(spec: object, unit: str | None, r: Reader, where: str, line: int | None) -> Baseline | None:
    """baseline = { value = "60分", year = "令和4年度" }: the plan's 基準値/現状値 as printed, read as a cell's
    baseline is (1,234件(2020), (令和2年度) 45.0%, 約3,000人, 12件/年; ― for none)."""
    if spec is None:
        return None
    shape = 'baseline は { value = "60分", year = "令和4年度" } の形にしてください（year は省略可）'
    if not isinstance(spec, dict) or not isinstance(spec.get("value"), str) or set(spec) - {"value", "year"}:
        r.problem("KC202", f"{where}: {shape}", line)
        return None
    printed = spec["value"]
    if not any(ch.isdigit() for ch in normalize(printed)) and normalize(printed) not in DASHES:
        r.problem("KC202", f'{where}: baseline.value {printed!r} が数値ではありません（例: "60分", "39%"）', line)
        return None
    try:
        baseline = read_baseline(printed, CellContext(()))
    except PhraseError as exc:
        r.problem("KC202", f"{where}: 基準値（baseline.value）: {exc}", line)
        return None
    if baseline is None:
        return None
    if baseline.unit and unit is not None and baseline.unit != normalize(unit):
        r.problem(
            "KC202",
            f"{where}: 基準値 {printed!r} の単位は {baseline.unit!r}、この指標の単位（unit）は {unit!r} です"
            f"（基準値を {unit} で書いてください）",
            line,
        )
        return None
    year_text = spec.get("year")
    if year_text is None:
        return baseline
    try:
        year = parse_year(str(year_text))
    except ValueError as exc:
        r.problem("KC202", f"{where}: baseline.year: {exc}", line)
        return None
    if baseline.year is not None and baseline.year != year:
        r.problem(
            "KC202",
            f"{where}: 基準値 {printed!r} は {baseline.year}年度、baseline.year は {year}年度です"
            "（どちらかに揃えるか、year を消してください）",
            line,
        )
        return None
    return baseline._replace(year=year)


def _indicators(
    data: dict[str, Any],
    r: Reader,
    initiatives: dict[str, Initiative],
    rows: RowReader,
) -> list[Indicator]:
    result = []
    lines = []
    section = r.line_of(r"^\[\[indicators\]\]") or 0
    for table in r.tables(data, "indicators"):
        line = r.line_of_id(table.get("id"), section)
        section = line or section
        ident = r.ident(table, f"{section} 行目以降の指標", line or section)
        if not ident:
            continue
        first_problem = len(r.problems)
        indicator = _indicator(table, ident, line, r, initiatives, rows)
        # This indicator's problems concern it (a year's cell: that year, said where it was read): status
        # and report show it as 評価不能 and the others as usual.
        r.problems[first_problem:] = [p._replace(indicator=ident) for p in r.problems[first_problem:]]
        if indicator is not None:
            result.append(indicator)
            lines.append(line)
    _unique(r, "indicator", zip((i.id for i in result), lines, strict=True))
    return result


def _indicator(
    table: dict[str, Any],
    ident: str,
    line: int | None,
    r: Reader,
    initiatives: dict[str, Initiative],
    rows: RowReader,
) -> Indicator | None:
    """One [[indicators]] table, or None after reporting why it cannot be read."""
    where = f"指標 {ident}"
    r.unknown_keys(table, KNOWN_KEYS["indicator"], where, line)
    if not isinstance(table.get("missing_in_source", ""), str):
        r.problem("KC202", f"{where}: missing_in_source は何が失われたかを書いた文にしてください", line)
    initiative = initiatives.get(normalize(r.text(table, "initiative", where, line)))
    if initiative is None:
        said = f"initiative = {table.get('initiative')!r}: その id の取組が [[initiatives]] にありません"
        r.problem("KC206", f"{where}: {said}", line)
        return None
    base, first, last = rows.base, rows.first, rows.last
    yearly = "targets" in table
    phased = bool(base.phases) and yearly
    clash = [key for key in ("target", "due", "start", "schedule", "continuous") if key in table]
    if yearly and clash:
        r.problem("KC202", f"{where}: 年度ごとの targets と {', '.join(clash)} はどちらか一方にしてください", line)
    metrics = _metrics(table, r, where, line, phased)
    if not metrics:
        return None
    if yearly:
        missing = bool(table.get("missing_in_source"))
        targets, settled_metrics, faults = _yearly_targets(table, r, rows, metrics, where, line, missing)
        due = None
    else:
        ctx = replace(base, metrics=metrics)
        due = _due_target(table, r, ctx, where, line, first, last)
        settled = settle(metrics, _continuous(table, r, ctx, where, line, first, last), due)
        targets, settled_metrics, faults, due = settled.targets, settled.metrics, settled.faults, settled.due
    for fault in faults:
        r.problem("KC203", f"{where}: {fault}", line)
    _review(table, r, ident, line, first, last)
    departments = r.texts(table, "departments", where, line) or initiative.departments
    return Indicator(
        id=ident,
        name=r.text(table, "name", where, line),
        area=initiative.area,
        initiative=initiative.id,
        departments=departments,
        metrics=settled_metrics,
        targets=targets,
        due=due,
        category=r.text(table, "category", where, line, required=False),
        note=r.text(table, "note", where, line, required=False),
        place=Place(r.path, line),
    )


def _review(table: dict[str, Any], r: Reader, ident: str, line: int | None, first: int, last: int) -> None:
    """`review = ["counts", "targets.2026"]`, a draft's marks: KC409 (a warning) while any is left."""
    found = marks_problem(table["review"], ident, first, last) if "review" in table else None
    if found is not None:
        severity = Severity.WARNING if found[0] == "KC409" else Severity.ERROR
        r.problems.append(Problem(r.path, r.line_of_key("review", line) or line, None, *found, severity))


def _yearly_targets(
    table: dict[str, Any],
    r: Reader,
    rows: RowReader,
    metrics: tuple[Metric, ...],
    where: str,
    line: int | None,
    missing: bool,
) -> tuple[dict[int, Target], tuple[Metric, ...], tuple[str, ...]]:
    """The yearly targets, the metrics as their cells settle them, and settle's faults (each row read once)."""
    cells = table["targets"]
    if not isinstance(cells, dict):
        r.problem("KC202", f'{where}: targets は 年度 = "セル" のテーブルにしてください', line)
        settled = settle(metrics, {}, None)
        return settled.targets, settled.metrics, settled.faults
    part = _part(table, r, where, line)
    ends = _schedule_ends(table, r, where, line, rows.first, rows.last)
    row, settled_metrics = rows.read(cells, metrics, ends, part, missing)
    for note in row.notes:
        place = line if note.line_key is None else r.line_of_key(note.line_key, line)
        r.problem(note.code, f"{where}{note.message}", place)
        if note.year is not None:  # that year's cell (the indicator: _indicators)
            r.problems[-1] = r.problems[-1]._replace(year=note.year)
    return row.targets, settled_metrics, row.faults


def _part(table: dict[str, Any], r: Reader, where: str, line: int | None) -> int | None:
    """`part = 2`: the row's own activity is the 2nd of each printed cell's ・-separated list."""
    part = table.get("part")
    if part is None:
        return None
    if not isinstance(part, int) or isinstance(part, bool) or not 1 <= part <= 20:
        r.problem("KC202", f"{where}: part は 1 以上の整数にしてください（セル内での取組の順番）", line)
        return None
    return part


def _schedule_ends(table: dict[str, Any], r: Reader, where: str, line: int | None, first: int, last: int) -> int:
    """`schedule_ends = 2023`: the plan's bars stop there, so later blank years carry nothing."""
    ends = table.get("schedule_ends", last)
    if not isinstance(ends, int) or isinstance(ends, bool) or not first <= ends <= last:
        r.problem("KC202", f"{where}: schedule_ends は計画期間内の年度にしてください（{first}～{last}）", line)
        return last
    return ends


def _continuous(
    table: dict[str, Any], r: Reader, ctx: CellContext, where: str, line: int | None, first: int, last: int
) -> dict[int, Target]:
    """`continuous = true` (every plan year) or the printed `schedule` cells: 取組 to carry out each year."""
    flag = table.get("continuous", False)
    schedule = table.get("schedule")
    if not isinstance(flag, bool):
        r.problem("KC202", f"{where}: continuous は true か false にしてください", line)
        return {}
    if flag:
        if schedule is not None:
            r.problem("KC202", f"{where}: continuous = true と schedule はどちらか一方にしてください", line)
        return every_year(ctx.metrics[0].id, first, last)
    if schedule is None:
        return {}
    if not isinstance(schedule, dict) or not all(isinstance(v, str) for v in schedule.values()):
        r.problem("KC202", f'{where}: schedule は 年度 = "セル" のテーブルにしてください', line)
        return {}
    extra = sorted(set(schedule) - {str(y) for y in range(first, last + 1)})
    if extra:
        r.problem("KC202", f"{where}: 計画期間外の年度の schedule: {', '.join(extra)}", line)
    cells = {year: clean(schedule.get(str(year), "")) for year in range(first, last + 1)}
    return scheduled_work(cells, ctx.metrics[0].id)


def _due_target(
    table: dict[str, Any], r: Reader, ctx: CellContext, where: str, line: int | None, first: int, last: int
) -> Target | None:
    text = r.text(table, "target", where, line, required="due" in table)
    due_text = r.text(table, "due", where, line, required=False)
    start_text = r.text(table, "start", where, line, required=False)
    try:
        return due_target(text, due_text, start_text, ctx, first, last)
    except PhraseError as exc:
        r.problem(exc.code, f"{where}: {exc}", line)
        return None
