"""The KPI table's rows -> indicator rows, and the unit and counts each indicator's draft declares.

A group's 分野/取組/担当 is written on its first row only (or in merged cells) and applies to the rows
below. unit and counts are taken from the 単位 column or inferred from the loader's reading of the cells, each
with a note saying from what; what was guessed is marked for the person who checks the draft (`review`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from kpicheck.cells import DASHES
from kpicheck.draft_marks import REVIEW_COUNTS, REVIEW_UNIT
from kpicheck.errors import KpicheckError, Problem, Severity
from kpicheck.kinds.registry import NUMERIC_KINDS
from kpicheck.kpi_table import Table, one_line
from kpicheck.models import COUNTS_LABELS, Counts, Indicator
from kpicheck.periods import clean, id_flaw, normalize
from kpicheck.qualifiers import QUALIFIERS
from kpicheck.schedule import RATE_UNITS

DEPARTMENT_SEPARATORS = re.compile(r"[、・,，\n]")


@dataclass(frozen=True)
class Row:
    """One indicator row of the table, with the merged-cell blanks of 分野/取組/担当 filled down."""

    line: int
    name: str
    ident: str
    area: str
    initiative: str
    departments: tuple[str, ...]
    baseline: str
    baseline_year: str
    unit: str
    cells: dict[int, str]  # fiscal year -> the cell as printed
    broken: tuple[int, ...]  # years whose cell had line breaks (made spaces)
    extra: tuple[tuple[str, str], ...]  # (header, text) of columns kpicheck does not read
    orphan: bool = False  # content but no 指標: kept as a comment, listed as a problem


@dataclass(frozen=True)
class Declared:
    """The unit and counts an indicator's draft declares (None: left out), each with the note saying from
    what, and the readings import guessed (`review`), which the draft marks until a person confirms them."""

    unit: str | None = None
    counts: Counts | None = None
    unit_note: str = ""
    counts_note: str = ""
    review: tuple[str, ...] = ()  # draft_marks.REVIEW_WORDS: the readings guessed, for the draft to mark


def indicator_rows(table: Table, shown: str) -> tuple[list[Row], list[Problem]]:
    """The indicator rows, 分野/取組/担当 written only on a group's first row applied to the rows below.

    KpicheckError (exit 2) when no row has a 指標: the table has nothing to draft.
    """
    columns = table.columns
    by_role = {c.role: c.number - 1 for c in reversed(columns) if c.role not in {"year", "other"}}
    rows: list[Row] = []
    problems: list[Problem] = []
    area = initiative = departments = ""
    for line, cells in table.body:

        def get(role: str, cells: list[str] = cells) -> str:
            index = by_role.get(role)
            return one_line(cells[index]) if index is not None else ""

        written_area, written_initiative = get("area"), get("initiative")
        if written_area and normalize(written_area) != normalize(area):
            area, initiative, departments = written_area, "", ""
        if written_initiative and normalize(written_initiative) != normalize(initiative):
            initiative, departments = written_initiative, ""
        departments = get("departments") or departments
        targets = {c.year: one_line(cells[c.number - 1]) for c in columns if c.year is not None}
        broken = tuple(c.year for c in columns if c.year is not None and "\n" in clean(cells[c.number - 1]).strip())
        extra = tuple(
            (c.header or f"{c.number} 列目", one_line(cells[c.number - 1]))
            for c in columns
            if c.role == "other" and cells[c.number - 1].strip()
        )
        name = get("name")
        ident = get("id")
        flaw = id_flaw(cells[by_role["id"]]) if "id" in by_role else None
        if flaw:  # never the id with the NUL dropped in silence: the row gets a generated id, and this line
            problems.append(Problem(shown, line, by_role["id"] + 1, "KC412", f"{flaw}。この行の id は生成しました"))
            ident = ""
        own = [ident, *(get(role) for role in ("baseline", "baseline_year", "unit"))]
        if not name and not any(targets.values()) and not any(own) and not extra:
            continue  # a group row: its 分野/取組/担当 apply to the rows below
        row = Row(
            line=line,
            name=name,
            ident=ident,
            area=area,
            initiative=initiative,
            departments=tuple(d.strip() for d in DEPARTMENT_SEPARATORS.split(departments) if d.strip()),
            baseline=get("baseline"),
            baseline_year=get("baseline_year"),
            unit=get("unit"),
            cells=targets,
            broken=broken,
            extra=extra,
            orphan=not name,
        )
        rows.append(row)
        if row.orphan:
            first = next(index + 1 for index, cell in enumerate(cells) if cell.strip())
            problems.append(
                Problem(
                    shown,
                    line,
                    first,
                    "KC407",
                    "指標の列が空の行です（上の行の続き？）。行を直すか上の行とまとめてください（下書きには注記として残しました）",
                )
            )
        elif not any(normalize(t) for t in targets.values()):
            problems.append(
                Problem(
                    shown,
                    line,
                    by_role["name"] + 1,
                    "KC408",
                    f"指標 {name!r} の目標のセルがすべて空です（見出しの行？）",
                    Severity.WARNING,
                )
            )
    if all(row.orphan for row in rows):
        raise KpicheckError(
            Problem(shown, table.header_line, None, "KC404", "見出し行のほかに指標の行がありません（指標の列が空です）")
        )
    return rows, problems


def unit_column(text: str) -> tuple[str, Counts | None, str]:
    """A 単位 cell -> unit, the counts it prints and the word that says so: 人/年 -> (人, per_year, /年)."""
    unit = normalize(text)
    if unit in DASHES:
        return "", None, ""
    for qualifier in sorted(QUALIFIERS, key=lambda q: -len(q.word)):
        if qualifier.counts is None:
            continue
        if not qualifier.before and unit.endswith(qualifier.word) and len(unit) > len(qualifier.word):
            return unit[: -len(qualifier.word)].strip(), qualifier.counts, qualifier.word
        if qualifier.before and unit.startswith(qualifier.word) and len(unit) > len(qualifier.word):
            return unit[len(qualifier.word) :].strip(), qualifier.counts, qualifier.word
    return unit, None, ""


def _counts_word(row: Row, counts: Counts) -> tuple[int, str, str] | None:
    """The first cell printing a word that says `counts` (/年, 年間, 累計, 延べ …): year, cell, word."""
    words = sorted((q.word for q in QUALIFIERS if q.counts is counts), key=len, reverse=True)
    for year, text in sorted(row.cells.items()):
        plain = normalize(text)
        for word in words:
            if _prints(plain, word):
                return year, text, word
    return None


def from_table(row: Row) -> Declared:
    """What the table itself declares, before any cell is read: the unit (and counts) of its 単位 column.

    A unit printed in the 単位 column is printed, not guessed: it applies to the row's bare numbers (15, 40).
    """
    unit, counts, word = unit_column(row.unit) if row.unit else ("", None, "")
    if not unit:
        return Declared()
    note = f"表の単位の列「{row.unit}」の「{word}」から{COUNTS_LABELS[counts]}（{counts.value}）" if counts else ""
    return Declared(unit, counts, f"表の単位の列「{row.unit}」から", note)


def declare(
    row: Row, known: Declared, indicator: Indicator | None, bare: Sequence[int] = (), unread: Collection[int] = ()
) -> Declared:
    """unit and counts for the draft: those the table declares (`known`), else the loader's reading of the
    cells, each with its note; what was guessed is listed in `review`.

    `bare`: the years whose cell is a bare number that reads only with the unit the other cells print
    (65 beside 70%): the unit is then a guess for them. `unread`: the years whose cell could not be read;
    what the other cells say is then a guess for the whole row. counts is a guess unless the 単位 column
    or every cell with a number says how it counts, or the unit is a rate (a rate is always a level).
    """
    metric = indicator.metrics[0] if indicator is not None and len(indicator.metrics) == 1 else None
    review: list[str] = []
    if unread:
        row = replace(row, cells={year: text for year, text in row.cells.items() if year not in unread})
    if known.unit is not None:
        unit, unit_note = known.unit, known.unit_note
    elif metric is not None and metric.unit is not None and indicator is not None:
        first = next(
            (
                (year, target.text)
                for year, target in sorted(indicator.targets.items())
                if any(r.kind in NUMERIC_KINDS and r.unit for r in target.rules)
            ),
            None,
        )
        source = f"（{first[0]}年度「{first[1]}」ほか）" if first else ""
        unit, unit_note = metric.unit, f"セルに印字された単位から{source}"
        if unread and not bare:
            review.append(REVIEW_UNIT)
            unit_note += "。読めないセルがあるため、読めたセルだけからの推定"
        if bare:
            review.append(REVIEW_UNIT)
            listed = "、".join(f"{year}年度「{row.cells[year]}」" for year in bare)
            unit_note += f"。単位のないセル（{listed}）にも同じ単位を当てました: 推定"
    else:
        return Declared(review=())
    if known.counts is not None:
        return Declared(unit, known.counts, unit_note, known.counts_note, tuple(review))
    if normalize(unit) in RATE_UNITS:
        counts, counts_note = Counts.LEVEL, f"単位が率（{unit}）のため{COUNTS_LABELS[Counts.LEVEL]}（level）"
    else:
        settled = metric.counts if metric is not None and metric.unit is not None else None
        counts, counts_note, guessed = _inferred_counts(row, settled)
        if guessed or unread:
            review.append(REVIEW_COUNTS)
            counts_note += "。読めないセルがあるため、読めたセルだけからの推定" if unread and not guessed else ""
    return Declared(unit, counts, unit_note, counts_note, tuple(review))


def _inferred_counts(row: Row, settled: Counts | None) -> tuple[Counts, str, bool]:
    """How the row counts, the note saying why, and whether it is a guess: as the loader `settled` it, or
    else as the cells' words say. It is not a guess only where every cell with a number says it."""
    if settled is not None:
        inferred = settled
        found = _counts_word(row, inferred) if inferred is not Counts.LEVEL else None
    else:  # the loader could not settle the metric: the words the cells print
        inferred, found = Counts.LEVEL, None
        for candidate in (Counts.PER_YEAR, Counts.CUMULATIVE):
            found = _counts_word(row, candidate)
            if found:
                inferred = candidate
                break
    label = f"{COUNTS_LABELS[inferred]}（{inferred.value}）"
    if found is None and inferred is Counts.LEVEL:
        words = "/年・年間・毎年度・累計・延べ"
        return (
            inferred,
            f"セルに {words} がないため{label}と推定（年度ごとの件数なら per_year、累計なら cumulative に直します）",
            True,
        )
    if found is None:
        return inferred, f"セルの読み取りから{label}と推定", True
    year, text, said = found
    silent = sum(1 for t in row.cells.values() if any(ch.isdigit() for ch in t) and not _says_counts(t))
    rest = f"。ほかの {silent} セルには数え方の語がありません" if silent else ""
    return (
        inferred,
        f"{year}年度のセル「{text}」の「{said}」から{label}{'と推定' if silent else ''}{rest}",
        bool(silent),
    )


def _says_counts(text: str) -> bool:
    """Whether a cell prints any word that says how it counts."""
    plain = normalize(text)
    return any(_prints(plain, q.word) for q in QUALIFIERS if q.counts is not None)


def _prints(plain: str, word: str) -> bool:
    """Whether a cell (normalised) prints a counts word; 年 alone only before a number (年2回), not in 2026年度."""
    return re.search(r"年\d", plain) is not None if word == "年" else word in plain


# A cell that is a number and nothing else: 15, 1,234, 45.5 (as the loader's magnitude allows).
_PLAIN_NUMBER = re.compile(r"\d{1,15}(?:\.\d{1,6})?|\d{1,3}(?:,\d{3}){1,4}(?:\.\d{1,6})?")


def plain_number(text: str) -> bool:
    """Whether a cell is a bare number, with no unit or word (15, 1,234)."""
    return _PLAIN_NUMBER.fullmatch(normalize(text)) is not None
