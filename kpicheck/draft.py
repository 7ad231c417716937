"""Indicator rows -> the draft target file (TOML), read back once by the loader validate uses.

Each line of the draft remembers the table cell it came from, so a problem the loader finds in the
draft is reported at the table's row and column. The writing functions take a Draft, an immutable
record of what was read, and return text or problems: none relies on another having run before it.

The draft is honest about what it guessed: each indicator lists the readings a person must confirm
in `review = [...]` (validate and status warn with KC409 until the list is removed), and a cell the
loader could not read is written as 目標未設定 with the printed text in a comment, so the file loads
and every other indicator can be judged. Its first line marks it as import's own draft, the only
file `kpicheck import --replace` overwrites.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kpicheck.cells import DASHES, CellContext, PhraseError
from kpicheck.draft_marks import REVIEW_BASELINE, REVIEW_CELL, REVIEW_COUNTS, REVIEW_UNIT
from kpicheck.errors import Problem, Severity
from kpicheck.kpi_rows import Declared, Row
from kpicheck.kpi_table import Column, Table, cell_name
from kpicheck.models import Indicator, Plan
from kpicheck.periods import canonical_id, normalize, parse_year
from kpicheck.quantities import read_baseline
from kpicheck.targets import SCHEMA, read_plan

NO_AREA = "（分野の記載なし）"
NO_INITIATIVE = "（取組の記載なし）"
# The draft's first line starts so; `import --replace` overwrites only a file that still does (a person
# removes the line once the draft is reviewed, and the file is then never replaced).
DRAFT_MARKER = "# kpicheck import の下書き"
# A cell the loader could not read, as the draft writes it: a target set later (目標未設定), so the file
# loads and the indicator's other years and every other indicator are judged. The printed text is
# kept in a comment above it, and `review` lists the year.
UNREAD_CELL = "(要確認: 表のセルを読めないため目標未設定)"


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
    ids: str = ""  # how ids were given where the table has an ID column: "" as printed, else IDS_FROM
    problems: tuple[Problem, ...] = ()  # KC410: the ID column's values were not used as they are
    workbook: bool = False  # cells are named as Excel names them (セル D8)

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
    places: list[tuple[int, int] | None]  # TOML line - 1 -> table row and column (a list: one word a line)
    starts: dict[int, int]  # TOML line of [[indicators]] -> table row

    def place(self, line: int | None) -> tuple[int | None, int | None]:
        """The table row and column TOML `line` was written from, or (None, None)."""
        found = self.places[line - 1] if line is not None and 0 < line <= len(self.places) else None
        return found or (None, None)


@dataclass(frozen=True)
class Reading:
    """What the loader made of a draft: its indicators by table row, its problems at the table's places.

    `broken`: problems of the file as a whole (no plan, a duplicate id): such a draft is never written.
    """

    indicators: dict[int, Indicator]
    problems: list[Problem]
    broken: list[Problem]


@dataclass(frozen=True)
class Review:
    """What the final draft says of one indicator row beyond the table: its declarations, and what a
    person must look at (the readings guessed, the cells and the baseline not read, the row's errors)."""

    declared: Declared = field(default_factory=Declared)
    unread: Mapping[int, str] = field(default_factory=dict)  # year -> why its cell was not read
    baseline: str = ""  # why the baseline was not read ("": read, or none printed)
    baseline_year: bool = False  # the year its cell prints differs from its header's or 基準年度's: which holds?
    notes: tuple[str, ...] = ()  # 要確認 notes on the row's errors

    @property
    def marks(self) -> tuple[str, ...]:
        """`review = [...]`: every reading guessed or not read, for validate and status to warn about."""
        guessed = list(self.declared.review)
        if (self.baseline or self.baseline_year) and REVIEW_BASELINE not in guessed:
            guessed.append(REVIEW_BASELINE)
        return (*guessed, *(f"{REVIEW_CELL}{year}" for year in sorted(self.unread)))


# How ids are given when the table's ID column cannot be used as printed (its values repeat).
IDS_FROM = {
    "hierarchy": "分野-取組-表の番号（取組ごとに番号を振り直している表）",
    "rows": "分野-取組-取組内の行の順（表の番号は取組の中でも重複するため注記に残しました）",
}


def lay_out(rows: Sequence[Row], table: Table, head: Head, shown: str) -> Draft:
    """The rows grouped as the target file groups them: areas and initiatives numbered in table order, ids given."""
    columns = table.columns
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
        given[row.line] = (f"{initiative_id}-{counters[initiative_id]}", key)
    made = {key: Initiative(i, key[0], name, tuple(deps)) for key, (i, name, deps) in initiatives.items()}
    id_column = next((c for c in columns if c.role == "id"), None)
    indicator_rows = [row for row in rows if not row.orphan]
    ids, scheme = _ids(indicator_rows, {line: made[key].id for line, (_, key) in given.items()}, given)
    problems = []
    if id_column is not None and scheme:
        repeated = _repeated(canonical_id(row.ident) for row in indicator_rows if canonical_id(row.ident))
        message = (
            f"ID の列「{id_column.header}」に同じ値が複数あります（{'、'.join(repeated[:5])}）。"
            f"指標の id は {IDS_FROM[scheme]} にしました。実績の表にはこの id を書きます"
        )
        problems.append(Problem(shown, table.header_line, id_column.number, "KC410", message, Severity.WARNING))
    year_columns = {c.year: c.number for c in columns if c.year is not None}
    return Draft(
        head=head,
        shown=shown,
        columns=tuple(columns),
        rows=tuple(row if row.orphan else Entry(row, ids[row.line], made[given[row.line][1]]) for row in rows),
        areas=tuple(areas.values()),
        initiatives=tuple(made.values()),
        name_column=next(c.number for c in columns if c.role == "name"),
        year_columns=year_columns,
        target_columns=frozenset(year_columns.values()),
        first=min(year_columns),
        last=max(year_columns),
        ids=scheme,
        problems=tuple(problems),
        workbook=table.workbook,
    )


def _ids(
    rows: Sequence[Row], initiative_of: Mapping[int, str], given: Mapping[int, tuple[str, object]]
) -> tuple[dict[int, str], str]:
    """Each indicator row's id and how it was given ("" as printed or generated; else an IDS_FROM key).

    Without an ID column: 分野-取組-row (1-2-3), as always. With one: the printed ids where they are
    unique; where the numbering restarts in each 取組 (①②③, a No. column), 取組-number (1-2-③ -> 1-2-3);
    failing that, 分野-取組-row for every row. Ids are written and compared as periods.canonical_id makes them
    (NFKC, one hyphen for every dash, no invisible characters), so no two are twins the loader would refuse.
    """
    generated = {row.line: given[row.line][0] for row in rows}
    values = [canonical_id(row.ident) for row in rows if canonical_id(row.ident)]
    if not values:
        return generated, ""
    if _unique(values):
        printed = {row.line: canonical_id(row.ident) or generated[row.line] for row in rows}
        return (printed, "") if _unique(printed.values()) else (generated, "rows")
    within = [f"{initiative_of[row.line]}\0{canonical_id(row.ident)}" for row in rows if canonical_id(row.ident)]
    if _unique(within):  # the numbering restarts in each 取組
        numbered = {
            row.line: f"{initiative_of[row.line]}-{canonical_id(row.ident)}"
            if canonical_id(row.ident)
            else generated[row.line]
            for row in rows
        }
        if _unique(numbered.values()):
            return numbered, "hierarchy"
    return generated, "rows"


def _unique(ids: Iterable[str]) -> bool:
    seen: set[str] = set()
    for ident in ids:
        key = canonical_id(ident)
        if key in seen:
            return False
        seen.add(key)
    return True


def _repeated(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return twice


def read_back(draft: Draft, declared: Mapping[int, Declared]) -> Reading:
    """The draft, with what the table itself `declared` (by table row), read once by the loader validate uses."""
    written = write(draft, {line: Review(d) for line, d in declared.items()})
    plan, problems = read_plan(written.text, draft.shown)
    placed = _placed(draft, written, problems)
    broken = [
        p
        for p, original in zip(placed, problems, strict=True)
        if p.severity is Severity.ERROR and (p.line is None or original.code == "KC204")
    ]
    if plan is None and not broken:
        broken = placed
    return Reading(_indicators(written, plan), placed, broken)


def render(draft: Draft, reviews: Mapping[int, Review]) -> str:
    """The final draft: each row as its Review says (declarations, marks, unread cells, notes)."""
    return write(draft, reviews, placed=False).text


def note(problem: Problem, workbook: bool) -> str:
    """A 要確認 note on a row's error, naming the cell as the table does (セル D8 in a workbook, else 5 行 6 列)."""
    where = cell_name(problem.line, problem.column, workbook) if problem.column is not None else "この行"
    return f"要確認 {problem.code}（{where}）: {problem.message}"


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
        row, column = written.place(problem.line)
        if problem.code == "KC204" and row is not None:  # a duplicate id: the ID column, where there is one
            column = draft.column("id") or column
        placed.append(Problem(draft.shown, row, column, problem.code, problem.message, problem.severity))
    return placed


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly `text` (tomllib reads back the same string)."""
    if text.isprintable() and '"' not in text and "\\" not in text:  # most cells: nothing to escape
        return f'"{text}"'
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
    return f"# {_flat(text)}".rstrip()


def _flat(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", text)


@dataclass
class _Toml:
    """TOML text being written, with the table cell each line came from."""

    lines: list[str] = field(default_factory=list)
    places: list[tuple[int, int] | None] = field(default_factory=list)
    starts: dict[int, int] = field(default_factory=dict)
    placed: bool = True  # False: the final draft, which nothing reads back (no place kept per line)

    def add(self, text: str = "", place: tuple[int, int] | None = None) -> None:
        self.lines.append(text)
        if self.placed:
            self.places.append(place)

    def fold(self, start: int) -> None:
        """The lines from `start` on as one string, where no line is read back (the final draft): the text is
        the same, and a 100,000-row draft is held as one string per indicator, not one per line."""
        if not self.placed:
            self.lines[start:] = ["\n".join(self.lines[start:])]

    def key(self, key: str, value: str, place: tuple[int, int] | None = None) -> None:
        self.add(f"{key} = {toml_string(value)}", place)

    def written(self) -> Written:
        return Written("\n".join(self.lines) + "\n", self.places, self.starts)


def write(draft: Draft, reviews: Mapping[int, Review], *, placed: bool = True) -> Written:
    """The draft as TOML: each indicator row as its Review (by table row) says, a row without 指標 as a comment.

    `placed`: keep the table cell of each line (for the loader's problems); the final draft needs none.
    """
    out = _Toml(placed=placed)
    head = draft.head
    out.add(f"{DRAFT_MARKER}: {_flat(head.title)}（{_flat(head.source)} から作成）")
    out.add(_comment("この 1 行目がある間は kpicheck import --replace で作り直せます。確定したら消してください。"))
    out.add(
        _comment(
            "各セルの読み取りを kpicheck show で印刷された計画と照合してください。review = [...] は import の推定"
            "（要確認）の印です: 確かめたら消します（docs/import-review-ja.md）。"
        )
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
    skipped = _skipped(draft)
    printed = (
        f"{draft.first}～{draft.last}年度" if not skipped else "、".join(str(y) for y in sorted(draft.year_columns))
    )
    out.add(_comment(f"first_year, last_year: 表の年度の列（{printed}）から。計画期間が違えば直してください"))
    if skipped:
        out.add(
            _comment(
                f'表に列のない年度（{"、".join(f"{y}年度" for y in skipped)}）は、目標のない年度として空欄（""）に'
                "しました（計画がその年度の目標を別に書いていれば、そのとおりに書きます）"
            )
        )
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
    if draft.ids:
        out.add()
        out.add(_comment(f"指標の id: 表の ID の列に同じ値が複数あるため {IDS_FROM[draft.ids]}"))
    for row in draft.rows:
        if isinstance(row, Entry):
            _indicator(out, draft, row, reviews.get(row.row.line, Review()))
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


def _skipped(draft: Draft) -> list[int]:
    """The plan years between the first and last printed that the table has no column for."""
    return [year for year in range(draft.first, draft.last + 1) if year not in draft.year_columns]


def _indicator(out: _Toml, draft: Draft, entry: Entry, review: Review) -> None:
    """One [[indicators]] table, each line placed at the cell it came from (the 指標 cell for the whole row)."""
    row = entry.row
    declared = review.declared
    here = (row.line, draft.name_column)
    block = len(out.lines)
    out.add()
    out.add(_comment(f"表の {row.line} 行目"), here)
    for text in review.notes:
        out.add(_comment(text), here)
    if canonical_id(row.ident) and (draft.ids or row.ident.strip() != entry.id):  # the id as printed, if not as written
        out.add(_comment(f"表の ID: {row.ident}"), here)
    for header, text in row.extra:
        out.add(_comment(f"表の列「{header}」: {text}"), here)
    if row.broken:
        out.add(_comment(f"改行を空白にしたセル: {'、'.join(f'{y}年度' for y in row.broken)}"), here)
    out.add("[[indicators]]", here)
    out.starts[len(out.lines)] = row.line
    out.key("id", entry.id, here)  # a problem of the whole row is reported at this line
    out.key("initiative", entry.initiative.id, here)
    out.key("name", row.name, here)
    marks = review.marks
    if marks:
        out.add(_comment("要確認: import の推定（下の注記）。確かめて直し、review の行を消します"), here)
        out.add(f"review = [{', '.join(toml_string(m) for m in marks)}]", here)
    if row.departments and row.departments != entry.initiative.departments:
        departments = ", ".join(toml_string(d) for d in row.departments)
        out.add(f"departments = [{departments}]", (row.line, draft.column("departments") or draft.name_column))
    unit_place = (row.line, draft.column("unit") or draft.name_column)
    if declared.unit is not None:
        out.add(
            _comment(f"unit: {'要確認 ' if REVIEW_UNIT in declared.review else ''}{declared.unit_note}"), unit_place
        )
        out.key("unit", declared.unit, unit_place)
    if declared.counts is not None:
        out.add(
            _comment(f"counts: {'要確認 ' if REVIEW_COUNTS in declared.review else ''}{declared.counts_note}"), here
        )
        out.key("counts", declared.counts.value, here)
    _baseline(out, draft, row, review.baseline)
    _targets(out, draft, row, review)
    out.fold(block)


def _targets(out: _Toml, draft: Draft, row: Row, review: Review) -> None:
    """An indicator's [indicators.targets]: each printed year's cell, or UNREAD_CELL with why beside it."""
    here = (row.line, draft.name_column)
    out.add()
    out.add("[indicators.targets]", here)
    skipped = _skipped(draft)
    if skipped:
        out.add(_comment(f"表に列のない年度: {'、'.join(str(y) for y in skipped)}（空欄: 目標なし）"), here)
    for year in range(draft.first, draft.last + 1):
        if year not in draft.year_columns:
            out.key(str(year), "", here)
            continue
        place = (row.line, draft.year_columns[year])
        if year in review.unread:
            printed = row.cells.get(year, "")
            where = cell_name(*place, draft.workbook)
            out.add(
                _comment(f"要確認 {year}（{where}）: 表のセル「{printed}」を読めないため目標未設定にしました"), place
            )
            out.add(_comment(f"  {review.unread[year]}"), place)
            out.key(str(year), UNREAD_CELL, place)
            continue
        out.key(str(year), row.cells.get(year, ""), place)


def _baseline(out: _Toml, draft: Draft, row: Row, unread: str) -> None:
    """`baseline = { value, year }` from the 基準値 column, the cell as printed: the loader reads the year a
    cell prints (1,234件(2020)); else the year is the 基準年度 column's or the header's (現状値（R4）). A cell
    without a number, or one the loader could not read, stays a comment."""
    column = draft.column("baseline")
    place = (row.line, column or draft.name_column)
    if not row.baseline or column is None or normalize(row.baseline) in DASHES:
        return
    if unread:
        out.add(_comment(f"baseline: 要確認 基準値の列「{row.baseline}」を読めないため baseline にしていません"), place)
        out.add(_comment(f"  {unread}"), place)
        return
    if not any(ch.isdigit() for ch in normalize(row.baseline)):
        out.add(_comment(f"基準値の列「{row.baseline}」は数値ではないため baseline にしていません"), place)
        return
    printed, other = baseline_years(draft, row)
    if printed is not None and other:
        out.add(
            _comment(
                f"baseline: 要確認 基準値のセル「{row.baseline}」の年度（{printed}年度）と、"
                f"{'基準年度の列' if row.baseline_year else '見出し'}の年度（{other}）が違います。セルの年度で読みます"
            ),
            place,
        )
    measured = row.baseline_year or _header_year(draft) if printed is None else ""
    spec = f"value = {toml_string(row.baseline)}" + (f", year = {toml_string(measured)}" if measured else "")
    out.add(f"baseline = {{ {spec} }}", place)


def baseline_years(draft: Draft, row: Row) -> tuple[int | None, str]:
    """The year a 基準値 cell prints (as the loader reads it), and the 基準年度 column's or header's year
    when it is a different one ("" when none, or the same)."""
    try:
        found = read_baseline(row.baseline, CellContext(()))
    except PhraseError:  # the loader says why, at the baseline's line
        return None, ""
    printed = found.year if found is not None else None
    other = row.baseline_year or _header_year(draft)
    if printed is None or not other:
        return printed, ""
    try:
        same = parse_year(other) == printed
    except ValueError:
        same = False
    return printed, "" if same else other


def _header_year(draft: Draft) -> str:
    """The year the 基準値 column's header prints (現状値（R4）), or ""."""
    column = draft.column("baseline")
    return next((c.baseline_year for c in draft.columns if c.number == column), "")
