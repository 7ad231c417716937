"""Reading the data root safely: regular files only, a size cap, listings that never stop the run.

Everything kpicheck reads under targets/ and actuals/ comes through here, so a FIFO named x.csv, a
symlink to /dev/zero, a symlink loop or an unreadable folder is one coded problem, never a hang,
an endless read or a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kpicheck.errors import Problem

# Files larger than this are refused (KC004). A city's actuals are kilobytes; a national data
# root in one file is tens of megabytes. KPICHECK_MAX_FILE_MB raises or lowers it.
DEFAULT_MAX_MB = 64
MAX_FILE_ENV = "KPICHECK_MAX_FILE_MB"


class InputError(Exception):
    """A file that cannot be read as input: `code` is its problem code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def max_bytes() -> int:
    """The size cap in bytes: KPICHECK_MAX_FILE_MB if it is a positive number, else 64 MB."""
    text = os.environ.get(MAX_FILE_ENV, "")
    try:
        megabytes = float(text) if text else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    if not 0 < megabytes < 1e6:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


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
        with path.open("rb") as stream:
            data = stream.read(limit + 1)  # the file may have grown since stat
    except OSError as exc:
        raise InputError("KC002", f"読めません: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError("KC004", f"上限 {_mb(limit)} を超えています（{MAX_FILE_ENV} で変更できます）")
    return data


ACTUALS_SUFFIXES = (".csv", ".xlsx")


def list_files(folder: Path, suffix: str | tuple[str, ...], shown: str) -> tuple[list[Path], list[Problem]]:
    """The entries of `folder` ending in `suffix`, sorted; an unreadable folder is a problem, not a crash.

    Hidden files and Excel's lock files (~$name.xlsx, present while a workbook is open) are skipped.
    """
    try:
        names = sorted(os.listdir(folder))  # noqa: PTH208 - names only, and one call tests can stand in for
    except OSError as exc:
        return [], [Problem(shown, None, None, "KC002", f"このフォルダの中身を読めません: {exc.strerror or exc}")]
    return [folder / name for name in names if name.lower().endswith(suffix) and not name.startswith((".", "~$"))], []


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
