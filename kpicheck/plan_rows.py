"""An indicator's row of yearly cells -> its targets and settled metrics, read once per distinct row of a plan.

A plan repeats its rows (the same five cells under many indicators; 運用継続 every year), and reading a
row is a function of its cells and of what the reading knows of the indicator: its metrics, part,
schedule_ends, missing_in_source, and the plan's years and words. So each distinct row is read and
settled once, and indicators with equal rows share its Target and Rule objects: a cold run reads in
proportion to the distinct rows, and the plan takes less memory and less time to pickle and unpickle
from the cache. Problems are kept here without their place; targets.py reports them at each
indicator's own lines.

A one-metric indicator's name and match words count only where a cell contains one of them (as in
phrases._unnamed, per cell), so rows printed under indicators of different names are read once.

The rows read are kept for the next plan of the same years and words (a summary reads a plan of each
city in one process, and plans share cells such as 運用継続), up to KEEP rows: the reading is a function
of the key alone, whichever plan it was met in.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from kpicheck.cells import CellContext, PhraseError
from kpicheck.models import Metric, Rule, Target
from kpicheck.periods import clean, normalize
from kpicheck.schedule import settle, spread, year_rules


class Note(NamedTuple):
    """A problem of a row, to be said after the indicator's name (`指標 1-1-1` + message)."""

    code: str
    message: str  # ": targets.2027 …" or "、2027年度: …"
    line_key: str | None  # the key whose line it is reported at (a year's cell); None: the indicator's line
    year: int | None = None  # the year whose cell it concerns (Problem.year)


class Row(NamedTuple):
    targets: dict[int, Target]  # shared by every indicator of an equal row: never changed after reading
    notes: tuple[Note, ...]
    settled: tuple[Metric, ...]  # the metrics as settled (names and match words: the first row's)
    faults: tuple[str, ...]  # KC203 of settle, said after the indicator's name


KEEP = 10_000  # rows kept from one plan for the next (a plan's own rows are all kept while it is read)
_kept: list[tuple[tuple[CellContext, int, int], dict[tuple[object, ...], Row]]] = []  # the last plan's, if any


class RowReader:
    """Reads the yearly rows of one plan, each distinct row once."""

    def __init__(self, base: CellContext, first: int, last: int) -> None:
        self.base = base
        self.first = first
        self.last = last
        self.years = tuple(str(year) for year in range(first, last + 1))
        self._rows: dict[tuple[object, ...], Row] = {}
        context = (base, first, last)
        if _kept and _kept[0][0] == context and len(_kept[0][1]) < KEEP:
            self._rows = _kept[0][1]  # the same years and words: the rows read before read the same
        else:
            _kept[:] = [(context, self._rows)]
        # The text a one-metric row's words are looked for in: its cells cleaned and normalised, \0 between
        # (no cell nor word holds \0: clean removes it), so a word is in it only where it is in one cell.
        self._hay: dict[tuple[object, ...], str] = {}

    def read(
        self, cells: dict[str, object], metrics: tuple[Metric, ...], ends: int, part: int | None, missing: bool
    ) -> tuple[Row, tuple[Metric, ...]]:
        """The row of `cells` and the indicator's own metrics as settled (their names and match kept)."""
        if not all(isinstance(text, str) for text in cells.values()):
            row = self._read(cells, metrics, ends, part, missing)
            return row, row.settled
        # Decimal("1.0") == Decimal("1") as keys, but each prints as written: the baselines' text is in the key.
        written = tuple(str(m.baseline) for m in metrics)
        items = tuple(cells.items())
        nameless = self._nameless(items, metrics, part)
        shape: tuple[tuple[object, ...], ...]
        if nameless:
            # every field but the name and match words, whatever fields Metric gains
            shape = tuple(tuple(m._replace(name="", match=())) for m in metrics)
        else:
            shape = tuple(tuple(m) for m in metrics)
        key = (items, shape, written, ends, part, missing)
        found = self._rows.get(key)
        if found is None:
            found = self._rows[key] = self._read(cells, metrics, ends, part, missing)
        row = found
        if not nameless or not row.settled:
            return row, row.settled  # equal metrics (names too), or none settled
        return row, (_as_settled(metrics[0], row.settled[0]),)

    def _nameless(self, items: tuple[tuple[str, object], ...], metrics: tuple[Metric, ...], part: int | None) -> bool:
        """True when no cell of the row contains the one metric's name, a match word or a neutral word."""
        if len(metrics) != 1 or part is not None:
            return False
        metric = metrics[0]
        # A word with \0 is in no cell (clean removes it), nor then in the hay.
        words = [w for w in (metric.name, *metric.match, *self.base.neutral_words) if w and "\0" not in w]
        hay = self._hay.get(items)
        if hay is None:
            texts: list[str] = []
            for _, raw in items:
                assert isinstance(raw, str)
                text = clean(raw)
                texts += (text, normalize(text))
            hay = self._hay[items] = "\0".join(texts)
        return not any(word in hay for word in words)

    def _read(
        self, cells: dict[str, object], metrics: tuple[Metric, ...], ends: int, part: int | None, missing: bool
    ) -> Row:
        ctx = replace(self.base, metrics=metrics)
        notes: list[Note] = []
        targets: dict[int, Target] = {}
        previous: tuple[Rule, ...] = ()
        for year in range(self.first, self.last + 1):
            text = cells.get(str(year))
            if not isinstance(text, str):
                said = 'がありません（空欄は "" と書きます）'
                if text is not None:
                    said = "はセルの文字列を引用符で囲んでください"
                notes.append(Note("KC202", f": targets.{year} {said}", None))
                continue
            text = clean(text)
            if year > ends and normalize(text):
                message = f": targets.{year} が schedule_ends = {ends} より後に記載されています"
                notes.append(Note("KC202", message, str(year)))
            try:
                rules = year_rules(year, text, ctx, previous, first=self.first, ends=ends, part=part, missing=missing)
            except PhraseError as exc:
                notes.append(Note(exc.code, f"、{year}年度: {exc}", str(year), year))
                continue
            targets[year] = Target(year, text, rules)
            previous = rules
        extra = sorted(set(cells) - set(self.years))
        if extra:
            notes.append(Note("KC202", f": 計画期間外の年度の targets: {', '.join(extra)}", None))
        settled = settle(metrics, spread(targets), None)
        return Row(settled.targets, tuple(notes), settled.metrics, settled.faults)


def _as_settled(metric: Metric, settled: Metric) -> Metric:
    """A one-metric indicator's metric with the unit, counts and kind an equal row settled on."""
    if (metric.unit, metric.counts, metric.kind) == (settled.unit, settled.counts, settled.kind):
        return metric
    return metric._replace(unit=settled.unit, counts=settled.counts, kind=settled.kind)
