"""Writing kpicheck's own files (reports, status exports, entry sheets): checked, atomic, never a replaced link.

Every file is written to a temporary file in its folder and renamed into place, all or nothing; a
path inside the targets/ or actuals/ of ROOT or of any other data root (its real path), a name the
system refuses, a folder, a symlink, a pipe or a device is refused (KC307) before anything is
written, and Ctrl-C, SIGTERM or SIGHUP leave no temporary file behind. The one exception is
`kpicheck import` (write_new): a new target file, which may lie under ROOT/targets and never
replaces anything but, with --replace, a draft import wrote itself (a regular file whose first bytes
are its draft marker).
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

from kpicheck.errors import usage_error


def check_output(path: Path, root: Path, *, new_target: bool = False, replace: bytes | None = None) -> None:
    """KC307 unless `path` names a file we may write or replace.

    Its folder must exist, outside every data root's targets/ and actuals/ (`_data_folder`); an existing
    entry must be a regular file (a symlink, FIFO or device named by -o is never replaced by a file).
    `new_target`: the one exception, `kpicheck import` — a file that does not exist yet, which may lie
    under ROOT/targets; with `replace`, also a regular file whose bytes start with it (import's own
    draft).
    """
    if path.name in {"", ".", ".."}:
        raise usage_error("KC307", f"{str(path)!r}: ファイル名ではありません（例: -o report.html）")
    if "\0" in str(path):
        raise usage_error("KC307", f"{str(path)!r}: ファイル名に NUL 文字があります。別の名前を指定してください")
    try:
        resolved = path.absolute().parent.resolve() / path.name
    except (OSError, RuntimeError) as exc:
        raise usage_error("KC307", f"{path}: フォルダを解決できません: {_reason(exc)}") from None
    inside = _data_folder(resolved, root, allowed=(root / "targets").resolve() if new_target else None)
    if inside is not None:
        where = f"データのフォルダ {inside.parent} の {inside.name}/"
        raise usage_error("KC307", f"{path}: {where} の中には書き込みません（kpicheck は読むだけです）")
    try:
        folder = path.parent.is_dir()
        mode: int | None = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise usage_error("KC307", f"{path}: {_reason(exc)}") from None
    if not folder:
        raise usage_error("KC307", f"{path}: フォルダ {path.parent} がありません")
    if mode is None:
        return
    if new_target:
        if replace is not None and stat.S_ISREG(mode) and own_draft(path, replace):
            return
        raise usage_error("KC307", f"{path}: すでにあります。{_not_replaced(replace)}")
    if stat.S_ISDIR(mode):
        raise usage_error("KC307", f"{path}: フォルダです")
    if not stat.S_ISREG(mode):
        raise usage_error(
            "KC307", f"{path}: 通常のファイルでないもの（リンク、パイプ、デバイス）があるため置き換えません"
        )


DATA_FOLDERS = ("targets", "actuals")


def _data_folder(resolved: Path, root: Path, allowed: Path | None) -> Path | None:
    """The targets/ or actuals/ folder of a data root that `resolved` (a real path) lies in, if any.

    ROOT's own two always count; elsewhere a folder named targets or actuals (in any case: file systems
    that ignore case) beside a folder named the other is a data root's. `allowed`: the one folder
    `kpicheck import` may write into (ROOT/targets), never another root's.
    """
    guarded = [(root / name).resolve() for name in DATA_FOLDERS]
    for folder in resolved.parents:
        name = folder.name.casefold()
        if name in DATA_FOLDERS:
            other = DATA_FOLDERS[1 - DATA_FOLDERS.index(name)]
            try:
                paired = (folder.parent / other).is_dir()
            except OSError:
                paired = False
            if paired:
                guarded.append(folder)
    for folder in guarded:
        if resolved.is_relative_to(folder) and folder != allowed:
            return folder
    return None


data_folder = _data_folder  # public: cache.py refuses a cache folder inside any data root the same way


def _reason(exc: OSError | RuntimeError) -> str:
    """An OS error in Japanese where kpicheck can say it better than the system's English words."""
    import errno  # noqa: PLC0415 - only on an error

    if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
        return (
            "ファイル名かフォルダ名が長すぎます（多くのシステムで 1 つの名前は 255 バイトまで）。短い名前にしてください"
        )
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def own_draft(path: Path, marker: bytes) -> bool:
    """Whether `path` starts with `marker` (after a UTF-8 BOM): a draft `kpicheck import` wrote."""
    try:
        with path.open("rb") as stream:
            head = stream.read(len(marker) + 3)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").startswith(marker)


def _not_replaced(replace: bytes | None) -> str:
    if replace is None:
        return "kpicheck import は既存のファイルを上書きしません（自分の下書きを作り直すなら --replace）"
    return (
        "kpicheck import の下書きではないため上書きしません"
        "（--replace が上書きするのは 1 行目が「# kpicheck import の下書き」のファイルだけです）"
    )


def _mode(path: Path) -> int:
    """Keep an existing file's permissions; a new one gets the usual 0666 less the umask (mkstemp makes 0600)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_files(output: Path, files: Mapping[Path, str | bytes], root: Path) -> list[Path]:
    """Write `files` (text as UTF-8, bytes as they are): each to a temporary file, then renamed.

    Every path is checked before anything is written (KC307: a missing folder, a folder, a link,
    pipe or device, or a place inside ROOT/targets or ROOT/actuals); if a write fails, its temporary
    files are removed. `output` is the path the user named, for messages.
    """
    import tempfile  # noqa: PLC0415 - 3 ms (random, hashlib) that `kpicheck status` never needs

    check_output(output, root)
    for path in files:
        check_output(path, root)
    staged: list[tuple[str, Path]] = []
    try:
        with _signals_as_exit():
            for path, text in files.items():
                # A short name, so a legal 255-byte output name still fits beside it.
                fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".kpicheck-", suffix=".tmp")
                staged.append((temp, path))
                with os.fdopen(fd, "wb") as stream:
                    stream.write(text.encode("utf-8") if isinstance(text, str) else text)
                    stream.flush()
                    os.fsync(stream.fileno())
                Path(temp).chmod(_mode(path))
            for temp, path in staged:
                Path(temp).replace(path)  # atomic on one file system: all or nothing
    except OSError as exc:
        _discard(staged)
        raise usage_error("KC307", f"{output}: 書き込めません: {_reason(exc)}") from None
    except BaseException:  # Ctrl-C, SIGTERM, SIGHUP: nothing half-written is left behind
        _discard(staged)
        raise
    return list(files)


def write_new(path: Path, text: str, root: Path, *, replace: bytes | None = None) -> Path:
    """Create `path` with `text` (UTF-8), never replacing anything: the one write allowed under ROOT/targets.

    Written to a temporary file and hard-linked into place, which fails if the name exists (even one
    created a moment ago); where links are not supported, renamed after a last check. With `replace`
    (import --replace), an existing regular file whose bytes start with it is replaced atomically.
    """
    import tempfile  # noqa: PLC0415 - see write_files

    check_output(path, root, new_target=True, replace=replace)
    temp = ""
    try:
        with _signals_as_exit():
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".kpicheck-", suffix=".tmp")
            with os.fdopen(fd, "wb") as stream:
                stream.write(text.encode("utf-8"))
                stream.flush()
                os.fsync(stream.fileno())
            Path(temp).chmod(_mode(path))
            if replace is not None and os.path.lexists(path):
                if path.is_symlink() or not path.is_file() or not own_draft(path, replace):  # changed since checked
                    raise usage_error("KC307", f"{path}: すでにあります。{_not_replaced(replace)}")
                Path(temp).replace(path)
                temp = ""
                return path
            try:
                os.link(temp, path)
            except FileExistsError:
                raise usage_error("KC307", f"{path}: すでにあります。上書きしません") from None
            except OSError:  # no hard links on this file system
                if os.path.lexists(path):
                    raise usage_error("KC307", f"{path}: すでにあります。上書きしません") from None
                Path(temp).rename(path)  # on Windows this fails rather than replace
                temp = ""
    except OSError as exc:
        raise usage_error("KC307", f"{path}: 書き込めません: {_reason(exc)}") from None
    finally:
        if temp:
            Path(temp).unlink(missing_ok=True)
    return path


def _discard(staged: list[tuple[str, Path]]) -> None:
    for temp, _ in staged:
        Path(temp).unlink(missing_ok=True)


@contextlib.contextmanager
def _signals_as_exit() -> Iterator[None]:
    """While files are written, SIGTERM and SIGHUP raise SystemExit, so the clean-up above runs."""

    def leave(number: int, _frame: object) -> None:
        raise SystemExit(128 + number)

    wanted = [s for s in ("SIGTERM", "SIGHUP") if hasattr(signal, s)]
    try:
        previous = {name: signal.signal(getattr(signal, name), leave) for name in wanted}
    except ValueError:  # not the main thread: signals cannot be caught here
        yield
        return
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
