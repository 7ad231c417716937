"""typer's and click's own words in Japanese: a mistaken command line, --help of every command, 80 columns."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from wcwidth import wcswidth

from conftest import REPO, invoke
from kpicheck import cli, click_ja

GROUP: Any = typer.main.get_command(cli.app)
COMMANDS = list(GROUP.commands)
# What may stay ASCII in what typer and click print: the program, the code, and the words of the
# command line itself (command, option and argument names, metavars, values), which the test removes.
ALLOWED = {"kpicheck", "KC", "root"}  # CliRunner names the program `root` (the test's module is not a script)
OPTION = re.compile(r"(?<![A-Za-z0-9-])--?[a-z][a-z0-9-]*")
METAVAR = re.compile(r"<[^<>\s]*>")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", METAVAR.sub(" ", OPTION.sub(" ", text))))


def english_left(output: str, ours: list[str]) -> set[str]:
    """ASCII words of `output` once kpicheck's own texts (`ours`: helps however wrapped, and the words of
    names, defaults, choices and the command line), option names, metavars and command names are taken
    out: what typer or click said in English."""
    text = output
    for said in sorted({_flat(s) for s in ours if len(s) > 20}, key=len, reverse=True):
        text = re.sub(r"\s*".join(map(re.escape, said)), " ", text)  # wrapped anywhere, indented
    return _words(text) - set().union(*(_words(s) for s in ours)) - ALLOWED - set(COMMANDS)


def own_texts(command: Any) -> list[str]:
    """Every text kpicheck wrote for `command`: its help, its parameters' help, names and defaults."""
    texts = [command.help or ""]
    for param in command.params:
        texts += [getattr(param, "help", None) or "", param.name or "", str(param.default)]
        texts += [str(choice) for choice in getattr(param.type, "choices", ())]
    return texts


MISTAKES = [
    (["status", "--city", "abashiri", "--bogus"], "--bogus というオプションはありません"),
    (["status", "--cty", "abashiri"], "--cty というオプションはありません"),
    (["status"], "オプション --city を指定してください"),
    (
        ["status", "--city", "abashiri", "--format", "xml"],
        "--format: 'xml' は使えません（'table'、'json'、'csv' のいずれか）",
    ),
    (["status", "--city", "abashiri", "extra"], "余分な引数があります: extra"),
    (["validate", "--max-problems", "many"], "--max-problems: 'many' は整数ではありません"),
    (["validate", "--max-problems", "-1"], "--max-problems: -1 は範囲外です（0 以上）"),
    (["stats"], "'stats' というコマンドはありません（もしかして: 'status'）"),
    (["status", "--city"], "--city には値を 1 つ続けてください"),
    (["import", "--city", "x", "--plan", "p", "--title", "t"], "引数 table を指定してください"),
    (["sheet", "--city", "abashiri", "-o", "s.xlsx", "--encoding", "sjis"], "--encoding: 'sjis' は使えません"),
]


@pytest.mark.parametrize(("args", "said"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_a_mistaken_command_line_is_one_coded_japanese_line(args: list[str], said: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("kpicheck: KC304 "), line
    assert said in line
    # where the help is, also for a mistake click's option parser finds (`--city` with no value)
    assert line.endswith(f"（使い方: root {args[0] if args[0] in COMMANDS else ''}".rstrip() + " -h）"), line
    ours = [*args, *(own_texts(GROUP.commands[args[0]]) if args[0] in GROUP.commands else [])]
    assert english_left(line, ours) == set(), line
    line.encode("cp932")


@pytest.mark.parametrize("command", [None, *COMMANDS])
@pytest.mark.parametrize("columns", [80, 200])
def test_help_of_every_command_is_japanese_whole_and_fits_the_terminal(command: str | None, columns: int) -> None:
    result = invoke(*([command] if command else []), "--help", columns=columns)
    assert result.exit_code == 0, result.output
    sub = GROUP if command is None else GROUP.commands[command]
    assert result.stdout.startswith(f"使い方: root {command or ''}".rstrip() + " [オプション]"), result.stdout
    assert "オプション:" in result.stdout
    assert "このヘルプを表示して終了します。" in result.stdout
    ours = own_texts(sub)
    if command is None:
        ours += [c.help.splitlines()[0] for c in GROUP.commands.values()]
    else:
        ours += [GROUP.commands[command].name]
    # Every help is there whole, only wrapped (click cuts a command's line in the list at 45 characters).
    helps = [sub.help, *(getattr(p, "help", None) for p in sub.params)]
    if command is None:
        helps += [c.help.splitlines()[0] for c in GROUP.commands.values()]
    assert [h for h in helps if h and _flat(h) not in _flat(result.stdout)] == []
    assert english_left(result.stdout, ours) == set(), result.stdout
    assert max(wcswidth(line) for line in result.stdout.splitlines()) <= min(columns, 80)
    result.stdout.encode("cp932")  # no rich box lines, whether rich is installed or not


@pytest.mark.parametrize("command", COMMANDS)
def test_what_an_option_takes_is_said_in_japanese(command: str) -> None:
    """`--root <フォルダ>`, not the Python type or parser the value goes through (`<str>`, `<as_path>`);
    a list of choices stays as the words to type (`<table|json|csv>`)."""
    result = invoke(command, "--help", columns=200)
    shown = METAVAR.findall(result.stdout)
    assert shown, result.stdout
    assert [m for m in shown if "|" not in m and m.isascii()] == [], result.stdout


def test_the_notes_of_an_option_are_japanese() -> None:
    result = invoke("status", "--help", columns=80)
    assert "[必須]" in result.stdout and "[既定: .]" in result.stdout
    assert "[" not in [line.strip()[-1:] for line in result.stdout.splitlines()]  # never a bracket left alone


def test_no_arguments_prints_the_help() -> None:
    """As click does: the help on stderr and exit 2 (a script that forgot the command fails)."""
    result = invoke()
    assert result.exit_code == 2
    assert result.stderr.startswith("使い方: root [オプション] コマンド [引数]...")
    assert "コマンド:" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        (
            "この状況かそれより悪い指標が 1 つでもあれば終了コード 1。",
            20,
            ["この状況かそれより悪", "い指標が 1 つでもあ", "れば終了コード 1。"],
        ),
        ("あいうえお。かき", 10, ["あいうえ", "お。かき"]),  # 。 never starts a line
        ("（既定: 端末のときだけ。NO_COLOR で無効）。", 16, ["（既定: 端末のと", "きだけ。NO_COLOR", "で無効）。"]),
        ("targets/ と actuals/ があるデータ", 12, ["targets/ と", "actuals/ が", "あるデータ"]),
        ("abcdefghijklmnop", 6, ["abcdef", "ghijkl", "mnop"]),
    ],
)
def test_wrap_counts_a_wide_character_as_two_columns(text: str, width: int, lines: list[str]) -> None:
    wrapped = click_ja.wrap(text, width)
    assert wrapped == lines
    assert all(wcswidth(line) <= width for line in wrapped)
    assert "".join(wrapped).replace(" ", "") == text.replace(" ", "")


def test_an_unknown_sentence_stays_as_click_wrote_it() -> None:
    """A click upgrade may add a sentence no row knows: it is shown in English, never lost or broken."""
    assert click_ja.message("Something new happened.") == "Something new happened."
    assert click_ja.message("Invalid value for '--x': a new kind of value.") == "--x: a new kind of value."


def test_the_console_script_speaks_japanese_through_a_cp932_console() -> None:
    """The real process (main(), the installed entry point), as Japanese Windows' console encodes it."""
    env = {**os.environ, "PYTHONIOENCODING": "cp932", "COLUMNS": "80", "TYPER_USE_RICH": "1"}
    script = [str(Path(sys.executable).with_name("kpicheck"))]  # the console script, as users run it
    bad = subprocess.run([*script, "status", "--bogus"], capture_output=True, env=env, cwd=REPO, check=False)
    assert bad.returncode == 2
    assert bad.stderr.decode("cp932").strip() == (
        "kpicheck: KC304 --bogus というオプションはありません（使い方: kpicheck status -h）"
    )
    shown = subprocess.run([*script, "status", "--help"], capture_output=True, env=env, cwd=REPO, check=False)
    assert shown.returncode == 0
    text = shown.stdout.decode("cp932")
    assert text.startswith("使い方: kpicheck status [オプション]")
    assert "?" not in text.replace("？", "")  # nothing replaced for want of a CP932 character


@pytest.mark.parametrize(
    ("english", "japanese"),
    [  # as click 8.1/8.2 and typer 0.28's copy write them
        (
            "No such option: --cty (Possible options: --city, --year)",
            "--cty というオプションはありません（もしかして: --city、--year）",
        ),
        ("No such option: --cty Did you mean --city?", "--cty というオプションはありません（もしかして: --city）"),
        ("Missing option '--city'.", "オプション --city を指定してください"),
        ("Missing argument 'TABLE'.", "引数 TABLE を指定してください"),
        ("Missing parameter: city", "Missing parameter: city"),  # no row: stays as it was
        (
            "Invalid value for '--format': 'xml' is not one of 'table', 'json'.",
            "--format: 'xml' は使えません（'table'、'json' のいずれか）",
        ),
        ("Invalid value for '--n': 'x' is not a valid integer.", "--n: 'x' は整数ではありません"),
        ("Invalid value for '--n': 5 is not in the range 0<=x<=3.", "--n: 5 は範囲外です（0 以上 3 以下）"),
        ("Invalid value for '--f': 'x' is not a valid float.", "--f: 'x' は数ではありません"),
        (
            "Invalid value for '--b': 'x' is not a valid boolean. Recognized values: 1, 0",
            "--b: 'x' は真偽値ではありません（true か false）",
        ),
        ("Invalid value for '--root': Directory 'a.txt' is a file.", "--root: 'a.txt' はファイルです"),
        ("Invalid value for 'FILE': Path 'x' does not exist.", "FILE: 'x' がありません"),
        ("Got unexpected extra arguments (a b)", "余分な引数があります: a b"),
        ("No such command 'stats'.", "'stats' というコマンドはありません"),
        ("Missing command.", "コマンドを指定してください"),
        ("Option '--year' requires 2 arguments.", "--year には値を 2 つ続けてください"),
        ("Option '--strict' does not take a value.", "--strict は値をとりません"),
    ],
)
def test_each_sentence_click_writes_has_its_row(english: str, japanese: str) -> None:
    assert click_ja.message(english) == japanese
