"""Issue 22 items 7 and 8: `-o` names the system refuses, another data root's targets/ and actuals/,
and `--root` that is not a folder. Each is one coded line, never KC399 or typer's usage box."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import REPO, invoke

# Every command with -o, with the arguments that reach the write (the demo root, a year it covers).
DEMO = ["--root", str(REPO)]
COMMANDS: dict[str, tuple[list[str], str]] = {
    "status": (["status", *DEMO, "--city", "abashiri", "--year", "2027"], ".csv"),
    "report": (["report", *DEMO, "--city", "abashiri", "--year", "2027"], ".md"),
    "sheet": (["sheet", *DEMO, "--city", "abashiri", "--year", "2027"], ".csv"),
    "summary": (["summary", *DEMO, "--year", "2027"], ".csv"),
}
TABLE = "分野,取組,指標,2026,2027\nデジタル,窓口,オンライン申請率,50%,60%\n"


def _one_coded_line(stderr: str, code: str) -> str:
    lines = [line for line in stderr.splitlines() if " KC" in line]
    assert len(lines) == 1, stderr
    assert re.search(rf": {code} ", lines[0]), lines[0]
    assert "KC399" not in stderr and "Traceback" not in stderr
    return lines[0]


def _import_args(tmp_path: Path) -> list[str]:
    table = tmp_path / "kpi.csv"
    table.write_text(TABLE, encoding="utf-8")
    return ["import", str(table), "--root", str(tmp_path), "--city", "newtown", "--plan", "newtown-dx", "--title", "t"]


@pytest.mark.parametrize("name", ["a" * 300, "a\0b"], ids=["300-bytes", "nul"])
@pytest.mark.parametrize("command", [*COMMANDS, "import"])
def test_a_name_the_system_refuses_is_kc307(tmp_path: Path, command: str, name: str) -> None:
    if command == "import":
        args, suffix = _import_args(tmp_path), ".toml"
    else:
        args, suffix = COMMANDS[command]
    result = invoke(*args, "-o", str(tmp_path / (name + suffix)))
    assert result.exit_code == 2, result.output
    line = _one_coded_line(result.stderr, "KC307")
    assert ("長すぎます" if len(name) > 255 else "NUL") in line
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("a", ".kpicheck"))]


def test_a_report_whose_chart_names_grow_too_long_is_kc307(tmp_path: Path) -> None:
    """A legal 250-byte name whose `.summary.svg` sibling is not: refused before anything is written."""
    args, _ = COMMANDS["report"]
    result = invoke(*args, "-o", str(tmp_path / ("b" * 250 + ".md")))
    assert result.exit_code == 2
    _one_coded_line(result.stderr, "KC307")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def other_root(tmp_path: Path) -> Path:
    """A second data root, not the one --root names; its targets/ and actuals/ must never be written."""
    other = tmp_path / "other"
    (other / "targets" / "town").mkdir(parents=True)
    (other / "actuals" / "town").mkdir(parents=True)
    return other


@pytest.mark.parametrize("inside", ["targets", "targets/town", "actuals/town"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_o_refuses_another_roots_data_folders(other_root: Path, command: str, inside: str) -> None:
    args, suffix = COMMANDS[command]
    out = other_root / inside / ("out" + suffix)
    result = invoke(*args, "-o", str(out))
    assert result.exit_code == 2, result.output
    line = _one_coded_line(result.stderr, "KC307")
    assert f" の {inside.partition('/')[0]}/ の中には書き込みません" in line
    assert not out.exists()


def test_o_through_a_link_into_another_root_is_refused(other_root: Path, tmp_path: Path) -> None:
    link = tmp_path / "reports"
    link.symlink_to(other_root / "actuals" / "town")
    args, _ = COMMANDS["status"]
    result = invoke(*args, "-o", str(link / "out.csv"))
    assert result.exit_code == 2
    _one_coded_line(result.stderr, "KC307")
    assert list((other_root / "actuals" / "town").iterdir()) == []


def test_a_folder_named_targets_alone_is_no_data_root(tmp_path: Path) -> None:
    """Only targets/ beside actuals/ (or --root's own) marks a data root: a lone targets/ folder is writable."""
    (tmp_path / "targets").mkdir()
    args, _ = COMMANDS["status"]
    out = tmp_path / "targets" / "out.csv"
    result = invoke(*args, "--as-of", "2027-12-31", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_import_writes_into_its_own_root_only(other_root: Path, tmp_path: Path) -> None:
    args = _import_args(tmp_path)
    refused = invoke(*args, "-o", str(other_root / "targets" / "newtown" / "d.toml"))
    assert refused.exit_code == 2
    _one_coded_line(refused.stderr, "KC307")
    (tmp_path / "targets" / "newtown").mkdir(parents=True)
    (tmp_path / "actuals").mkdir()
    own = tmp_path / "targets" / "newtown" / "d.toml"
    result = invoke(*args, "-o", str(own))
    assert result.exit_code in {0, 1}, result.output
    assert own.exists()


# ------------------------------------------------------------------ --root


def _root_kinds(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    return {
        "file": tmp_path / "file",
        "missing": tmp_path / "missing",
        "pipe": tmp_path / "pipe",
        "dangling": tmp_path / "dangling",
        "loop": tmp_path / "loop",
        "long": tmp_path / ("r" * 300),
    }


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--city", "abashiri", "--year", "2027"],
        ["summary", "--year", "2027"],
        ["validate"],
        ["list"],
        ["show", "--city", "abashiri"],
    ],
    ids=lambda a: a[0],
)
def test_root_that_is_not_a_folder_is_one_kc304_line(tmp_path: Path, args: list[str]) -> None:
    for kind, root in _root_kinds(tmp_path).items():
        result = invoke(*args, "--root", str(root))
        assert result.exit_code == 2, (kind, result.output)
        line = _one_coded_line(result.stderr, "KC304")
        assert line.startswith("kpicheck: KC304 --root"), (kind, line)
        assert "Usage" not in result.output and "╭" not in result.output
