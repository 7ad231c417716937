"""Indicator rows -> the draft target file (TOML), read back by the loader validate uses.

Each line of the draft remembers the table cell it came from, so a problem the loader finds in the
draft is reported at the table's row and column. The writing functions take a Draft, an immutable
record of what was read, and return text or problems: none relies on another having run before it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kpicheck.cells import DASHES
from kpicheck.errors import Problem, Severity
from kpicheck.kpi_rows import Declared, Row
from kpicheck.kpi_table import Column
from kpicheck.models import Indicator, Plan
from kpicheck.periods import normalize
from kpicheck.targets import SCHEMA, read_plan

NO_AREA = "（分野の記載なし）"
NO_INITIATIVE = "（取組の記載なし）"


@dataclass(frozen=True)
class Head:
    """The [plan] table's values: from the command line, and the table file's name as source."""

    id: str
    city: str
    city_name: str | None
    title: str
    issued: str | None
    source: str


@dataclass(frozen=True)
class Area:
    """A 分野, numbered in the order the table first names it."""

    id: str
    name: str


@dataclass(frozen=True)
class Initiative:
    """A 取組, numbered within its 分野 in the order the table first names it."""

    id: str
    area: str  # the area's id
    name: str
    departments: tuple[str, ...]  # of all its rows, in the order first written


@dataclass(frozen=True)
class Entry:
    """An indicator row with the id the draft gives it and the initiative it belongs to."""

    row: Row
    id: str
    initiative: Initiative


@dataclass(frozen=True)
class Draft:
    """The table as areas, initiatives and indicators: what every writing function here reads."""

    head: Head
    shown: str  # the table's name in problems
    columns: tuple[Column, ...]
    rows: tuple[Entry | Row, ...]  # in table order: an Entry per indicator row, the Row of one without 指標
    areas: tuple[Area, ...]
    initiatives: tuple[Initiative, ...]
    name_column: int
    year_columns: dict[int, int]  # fiscal year -> column number
    target_columns: frozenset[int]  # the year columns' numbers
    first: int
    last: int

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(row for row in self.rows if isinstance(row, Entry))

    def column(self, role: str) -> int | None:
        """The number of the first column holding `role`, or None."""
        return next((c.number for c in self.columns if c.role == role), None)


@dataclass(frozen=True)
class Written:
    """A draft's TOML text, the table cell each line came from and the table row of each [[indicators]] line."""

    text: str
    places: dict[int, tuple[int, int]]  # TOML line -> table row and column
    starts: dict[int, int]  # TOML line of [[indicators]] -> table row


@dataclass(frozen=True)
class Reading:
    """What the loader made of a draft: its indicators by table row, its problems at the table's places."""

    indicators: dict[int, Indicator]
    problems: list[Problem]


def lay_out(rows: Sequence[Row], columns: Sequence[Column], head: Head, shown: str) -> Draft:
    """The rows grouped as the target file groups them: areas and initiatives numbered in table order, ids given."""
    areas: dict[str, Area] = {}  # normalised name -> area
    initiatives: dict[tuple[str, str], tuple[str, str, list[str]]] = {}  # (area id, name) -> (id, name, departments)
    given: dict[int, tuple[str, tuple[str, str]]] = {}  # table row -> (indicator id, initiative key)
    counters: dict[str, int] = {}
    for row in rows:
        if row.orphan:
            continue
        area_key = normalize(row.area)
        if area_key not in areas:
            areas[area_key] = Area(str(len(areas) + 1), row.area or NO_AREA)
        area_id = areas[area_key].id
        key = (area_id, normalize(row.initiative))
        if key not in initiatives:
            number = sum(1 for a, _ in initiatives if a == area_id) + 1
            initiatives[key] = (f"{area_id}-{number}", row.initiative or NO_INITIATIVE, [])
        initiative_id, _, departments = initiatives[key]
        departments += [d for d in row.departments if d not in departments]
        counters[initiative_id] = counters.get(initiative_id, 0) + 1
        given[row.line] = (row.ident or f"{initiative_id}-{counters[initiative_id]}", key)
    made = {key: Initiative(i, key[0], name, tuple(deps)) for key, (i, name, deps) in initiatives.items()}
    year_columns = {c.year: c.number for c in columns if c.year is not None}
    return Draft(
        head=head,
        shown=shown,
        columns=tuple(columns),
        rows=tuple(row if row.orphan else Entry(row, given[row.line][0], made[given[row.line][1]]) for row in rows),
        areas=tuple(areas.values()),
        initiatives=tuple(made.values()),
        name_column=next(c.number for c in columns if c.role == "name"),
        year_columns=year_columns,
        target_columns=frozenset(year_columns.values()),
        first=min(year_columns),
        last=max(year_columns),
    )


def read_back(draft: Draft, declared: Mapping[int, Declared]) -> Reading:
    """The draft, with `declared` (by table row), read by the loader validate uses."""
    written = write(draft, declared, {})
    plan, problems = read_plan(written.text, draft.shown)
    return Reading(_indicators(written, plan), _placed(draft, written, problems))


def render(draft: Draft, declared: Mapping[int, Declared], problems: Iterable[Problem]) -> str:
    """The final draft, with each error noted above the indicator whose row it concerns."""
    notes: dict[int, list[str]] = {}
    for problem in problems:
        if problem.severity is Severity.ERROR and problem.line is not None:
            where = f"{problem.column} 列目" if problem.column else "この行"
            notes.setdefault(problem.line, []).append(f"要確認 {problem.code}（{where}）: {problem.message}")
    return write(draft, declared, notes).text


def _indicators(written: Written, plan: Plan | None) -> dict[int, Indicator]:
    """The loader's indicators by the table row they were written from."""
    if plan is None:
        return {}
    starts = sorted(written.starts)
    found = {}
    for indicator in plan.indicators:
        line = indicator.place.line
        block = bisect.bisect_right(starts, line or 0) - 1
        if line is not None and block >= 0:
            found[written.starts[starts[block]]] = indicator
    return found


def _placed(draft: Draft, written: Written, problems: Iterable[Problem]) -> list[Problem]:
    """The loader's problems at the table's row and column they came from."""
    placed = []
    for problem in problems:
        row, column = written.places.get(problem.line or 0, (None, None))
        if problem.code == "KC204" and row is not None:  # a duplicate id: the ID column, where there is one
            column = draft.column("id") or column
        placed.append(Problem(draft.shown, row, column, problem.code, problem.message, problem.severity))
    return placed


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly `text` (tomllib reads back the same string)."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


def _comment(text: str) -> str:
    """One comment line: line breaks and control characters, which would end or break it, removed."""
    flat = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", text)
    return f"# {flat}".rstrip()


@dataclass
class _Toml:
    """TOML text being written, with the table cell each line came from."""

    lines: list[str] = field(default_factory=list)
    places: dict[int, tuple[int, int]] = field(default_factory=dict)
    starts: dict[int, int] = field(default_factory=dict)

    def add(self, text: str = "", place: tuple[int, int] | None = None) -> None:
        self.lines.append(text)
        if place is not None:
            self.places[len(self.lines)] = place

    def key(self, key: str, value: str, place: tuple[int, int] | None = None) -> None:
        self.add(f"{key} = {toml_string(value)}", place)

    def written(self) -> Written:
        return Written("\n".join(self.lines) + "\n", self.places, self.starts)


def write(draft: Draft, declared: Mapping[int, Declared], notes: Mapping[int, Sequence[str]]) -> Written:
    """The draft as TOML: `declared` and `notes` by table row, a row without 指標 as a comment."""
    out = _Toml()
    head = draft.head
    out.add(_comment(f"{head.title}: kpicheck import が {head.source} から作った下書きです。"))
    out.add(
        _comment("各セルの読み取りを kpicheck show で印刷された計画と照合し、「推定」と書いた宣言を確かめてください。")
    )
    out.add(_comment("セルは表のとおりです。セル内の改行は空白にしました。担当は 、・, で区切って配列にしました。"))
    out.add()
    out.add(f"schema = {SCHEMA}")
    out.add()
    out.add("[plan]")
    out.key("id", head.id)
    out.key("city", head.city)
    if head.city_name is None:
        out.add(_comment("city_name: --city-name の指定がないため市町村 id を仮に入れました。市町村名に直してください"))
    out.key("city_name", head.city_name or head.city)
    out.key("title", head.title)
    if head.issued is not None:
        out.key("issued", head.issued)
    out.add(_comment(f"first_year, last_year: 表の年度の列（{draft.first}～{draft.last}年度）から"))
    out.add(f"first_year = {draft.first}")
    out.add(f"last_year = {draft.last}")
    out.key("source", head.source)
    if draft.column("area") is None:
        out.add()
        out.add(_comment(f"表に分野の列がないため、分野を 1 つにまとめました: {NO_AREA}"))
    for area in draft.areas:
        out.add()
        out.add("[[areas]]")
        out.key("id", area.id)
        out.key("name", area.name)
    for initiative in draft.initiatives:
        out.add()
        out.add("[[initiatives]]")
        out.key("id", initiative.id)
        out.key("area", initiative.area)
        out.key("name", initiative.name)
        out.add(f"departments = [{', '.join(toml_string(d) for d in initiative.departments)}]")
    for row in draft.rows:
        if isinstance(row, Entry):
            line = row.row.line
            _indicator(out, draft, row, declared.get(line, Declared()), notes.get(line, []))
            continue
        out.add()
        cells = [f"{header}「{text}」" for header, text in _row_cells(row)]
        out.add(_comment(f"要確認: 表の {row.line} 行目は指標の列が空です: {'、'.join(cells)}"))
    return out.written()


def _row_cells(row: Row) -> list[tuple[str, str]]:
    """(header, text) of a row's filled cells, for the comment that keeps a row without 指標."""
    cells = [(f"{y}年度", t) for y, t in row.cells.items() if t]
    own = [("ID", row.ident), ("基準値", row.baseline), ("基準年度", row.baseline_year), ("単位", row.unit)]
    return [*[(h, t) for h, t in own if t], *cells, *row.extra]


def _indicator(out: _Toml, draft: Draft, entry: Entry, declared: Declared, notes: Sequence[str]) -> None:
    """One [[indicators]] table, each line placed at the cell it came from (the 指標 cell for the whole row)."""
    row = entry.row
    here = (row.line, draft.name_column)
    out.add()
    out.add(_comment(f"表の {row.line} 行目"), here)
    for note in notes:
        out.add(_comment(note), here)
    for header, text in row.extra:
        out.add(_comment(f"表の列「{header}」: {text}"), here)
    if row.broken:
        out.add(_comment(f"改行を空白にしたセル: {'、'.join(f'{y}年度' for y in row.broken)}"), here)
    out.add("[[indicators]]", here)
    out.starts[len(out.lines)] = row.line
    out.key("id", entry.id, here)  # a problem of the whole row is reported at this line
    out.key("initiative", entry.initiative.id, here)
    out.key("name", row.name, here)
    if row.departments and row.departments != entry.initiative.departments:
        departments = ", ".join(toml_string(d) for d in row.departments)
        out.add(f"departments = [{departments}]", (row.line, draft.column("departments") or draft.name_column))
    unit_place = (row.line, draft.column("unit") or draft.name_column)
    if declared.unit is not None:
        out.add(_comment(f"unit: {declared.unit_note}"), unit_place)
        out.key("unit", declared.unit, unit_place)
    if declared.counts is not None:
        out.add(_comment(f"counts: {declared.counts_note}"), here)
        out.key("counts", declared.counts.value, here)
    baseline_column = draft.column("baseline")
    if row.baseline and any(ch.isdigit() for ch in normalize(row.baseline)) and baseline_column:
        measured = row.baseline_year or next(
            (c.baseline_year for c in draft.columns if c.number == baseline_column), ""
        )
        spec = f"value = {toml_string(row.baseline)}" + (f", year = {toml_string(measured)}" if measured else "")
        out.add(f"baseline = {{ {spec} }}", (row.line, baseline_column))
    elif row.baseline and normalize(row.baseline) not in DASHES:
        out.add(_comment(f"基準値の列「{row.baseline}」は数値ではないため baseline にしていません"), here)
    out.add()
    out.add("[indicators.targets]", here)
    for year in range(draft.first, draft.last + 1):
        out.key(str(year), row.cells.get(year, ""), (row.line, draft.year_columns[year]))
