"""What every command shares: the typer app, the error boundary, the options, and the lines after the output.

cli.py holds the commands themselves; click_ja.py the words typer and click print themselves.
"""

# No `from __future__ import annotations` here: typer reads every command's annotations on every
# run, and strings would be compiled and evaluated each time (7 ms of every command line).

import functools
import sys
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from kpicheck import __version__
from kpicheck.click_ja import Command, Group
from kpicheck.console import MORE, echo_problems
from kpicheck.errors import KpicheckError, Problem, usage_error
from kpicheck.models import Plan
from kpicheck.selection import not_yet_known

if TYPE_CHECKING:
    from kpicheck.models import Actuals

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # as a shell reports a process ended by SIGPIPE (128 + 13)

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    help="自治体DX推進計画の KPI 目標を、その年度の実績と照らし合わせて確認します。",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=Group,
    # Plain help whether or not rich is installed: rich's boxes are not in CP932, and click_ja's
    # formatter is the one that speaks Japanese and wraps by display width.
    rich_markup_mode=None,
)


def command(name: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """app.command with kpicheck's Japanese command class."""
    return app.command(name, cls=Command)


state = {"debug": False}


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class FailOn(StrEnum):
    missed = "missed"
    behind = "behind"


def boundary(command: Callable[P, R]) -> Callable[P, R]:
    """The one place that turns errors into one-line messages and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KpicheckError as exc:
            echo_problems(exc.problems, more=MORE + "（kpicheck validate ですべて表示できます）", marked=False)
            raise typer.Exit(EXIT_ERROR) from None
        except BrokenPipeError:  # `kpicheck summary … | head`: the reader stopped; no message, no KC399
            _quiet_stdout()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except Exception as exc:  # the boundary: anything unexpected still ends in one line
            if state["debug"]:
                import traceback  # noqa: PLC0415 - only --debug needs it; keeps start-up short

                traceback.print_exc()
            typer.echo(
                f"kpicheck: KC399 内部エラー: {type(exc).__name__}: {exc}（--debug を付けて実行すると詳細が出ます）",
                err=True,
            )
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper


def _quiet_stdout() -> None:
    """Point stdout at the null device, so flushing it at exit raises no second BrokenPipeError
    (the Python documentation's recipe for SIGPIPE)."""
    import os  # noqa: PLC0415 - only here

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stream)
        pass


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kpicheck {__version__}{_built_from()}")
        raise typer.Exit()


def _built_from() -> str:
    """In kpicheck.pyz, the commit tools/build_pyz.py built it from (its kpicheck/BUILD); "" elsewhere.

    Read only for --version, so no run pays for it; a checkout does not ask git (a process per call)."""
    from importlib.resources import files  # noqa: PLC0415 - only --version needs it

    try:
        built = files("kpicheck").joinpath("BUILD").read_text(encoding="utf-8").strip()
    except (OSError, KeyError, UnicodeDecodeError):  # no BUILD: an installed package or a checkout
        return ""
    return f" (kpicheck.pyz, commit {built})" if built else ""


@app.callback()
def root_options(
    debug: Annotated[bool, typer.Option("--debug", help="内部エラーのときにトレースバックを表示します。")] = False,
    version: Annotated[  # noqa: ARG001 - handled eagerly by its callback
        bool, typer.Option("--version", callback=_version, is_eager=True, help="バージョンを表示します。")
    ] = False,
) -> None:
    """kpicheck: DX推進計画の KPI の状況表、報告書、入力チェック。"""
    state["debug"] = debug


def as_path(value: str) -> Path:
    """A path option as typed: typer's own path type looks the path up first and fails outside the error
    boundary on a name the system refuses (a NUL, 300 bytes); kpicheck checks it where it is used (KC307)."""
    return Path(value)


def output_option(text: str) -> Any:
    """-o/--output as every command has it, with its own help: a file path as typed (as_path)."""
    return typer.Option("-o", "--output", metavar="<ファイル>", parser=as_path, help=text)


def _root_folder(value: Path) -> Path:
    """--root must be a folder: a file, a pipe, a missing path or a broken link is one coded line (KC304)."""
    import stat  # noqa: PLC0415 - only here

    try:
        mode = value.stat().st_mode
    except (OSError, ValueError):  # missing, a broken link or a loop, a name the system refuses
        try:
            what = "リンク先のないリンク" if value.is_symlink() else "存在しないフォルダ"
        except (OSError, ValueError):
            what = "開けないフォルダ"
        raise typer.BadParameter(f"{str(value)!r} は{what}です") from None
    if not stat.S_ISDIR(mode):
        what = "ファイル" if stat.S_ISREG(mode) else "フォルダではないもの（パイプやデバイス）"
        raise typer.BadParameter(f"{str(value)!r} は{what}です")
    return value


RootOption = Annotated[
    Path,
    typer.Option(
        "--root",
        metavar="<フォルダ>",
        help="targets/ と actuals/ があるデータのフォルダ。",
        parser=as_path,
        callback=_root_folder,
    ),
]
CityOption = Annotated[
    str, typer.Option("--city", metavar="<市町村id>", help="市町村 id: targets/ の下のフォルダ名（例: abashiri）。")
]
YEAR_HELP = "年度: 2027, 2027年度, FY2027, R9, 令和9年度。"
YearOption = Annotated[str | None, typer.Option("--year", metavar="<年度>", help=YEAR_HELP)]
PlanOption = Annotated[
    str | None, typer.Option("--plan", metavar="<計画id>", help="計画 id（--year だけでは決まらないとき）。")
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="<日付>", help="この日付時点で判定します（既定: 日本時間の今日）。例: 2027-09-30。"
    ),
]
DepartmentOption = Annotated[
    str | None, typer.Option("--department", metavar="<部署>", help="担当にこの部署を含む指標だけ。")
]
ColorOption = Annotated[
    bool | None,
    typer.Option("--color/--no-color", help="状況に色を付けます（既定: 端末のときだけ。NO_COLOR で無効）。"),
]


def say_not_yet_known(plan: Plan, actuals: "Actuals", as_of: date, years: Sequence[int]) -> None:
    """One line on stderr when rows the judged `years` would read are dated after the as-of date
    (they are ignored, not lost); rows of later years are not counted: they change nothing judged."""
    later = not_yet_known(plan, actuals, as_of, max(years))
    if later.rows and later.earliest is not None:
        which = "・".join(str(year) for year in later.years)
        typer.echo(
            f"kpicheck: 基準日 {as_of} より後の日付の実績 {later.rows} 行は未反映です"
            f"（最も早い日付 {later.earliest}）: {which} 年度の行。--as-of で基準日を指定できます",
            err=True,
        )


def exit_on_errors(errors: tuple[Problem, ...]) -> None:
    """After the output: the errors the run went on past (their indicators shown as 評価不能), then exit 2,
    so a script or the hook still notices a file that `validate` refuses."""
    if errors:
        echo_problems(errors)
        shown = "該当する指標は評価不能として表示。kpicheck validate で確認できます"
        typer.echo(f"kpicheck: エラー {len(errors):,} 件（{shown}）", err=True)
        raise typer.Exit(EXIT_ERROR)


_SUFFIX_FORMATS = {".json": OutputFormat.json, ".csv": OutputFormat.csv, ".txt": OutputFormat.table}


def output_format(command: str, chosen: OutputFormat | None, out: Path | None) -> OutputFormat:
    """`command`'s --format, else the -o file's suffix; KC307 for a suffix kpicheck cannot write."""
    if out is not None and out.suffix.lower() not in _SUFFIX_FORMATS:
        raise usage_error(
            "KC307", f"-o {out}: {command} が書き出せるのは .txt、.json、.csv です（.html の報告書は kpicheck report）"
        )
    if out is not None and chosen is not None and _SUFFIX_FORMATS[out.suffix.lower()] is not chosen:
        raise usage_error("KC304", f"--format {chosen.value} と -o {out} の拡張子が一致しません")
    if chosen is not None:
        return chosen
    return _SUFFIX_FORMATS[out.suffix.lower()] if out is not None else OutputFormat.table
