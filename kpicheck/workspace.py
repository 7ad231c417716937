"""A data root: targets/<city>/*.toml and actuals/<city>/ (see inputs.list_actuals). Read-only, always."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from kpicheck.cache import cache_home, cached
from kpicheck.errors import KpicheckError, Problem, Severity, display_path, usage_error
from kpicheck.ids import ID_RULE, is_id
from kpicheck.inputs import (
    InputError,
    folder_files,
    list_actuals,
    list_files,
    list_folders,
    max_bytes,
    max_rows,
    read_input,
)
from kpicheck.models import Actuals, Plan
from kpicheck.periods import clean

NO_PLAN_FILE = "計画ファイル（*.toml）がありません"


class City(NamedTuple):  # a plain record; a dataclass would cost a millisecond of every start-up
    id: str
    plans: tuple[Plan, ...]
    actuals: Actuals
    warnings: tuple[Problem, ...] = ()
    # With keep_going: errors that concern one indicator or an actuals file, kept for the command to show
    # (the indicators as 評価不能, the problems on stderr, exit 2) instead of stopping the whole city.
    errors: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        return self.plans[0].city_name if self.plans else self.id


def city_ids(root: Path) -> list[str]:
    """The city folders under targets/ (only names that are city ids)."""
    return [name for name in list_folders(root / "targets") if is_id(name)]


def city_problems(root: Path) -> dict[str, list[Problem]]:
    """Each city of the root kpicheck cannot read as one, by name, with its problem: a folder under
    targets/ whose name is not a city id (KC209), a city id under targets/ that is not a folder (KC309:
    a file, a dangling link, a link loop, a pipe), and under actuals/ a folder (KC110) or a file named
    as a city id (KC118) for which targets/ has no city folder.

    `validate` lists these problems and `summary` makes a row of each, so the two name the same cities
    (a city folder that can be listed but not read is the loader's problem, the same in both).
    """
    targets, found = root / "targets", {}
    for name, is_folder in _entries(targets):
        if is_folder and not is_id(name):
            found[name] = [
                Problem(f"targets/{name}", None, None, "KC209", f"{name!r} は市町村 id ではありません（{ID_RULE}）")
            ]
        elif not is_folder and is_id(name):
            found[name] = [Problem(f"targets/{name}", None, None, "KC309", _not_a_folder(targets / name))]
    known = set(city_ids(root))
    for name, is_folder in _entries(root / "actuals"):
        if name in known or name in found:
            continue  # a city's own actuals (a file there is KC118 from the loader), or one already named
        if is_folder:
            found[name] = [actuals_only(root, name)]
        elif is_id(name):
            message = "actuals/ の直下のファイルは読みません。actuals/<市町村 id>/ のフォルダに置いてください"
            found[name] = [Problem(f"actuals/{name}", None, None, "KC118", message)]
    return found


def actuals_only(root: Path, name: str) -> Problem:
    """KC110 for a folder actuals/<name> that names no city under targets/."""
    if not is_id(name):
        return Problem(f"actuals/{name}", None, None, "KC110", f"{name!r} は市町村 id ではありません（{ID_RULE}）")
    known = ", ".join(city_ids(root)) or "なし"
    message = f"このフォルダに対応する targets/{name}/ がありません（あるもの: {known}）"
    return Problem(f"actuals/{name}", None, None, "KC110", message)


def _entries(folder: Path) -> list[tuple[str, bool]]:
    """The names in `folder` (hidden files aside), each with whether it is a folder (links followed);
    none when the folder cannot be read (the command says so for targets/ itself). Two listings and no
    look-up per name: a national root has 1,741 cities."""
    try:
        names = os.listdir(folder)  # noqa: PTH208 - names only
    except OSError:
        return []
    folders = set(list_folders(folder))
    return sorted((name, name in folders) for name in names if name in folders or not name.startswith("."))


def _not_a_folder(path: Path) -> str:
    """What stands where a city's folder should be, in a sentence."""
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        return f"市町村のフォルダを読めません: {exc.strerror or exc}"
    if stat.S_ISLNK(mode):
        try:
            path.stat()
        except OSError as exc:
            import errno  # noqa: PLC0415 - only for a broken link

            if exc.errno == errno.ELOOP:
                return "市町村のフォルダであるはずの場所が、循環するリンクです。フォルダにしてください"
            return "市町村のフォルダであるはずの場所が、リンク先のないリンクです。フォルダにしてください"
        return "市町村のフォルダであるはずの場所が、フォルダ以外へのリンクです。フォルダにしてください"
    what = "ファイル" if stat.S_ISREG(mode) else "フォルダでもファイルでもないもの（パイプやデバイス）"
    return f"市町村のフォルダであるはずの場所が{what}です。フォルダを作り、その中に計画ファイルを置いてください"


def load_plan(path: Path, shown: str) -> tuple[Plan | None, list[Problem]]:
    """One plan file, through the plan cache: the phrase interpreter is imported only to read a file afresh."""
    try:
        raw = read_input(path)
    except InputError as exc:
        return None, [Problem(shown, None, None, exc.code, str(exc))]

    def parse() -> tuple[Plan | None, list[Problem]]:
        from kpicheck.targets import parse_plan  # noqa: PLC0415 - TOML and the phrase interpreter: 10 ms

        return parse_plan(raw, shown)

    return cached("plans", f"{path.absolute()}\0{shown}", raw, parse, _data_folders(path))


_FIRST_ARRAY_TABLE = re.compile(r"^\s*\[\[", re.MULTILINE)


class Head(NamedTuple):
    """A plan file's id, city and period ([plan]): enough to tell which years it serves."""

    path: str
    id: str
    city: str
    first_year: int
    last_year: int

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def plan_head(path: Path, shown: str) -> Head | None:
    """The [plan] id, city and period of a plan file (through the cache), or None if they cannot be read."""
    try:
        raw = read_input(path)
    except InputError:
        return None

    def parse() -> Head | None:
        from kpicheck.toml_reader import TOMLDecodeError, loads  # noqa: PLC0415 - only to read a file afresh

        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        # [plan] comes first (docs/targets-format.md): the text before the first [[areas]] is enough,
        # and an error further down is not this run's (the plan is not read). Else the whole file.
        cut = _FIRST_ARRAY_TABLE.search(text)
        for part in ([text[: cut.start()]] if cut else []) + [text]:
            try:
                head = loads(part).get("plan")
            except (TOMLDecodeError, RecursionError):
                continue
            if isinstance(head, dict):
                break
        else:
            return None
        if not isinstance(head, dict):
            return None
        ident, city, first, last = (head.get(k) for k in ("id", "city", "first_year", "last_year"))
        if not (isinstance(ident, str) and isinstance(city, str)):
            return None
        if not all(isinstance(y, int) and not isinstance(y, bool) for y in (first, last)):
            return None
        assert isinstance(first, int) and isinstance(last, int)
        return Head(shown, clean(ident), clean(city), first, last)

    return cached("heads", f"{path.absolute()}\0{shown}", raw, parse, _data_folders(path))


def _data_folders(plan_file: Path) -> tuple[Path, ...]:
    """ROOT/targets and ROOT/actuals of a ROOT/targets/<city>/<plan>.toml: never a place for the cache."""
    targets = plan_file.absolute().parent.parent
    return targets, targets.parent / "actuals"


def _city_folder(root: Path, city: str) -> Path:
    if not is_id(city):
        raise usage_error("KC304", f"--city {city!r}: 市町村 id は{ID_RULE}です")
    folder = root / "targets" / city
    if not folder.is_dir():
        if os.path.lexists(folder):
            raise KpicheckError([Problem(f"targets/{city}", None, None, "KC309", _not_a_folder(folder))])
        known = ", ".join(city_ids(root)) or "なし"
        raise usage_error("KC301", f"市町村 {city!r} は {root / 'targets'} にありません（あるもの: {known}）")
    return folder


def _plan_checks(plan: Plan | Head, city: str, earlier: list[Plan] | list[Head]) -> list[Problem]:
    """KC202 for a plan of another city's folder, KC205 for overlapping periods, KC204 for a repeated id."""
    problems = []
    if plan.city != city:
        problems.append(
            Problem(plan.path, None, None, "KC202", f"[plan] city が {plan.city!r} ですが、フォルダは {city!r} です")
        )
    for other in earlier:
        if plan.first_year <= other.last_year and other.first_year <= plan.last_year:
            problems.append(
                Problem(
                    plan.path,
                    None,
                    None,
                    "KC205",
                    f"期間 {plan.first_year}～{plan.last_year} が {other.path} の {other.id}"
                    f"（{other.first_year}～{other.last_year}）と重なっています",
                )
            )
        if plan.id == other.id:
            message = f"計画 id {plan.id!r} が {other.path} にもあります"
            problems.append(Problem(plan.path, None, None, "KC204", message))
    return problems


def _plan_files(root: Path, city: str) -> tuple[list[Path], list[Problem]]:
    """The plan files of a city's folder (KpicheckError if it is not one), and a problem if it cannot be listed."""
    if is_id(city):
        files = folder_files(root / "targets" / city, ".toml")
        if files is not None:  # listed, so a folder: nothing to say of it
            return files, []
    folder = _city_folder(root, city)
    return list_files(folder, ".toml", display_path(folder, root))


def load_plans(
    root: Path, city: str, listed: tuple[list[Path], list[Problem]] | None = None
) -> tuple[list[Plan], list[Problem]]:
    """Every plan of a city, and the problems found in its target files (including overlaps).

    `listed`: the city's _plan_files when already listed (load_city: a folder listed once, not twice)."""
    files, found = listed if listed is not None else _plan_files(root, city)
    plans: list[Plan] = []
    problems = list(found)
    for path in files:
        plan, found = load_plan(path, display_path(path, root))
        problems += found
        if plan is None:
            continue
        problems += _plan_checks(plan, city, plans)
        plans.append(plan)
    return plans, problems


def load_city(
    root: Path,
    city: str,
    year: int | None = None,
    plan_id: str | None = None,
    *,
    rows_until: int | None = None,
    keep_going: bool = False,
) -> City:
    """Plans and actuals of one city; KpicheckError listing every error if any file is wrong.

    With `keep_going` (status, report) only errors that leave no plan to judge stop it: a problem in
    an actuals file, or in one indicator of a plan that is otherwise read, is returned in `errors`.

    With a `year` (or `plan_id`) only the plan it needs is read, and only its rows of the actuals;
    the other plans' periods are still checked for overlaps, and a problem in a file the year does
    not use is one warning line (`validate` lists it whole). With `rows_until`, rows of later fiscal
    years are not read at all (`summary`: they cannot change the year's figures).
    """
    listed = _plan_files(root, city)
    found = _load_for(root, city, year, plan_id, listed) if year is not None or plan_id is not None else None
    if found is not None:
        plans, problems, skip = found
    else:
        (plans, problems), skip = load_plans(root, city, listed), {}
    folder = root / "actuals" / city
    files, unlisted = list_actuals(folder, display_path(folder, root))
    problems += unlisted
    if plans:
        from kpicheck.actuals import load_actuals  # noqa: PLC0415 - not when the city comes from the cache (3 ms)

        loaded = load_actuals(files, [*plans, *skip.values()], root, frozenset(skip), rows_until)
        problems += loaded.problems
        actuals = loaded.actuals
    else:
        actuals = {}
    errors = [p for p in problems if p.severity is Severity.ERROR]
    kept: list[Problem] = []
    fatal: list[Problem] = []
    for problem in errors:  # one pass: a file of a thousand bad rows has a thousand errors
        (kept if keep_going and _one_place(problem, plans) else fatal).append(problem)
    if fatal or not plans:
        raise KpicheckError(fatal or [Problem(f"targets/{city}", None, None, "KC202", NO_PLAN_FILE)])
    warnings = tuple(p for p in problems if p.severity is not Severity.ERROR)
    return City(city, tuple(sorted(plans, key=lambda p: p.first_year)), actuals, warnings, tuple(kept))


# A city of at most this many bytes of plans and actuals is kept whole in the cache, as read for one
# command line (city_for): a small city's start-up is mostly reading it, and a national summary's
# cities are mostly small ones that did not change since the last run (issue 23). A larger one is read
# afresh through the plan cache: its time is in the rows, and an entry would hold them all again.
CITY_ENTRY_BYTES = 1 << 20


def city_for(
    root: Path,
    city: str,
    year: int | None,
    plan_id: str | None,
    *,
    keep_going: bool = False,
    rows_until: int | None = None,
) -> City:
    """load_city of one command line (status, report, sheet) or of one city of a summary, through the cache
    when the city is small.

    The entry is keyed by every file load_city would read (each one's path, name and bytes, compared in
    full), the arguments and the input limits: an edited plan or actuals file, a file added or removed,
    or another kpicheck reads the city afresh. A city whose files cannot all be listed and read, or
    with a workbook (read through openpyxl, whose version is not part of the key), is read afresh.
    """
    targets = (root / "targets").absolute()
    avoid = (targets, targets.parent / "actuals")
    source = _city_source(root, city) if cache_home(avoid) is not None else None  # not read twice, cache off
    if source is None:
        return load_city(root, city, year, plan_id, keep_going=keep_going, rows_until=rows_until)
    key = (root.absolute(), city, year, plan_id, keep_going, rows_until, max_bytes(), max_rows())
    name = "\0".join(repr(part) for part in key)  # repr: --plan None is not plan_id None
    return cached(
        "cities",
        name,
        source,
        lambda: load_city(root, city, year, plan_id, keep_going=keep_going, rows_until=rows_until),
        avoid,
        still=lambda: _city_source(root, city) == source,
    )


def _city_source(root: Path, city: str) -> bytes | None:
    """Every file load_city reads for `city`: path, name and bytes, each prefixed by its length; None when
    a folder or file has a problem to say, a file is a workbook, or the files are larger than CITY_ENTRY_BYTES."""
    if not is_id(city):
        return None
    actuals = root / "actuals" / city
    plans = folder_files(root / "targets" / city, ".toml")  # None: not listed (load_city says why)
    files, unlisted = list_actuals(actuals, display_path(actuals, root))
    if not plans or unlisted or any(path.suffix.lower() != ".csv" for path in files):
        return None
    parts: list[bytes] = []
    try:
        if sum(path.stat().st_size for path in (*plans, *files)) > CITY_ENTRY_BYTES:
            return None
        for path in (*plans, *files):
            shown = display_path(path, root)
            parts += [str(path.absolute()).encode("utf-8", "surrogateescape"), shown.encode("utf-8", "surrogateescape")]
            parts.append(read_input(path))
    except (OSError, InputError):
        return None
    return b"".join(len(part).to_bytes(8, "big") + part for part in parts)


def _one_place(problem: Problem, plans: list[Plan]) -> bool:
    """Whether an error concerns one indicator a read plan has (a row of it, a cell of it): that indicator
    can be shown as 評価不能 and the rest judged. A file that cannot be read, or a row whose indicator is
    not known, still stops the city: its rows would show as 実績未入力, which no official would sign."""
    return bool(problem.indicator) and any(plan.indicator(problem.indicator) is not None for plan in plans)


def _load_for(
    root: Path, city: str, year: int | None, plan_id: str | None, listed: tuple[list[Path], list[Problem]]
) -> tuple[list[Plan], list[Problem], dict[str, Plan]] | None:
    """The one plan `year` (or `plan_id`) picks, the problems, and stand-ins for the plans left unread.

    None when there is a single plan, or the periods alone cannot pick one (none or several cover the
    year, a file whose [plan] cannot be read): the caller then reads every plan, as without a year.
    `listed`: the city's _plan_files.
    """
    files, unlisted = listed
    if unlisted or len(files) < 2:  # one plan: nothing to leave unread, so no [plan] table to read first
        return None
    heads = [(path, display_path(path, root)) for path in files]
    readable = [(path, head) for path, shown in heads if (head := plan_head(path, shown)) is not None]
    if len(readable) < len(heads):  # a file whose [plan] cannot be read might be the year's: read them all
        return None
    wanted = [(p, h) for p, h in readable if (h.id == plan_id if plan_id else year is not None and h.covers(year))]
    if len(wanted) != 1:
        return None
    chosen_path, chosen = wanted[0]
    checks: list[tuple[Problem, set[str]]] = []  # each problem and the files it concerns
    for index, (_, head) in enumerate(readable):
        checks += [(p, {head.path}) for p in _plan_checks(head, city, [])]
        for _, other in readable[:index]:
            checks += [(p, {head.path, other.path}) for p in _plan_checks(head, head.city, [other])]
    plan, problems = load_plan(chosen_path, chosen.path)
    if plan is None:
        return [], problems, {}
    problems += [p for p, paths in checks if chosen.path in paths]  # an overlap with the year's plan is an error
    others: dict[str, list[Problem]] = {}
    for problem, paths in checks:
        if chosen.path not in paths:
            others.setdefault(problem.path, []).append(problem)
    for shown, found in others.items():
        more = f"（ほか {len(found) - 1} 件）" if len(found) > 1 else ""
        message = f"この年度には使わない計画の問題: {found[0].message}{more}。kpicheck validate で確認できます"
        problems.append(Problem(shown, None, None, found[0].code, message, Severity.WARNING))
    stand_ins = {
        h.id: Plan(h.id, h.city, "", "", h.first_year, h.last_year, (), (), (), path=h.path)
        for _, h in readable
        if h.path != chosen.path and h.id != plan.id
    }
    return [plan], problems, stand_ins


def pick_plan(plans: Sequence[Plan], year: int | None, plan_id: str | None) -> Plan:
    """The plan named by --plan, else the one whose period covers --year (plans of one city)."""
    city = plans[0].city if plans else "?"
    periods = ", ".join(f"{p.id} ({p.first_year}～{p.last_year})" for p in plans)
    if plan_id:
        plan = next((p for p in plans if p.id == plan_id), None)
        if plan is None:
            raise usage_error("KC303", f"--plan {plan_id!r}: {city} の計画は {periods} です")
        if year is not None and not plan.covers(year):
            raise usage_error("KC302", f"--year {year} は {plan.id}（{plan.first_year}～{plan.last_year}）の期間外です")
        return plan
    if year is None:
        raise usage_error("KC304", "--year（または --plan）を指定してください")
    plan = next((p for p in plans if p.covers(year)), None)
    if plan is None:
        raise usage_error("KC302", f"{city} に {year}年度を含む計画はありません（計画: {periods}）")
    return plan


def city_plans(root: Path, city: str) -> list[Plan]:
    """A city's plans in period order; KpicheckError listing every error in its target files."""
    plans, problems = load_plans(root, city)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise KpicheckError(errors)
    return sorted(plans, key=lambda p: p.first_year)


def all_plans(root: Path) -> list[Plan]:
    """Every plan of every city, for `kpicheck list`; KpicheckError if any target file is wrong."""
    plans: list[Plan] = []
    problems: list[Problem] = []
    for city in city_ids(root):
        try:
            plans += city_plans(root, city)
        except KpicheckError as exc:
            problems += exc.problems
    if problems:
        raise KpicheckError(problems)
    return plans
