"""typer/click's own words in Japanese: help wrapped by display width, a mistaken command line as one coded line.

click 8.2 and the copy typer 0.2x carries hard-code their English (no gettext to hook), so the
words are translated where they are written: the help formatter (usage line, headings, the
`[default: …]` notes) and the one place a usage error is shown. Each translation is a row of a
table matched against click's whole English sentence; a sentence no row knows stays in English,
so a typer or click upgrade can leave a message untranslated but never breaks one. The plain
formatter is used whether or not `rich` is installed: rich's box lines are not in CP932.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

try:
    from typer import _click as click  # typer 0.2x carries its own click
except ImportError:  # earlier typer depends on click itself
    import click  # type: ignore[import-not-found, no-redef]

from kpicheck.errors import Problem

CODE = "KC304"  # argument cannot be read: every mistake click finds in a command line
HELP_OPTION = "このヘルプを表示して終了します。"
USAGE = "使い方: "

HEADINGS = {"Options": "オプション", "Arguments": "引数", "Commands": "コマンド"}
USAGE_WORDS = (("[OPTIONS]", "[オプション]"), ("COMMAND [ARGS]...", "コマンド [引数]..."), ("[ARGS]...", "[引数]..."))
NOTES = (("default: ", "既定: "), ("env var: ", "環境変数: "), ("required", "必須"))

Translate = Callable[[re.Match[str]], str]


def _choices(text: str) -> str:
    return "、".join(part.strip() for part in text.split(","))


def _unquoted(hint: str) -> str:
    return hint.replace("'", "")


def _perhaps(names: str | None) -> str:
    return f"（もしかして: {_choices(names)}）" if names else ""


def _missing(match: re.Match[str]) -> str:
    kind = {"option": "オプション ", "argument": "引数 "}.get(match["kind"], "")
    return f"{kind}{_unquoted(match['hint'] or '')} を指定してください".replace("  ", " ").strip()


def _value(match: re.Match[str]) -> str:
    return value_message(match["message"])


# click's sentences (exceptions.py, parser.py, types.py, core.py; typer's _types.py), whole, in the
# order tried. `hint` is the option or argument as click names it ('--year', 'FILES...').
MESSAGES: tuple[tuple[str, Translate], ...] = (
    (
        r"No such option: (?P<name>\S+)(?: \(Possible options: (?P<alt>.+)\)| Did you mean (?P<one>\S+)\?)?",
        lambda m: f"{m['name']} というオプションはありません" + _perhaps(m["alt"] or m["one"]),
    ),
    (r"Missing (?P<kind>option|argument|parameter)(?: (?P<hint>.+?))?\.(?: .*)?", _missing),
    (r"Invalid value for (?P<hint>.+?): (?P<message>.+)", lambda m: f"{_unquoted(m['hint'])}: {_value(m)}"),
    (r"Invalid value: (?P<message>.+)", _value),
    (
        r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)",
        lambda m: f"余分な引数があります: {m['args']}",
    ),
    (
        r"No such command (?P<name>.+?)\.(?: Did you mean (?P<one>.+)\?)?",
        lambda m: f"{m['name']} というコマンドはありません" + _perhaps(m["one"]),
    ),
    (r"Missing command\.", lambda _m: "コマンドを指定してください"),
    (
        r"Option (?P<name>\S+) requires (?:an argument|(?P<n>\d+) arguments)\.",
        lambda m: f"{_unquoted(m['name'])} には値を {m['n'] or 1} つ続けてください",
    ),
    (
        r"Option (?P<name>\S+) does not take a value\.",
        lambda m: f"{_unquoted(m['name'])} は値をとりません",
    ),
)

VALUES: tuple[tuple[str, Translate], ...] = (
    (
        r"(?P<value>.+) is not one of (?P<choices>.+)\.",
        lambda m: f"{m['value']} は使えません（{_choices(m['choices'])} のいずれか）",
    ),
    (
        r"(?P<value>.+) is not a valid (?:integer|int range|int)\.",
        lambda m: f"{m['value']} は整数ではありません",
    ),
    (
        r"(?P<value>.+) is not a valid (?:float|float range)\.",
        lambda m: f"{m['value']} は数ではありません",
    ),
    (
        r"(?P<value>.+) is not a valid boolean\..*",
        lambda m: f"{m['value']} は真偽値ではありません（true か false）",
    ),
    (
        r"(?P<value>.+) is not in the range (?P<low>-?[\d.]+)<=x(?:<=(?P<high>-?[\d.]+))?\.",
        lambda m: f"{m['value']} は範囲外です（{m['low']} 以上" + (f" {m['high']} 以下）" if m["high"] else "）"),
    ),
    (
        r"(?P<value>.+) is not in the range x>=(?P<low>-?[\d.]+)\.",
        lambda m: f"{m['value']} は範囲外です（{m['low']} 以上）",
    ),
    (
        r"(?:File|Directory|Path) (?P<path>.+) does not exist\.",
        lambda m: f"{m['path']} がありません",
    ),
    (r"(?:File|Directory|Path) (?P<path>.+) is a file\.", lambda m: f"{m['path']} はファイルです"),
    (r"(?:File|Directory|Path) (?P<path>.+) is a directory\.", lambda m: f"{m['path']} はフォルダです"),
)


def _first(table: Sequence[tuple[str, Translate]], text: str) -> str | None:
    for pattern, translate in table:
        match = re.fullmatch(pattern, text)  # compiled (and cached by re) only when a mistake is shown
        if match is not None:
            return translate(match)
    return None


def value_message(text: str) -> str:
    """click's word on a value (the part after 'Invalid value for …:'), in Japanese if a row knows it."""
    return _first(VALUES, text.strip()) or text.strip()


def message(text: str) -> str:
    """One of click's error sentences in Japanese; one no row knows, as it is."""
    return _first(MESSAGES, text.strip()) or text.strip()


def usage_line(exc: Any) -> str:
    """A usage error as kpicheck prints bad input: `kpicheck: KC304 <message>（…で使い方を表示）`."""
    said = message(exc.format_message())
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and ctx.help_option_names:
        said += f"（使い方: {ctx.command_path} {ctx.help_option_names[0]}）"
    return str(Problem("kpicheck", None, None, CODE, said))


# --- help ---------------------------------------------------------------------------------------

# Characters a Japanese line does not start with (kinsoku): they stay at the end of the line before.
NO_START = set("、。，．）」』】〕・ー：；？！)]},.:;?!%")
NO_END = set("（「『【〔([{")


def width_of(text: str) -> int:
    """Columns a terminal gives `text`: East Asian wide and full-width characters take two."""
    import unicodedata  # noqa: PLC0415 - only help needs it

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def _tokens(text: str) -> list[str]:
    """Pieces a line may break between: a run of ASCII non-spaces (an option, a number) stays whole,
    a space is a piece, each other character is one (with the punctuation that may not start a line)."""
    pieces: list[str] = []
    for part in re.findall(r"\[[^\[\]]{1,30}\]$|[!-~]+| +|.", text):  # a closing note [既定: .] stays whole
        if pieces and not pieces[-1].isspace() and (part[0] in NO_START or pieces[-1][-1] in NO_END):
            pieces[-1] += part
        else:
            pieces.append(part)
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` display columns, broken at spaces or between Japanese characters."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for piece in _tokens(paragraph.strip()):
            if width_of(line + piece) <= width or not line.strip():
                line += piece
                while width_of(line) > width and len(line) > 1:  # a piece wider than the line: cut it
                    cut = max(n for n in range(1, len(line)) if width_of(line[:n]) <= width)
                    lines.append(line[:cut])
                    line = line[cut:]
                continue
            lines.append(line.rstrip())
            line = "" if piece.isspace() else piece
        lines.append(line.rstrip())
    return lines


def _notes(help_text: str) -> str:
    """typer's closing `[default: .; required]` in Japanese."""
    match = re.search(r"\[([^\[\]]*)\]$", help_text)
    if match is None:
        return help_text
    said = match[1]
    for english, japanese in NOTES:
        said = said.replace(english, japanese)
    said = re.sub(r"(?<![\w.])(-?[\d.]+)<=x<=(-?[\d.]+)", r"\1 以上 \2 以下", said)  # an IntRange's bounds
    said = re.sub(r"(?<![\w.])x>=(-?[\d.]+)", r"\1 以上", said)
    said = re.sub(r"(?<![\w.])x<=(-?[\d.]+)", r"\1 以下", said)
    return help_text[: match.start()] + f"[{said}]"


class HelpFormatter(click.HelpFormatter):
    """click's formatter with Japanese words, wrapping by display width."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:  # noqa: ARG002
        for english, japanese in USAGE_WORDS:
            args = args.replace(english, japanese)
        head = f"{'':>{self.current_indent}}{USAGE}{prog} "
        lines = wrap(args, max(self.width - width_of(head), 20))
        self.write(head + f"\n{' ' * width_of(head)}".join(lines) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}:\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write("".join(f"{indent}{line}\n" if line else "\n" for line in wrap(text, self.width - len(indent))))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width_of(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if width_of(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width_of(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(_notes(second), max(self.width - first_col - self.current_indent, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{' ' * (first_col + self.current_indent)}{line}\n")


class Context(typer.Context):
    formatter_class = HelpFormatter


class _Japanese:
    """What the command and the group share: the Japanese context and help option, plain help, coded errors."""

    context_class: type[click.Context] = Context

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """click's, but a usage error its option parser raises (`--year` with no value) names the command,
        so that its line says where the help is, as every other usage error's does."""
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc,no-any-return]
        except click.exceptions.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """click's main, but a usage error is one coded Japanese line (exit 2); `kpicheck` alone
        prints the Japanese help."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except click.exceptions.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # as click: the help on stderr, exit 2
                typer.echo(exc.format_message(), err=True)
                sys.exit(exc.exit_code)
            typer.echo(usage_line(exc), err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.ClickException as exc:
            typer.echo(f"kpicheck: {CODE} {message(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("kpicheck: 中断しました", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class Command(_Japanese, TyperCommand):
    """A kpicheck command: typer's, in Japanese."""


class Group(_Japanese, TyperGroup):
    """kpicheck itself: typer's group, in Japanese."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command and its whole first line of help (click cuts it at 45 characters, counting a kanji as one)."""
        rows = []
        for name in self.list_commands(ctx):
            found = self.get_command(ctx, name)
            if found is not None and not found.hidden:
                rows.append((name, (found.short_help or found.help or "").strip().split("\n")[0]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
