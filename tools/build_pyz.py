"""Build dist/kpicheck.pyz: kpicheck, its templates and every runtime dependency in one zip application.

Usage: python tools/build_pyz.py [-o dist/kpicheck.pyz] [--from-index]

Run it with the Python of an environment where kpicheck is installed (`pip install .`); it needs
nothing beyond the standard library and pip. The archive is made with the standard library's
`zipapp`, compressed, and holds Python source only: a native file (.so, .pyd, .dylib, .dll) is left
out, so the same file runs on Windows, macOS and Linux with any Python 3.11 or later (MarkupSafe's
optional C `_speedups` is left out and its pure-Python fallback runs).

Where the dependencies come from:
- by default, the distributions already installed in this environment, copied file by file from
  their installed file lists (importlib.metadata): offline, fast, and the very versions this
  environment was tested with. A dependency this platform does not install (colorama, which typer
  needs on Windows only) and that is therefore missing here is fetched with
  `pip install --no-deps --target` from the package index;
- with --from-index, every one of them through `pip install --no-deps --no-compile --target` into a
  temporary folder, pinned to the versions installed here (needs the package index).

The dependencies are read from kpicheck's own metadata, following every requirement whose
environment marker holds on any of Linux, Windows or macOS. Left out on purpose (LEFT_OUT below):
rich, with what only it needs.

The commit the archive was built from (`git describe --tags --always --dirty`) is written into it
as kpicheck/BUILD, which `kpicheck --version` prints.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipapp
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NATIVE = (".so", ".pyd", ".dylib", ".dll")
# typer requires rich for its coloured help and tracebacks. kpicheck renders help itself
# (rich_markup_mode=None, kpicheck/click_ja.py) and catches every error at its boundary, so typer
# never imports rich on a kpicheck command line (it checks with find_spec first); left out with
# pygments, markdown-it-py and mdurl, which only rich needs: 3.9 MB less in the archive. shellingham
# stays: typer imports it on every run, completion or not.
LEFT_OUT = {"rich"}
# Every platform the archive is for: a dependency is taken when its marker holds on any of them.
PLATFORMS = (
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
    {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
)
# Installer bookkeeping that is wrong or useless once copied (RECORD lists files left out).
SKIPPED_META = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
MAIN = """\
# kpicheck.pyz: run with `python kpicheck.pyz …` (`py kpicheck.pyz …` on Windows); see the README.
import sys

if sys.version_info < (3, 11):  # an older `py` would end in an ImportError traceback: say what to do
    found = ".".join(str(part) for part in sys.version_info[:3])
    sys.stderr.write(
        f"kpicheck: KC304 kpicheck.pyz には Python 3.11 以上が必要です（この Python は {found}）。"
        "`py -0` で入っている Python を確かめ、`py -3.11 kpicheck.pyz …` のように版を指定してください\\n"
    )
    raise SystemExit(2)

from kpicheck.cli import main

main()
"""

try:  # pip carries packaging; an environment with kpicheck's test extras has it as well
    from packaging.requirements import Requirement
except ImportError:  # pragma: no cover - depends on the environment
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[assignment]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wanted(requirement: Requirement, extras: set[str]) -> bool:
    """Whether `requirement` applies on some platform, for the extras asked for."""
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**platform, "extra": extra}) for platform in PLATFORMS for extra in extras or {""}
    )


def runtime_requirements() -> tuple[dict[str, Requirement], set[str]]:
    """Every distribution kpicheck needs at run time (by canonical name), and those left out."""
    found: dict[str, Requirement] = {}
    left_out: set[str] = set()
    queue: list[tuple[str, set[str]]] = [("kpicheck", set())]
    while queue:
        name, extras = queue.pop()
        try:
            requires = metadata.distribution(name).requires or []
        except metadata.PackageNotFoundError:
            continue  # not installed here: fetched with pip, which brings nothing further (see fetch)
        for line in requires:
            requirement = Requirement(line)
            key = canonical(requirement.name)
            if not wanted(requirement, extras):
                continue
            if key in LEFT_OUT:
                left_out.add(key)
                continue
            if key not in found:
                found[key] = requirement
                queue.append((requirement.name, set(requirement.extras)))
    return found, left_out


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def copy_installed(name: str, target: Path) -> None:
    """An installed distribution's files (its installed file list), without bytecode or scripts."""
    distribution = metadata.distribution(name)
    for file in distribution.files or []:
        parts = file.parts
        if parts[0] == ".." or "__pycache__" in parts or file.suffix == ".pyc":
            continue  # console scripts outside site-packages; bytecode is rebuilt by whoever runs it
        if parts[0].endswith(".dist-info") and file.name in SKIPPED_META:
            continue
        source = Path(str(distribution.locate_file(file)))
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)


def fetch(specs: list[str], target: Path) -> None:
    """pip install --target: wheels only (nothing is compiled here), no dependencies (they are listed)."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += ["--no-deps", "--no-compile", "--only-binary=:all:", "--target", str(target), *specs]
    subprocess.run(command, check=True)


def copy_kpicheck(target: Path) -> None:
    """The package from this checkout: modules, templates, py.typed (never bytecode)."""
    source = ROOT / "kpicheck"
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or "__pycache__" in relative.parts or path.suffix == ".pyc":
            continue
        destination = target / "kpicheck" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def drop_native(target: Path) -> list[str]:
    """Remove every native file (and bytecode pip may have left); return what was removed."""
    removed = []
    for path in sorted(target.rglob("*")):
        if path.is_file() and (path.suffix in NATIVE or ".so." in path.name or path.suffix == ".pyc"):
            removed.append(str(path.relative_to(target)))
            path.unlink()
    for folder in sorted(target.rglob("__pycache__"), reverse=True):
        shutil.rmtree(folder)
    return removed


def commit() -> str:
    """The commit this checkout is at, as `git describe` says it; `unknown` without git."""
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--tags", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


@dataclass(frozen=True)
class Built:
    """What went into the archive, for the caller to print."""

    distributions: list[str]
    fetched: list[str]
    left_out: list[str]
    native_removed: list[str]


def build(output: Path, *, from_index: bool = False) -> Built:
    """Write the archive to `output`; return what went in (for the caller to print)."""
    requirements, left_out = runtime_requirements()
    with tempfile.TemporaryDirectory(prefix="kpicheck-pyz-") as temp:
        staging = Path(temp)
        copy_kpicheck(staging)
        fetched = []
        for _name, requirement in sorted(requirements.items()):
            version = installed_version(requirement.name)
            if version is not None and not from_index:
                copy_installed(requirement.name, staging)
            else:
                fetched.append(f"{requirement.name}=={version}" if version else str(requirement).split(";")[0])
        if fetched:
            fetch(fetched, staging)
        removed = drop_native(staging)
        (staging / "kpicheck" / "BUILD").write_text(commit() + "\n", encoding="utf-8")
        (staging / "__main__.py").write_text(MAIN, encoding="utf-8")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        zipapp.create_archive(staging, partial, interpreter="/usr/bin/env python3", compressed=True)
        partial.replace(output)
    return Built(sorted(requirements), fetched, sorted(left_out), removed)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "dist" / "kpicheck.pyz")
    parser.add_argument(
        "--from-index", action="store_true", help="fetch every dependency with pip instead of copying it"
    )
    options = parser.parse_args()
    done = build(options.output, from_index=options.from_index)
    print(f"distributions: {', '.join(done.distributions)}")
    if done.fetched:
        print(f"fetched with pip: {', '.join(done.fetched)}")
    print(f"left out: {', '.join(done.left_out)}")
    print(f"native files left out: {', '.join(done.native_removed) or 'none'}")
    print(f"{options.output}: {options.output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
