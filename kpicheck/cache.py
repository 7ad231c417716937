"""kpicheck's cache in the user's cache folder: plans as read (keyed by the file's bytes), a small city's
plans and actuals as read for one command line (keyed by every file's bytes: workspace.city_for) and
Jinja's compiled templates, kept as trusted storage. KPICHECK_CACHE=off turns it off.

Reading a plan (TOML, then every target cell through the phrase interpreter) costs about 60 µs a
cell; a cached plan loads in about 5. An entry is used only for the very bytes it was read from,
under the same name, by the same kpicheck (its version and the size and time of every module of the
package), so an edited plan or an upgraded (or edited) kpicheck reads the file afresh.

Trusted storage, because an entry is loaded as code and objects (issue 22):
- The folder is private: created 0700, and refused (one warning, the run goes on uncached) when it
  is not the user's own or is writable by the group or others. Folders below it are opened without
  following a symlink, each checked the same way, and every file is created, read, renamed and
  removed relative to its opened folder (dir_fd): a sub-folder linked into a data root's actuals/ is
  refused, never written through. On Windows (no os.getuid, and st_mode does not show ACLs) the owner
  and mode checks are skipped deliberately: %LOCALAPPDATA% is private to the user by its ACL; links
  are still refused (by lstat, as Windows has no dir_fd).
- The cache folder is never inside a data root: the real path of the cache folder (every symlink
  above it resolved) must lie outside each data root kpicheck was given, and outside any other one,
  found as `-o`'s guard finds them (output.data_folder: a targets/ or actuals/ folder with its twin
  beside it) or as a folder holding both; the folders below cannot leave it (no link is followed).
  XDG_CACHE_HOME naming a data root is refused before anything is created. Checked again once the
  folder is open: the real path is resolved afresh and must name the very folder opened (same device
  and inode by fstat, which every system has; /proc/self/fd would be Linux's only), so a parent
  swapped for a link between the check and the open is caught before a file is written. Left open:
  a swap in that instant can still make the one empty folder (mkdir), nothing in it. Without dir_fd
  (Windows) the second check is by path only.
- Entries are regular files only, opened with O_NOFOLLOW and O_NONBLOCK (a FIFO never blocks), then
  fstat-checked (a regular file, the user's own, at most MAX_ENTRY bytes) before a byte is read, and
  never read past that cap: a link to /dev/zero or a sparse file of gigabytes is refused unread.
- Entries are authenticated: each starts with a keyed BLAKE2b tag (a MAC) over its folder, name and
  contents, keyed by a per-user secret file (`key`, 32 random bytes, 0600, in the private folder). A
  planted file, an entry copied from elsewhere or a damaged one fails the tag and is removed before
  pickle or Jinja's marshal sees a byte of it. Chosen over a format that cannot run code because it
  is the simpler one to keep right: what is cached is Plan objects of dataclasses, NamedTuples,
  Decimal, date and enums, which a custom encoding would have to follow field by field as the models
  change (a new field silently lost is a wrong report), and Jinja's compiled templates are marshalled
  code objects, which no data format holds; the tag covers both alike, and pickle keeps the warm
  cache as fast as before (verifying costs about 1.5 ms per 1 MB).
- Old entries are pruned: once per run, before its first write to a folder, kpicheck's own files
  there (*.kc2, *.tmp) that are not regular files go, then the oldest entries (by modification time;
  a hit refreshes it) until at most MAX_ENTRIES of them and MAX_BYTES remain in that folder; any
  other file is the user's and is left alone. The cache root holds a CACHEDIR.TAG (backup tools skip
  the folder), written with the key.
- A cache problem is never fatal: it is said once per run in one line (`<place>: KC50n …`, on
  stderr, as the cache sits below every command). A refused folder or one that cannot be used is
  bypassed for the rest of the run (uncached); a refused entry is removed and read as a miss, so the
  cache heals itself rather than warning on every run.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from kpicheck import __version__, cache_store
from kpicheck.cache_store import ENTRY_REFUSED, SUFFIX, CacheError, Folder
from kpicheck.errors import Problem

if TYPE_CHECKING:
    from jinja2 import BytecodeCache

T = TypeVar("T")
CACHE_ENV = "KPICHECK_CACHE"
FORMAT = 3  # bump when the shape of what is cached changes without a module changing (3: records by tuple.__new__)
MAX_ENTRY = 256 * 1024 * 1024  # one entry (a plan of 100,000 cells is 18 MB); larger is not cached
MAGIC = b"KPICHECK-CACHE-2"
KEY_NAME = "key"
TAG_SIZE = 32
HEADER = len(MAGIC) + TAG_SIZE  # what an entry holds starts here
KEY_SIZE = 32
HIGHEST = -1  # pickle's HIGHEST_PROTOCOL, as a negative protocol means


class _Run(NamedTuple):
    """What one cache folder has shown this run (per folder: tests run many homes in one process)."""

    folders: dict[str, Folder]
    pruned: set[str]
    key: list[bytes]


_runs: dict[str, _Run] = {}
_off: dict[str, Problem] = {}  # cache homes found wrong this run: bypassed
_said: dict[str, Problem] = {}  # the one warning given this run, per cache home
_kept: list[tuple[str, Problem]] | None = None  # a worker's warnings, for the main process to say


def reset() -> None:
    """Forget what this process has seen of cache folders (a new run, as far as the cache is concerned)."""
    for run in _runs.values():
        for folder in run.folders.values():
            folder.close()
    _runs.clear()
    _off.clear()
    _said.clear()
    _inside.cache_clear()


def cache_home(avoid: tuple[Path, ...] = ()) -> Path | None:
    """The user's cache folder for kpicheck: $XDG_CACHE_HOME, %LOCALAPPDATA%, ~/Library/Caches or ~/.cache.

    None when the cache is off (KPICHECK_CACHE=off), no home folder is known, or it would lie inside
    one of `avoid` (a data root's targets/ and actuals/) or the data root above them.
    """
    home = _home()
    if home is not None and _inside(home, avoid) is not None:
        return None
    return home


def prepare(avoid: tuple[Path, ...] = ()) -> None:
    """Check the cache folder now, before worker processes start (summary --jobs): a forked worker
    inherits what was found, so a refused folder is said once, not once by each worker. (A worker
    started afresh, as on Windows, checks it again and may say it again.)"""
    _usable_home(avoid)


def _with_roots(avoid: tuple[Path, ...]) -> tuple[Path, ...]:
    """A data root's targets/ and actuals/, and the root itself (their parent)."""
    return tuple(dict.fromkeys((*avoid, *(folder.parent for folder in avoid))))


@functools.lru_cache(maxsize=64)  # asked once per plan file; the answer does not change within a run
def _inside(home: Path, avoid: tuple[Path, ...]) -> Path | None:
    """The data folder whose real path holds that of `home`, if any (see _inside_real)."""
    try:
        return _inside_real(Path(os.path.realpath(home)), avoid)
    except (OSError, RuntimeError, ValueError):
        return home  # cannot tell: do not cache


def _inside_real(real: Path, avoid: tuple[Path, ...]) -> Path | None:
    """The folder of `avoid` or its data root, or any other data root or its targets/ or actuals/, that
    holds the real path `real` (the cache root itself or a folder above it), if any."""
    from kpicheck.output import DATA_FOLDERS, data_folder  # noqa: PLC0415 - once a run, not on import

    for folder in _with_roots(avoid):
        if real.is_relative_to(os.path.realpath(folder)):
            return folder
    probe = real / KEY_NAME  # a file the cache writes: its parents are the cache root and every folder above
    # Another root's targets/ or actuals/, found as -o's guard finds them (the given roots are checked above).
    found = data_folder(probe, real, None)
    if found is not None:
        return found
    for folder in probe.parents:  # a data root itself: XDG_CACHE_HOME=<another root> makes <root>/kpicheck
        if all((folder / name).is_dir() for name in DATA_FOLDERS):
            return folder
    return None


def _home() -> Path | None:
    names = ("XDG_CACHE_HOME", "LOCALAPPDATA", CACHE_ENV, "HOME", "USERPROFILE")
    return _home_from(sys.platform, *(os.environ.get(name, "") for name in names))


@functools.lru_cache(maxsize=16)  # asked once per plan file (1,741 in a national summary): the same answer
def _home_from(platform: str, xdg: str, local: str, switch: str, *_homes: str) -> Path | None:
    if switch.lower() in {"off", "0", "no", "false"}:
        return None
    # A relative path is ignored, as the XDG spec says (it would land inside the data root).
    for base in (Path(xdg), Path(local)) if platform == "win32" else (Path(xdg),):
        if base.is_absolute():
            return base / "kpicheck"
    try:
        home = Path.home()  # from HOME (USERPROFILE on Windows), which are part of the key
    except (RuntimeError, KeyError):  # no HOME and no passwd entry
        return None
    if not home.is_absolute():
        return None
    return home / ("Library/Caches" if platform == "darwin" else ".cache") / "kpicheck"


# Sub-packages whose modules may shape a cached plan (a kind's `dated` runs while a cell is read).
SUBPACKAGES = ("kinds",)


@functools.cache
def _code_stamp() -> bytes:
    """kpicheck's version and the size and time of its modules: a changed reader means a stale cache."""
    package = Path(__file__).parent
    entries = []
    # The modules only (the package and its sub-packages, such as kinds/, whose code reads plans too):
    # __pycache__ changes whenever Python writes bytecode.
    for folder in (package, *(package / name for name in SUBPACKAGES)):
        try:
            entries += sorted(
                (f"{folder.name}/{e.name}", e.stat().st_size, e.stat().st_mtime_ns)
                for e in os.scandir(folder)
                if e.name.endswith(".py")
            )
        except OSError:
            continue
    if not entries:  # inside kpicheck.pyz the modules are zip entries with no stat: the archive's stands for them
        archive = getattr(__spec__.loader, "archive", None)  # a zipimporter's: the .pyz file
        if isinstance(archive, str):
            with contextlib.suppress(OSError):
                info = Path(archive).stat()
                entries.append((archive, info.st_size, info.st_mtime_ns))
    return repr((FORMAT, __version__, sys.version_info[:2], entries)).encode()


def cached(
    kind: str,
    name: str,
    source: bytes,
    build: Callable[[], T],
    avoid: tuple[Path, ...] = (),
    still: Callable[[], bool] | None = None,
) -> T:
    """build(), or what it returned before for the same `source` bytes under the same `name` (and kpicheck).

    An entry is named after `name` (a file's absolute path and the name problems give it) and holds
    the source bytes it was built from: it is used only when they are the same bytes, compared in
    full, and only when its tag proves kpicheck wrote it (module docstring).

    `still`: where build() reads `source` afresh rather than being given it, whether what it read was
    still `source`; when not, its result is returned but kept under no key.
    """
    home = _usable_home(avoid)
    if home is None:
        return build()
    import zlib  # noqa: PLC0415 - only when a cache is used

    pickle = _pickle()
    ident = name.encode("utf-8", "surrogateescape")
    entry = f"{zlib.crc32(ident):08x}{zlib.adler32(ident):08x}{SUFFIX}"
    check = (_code_stamp(), name, source)
    data = _guarded(home, lambda: _load(home, (kind,), entry))
    if data:
        import io  # noqa: PLC0415

        # Unpickling makes many small objects, and the cyclic collector would walk them all again
        # and again (0.5 s becomes 3 s for a plan of 100,000 cells); none of them form cycles.
        enabled = gc.isenabled()
        gc.disable()
        try:
            stream = io.BytesIO(data)  # two pickles, each with its own memo: the check, then the value
            stream.seek(HEADER)
            if pickle.load(stream) == check:
                return pickle.load(stream)  # type: ignore[no-any-return]  # authenticated: kpicheck wrote it
        except Exception:  # kpicheck's own entry of an older shape: build afresh and replace it
            pass
        finally:
            if enabled:
                gc.enable()
    result = build()
    if still is not None and not still():  # the files changed while they were read: not this source's result
        return result
    _guarded(home, lambda: _save_pickled(home, (kind,), entry, (check, result)))
    return result


def jinja_cache(flavour: str, avoid: tuple[Path, ...] = ()) -> BytecodeCache | None:
    """Jinja's compiled templates in the cache folder (compiling them costs about 25 ms a report).

    Jinja checks each entry against the template's source, so an edited template is compiled afresh.
    Entries go through the same rules as plans' (a private folder, regular files, a cap, a tag checked
    before Jinja unpickles or unmarshals a byte). Jinja's key does not cover the environment's
    settings, yet escaping is compiled in: `flavour` names them (one folder per output format), so a
    template compiled for HTML is never run for Markdown.
    """
    usable = _usable_home(avoid)
    if usable is None:
        return None
    home = usable
    from jinja2 import BytecodeCache  # noqa: PLC0415 - only reports render templates
    from jinja2.bccache import Bucket  # noqa: PLC0415 - see above

    folders = ("jinja", flavour)

    class TrustedCache(BytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            data = _guarded(home, lambda: _load(home, folders, bucket.key + SUFFIX))
            if data:
                try:
                    bucket.bytecode_from_string(data[HEADER:])
                except Exception:  # authenticated but of another Python: compile afresh
                    bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            try:
                data = bucket.bytecode_to_string()
            except Exception:  # nothing to write: just not cached
                return
            _guarded(home, lambda: _save(home, folders, bucket.key + SUFFIX, data))

    return TrustedCache()


def _usable_home(avoid: tuple[Path, ...]) -> Path | None:
    """The cache home, unless the cache is off, already found wrong this run, or inside a data root."""
    home = _home()
    if home is None or str(home) in _off:
        return None
    inside = _inside(home, avoid)
    if inside is not None:
        _warn(home, _in_data_root(home, inside).problem, bypass=True)
        return None
    if _guarded(home, lambda: _root(home, avoid)) is None:
        return None
    return home


def _in_data_root(home: Path, inside: Path) -> CacheError:
    message = (
        f"キャッシュフォルダがデータルートの中（{inside}）にあるため使いません。"
        "XDG_CACHE_HOME を別の場所にしてください（キャッシュなしで続けます）"
    )
    return CacheError(str(home), "KC502", message)


def _root(home: Path, avoid: tuple[Path, ...]) -> Folder:
    """The cache root, opened once a run, then checked again where it really is (module docstring)."""
    run = _run(home)
    found = run.folders.get("")
    if found is None:
        found = run.folders[""] = cache_store.open_root(os.path.realpath(home))  # closed by reset()
        again = os.path.realpath(home)
        if found.fd is not None:
            opened, now = os.fstat(found.fd), Path(again).stat()
            if (opened.st_dev, opened.st_ino) != (now.st_dev, now.st_ino):  # moved while being opened
                reason = cache_store.refused("開いている間に別のフォルダに変わりました")
                raise CacheError(str(home), "KC501", reason)
        inside = _inside_real(Path(again), avoid)
        if inside is not None:
            raise _in_data_root(home, inside)
    return found


def _guarded(home: Path, action: Callable[[], T]) -> T | None:
    """action(), or None after saying (once per run) why not.

    A refused entry (KC503) is removed and counts as a miss: it is built afresh and written anew, so
    the cache heals itself. A refused or failing folder (KC501, KC502, KC504) is bypassed for the run.
    """
    if str(home) in _off:
        return None
    try:
        return action()
    except CacheError as exc:
        _warn(home, exc.problem, bypass=exc.problem.code != ENTRY_REFUSED)
    except OSError as exc:  # a read-only or full disk, a file where a folder should be
        place = exc.filename if isinstance(exc.filename, str) and exc.filename else str(home)  # not an fd
        _warn(home, CacheError(place, "KC504", _cannot(exc)).problem, bypass=True)
    except MemoryError:  # not expected under the cap; a run short of memory still goes on
        problem = CacheError(
            str(home), "KC504", "キャッシュを読み込むメモリが足りません（キャッシュなしで続けます）"
        ).problem
        _warn(home, problem, bypass=True)
    return None


def _cannot(exc: OSError) -> str:
    return f"キャッシュを読み書きできません: {exc.strerror or exc}（キャッシュなしで続けます）"


def _warn(home: Path, problem: Problem, *, bypass: bool) -> None:
    """One line on stderr, the first time this run; with `bypass`, the cache is not used from then on.

    Printed here, not returned: the cache sits below every command, and its problem must reach the
    user whichever command runs, without changing what any command returns.
    """
    if bypass:
        _off[str(home)] = problem
    if str(home) in _said:
        return
    _said[str(home)] = problem
    if _kept is not None:  # a worker process: the main process says it (once for the run)
        _kept.append((str(home), problem))
        return
    line = f"{problem}（警告）\n"
    try:
        sys.stderr.write(line)
    except UnicodeError:  # a console that cannot show Japanese
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(line.encode("ascii", "backslashreplace").decode("ascii"))
    except (OSError, ValueError):  # stderr closed
        pass


def keep_warnings() -> None:
    """In a worker process (summary --jobs): keep the cache's warnings for the main process to say, so
    that each is said once for the run, not once by each worker."""
    global _kept  # noqa: PLW0603 - a worker's setting, for the rest of its life
    _kept = []


def kept_warnings() -> list[tuple[str, Problem]]:
    """The warnings kept since the last call ((cache home, problem)); none outside a worker."""
    if not _kept:
        return []
    found = list(_kept)
    _kept.clear()
    return found


def say(home: str, problem: Problem) -> None:
    """A worker's warning, said here as this process's own are: once a run for each cache folder."""
    _warn(Path(home), problem, bypass=False)


def warning_given(home: Path) -> Problem | None:
    """The warning this run gave about the cache folder `home`, if any (for tests and the CLI)."""
    return _said.get(str(home))


# The folders and entries (cache_store.py): the root private and outside the data roots, its entries
# authenticated by a keyed tag.


def _run(home: Path) -> _Run:
    run = _runs.get(str(home))
    if run is None:
        run = _runs[str(home)] = _Run({}, set(), [])
    return run


def _folder(home: Path, names: tuple[str, ...]) -> Folder:
    """The folder `names` below the cache root (the root for none), each level created and checked once a run."""
    run = _run(home)
    found = run.folders.get("/".join(names))
    if found is None:
        if not names:
            return _root(home, ())
        found = cache_store.open_below(_folder(home, names[:-1]), names[-1])
        run.folders["/".join(names)] = found
    return found


def _load(home: Path, folders: tuple[str, ...], name: str) -> bytes | None:
    """An entry kpicheck wrote (its contents from HEADER on), or None when there is none."""
    folder = _folder(home, folders)
    data = cache_store.read(folder, name, MAX_ENTRY)
    if data is None:
        return None
    payload = memoryview(data)[HEADER:]  # not copied: a plan of 100,000 cells is 17 MB
    if not data.startswith(MAGIC) or not _same(data[len(MAGIC) : HEADER], _tag(home, folders, name, payload)):
        cache_store.remove(folder, name)
        place = os.path.join(folder.path, name)  # noqa: PTH118 - a str path, as cache_store keeps them
        raise CacheError(place, ENTRY_REFUSED, cache_store.entry_refused("kpicheck が書いたと確かめられません"))
    cache_store.touch(folder, name)  # a hit: the newest by time, so pruning keeps what is used
    return data


def _save(home: Path, folders: tuple[str, ...], name: str, payload: bytes) -> None:
    """Write an entry with its tag, through a temporary file and a rename, after pruning once a run."""
    if len(payload) + HEADER > MAX_ENTRY:
        return  # larger than any entry is read: just not cached
    folder = _pruned(home, folders)
    cache_store.write(folder, name, MAGIC + _tag(home, folders, name, payload) + payload)


def _pruned(home: Path, folders: tuple[str, ...]) -> Folder:
    """The cache's folder at `folders`, its oldest entries pruned at the first write of a run."""
    folder = _folder(home, folders)
    run = _run(home)
    if folder.path not in run.pruned:
        run.pruned.add(folder.path)
        cache_store.prune(folder)
    return folder


def _pickle() -> Any:
    """pickle's own C functions (load, dump, dumps), without pickle.py (1.4 ms to import); pickle elsewhere."""
    try:
        import _pickle  # noqa: PLC0415 - only when a cache is used
    except ImportError:  # another Python than CPython
        import pickle  # noqa: PLC0415

        return pickle
    return _pickle


@functools.cache  # one class a run
def _record_pickler(base: type) -> type:
    """`base` (pickle's C Pickler) writing records as tuple.__new__(cls, fields): a NamedTuple pickled the
    usual way is made again through its Python-level __new__, and a cached plan is mostly records (Rule,
    Target, Indicator). In C, a national city's plan loads in 0.8x the time and is written in 0.85x."""

    class Pickler(base):  # type: ignore[misc]  # a class given at run time
        def reducer_override(self, obj: object) -> object:
            cls = type(obj)
            # A NamedTuple has no state beyond its fields; a subclass given a __dict__ is pickled as usual.
            if isinstance(obj, tuple) and cls is not tuple and hasattr(cls, "_fields") and not hasattr(obj, "__dict__"):
                return tuple.__new__, (cls, tuple(obj))
            return NotImplemented

    return Pickler


class _Unpicklable(Exception):  # noqa: N818 - not an error: such a value is just not cached
    pass


class _TooLarge(Exception):  # noqa: N818 - not an error: such an entry is just not cached
    pass


def _save_pickled(home: Path, folders: tuple[str, ...], name: str, values: tuple[object, ...]) -> None:
    """Write an entry of `values`, each pickled straight into the file (two pickles, each with its own memo,
    as `cached` reads them), the tag over them written last: the pickle of a large plan and the source
    bytes in its check are never held whole in memory (validate, the first run after a 4.4 MB plan
    changed: 69-70 MB at the peak otherwise, 60). The rest as `_save`: pruned once a run, at most MAX_ENTRY."""
    pickle = _pickle()
    folder = _pruned(home, folders)
    digest = _digest(home, folders, name)

    def fill(out: cache_store.Sink) -> bytes | None:
        out.write(bytes(HEADER))  # room for MAGIC and the tag
        tagged = _Tagged(out, digest)
        try:
            for value in values:
                _record_pickler(pickle.Pickler)(tagged, HIGHEST).dump(value)
        except _TooLarge:
            return None  # larger than any entry is read: just not cached
        except OSError:
            raise  # a full disk: said as the other write failures are (_guarded)
        except Exception as exc:  # an unpicklable value: just not cached
            raise _Unpicklable from exc
        tag: bytes = digest.digest()
        return MAGIC + tag

    with contextlib.suppress(_Unpicklable):
        cache_store.write_with(folder, name, fill)


class _Tagged:
    """Writes to `out`, each part also into the tag, up to MAX_ENTRY in all."""

    def __init__(self, out: cache_store.Sink, digest: Any) -> None:
        self._out = out
        self._digest = digest
        self._size = HEADER

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._size += len(data)
        if self._size > MAX_ENTRY:
            raise _TooLarge
        self._digest.update(data)
        return self._out.write(data)


def _digest(home: Path, folders: tuple[str, ...], name: str) -> Any:
    """The keyed BLAKE2b of an entry at this place, to be given its contents (_tag)."""
    try:
        from _blake2 import blake2b  # noqa: PLC0415 - hashlib's import loads OpenSSL (5 ms a run)
    except ImportError:  # another Python than CPython
        from hashlib import blake2b  # noqa: PLC0415

    where = "/".join((*folders, name)).encode("utf-8", "surrogateescape")
    digest = blake2b(key=_key(home), digest_size=TAG_SIZE)
    digest.update(len(where).to_bytes(4, "big") + where)
    return digest


def _tag(home: Path, folders: tuple[str, ...], name: str, payload: bytes | memoryview) -> bytes:
    """Keyed BLAKE2b (a MAC by design) of where the entry is and what it holds."""
    digest = _digest(home, folders, name)
    digest.update(payload)
    tag: bytes = digest.digest()
    return tag


def _same(a: bytes, b: bytes) -> bool:
    from _operator import _compare_digest  # noqa: PLC0415 - hmac.compare_digest without hmac's hashlib

    return _compare_digest(a, b)


def _key(home: Path) -> bytes:
    """The per-user secret of the cache root (`key`, 32 random bytes, 0600), made once."""
    run = _run(home)
    if not run.key:
        root = _folder(home, ())
        try:
            key = cache_store.read(root, KEY_NAME, KEY_SIZE, private=True)
        except CacheError as exc:  # removed (others could read it, so forge entries): a new one below
            _warn(home, exc.problem, bypass=False)
            key = None
        if key is None:
            cache_store.link_new(root, KEY_NAME, os.urandom(KEY_SIZE))
            cache_store.link_new(root, cache_store.CACHEDIR_TAG, cache_store.CACHEDIR_SIGNATURE)
            key = cache_store.read(root, KEY_NAME, KEY_SIZE, private=True)
        if key is None or len(key) != KEY_SIZE:
            cache_store.remove(root, KEY_NAME)  # made afresh by the next entry: those of the old key fail their tag
            place = os.path.join(root.path, KEY_NAME)  # noqa: PTH118 - see above
            raise CacheError(place, ENTRY_REFUSED, cache_store.entry_refused("鍵ファイルの長さが違います"))
        run.key.append(key)
    return run.key[0]
