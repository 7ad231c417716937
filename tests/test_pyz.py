"""kpicheck.pyz (issue 25): built by tools/build_pyz.py, pure Python, and running the yearly cycle on its own.

The archive is built once for the module from this environment's installed packages (offline), then
run as an office PC would: `python -I -S kpicheck.pyz …` (no site-packages, no PYTHONPATH) from an
empty folder, with the demo data as the data root.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpicheck import __version__

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "tools" / "build_pyz.py"
NATIVE = (".so", ".pyd", ".dylib", ".dll")
DEMO = ["--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31", "--root", str(REPO)]


@pytest.fixture(scope="module")
def pyz(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    archive = tmp_path_factory.mktemp("dist") / "kpicheck.pyz"
    start = time.perf_counter()
    built = subprocess.run(
        [sys.executable, str(BUILD), "-o", str(archive)], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    assert built.returncode == 0, built.stderr
    capture = request.config.pluginmanager.getplugin("capturemanager")
    line = f"kpicheck.pyz: {archive.stat().st_size:,} bytes, built in {seconds:.1f} s"
    with (
        capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext()
    ):  # the figures a reviewer wants from CI's log, printed as they are
        print(f"\n{line}")
    return archive


def isolated(pyz: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -I -S kpicheck.pyz ARGS` in `folder`, with a cache folder of its own as a user has."""
    env = {**os.environ, "XDG_CACHE_HOME": str(folder.parent / "cache"), "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("KPICHECK_CACHE", None)
    return subprocess.run(
        [sys.executable, "-I", "-S", str(pyz), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "office"
    folder.mkdir()
    return folder


def test_the_isolated_interpreter_sees_no_installed_package(empty: Path) -> None:
    """What makes the runs below mean something: with -I -S this environment's packages are not there."""
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", "import typer"], cwd=empty, capture_output=True, check=False
    )
    assert done.returncode == 1
    assert b"ModuleNotFoundError" in done.stderr


def test_the_archive_holds_no_native_file_and_every_dependency(pyz: Path) -> None:
    names = zipfile.ZipFile(pyz).namelist()
    assert [name for name in names if name.endswith(NATIVE) or ".so." in name] == []
    assert [name for name in names if name.endswith(".pyc") or "__pycache__" in name] == []
    assert "__main__.py" in names
    assert "kpicheck/templates/report.html.j2" in names
    assert "kpicheck/BUILD" in names
    # markupsafe without its C speed-up, with the pure fallback it then imports
    assert "markupsafe/_native.py" in names
    # every runtime dependency, colorama too (typer needs it on Windows only: taken by its marker)
    for package in ("typer", "jinja2", "openpyxl", "et_xmlfile", "tabulate", "wcwidth", "dateutil", "tomli_w"):
        assert f"{package}/__init__.py" in names, package
    assert "colorama/__init__.py" in names
    assert not [name for name in names if name.startswith(("rich/", "pygments/"))]  # left out: never imported


def test_status_runs_from_the_archive_and_keeps_its_cache_in_the_users_folder(pyz: Path, empty: Path) -> None:
    done = isolated(pyz, empty, "status", *DEMO)
    assert done.returncode == 0, done.stderr
    assert "網走市DX推進計画 Ver2.0" in done.stdout
    assert "達成" in done.stdout
    assert list((empty.parent / "cache" / "kpicheck" / "plans").iterdir())  # the plan cache was written
    again = isolated(pyz, empty, "status", *DEMO)  # and read back: the same output, no warning
    assert (again.returncode, again.stdout, again.stderr) == (0, done.stdout, done.stderr)
    assert list(empty.iterdir()) == []  # nothing written beside it


def test_sheet_writes_a_workbook_from_the_archive(pyz: Path, empty: Path) -> None:
    done = isolated(pyz, empty, "sheet", *DEMO, "-o", "実績入力_2027.xlsx")
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(empty / "実績入力_2027.xlsx").worksheets[0]
    assert sheet.max_row > 30  # the header and a row per indicator of the plan


def test_report_renders_the_templates_inside_the_archive(pyz: Path, empty: Path) -> None:
    done = isolated(pyz, empty, "report", *DEMO, "-o", "report.html")
    assert done.returncode == 0, done.stderr
    page = (empty / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page
    assert "網走市DX推進計画 Ver2.0" in page


def test_version_names_the_commit_the_archive_was_built_from(pyz: Path, empty: Path) -> None:
    done = isolated(pyz, empty, "--version")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(rf"kpicheck {re.escape(__version__)} \(kpicheck\.pyz, commit [\w.+-]+\)\n", done.stdout)


def test_an_older_python_is_told_what_to_do(
    pyz: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`py` on an office PC may still pick 3.10: the archive's first lines say so in one coded line
    before anything that needs 3.11 is imported (3.10 would end in an ImportError traceback)."""
    with zipfile.ZipFile(pyz) as archive:
        main = archive.read("__main__.py").decode("utf-8")
    monkeypatch.setattr(sys, "version_info", (3, 10, 13, "final", 0))
    with pytest.raises(SystemExit) as stopped:
        exec(compile(main, "__main__.py", "exec"), {"__name__": "__main__"})
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("kpicheck: KC304 kpicheck.pyz には Python 3.11 以上が必要です（この Python は 3.10.13）")
