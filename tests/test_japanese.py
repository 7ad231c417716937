"""Users are Japanese municipal staff: --help and problem messages are in Japanese; codes and places are not."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import typer

from conftest import invoke
from kpicheck import cli

COMMANDS = ["status", "report", "list", "show", "validate", "sheet", "import", "summary"]
# Hiragana, katakana or kanji: text a Japanese reader reads, not only ASCII.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_each_command_is_in_japanese(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    sub = typer.main.get_command(cli.app).commands[command]  # type: ignore[attr-defined]
    # The command's own line and every option's help are Japanese; the option names stay as they are.
    assert sub.help is not None and JAPANESE.search(sub.help.splitlines()[0]), sub.help
    helps = {p.name: getattr(p, "help", None) for p in sub.params}
    assert all(h and JAPANESE.search(h) for name, h in helps.items() if name != "help"), helps
    assert JAPANESE.search(result.output)
    assert "--root" in result.output
    for text in (sub.help, *(h for h in helps.values() if h)):
        text.encode("cp932")  # our text, not rich's box lines: Japanese Windows consoles can show all of it


def test_top_level_help_is_in_japanese() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "自治体DX推進計画の KPI 目標" in result.output
    assert "内部エラーのときにトレースバックを表示します" in result.output


def test_an_unknown_indicator_is_reported_in_japanese_with_its_code_and_place(
    make_root: Callable[..., Path],
) -> None:
    root = make_root({"a.csv": "indicator,year,value\nrate,2026,60\nrtae,2027,61\n"})
    result = invoke("validate", "--root", str(root))
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert re.fullmatch(r"actuals/mini/a\.csv:3:1: KC102 \S+ に指標 'rtae' はありません（'rate' の誤り？）", line), line
    assert result.stderr.strip() == "エラー 1 件、警告 0 件"
    line.encode("cp932")


def test_a_command_line_problem_is_in_japanese(make_root: Callable[..., Path]) -> None:
    root = make_root()
    result = invoke("status", "--root", str(root), "--city", "mini")
    assert result.exit_code == 2
    assert result.output.strip() == "kpicheck: KC304 --year（または --plan）を指定してください"
