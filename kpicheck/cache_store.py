"""The cache's storage: a private folder of regular files, each read up to a cap (the rules: cache.py).

Every file is created, read, renamed and removed relative to its opened folder (dir_fd) where the
system has it (Linux, macOS), so no path is looked up again after its folder was checked; elsewhere
(Windows) by path, links refused by lstat. Paths are strings here, as the os functions take them.
"""

# ruff: noqa: PTH102, PTH103, PTH112, PTH114, PTH118, PTH120 - the os functions: dir_fd, modes, no link followed

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from typing import NamedTuple

from kpicheck.errors import Problem, Severity

SUFFIX = ".kc2"  # entries of this format; pruning removes these and temporary files (.tmp), nothing else
TEMP = ".tmp"
CACHEDIR_TAG = "CACHEDIR.TAG"  # https://bford.info/cachedir/: backup tools skip the folder
CACHEDIR_SIGNATURE = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This file is a cache directory tag created by kpicheck.\n"
    b"# For information about cache directory tags, see:\n"
    b"#\thttps://bford.info/cachedir/\n"
)
ENTRY_REFUSED = "KC503"
MAX_ENTRIES = 10_000  # per folder (plans/, heads/, jinja/<format>/) after pruning
MAX_BYTES = 1024 * 1024 * 1024  # per folder after pruning (a national root's 1,741 plans: 73 MB)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BINARY = getattr(os, "O_BINARY", 0)
AT = {
    os.open,
    os.mkdir,
    os.rmdir,
    os.unlink,
    os.rename,
    os.link,
    os.stat,
} <= os.supports_dir_fd and os.scandir in os.supports_fd


class CacheError(Exception):
    """A reason not to use the cache (a folder) or an entry: said once a run, as a warning."""

    def __init__(self, place: str, code: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(place, None, None, code, message, Severity.WARNING)


class Folder(NamedTuple):
    """A checked folder of the cache: its path (for messages, and for access where there is no dir_fd)
    and, where the system has dir_fd, its open descriptor."""

    path: str
    fd: int | None

    def at(self, name: str) -> tuple[str, int | None]:
        """`name` as the os functions take it: relative to the descriptor, or a full path."""
        return (name, self.fd) if self.fd is not None else (os.path.join(self.path, name), None)

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)


def open_root(real: str) -> Folder:
    """The cache root at its real path: created 0700 where missing, opened without following a link."""
    if not os.path.lexists(real):
        os.makedirs(os.path.dirname(real), exist_ok=True)  # the parents as the user's umask makes them
        with contextlib.suppress(FileExistsError):
            os.mkdir(real, 0o700)
    if AT:
        fd = _open_folder(real, None, real)
        _check_folder(real, os.fstat(fd), fd)
        return Folder(real, fd)
    _check_folder(real, os.lstat(real), None)
    return Folder(real, None)


def open_below(parent: Folder, name: str) -> Folder:
    """A folder of `parent`: created 0700 where missing; a link or a file is refused, never followed."""
    where, dir_fd = parent.at(name)
    path = os.path.join(parent.path, name)
    with contextlib.suppress(FileExistsError):
        os.mkdir(where, 0o700, dir_fd=dir_fd)
    if dir_fd is not None:
        fd = _open_folder(where, dir_fd, path)
        _check_folder(path, os.fstat(fd), fd)
        return Folder(path, fd)
    _check_folder(path, os.lstat(where), None)
    return Folder(path, None)


def _open_folder(where: str, dir_fd: int | None, path: str) -> int:
    try:
        return os.open(where, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=dir_fd)
    except OSError:
        if os.path.islink(path) or not os.path.isdir(path):
            raise CacheError(path, "KC501", refused("フォルダではありません（リンクかファイル）")) from None
        raise


def refused(reason: str) -> str:
    return f"キャッシュフォルダを使いません: {reason}（キャッシュなしで続けます。KPICHECK_CACHE=off で止められます）"


def _check_folder(path: str, info: os.stat_result, fd: int | None) -> None:
    """A folder of the cache must be a real folder, the user's own, and writable by no one else.

    Where os.getuid does not exist (Windows) the owner and mode are not checked, deliberately: they
    are the ACL's, which st_mode does not show, and %LOCALAPPDATA% is the user's own by its ACL.
    """
    reason = ""
    if stat.S_ISLNK(info.st_mode) or getattr(info, "st_reparse_tag", False) or not stat.S_ISDIR(info.st_mode):
        reason = "フォルダではありません（リンクかファイル）"
    elif hasattr(os, "getuid") and info.st_uid != os.getuid():
        reason = f"ほかの利用者（uid {info.st_uid}）のフォルダです。自分のフォルダにして chmod 700 してください"
    elif hasattr(os, "getuid") and info.st_mode & 0o022:
        mode = stat.S_IMODE(info.st_mode)
        reason = f"グループかほかの利用者が書き込めます（モード {mode:o}）。chmod 700 してください"
    if reason:
        if fd is not None:
            os.close(fd)
        raise CacheError(path, "KC501", refused(reason))


def read(folder: Folder, name: str, cap: int, *, private: bool = False) -> bytes | None:
    """A regular file of the user's in `folder`, at most `cap` bytes, or None if there is none.

    Opened without following a link and without blocking (a FIFO), checked with fstat on the raw
    descriptor before a byte is read, never read past the cap (a file whose size shows as 0 is read
    up to the cap, no further). `private`: nobody else may read it either (the key, 0600). Anything
    else is removed (CacheError, ENTRY_REFUSED); a folder at the name goes if empty, else is refused
    and left as it is (the user's own, maybe).
    """
    where, dir_fd = folder.at(name)
    path = os.path.join(folder.path, name)
    try:
        if dir_fd is None and _is_link(where, None):
            raise CacheError(path, ENTRY_REFUSED, entry_refused("リンクです"))  # no O_NOFOLLOW: lstat first
        fd = os.open(where, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError:
        if _is_folder(where, dir_fd):  # Windows opens no folder as a file
            _refuse_folder(folder, name)
        if not _is_link(where, dir_fd):
            raise
        remove(folder, name)
        raise CacheError(path, ENTRY_REFUSED, entry_refused("リンクです")) from None
    try:
        info = os.fstat(fd)
        reason = _unfit(info, cap, private=private)
        if not reason:
            limit = info.st_size or cap  # +1 below: grown since fstat, or past the cap?
            data = _read_at_most(fd, limit + 1)
            if len(data) <= limit:
                return data
            reason = "読んでいる間に大きくなりました" if info.st_size else f"上限 {cap:,} バイトを超えます"
    finally:
        os.close(fd)
    if reason == "フォルダです":
        _refuse_folder(folder, name)
    remove(folder, name)
    raise CacheError(path, ENTRY_REFUSED, entry_refused(reason))


def _unfit(info: os.stat_result, cap: int, *, private: bool) -> str:
    """Why a file of this fstat is not read, or "" when it may be."""
    if stat.S_ISDIR(info.st_mode):
        return "フォルダです"
    if not stat.S_ISREG(info.st_mode):
        return "FIFO です" if stat.S_ISFIFO(info.st_mode) else "通常のファイルではありません"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return f"ほかの利用者（uid {info.st_uid}）のファイルです"
    if private and hasattr(os, "getuid") and info.st_mode & 0o077:
        return f"ほかの利用者も読めます（モード {stat.S_IMODE(info.st_mode):o}、0600 のはずです）"
    if info.st_size > cap:
        return f"{info.st_size:,} バイトで上限 {cap:,} バイトを超えます"
    return ""


def _read_at_most(fd: int, most: int) -> bytes:
    """Up to `most` bytes of `fd`: in one read for a file as large as fstat said, in 1 MiB steps past that."""
    parts = []
    total = 0
    want = most
    while total < most:
        chunk = os.read(fd, min(want, most - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        want = 1024 * 1024
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _is_folder(where: str, dir_fd: int | None) -> bool:
    try:
        return stat.S_ISDIR(os.stat(where, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _refuse_folder(folder: Folder, name: str) -> None:
    """A folder at an entry's name: removed if empty (a miss, written afresh), else left and refused."""
    where, dir_fd = folder.at(name)
    path = os.path.join(folder.path, name)
    try:
        os.rmdir(where, dir_fd=dir_fd)
    except OSError:
        message = f"キャッシュ項目の名前に中身のあるフォルダがあるため、消さずに飛ばします: {path}"
        raise CacheError(path, ENTRY_REFUSED, message) from None
    raise CacheError(path, ENTRY_REFUSED, entry_refused("空のフォルダです"))


def entry_refused(reason: str) -> str:
    return f"キャッシュ項目を使わずに削除しました: {reason}（作り直します）"


def _is_link(where: str, dir_fd: int | None) -> bool:
    try:
        return stat.S_ISLNK(os.stat(where, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def create(folder: Folder, name: str, data: bytes) -> None:
    """A new file of the user's only (0600), never through a link; one left by a crashed run replaced."""
    fd = _create(folder, name)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _create(folder: Folder, name: str) -> int:
    where, dir_fd = folder.at(name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    try:
        return os.open(where, flags, 0o600, dir_fd=dir_fd)
    except FileExistsError:
        remove(folder, name)
        return os.open(where, flags, 0o600, dir_fd=dir_fd)


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Sink:
    """A file being written a part at a time (pickle.dump writes its frames of 64 KiB here as each is done);
    `size`: the bytes written so far."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        _write_all(self._fd, data)
        self.size += len(data)
        return len(data)


def write(folder: Folder, name: str, data: bytes) -> None:
    """Through a temporary file and a rename (two runs at once never see half an entry)."""

    def fill(out: Sink) -> bytes:
        out.write(data)
        return b""

    write_with(folder, name, fill)


def write_with(folder: Folder, name: str, fill: Callable[[Sink], bytes | None]) -> None:
    """`write` of what `fill` writes a part at a time, so that a large entry is never held whole in memory.
    `fill` returns the bytes to put at the file's start, over the room it left there (written last: a tag
    over what follows), or None to write nothing after all (no file is left)."""
    temp = f".{name}.{os.getpid()}{TEMP}"
    dst, dir_fd = folder.at(name)
    try:
        fd = _create(folder, temp)
        try:
            head = fill(Sink(fd))
            if head:
                os.lseek(fd, 0, os.SEEK_SET)
                _write_all(fd, head)
        finally:
            os.close(fd)
        if head is None:
            remove(folder, temp)
            return
        src, _ = folder.at(temp)
        os.replace(src, dst, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except OSError:
        remove(folder, temp)
        if _is_folder(dst, dir_fd):  # a folder at the name (refused when read, said then): not cached
            return
        raise
    except BaseException:  # fill failed (an unpicklable value): no half-written file is left
        remove(folder, temp)
        raise


def link_new(folder: Folder, name: str, data: bytes) -> None:
    """Write `name` unless it exists: a file another run made at the same time is kept, not replaced."""
    temp = f".{name}.{os.getpid()}{TEMP}"
    create(folder, temp, data)
    src, dir_fd = folder.at(temp)
    dst, _ = folder.at(name)
    try:
        os.link(src, dst, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except FileExistsError:
        pass
    finally:
        remove(folder, temp)


def remove(folder: Folder, name: str) -> None:
    """Remove a file of the private folder (a link itself, never what it points to)."""
    where, dir_fd = folder.at(name)
    with contextlib.suppress(OSError):
        os.unlink(where, dir_fd=dir_fd)


def touch(folder: Folder, name: str) -> None:
    """Mark an entry as just used (pruning removes the oldest first)."""
    where, dir_fd = folder.at(name)
    with contextlib.suppress(OSError, NotImplementedError):
        os.utime(where, dir_fd=dir_fd, follow_symlinks=False)


def prune(folder: Folder, entries: int | None = None, size: int | None = None) -> int:
    """Remove kpicheck's own files only (*.kc2, *.tmp): first those that are not regular files, then the
    oldest entries (by modification time) until at most `entries` of them and `size` bytes remain in
    `folder` (MAX_ENTRIES, MAX_BYTES). Any other file (the user's own) is left alone. The number removed."""
    entries = MAX_ENTRIES if entries is None else entries
    size = MAX_BYTES if size is None else size
    found = []
    with os.scandir(folder.fd if folder.fd is not None else folder.path) as listing:
        for item in listing:
            with contextlib.suppress(OSError):
                info = item.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode) or not item.name.endswith((SUFFIX, TEMP)):
                    continue
                # A link or a FIFO at an entry's name: removed first. A temporary file goes only with
                # the oldest, as another run may be writing it now.
                regular = stat.S_ISREG(info.st_mode)
                found.append((regular, info.st_mtime_ns, info.st_size if regular else 0, item.name))
    found.sort()
    total = sum(item[2] for item in found)
    removed = 0
    for regular, _, bytes_, name in found:
        if regular and len(found) - removed <= entries and total <= size:
            break
        remove(folder, name)
        removed += 1
        total -= bytes_
    return removed
