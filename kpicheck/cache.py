"""kpicheck's cache in the user's cache folder: plans as read (keyed by the file's bytes) and Jinja's
compiled templates. Never under the data root; a cache that cannot be read or written is ignored.

Reading a plan (TOML, then every target cell through the phrase interpreter) costs about 60 µs a
cell; a cached plan loads in about 5. The key is a hash of the file's bytes, the name problems give
it, kpicheck's version and the size and time of every module of the package, so an edited plan or
an upgraded (or edited) kpicheck reads the file afresh. Entries are pickles written by kpicheck
itself into a folder only the user can write, as Python's own __pycache__ is; KPICHECK_CACHE=off
turns the cache off.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from kpicheck import __version__

T = TypeVar("T")
CACHE_ENV = "KPICHECK_CACHE"
FORMAT = 1  # bump when the shape of what is cached changes without a module changing


def cache_home() -> Path | None:
    """The user's cache folder for kpicheck: $XDG_CACHE_HOME, %LOCALAPPDATA%, ~/Library/Caches or ~/.cache.

    None when the cache is off (KPICHECK_CACHE=off) or no home folder is known.
    """
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


@functools.cache
def _code_stamp() -> bytes:
    """kpicheck's version and the size and time of its modules: a changed reader means a stale cache."""
    folder = Path(__file__).parent
    try:
        entries = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(folder))
    except OSError:
        entries = []
    return repr((FORMAT, __version__, sys.version_info[:2], entries)).encode()


def _key(*parts: bytes) -> str:
    digest = hashlib.sha256(_code_stamp())
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def cached(kind: str, parts: tuple[bytes, ...], build: Callable[[], T]) -> T:
    """build(), or what it returned before for the same `parts` (and the same kpicheck)."""
    home = cache_home()
    if home is None:
        return build()
    path = home / kind / f"{_key(kind.encode(), *parts)}.pickle"
    try:
        data = path.read_bytes()
    except OSError:
        pass
    else:
        # Unpickling makes many small objects, and the cyclic collector would walk them all again
        # and again (0.5 s becomes 3 s for a plan of 100,000 cells); none of them form cycles.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return pickle.loads(data)  # type: ignore[no-any-return]  # kpicheck wrote it (see the module docstring)
        except Exception:  # a damaged or foreign entry: read the file afresh
            pass
        finally:
            if enabled:
                gc.enable()
    result = build()
    _store(path, result)
    return result


def _store(path: Path, value: object) -> None:
    """Write through a temporary file and rename (two runs at once never see half an entry); errors ignored."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        temp.replace(path)
    except Exception:  # a read-only or full disk, an unpicklable value: just not cached
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
