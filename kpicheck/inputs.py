"""Reading the data root safely: regular files only, a size cap, listings that never stop the run.

Everything kpicheck reads under targets/ and actuals/ comes through here, so a FIFO named x.csv, a
symlink to /dev/zero, a symlink loop or an unreadable folder is one coded problem, never a hang,
an endless read or a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from kpicheck.errors import Problem, Severity
from kpicheck.periods import parse_year

# Files larger than this are refused (KC004). A city's actuals are kilobytes; a national data
# root in one file is tens of megabytes. KPICHECK_MAX_FILE_MB raises or lowers it.
DEFAULT_MAX_MB = 64
MAX_FILE_ENV = "KPICHECK_MAX_FILE_MB"
# Rows of a workbook read at most (KC007; workbook_limits.py). A city's sheet has hundreds of rows and
# the largest city kpicheck is measured at has 100,000 (benchmarks/rows.py); openpyxl reads about
# 6,000 filled rows a second, so the cap also bounds a workbook's reading at about 20 seconds.
# KPICHECK_MAX_ROWS raises or lowers it.
DEFAULT_MAX_ROWS = 100_000
# Columns of a workbook read per row: far more than an entry sheet has, and a stray cell in column XFD
# (16,384) makes no row 16,384 cells long (workbook.py) nor counts against the row cap.
MAX_COLUMNS = 64
MAX_ROWS_ENV = "KPICHECK_MAX_ROWS"


class InputError(Exception):
    """A file that cannot be read as input: `code` is its problem code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def max_bytes() -> int:
    """The size cap in bytes: KPICHECK_MAX_FILE_MB if it is a positive number, else 64 MB."""
    return int(_setting(MAX_FILE_ENV, DEFAULT_MAX_MB, 1e6) * 1024 * 1024)


def max_rows() -> int:
    """The row cap of a workbook: KPICHECK_MAX_ROWS if it is a positive number, else 100,000."""
    return max(int(_setting(MAX_ROWS_ENV, DEFAULT_MAX_ROWS, 1e12)), 1)


def _setting(name: str, default: float, most: float) -> float:
    """A positive number below `most` from the environment, else `default`."""
    text = os.environ.get(name, "")
    try:
        value = float(text) if text else default
    except ValueError:
        value = default
    return value if 0 < value < most else default


def read_input(path: Path) -> bytes:
    """The bytes of a regular file no larger than the cap; InputError (KC002/KC003/KC004) otherwise."""
    try:
        info = path.stat()  # follows symlinks; a loop or a dangling link raises here
    except OSError as exc:
        raise InputError("KC002", f"読めません: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            "KC003", f"通常のファイルではありません（{_kind(info.st_mode)}）。kpicheck はファイルだけを読みます"
        )
    limit = max_bytes()
    if info.st_size > limit:
        raise InputError(
            "KC004", f"{info.st_size:,} バイトは上限 {_mb(limit)} を超えています（{MAX_FILE_ENV} で変更できます）"
        )
    try:
        # Unbuffered: one read of the size stat gave (a buffered file asks whether it is a terminal and
        # where it stands first, and reads through its buffer: two plan and actuals files a city).
        with open(path, "rb", buffering=0) as stream:  # noqa: PTH123 - io's own argument, not pathlib's
            # the file may have grown since stat; read(limit + 1) alone would reserve the whole cap
            data = _read_upto(stream, min(info.st_size, limit) + 1)
            if len(data) > info.st_size:
                data += _read_upto(stream, limit + 1 - len(data))
    except OSError as exc:
        raise InputError("KC002", f"読めません: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError("KC004", f"上限 {_mb(limit)} を超えています（{MAX_FILE_ENV} で変更できます）")
    return data


def _read_upto(stream: BinaryIO, size: int) -> bytes:
    """`size` bytes of an unbuffered file, fewer only at its end (a raw read may return less than asked)."""
    parts = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:
            break
        parts.append(chunk)
        size -= len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


ACTUALS_SUFFIXES = (".csv", ".xlsx", ".xlsm")
# Workbook suffixes openpyxl reads (.xlsm is an .xlsx with macros; openpyxl never runs them).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheets saved in a format kpicheck does not read (KC005): what the file is, and how to save it.
REFUSED_SUFFIXES: dict[str, str] = {
    ".xls": "古い Excel 形式（.xls）",
    ".xlsb": "Excel バイナリ ブック（.xlsb）",
    ".ods": "LibreOffice/OpenOffice の形式（.ods）",
    ".numbers": "Numbers の形式（.numbers）",
    ".et": "WPS Office の形式（.et）",
}
SAVE_AS_XLSX = "Excel で開き、名前を付けて保存 → ファイルの種類「Excel ブック (*.xlsx)」で保存し直してください"


def refused(kind: str) -> str:
    """KC005's message for a spreadsheet kpicheck does not read."""
    return f"{kind}は読めません。{SAVE_AS_XLSX}"


# An .xlsx renamed .xls (by hand, to match an old file's name): nothing to save again, only the name.
RENAMED_XLSX = "名前は .xls ですが、中身は Excel ブック（.xlsx）です。ファイル名の末尾を .xlsx に変えてください"


def _xlsx_inside(path: Path) -> bool:
    """Whether a file is an .xlsx workbook: a zip holding xl/workbook.xml (an .ods or .xlsb is a zip too).
    Read as every input is (read_input: a regular file within the cap, so a pipe is never opened); False
    for anything that cannot be read or is not one."""
    try:
        data = read_input(path)
    except InputError:
        return False
    if not data.startswith(b"PK\x03\x04"):
        return False
    import io  # noqa: PLC0415 - only for a file named .xls
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "xl/workbook.xml" in book.namelist()
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return False


def list_files(folder: Path, suffix: str | tuple[str, ...], shown: str) -> tuple[list[Path], list[Problem]]:
    """The entries of `folder` ending in `suffix`, sorted; an unreadable folder is a problem, not a crash.

    Hidden files and Excel's lock files (~$name.xlsx, present while a workbook is open) are skipped.
    """
    names, problems = _names(folder, shown)
    return _with_suffix(folder, names, suffix), problems


def folder_files(folder: Path, suffix: str) -> list[Path] | None:
    """list_files of a folder that can be listed, None for one that cannot (or is no folder): a city's
    folder is listed first, and looked at (is it a folder, a link?) only when it cannot be (one stat less)."""
    try:
        names = sorted(os.listdir(folder))  # noqa: PTH208 - see _names
    except OSError:
        return None
    return _with_suffix(folder, names, suffix)


def _with_suffix(folder: Path, names: list[str], suffix: str | tuple[str, ...]) -> list[Path]:
    return [folder / name for name in names if name.lower().endswith(suffix) and not _skipped(name)]


def _names(folder: Path, shown: str) -> tuple[list[str], list[Problem]]:
    try:
        return sorted(os.listdir(folder)), []  # noqa: PTH208 - names only, and one call tests can stand in for
    except OSError as exc:
        return [], [Problem(shown, None, None, "KC002", f"このフォルダの中身を読めません: {exc.strerror or exc}")]


def _skipped(name: str) -> bool:
    """Hidden files (.DS_Store, LibreOffice's lock .~lock.x.xlsx#) and Excel's lock files (~$x.xlsx).

    Skipped without a word: a lock file is Excel's, not staff's. Excel writes it beside a workbook while
    it is open and removes it on closing (it holds only the user's name); a warning would appear whenever
    someone has the sheet open, and a warning that is usually noise teaches people to skip warnings.
    """
    return name.startswith((".", "~$"))


def year_folder(name: str) -> int | None:
    """The fiscal year a folder's name is (2026年度, R8, 令和8年度, 2026, FY2026), else None."""
    try:
        return parse_year(name)
    except ValueError:
        return None


def list_actuals(folder: Path, shown: str) -> tuple[list[Path], list[Problem]]:
    """The data files of actuals/<city>/ to read, and a coded problem for everything else staff might expect read.

    The rule, one level deep:
    - .csv, .xlsx and .xlsm files in the folder, and in year folders (2026年度/, R8/, 令和8年度/, 2026/),
      are read. A year folder only sorts files: its rows carry their own 年度 and the folder's year is not
      checked against them (a 2027年度 folder commonly holds the FY2026 results evaluated in FY2027, and a
      CSV may hold a baseline row for the year before).
    - a spreadsheet kpicheck does not read (.xls, .xlsb, .ods, .numbers, .et) is KC005, wherever it lies;
    - any other folder (a backup, 旧, a 課's folder) and any folder inside a year folder is KC117, a
      warning: it is not read, and the line says so and what to do. Only year folders are read so that a
      backup copy never counts twice; staff who keep a 課's files in a folder are told to move them.
    - other files (README.txt, a PDF of the plan, a .bak) are not data and are passed over without a word:
      such notes are common beside the data, and a warning for each on every run would be noise.
    actuals/<city> being a file is KC118.
    """
    try:  # a folder that can be listed is one: no stat first (a national summary lists 1,741)
        names = sorted(os.listdir(folder))  # noqa: PTH208 - see _names
    except OSError:
        pass
    else:
        return _list_level(folder, shown, (), names)
    if not folder.is_dir():
        if os.path.lexists(folder):
            message = (
                "市町村の実績フォルダであるはずの場所がファイルです。"
                "フォルダを作り、その中に実績ファイルを置いてください"
            )
            return [], [Problem(shown, None, None, "KC118", message)]
        return [], []
    return _list_level(folder, shown, ())


def read_below(folders: tuple[str, ...]) -> bool:
    """Whether files in these folders below actuals/<city>/ are read: none, or one year folder (the rule
    list_actuals states; validate asks it of a file named on the command line)."""
    return len(folders) <= 1 and all(year_folder(name) is not None for name in folders)


def _list_level(
    folder: Path, shown: str, within: tuple[str, ...], listed: list[str] | None = None
) -> tuple[list[Path], list[Problem]]:
    names, problems = (listed, []) if listed is not None else _names(folder, shown)
    files: list[Path] = []
    for name in names:
        if _skipped(name):
            continue
        path, suffix = folder / name, _suffix(name).lower()
        if suffix in REFUSED_SUFFIXES:  # a .numbers may be a folder (a macOS package): refused all the same
            message = RENAMED_XLSX if suffix == ".xls" and _xlsx_inside(path) else refused(REFUSED_SUFFIXES[suffix])
            problems.append(Problem(_place(shown, name), None, None, "KC005", message))
        elif suffix in ACTUALS_SUFFIXES:  # even a folder named x.csv: reading it says what it is (KC003)
            files.append(path)
        elif _is_folder(path):
            place = _place(shown, name)
            if read_below((*within, name)):
                inner, found = _list_level(path, place, (*within, name))
                files += inner
                problems += found
            else:
                message = _folder_message(top=not within)
                problems.append(Problem(place, None, None, "KC117", message, Severity.WARNING))
    return files, problems


def _suffix(name: str) -> str:
    """Path(name).suffix of a name as listed (no slash), without making a Path (a city's files, each run)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _place(shown: str, name: str) -> str:
    """How problems name an entry of a listed folder (made only for a problem or a year folder)."""
    return str(Path(shown) / name)


def _folder_message(top: bool) -> str:
    where = "年度フォルダの中のフォルダは" if not top else "年度（2026年度、R8、令和8年度 など）以外の名前のフォルダは"
    return (
        f"{where}読みません。読ませるファイルは市町村のフォルダか年度フォルダに移し、"
        "控えやバックアップは actuals/ の外に置いてください"
    )


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a symlink loop: not a folder kpicheck can use (reading it is KC002 as a file)
        return False


def loose_files(folder: Path) -> list[str]:
    """Names of the entries of `folder` that are not folders and not hidden (none if it cannot be read)."""
    names, _ = _names(folder, "")
    return [name for name in names if not _skipped(name) and not _is_folder(folder / name)]


def list_folders(folder: Path) -> list[str]:
    """Names of the sub-folders of `folder` (none if it cannot be read; the caller reports that)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    names = []
    for entry in entries:
        try:
            if entry.is_dir():
                names.append(entry.name)
        except OSError:  # a symlink loop: not a folder kpicheck can use
            continue
    return names


def anchored(path: Path) -> Path:
    """An absolute path with its folders resolved and its own name kept (a symlink stays itself)."""
    try:
        return path.absolute().parent.resolve() / path.name
    except (OSError, RuntimeError):  # a loop in the folders above
        return path.absolute()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "フォルダ"
    if stat.S_ISFIFO(mode):
        return "名前付きパイプ（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "デバイス"
    if stat.S_ISSOCK(mode):
        return "ソケット"
    return "通常のファイル以外"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
