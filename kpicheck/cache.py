"""kpicheck's cache in the user's cache folder: plans as read (keyed by the file's bytes) and Jinja's
compiled templates. Never under the data root; a cache that cannot be read or written is ignored.

Reading a plan (TOML, then every target cell through the phrase interpreter) costs about 60 µs a
cell; a cached plan loads in about 5. An entry is used only for the very bytes it was read from,
under the same name, by the same kpicheck (its version and the size and time of every module of the
package), so an edited plan or an upgraded (or edited) kpicheck reads the file afresh. Entries are
pickles written by kpicheck itself into a folder only the user can write, as Python's own
__pycache__ is; KPICHECK_CACHE=off turns the cache off.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kpicheck import __version__

if TYPE_CHECKING:
    from jinja2 import BytecodeCache

T = TypeVar("T")
CACHE_ENV = "KPICHECK_CACHE"
FORMAT = 1  # bump when the shape of what is cached changes without a module changing


def cache_home(avoid: tuple[Path, ...] = ()) -> Path | None:
    """The user's cache folder for kpicheck: $XDG_CACHE_HOME, %LOCALAPPDATA%, ~/Library/Caches or ~/.cache.

    None when the cache is off (KPICHECK_CACHE=off), no home folder is known, or it would lie inside
    one of `avoid` (a data root's targets/ and actuals/, which kpicheck never writes to).
    """
    home = _home()
    if home is not None and avoid and _inside(home, avoid):
        return None
    return home


@functools.lru_cache(maxsize=64)  # asked once per plan file; the answer does not change within a run
def _inside(home: Path, folders: tuple[Path, ...]) -> bool:
    try:
        resolved = home.resolve()
        return any(resolved.is_relative_to(folder.resolve()) for folder in folders)
    except (OSError, RuntimeError):
        return True  # cannot tell: do not cache


def _home() -> Path | None:
    if os.environ.get(CACHE_ENV, "").lower() in {"off", "0", "no", "false"}:
        return None
    # A relative path is ignored, as the XDG spec says (it would land inside the data root).
    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA") if sys.platform == "win32" else ("XDG_CACHE_HOME",):
        base = Path(os.environ.get(name, ""))
        if base.is_absolute():
            return base / "kpicheck"
    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no HOME and no passwd entry
        return None
    if not home.is_absolute():
        return None
    return home / ("Library/Caches" if sys.platform == "darwin" else ".cache") / "kpicheck"


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
    return repr((FORMAT, __version__, sys.version_info[:2], entries)).encode()


def cached(kind: str, name: str, source: bytes, build: Callable[[], T], avoid: tuple[Path, ...] = ()) -> T:
    """build(), or what it returned before for the same `source` bytes under the same `name` (and kpicheck).

    An entry is named after `name` (a file's absolute path and the name problems give it) and holds
    the source bytes it was built from: it is used only when they are the same bytes, compared in
    full (no hash to trust, and hashlib's 5 ms of start-up not paid).
    """
    home = cache_home(avoid)
    if home is None:
        return build()
    import io  # noqa: PLC0415 - the modules below only when a cache is used
    import pickle  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    ident = name.encode("utf-8", "surrogateescape")
    path = home / kind / f"{zlib.crc32(ident):08x}{zlib.adler32(ident):08x}.pickle"
    check = (_code_stamp(), name, source)
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    if data:
        # Unpickling makes many small objects, and the cyclic collector would walk them all again
        # and again (0.5 s becomes 3 s for a plan of 100,000 cells); none of them form cycles.
        enabled = gc.isenabled()
        gc.disable()
        try:
            entry = io.BytesIO(data)  # two pickles, each with its own memo: the check, then the value
            if pickle.load(entry) == check:
                return pickle.load(entry)  # type: ignore[no-any-return]  # kpicheck wrote it (module docstring)
        except Exception:  # a damaged or foreign entry: build afresh and replace it
            pass
        finally:
            if enabled:
                gc.enable()
    result = build()
    with contextlib.suppress(Exception):  # an unpicklable value: just not cached
        _store(path, pickle.dumps(check, pickle.HIGHEST_PROTOCOL) + pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
    return result


def _store(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename (two runs at once never see half an entry); errors ignored."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        temp.replace(path)
    except OSError:  # a read-only or full disk, a file where the folder should be: just not cached
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def jinja_cache(flavour: str, avoid: tuple[Path, ...] = ()) -> BytecodeCache | None:
    """Jinja's compiled templates in the cache folder (compiling them costs about 25 ms a report).

    Jinja checks each entry against the template's source, so an edited template is compiled afresh;
    an entry that cannot be read or written is skipped without a word. Jinja's key does not cover
    the environment's settings, yet escaping is compiled in: `flavour` names them (one folder per
    output format), so a template compiled for HTML is never run for Markdown.
    """
    home = cache_home(avoid)
    if home is None:
        return None
    from jinja2 import FileSystemBytecodeCache  # noqa: PLC0415 - only reports render templates
    from jinja2.bccache import Bucket  # noqa: PLC0415 - see above

    class QuietCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged entry: compile afresh
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(Exception):  # a read-only or full disk: just not cached
                super().dump_bytecode(bucket)

    folder = home / "jinja" / flavour
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return QuietCache(str(folder))
