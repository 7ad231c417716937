"""A TOML file's tables read with the line of each key, so that every problem names its place.

The parser gives values without lines; this finds them again in the text. Which keys and tables a
file may hold is the caller's (targets.py knows the plan format); here are only the typed reads
and where in the text a key, an id or a table stands.
"""

from __future__ import annotations

import bisect
import itertools
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

from kpicheck.errors import Problem, Severity
from kpicheck.periods import canonical_id, clean, id_flaw, normalize

try:  # tomli: the same parser as tomllib (its copy), compiled where a wheel has it: 2x faster on a large plan
    import tomli as toml
except ImportError:  # not installed: the standard library's (same data, same messages)
    import tomllib as toml  # type: ignore[no-redef]  # the same API: tomllib is tomli's copy

TOMLDecodeError = toml.TOMLDecodeError


def loads(source: str) -> dict[str, Any]:
    """A TOML document's tables (TOML 1.0, as tomllib reads it)."""
    return toml.loads(source)


class Unusual(Exception):  # noqa: N818 - not an error of the file: the whole text is to be parsed instead
    """A block of an array of tables that does not parse on its own (a TOML error, or a text that could hide one)."""


# A line that opens a table ([a], [[a]], after blanks), or a line of a value that spans lines and looks like one:
# the first line, then each after a line break (a search for \n first: twice as fast as ^ over a large text).
_FIRST_TABLE_LINE = re.compile(r"()([ \t]*\[[^\n]*)")  # the line: group 2, as below
_TABLE_LINE = re.compile(r"(\n)([ \t]*\[[^\n]*)")
_BARE = r"[ \t]*([A-Za-z0-9_-]+)[ \t]*"  # a bare key, with the blanks TOML allows around it
_END = r"[ \t]*(?:#[^\n]*)?\r?"  # what may follow a header on its line
_ARRAY_HEADER = re.compile(rf"[ \t]*\[\[{_BARE}\]\]{_END}")  # [[a]]
_HEADER_NAME = re.compile(rf"[ \t]*\[\[?{_BARE}[\].]")  # the first key of [a], [[a]], [a.b], [[a.b]]
_SUB_HEADER = re.compile(rf"[ \t]*(?:\[{_BARE}\.{_BARE}\]|\[\[{_BARE}\.{_BARE}\]\]){_END}")  # [a.b], [[a.b]]
_CHUNK = 64  # entries parsed in one call: the parser's tables of 64 entries are small, and fewer calls are faster


class _Line(NamedTuple):
    """What a line that starts with [ is, to by_blocks."""

    array: str | None  # [[a]]: a
    first: str | None  # the first key of any header
    sub: str | None  # [a.b] or [[a.b]]: a


def _line(text: str) -> _Line:
    array = _ARRAY_HEADER.fullmatch(text)
    first = _HEADER_NAME.match(text)
    sub = _SUB_HEADER.fullmatch(text)
    return _Line(array and array[1], first and first[1], sub and (sub[1] or sub[3]))


def by_blocks(source: str, name: str) -> dict[str, Any] | None:
    """loads(source), with the [[name]] entries parsed a few at a time as they are read (Blocks), or None
    where that could read the text otherwise than loads does (then parse the whole text).

    The text is cut at its table headers into the blocks of [[name]] entries, each with its own [name.key]
    and [[name.key]] tables, and the rest. The rest is parsed at once: what comes before the first entry,
    and blocks of other arrays of tables begun before it ([[initiatives]] between the indicators). Each
    block means in its place what it means in the whole text, as its header names where it goes; any
    other header after the first entry, a multi-line string (which could hide a header) or a rest that
    holds `name` itself, and the text is parsed whole.
    """
    if '"""' in source or "'''" in source:
        return None
    spans = array("q")  # the entries' blocks: where each begins and ends, in one array (20,000 pairs: 0.3 MiB)
    rest = array("q")  # the other blocks, the same way
    opened: set[str] = set()  # the tables headers opened before the first entry
    at, inside = 0, False  # where the block being read began, and whether it is an entry's
    seen: dict[str, _Line] = {}  # each line's reading, once per text (a plan repeats a few headers)
    first = _FIRST_TABLE_LINE.match(source)
    for found in itertools.chain((first,) if first else (), _TABLE_LINE.finditer(source)):
        text, start = found[2], found.start(2)
        line = seen.get(text)
        if line is None:
            line = seen[text] = _line(text)
        if line.array == name:
            (spans if inside else rest).extend((at, start))
            at, inside = start, True
        elif not spans and not inside:
            if line.first:
                opened.add(line.first)
        elif line.array in opened:  # another array of tables, begun before the first entry
            (spans if inside else rest).extend((at, start))
            at, inside = start, False
        elif not (inside and line.sub == name):
            return None  # another table after the first entry, or a value's line that looks like one
    (spans if inside else rest).extend((at, len(source)))
    if not spans or name in opened:
        return None
    try:
        head = toml.loads(_joined(source, rest))
    except Exception:  # any failure: the whole text is parsed, which says what is wrong
        return None
    if name in head:
        return None
    return {**head, name: Blocks(source, name, spans)}


class Blocks:
    """The entries of one array of tables, parsed from their own blocks of the text when iterated: the
    parser's tables of the whole file (28 MiB for a 4.4 MB plan) are never held at once. Raises Unusual
    where a block does not parse alone; `finish` parses those not read yet, so that a file with a TOML
    error anywhere is read whole, which says where."""

    def __init__(self, source: str, name: str, spans: array[int]) -> None:
        self._source = source
        self._name = name
        self._spans = spans
        self._parsed = 0  # the entries known to parse

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._from(0)

    def finish(self) -> None:
        """Parse the blocks not read yet (Unusual where one does not parse)."""
        if self._parsed < len(self._spans) // 2:
            for _ in self._from(self._parsed):
                pass

    def _from(self, first: int) -> Iterator[dict[str, Any]]:
        count = len(self._spans) // 2
        for at in range(first - first % _CHUNK, count, _CHUNK):
            size = min(_CHUNK, count - at)
            try:
                data = toml.loads(_joined(self._source, self._spans[2 * at : 2 * (at + size)]))
            except Exception as exc:  # a TOML error or too deep: the whole text says which
                raise Unusual from exc
            tables = data.pop(self._name, None)
            if data or not isinstance(tables, list) or len(tables) != size:
                raise Unusual
            self._parsed = max(self._parsed, at + size)
            yield from tables[max(first - at, 0) :]


def _joined(source: str, spans: array[int]) -> str:
    """The parts of `source` between each pair of `spans` (begin, end), one after another."""
    return "".join(source[spans[n] : spans[n + 1]] for n in range(0, len(spans), 2))


_ID_LINE = re.compile(r"""^\s*id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# The same over the whole text at once, each part kept within its line (\s but a line's end; no " or ' across
# one), for a text whose only line ends are \n and \r\n: there, its lines are str.splitlines' lines.
_ID_LINES = re.compile(r"""^[^\S\r\n]*id[^\S\r\n]*=[^\S\r\n]*(?:"([^"\r\n]*)"|'([^'\r\n]*)')""", re.MULTILINE)
_OTHER_BREAKS = re.compile("\r(?!\n)|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # what else splitlines ends a line at


def syntax_error_place(exc: TOMLDecodeError) -> tuple[int | None, int | None]:
    """The line and column of a TOML syntax error."""
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    if line is None:  # Python < 3.14 puts the place only in the message
        found = re.search(r"at line (\d+), column (\d+)", str(exc))
        if found:
            return int(found[1]), int(found[2])
    return line, column


_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # every break splitlines knows


class Lines(Sequence[str]):
    """A text's lines as str.splitlines() gives them, the list made only when a line is asked for by its
    number (a key's line, for a problem): a plan read without one is only searched from the top, a line
    at a time, and never holds every line (18 MiB for a 4.4 MB plan of 224,000 lines)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._all: list[str] | None = None

    def __iter__(self) -> Iterator[str]:
        if self._all is not None:
            return iter(self._all)
        return _split(self._text)

    def _list(self) -> list[str]:
        if self._all is None:
            self._all = self._text.splitlines()
        return self._all

    def __len__(self) -> int:
        return len(self._list())

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._list()[index]


def _split(text: str) -> Iterator[str]:
    """text.splitlines(), a line at a time."""
    at = 0
    for found in _LINE_BREAK.finditer(text):
        yield text[at : found.start()]
        at = found.end()
    if at < len(text):
        yield text[at:]


@dataclass
class Reader:
    """Reads one file's dict, recording problems at the line of the key they concern."""

    path: str
    lines: Sequence[str]
    # The array of tables whose entries have sub-tables ([indicators.targets]): their headers do
    # not end the entry's block, so a key inside them is found on its own line.
    nested: str
    problems: list[Problem] = field(default_factory=list)
    # The lines of each `id = ...` by canonical id: one line as an int (most ids: no list each, 1.7 MiB fewer
    # for a plan of 20,000 indicators), a list where an id stands on more than one.
    id_lines: dict[str, int | list[int]] = field(default_factory=dict)
    # The text the lines are of (optional): the id lines are then found in one pass over it.
    source: str | None = field(default=None, repr=False)
    _headers: list[int] | None = field(default=None, init=False, repr=False)  # lines of [...] that end a block
    _canonical: dict[str, str] = field(default_factory=dict, init=False, repr=False)  # canonical_id, once per text

    def __post_init__(self) -> None:
        if self.source is not None and not _OTHER_BREAKS.search(self.source):
            number, at, text = 1, 0, self.source
            for each in _ID_LINES.finditer(text):
                number += text.count("\n", at, each.start())
                at = each.start()
                self._id_line(self.canonical(each[1] or each[2] or ""), number)
            return
        for number, line in enumerate(self.lines, 1):
            found = _ID_LINE.match(line)
            if found:
                self._id_line(self.canonical(found[1] or found[2] or ""), number)

    def _id_line(self, ident: str, number: int) -> None:
        found = self.id_lines.get(ident)
        if found is None:
            self.id_lines[ident] = number
        elif isinstance(found, int):
            self.id_lines[ident] = [found, number]
        else:
            found.append(number)

    def canonical(self, text: str) -> str:
        """canonical_id(text), worked out once per text (an indicator's id is looked up, then read)."""
        found = self._canonical.get(text)
        if found is None:
            found = self._canonical[text] = canonical_id(text)
        return found

    def block_end(self, start: int) -> int:
        """The last line of the table that starts at line `start` (before the next [[...]] or [...])."""
        if self._headers is None:  # found once, on the first problem that needs a key's line
            nested = re.compile(rf"^\s*\[{re.escape(self.nested)}\.")
            self._headers = [
                number
                for number, line in enumerate(self.lines, 1)
                if line.lstrip().startswith("[") and not nested.match(line)
            ]
        index = bisect.bisect_right(self._headers, start)
        return self._headers[index] - 1 if index < len(self._headers) else len(self.lines)

    def line_of_key(self, key: str, start: int | None) -> int | None:
        """The line of `key = ...` (bare or quoted, also inside an inline table) in the table at `start`."""
        if start is None:
            return None
        end = self.block_end(start)
        quoted = re.escape(key)
        for pattern in (rf"^\s*[\"']?{quoted}[\"']?\s*=", rf"(?<![\w-])[\"']?{quoted}[\"']?\s*="):
            regex = re.compile(pattern)
            for number in range(start, end + 1):
                if regex.search(self.lines[number - 1]):
                    return number
        return start

    def unknown_keys(
        self, table: dict[str, Any], known: frozenset[str], where: str, line: int | None, *, top: bool = False
    ) -> None:
        """KC210 (a warning) for each key not in `known`, with the nearest known one; `top`: the file's own keys."""
        unknown = [key for key in table if key not in known]
        if not unknown:
            return
        import difflib  # noqa: PLC0415 - only files with a typo need it

        for key in unknown:
            near = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"（{near[0]!r} の誤り？）" if near else f"（使えるキー: {', '.join(sorted(known))}）"
            message = f"{where}: 不明なキー {key!r}{hint}"
            if top:  # a top-level table header [plan_] or a key before the first table
                place = self.line_of(rf"^\s*(\[+\s*{re.escape(key)}\s*\]+|{re.escape(key)}\s*=)") or line
            else:
                place = self.line_of_key(key, line) or line
            self.problems.append(Problem(self.path, place, None, "KC210", message, Severity.WARNING))

    def line_of(self, pattern: str, start: int = 0) -> int | None:
        regex = re.compile(pattern)
        for number, line in enumerate(itertools.islice(self.lines, start, None), start + 1):
            if regex.search(line):
                return number
        return None

    def line_of_id(self, ident: object, start: int = 0) -> int | None:
        """The first `id = "..."` line for this id after `start` (ids may repeat across kinds)."""
        numbers = self.id_lines.get(self.canonical(str(ident)), [])
        if isinstance(numbers, int):
            return numbers if numbers > start else None
        index = bisect.bisect_right(numbers, start)
        return numbers[index] if index < len(numbers) else None

    def ident(self, table: dict[str, Any], where: str, line: int | None) -> str:
        """An id: a non-empty string in canonical form (ＡＢ−１ -> AB-1), so look-alike twins are KC204."""
        value = table.get("id")
        if isinstance(value, str) and value.isascii() and value.isprintable() and value.strip():
            return self.canonical(value)  # 1-1-1: normalised and without a flaw as written (most ids)
        if value is None:
            self.problem("KC202", f"{where}: キー 'id' がありません", line)
            return ""
        if not isinstance(value, str) or not normalize(value):
            self.problem("KC202", f"{where}: 'id' は空でない文字列にしてください", line)
            return ""
        flaw = id_flaw(value)
        if flaw:
            self.problem("KC212", f"{where}: {flaw}", line)
            return ""
        return self.canonical(value)

    def problem(self, code: str, message: str, line: int | None = None) -> None:
        if len(message) > 400:  # a 5,000-character cell is still one readable line
            message = message[:399] + "…"
        self.problems.append(Problem(self.path, line, None, code, message))

    def text(self, table: dict[str, Any], key: str, where: str, line: int | None, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem("KC202", f"{where}: キー {key!r} がありません", line)
            return ""
        if not isinstance(value, str):
            self.problem("KC202", f"{where}: {key!r} は文字列にしてください", line)
            return ""
        return clean(value)

    def texts(self, table: dict[str, Any], key: str, where: str, line: int | None) -> tuple[str, ...]:
        value = table.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem("KC202", f"{where}: {key!r} は文字列の配列にしてください", line)
            return ()
        return tuple(clean(v) for v in value)

    def tables(self, data: dict[str, Any], key: str) -> Iterable[dict[str, Any]]:
        value = data.get(key, [])
        if isinstance(value, Blocks):
            return value  # each block is one table (Blocks checks)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem("KC202", f"[[{key}]] はテーブルの配列にしてください")
            return []
        return value
