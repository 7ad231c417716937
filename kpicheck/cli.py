"""The typer app: commands, options and exit codes. No domain logic lives here."""

# No `from __future__ import annotations` here: typer reads every command's annotations on every
# run, and strings would be compiled and evaluated each time (7 ms of every command line).

import functools
import gc
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from kpicheck import __version__
from kpicheck.console import MAX_PROBLEMS, MORE, Progress, echo_problems
from kpicheck.errors import KpicheckError, Problem, Severity, usage_error
from kpicheck.models import Plan, Status
from kpicheck.periods import normalize
from kpicheck.selection import as_of_option, choose_plan, chosen_plans, year_option
from kpicheck.statuses import STATUS_LABELS
from kpicheck.workspace import city_ids, load_city

if TYPE_CHECKING:
    from kpicheck.models import Actuals

# Each command imports what only it needs (report and Jinja, validate, tabulate, the writers) inside
# itself: every command line pays for what is imported here (benchmarks/startup.py).

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # as a shell reports a process ended by SIGPIPE (128 + 13)

app = typer.Typer(
    help="自治体DX推進計画の KPI 目標を、その年度の実績と照らし合わせて確認します。",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

P = ParamSpec("P")
R = TypeVar("R")

_state = {"debug": False}


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
            if _state["debug"]:
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
        typer.echo(f"kpicheck {__version__}")
        raise typer.Exit()


@app.callback()
def root_options(
    debug: Annotated[bool, typer.Option("--debug", help="内部エラーのときにトレースバックを表示します。")] = False,
    version: Annotated[  # noqa: ARG001 - handled eagerly by its callback
        bool, typer.Option("--version", callback=_version, is_eager=True, help="バージョンを表示します。")
    ] = False,
) -> None:
    """kpicheck: DX推進計画の KPI の状況表、報告書、入力チェック。"""
    _state["debug"] = debug


RootOption = Annotated[
    Path, typer.Option("--root", help="targets/ と actuals/ があるデータのフォルダ。", file_okay=False)
]
CityOption = Annotated[str, typer.Option("--city", help="市町村 id: targets/ の下のフォルダ名（例: abashiri）。")]
YearOption = Annotated[str | None, typer.Option("--year", help="年度: 2027, 2027年度, FY2027, R9, 令和9年度。")]
PlanOption = Annotated[str | None, typer.Option("--plan", help="計画 id（--year だけでは決まらないとき）。")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="この日付時点で判定します（既定: 日本時間の今日）。例: 2027-09-30。")
]
DepartmentOption = Annotated[str | None, typer.Option("--department", help="担当にこの部署を含む指標だけ。")]
ColorOption = Annotated[
    bool | None,
    typer.Option("--color/--no-color", help="状況に色を付けます（既定: 端末のときだけ。NO_COLOR で無効）。"),
]


def _say_not_yet_known(plan: Plan, actuals: "Actuals", as_of: date) -> None:
    """One line on stderr when rows are dated after the as-of date (they are ignored, not lost)."""
    from kpicheck.rules import not_yet_known  # noqa: PLC0415 - see the imports above

    count, earliest = not_yet_known(plan, actuals, as_of)
    if count and earliest is not None:
        typer.echo(
            f"kpicheck: 基準日 {as_of} より後の日付の実績 {count} 行は未反映です"
            f"（最も早い日付 {earliest}）。--as-of で基準日を指定できます",
            err=True,
        )


@app.command()
@boundary
def status(
    city: CityOption,
    year: YearOption = None,
    plan: PlanOption = None,
    as_of: AsOfOption = None,
    root: RootOption = Path(),
    output: Annotated[OutputFormat | None, typer.Option("--format", help="table、json、csv のいずれか。")] = None,
    fail_on: Annotated[
        FailOn | None, typer.Option("--fail-on", help="この状況かそれより悪い指標が 1 つでもあれば終了コード 1。")
    ] = None,
    color: ColorOption = None,
    department: DepartmentOption = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="画面ではなくファイル（.txt、.json、.csv）に書き出します。")
    ] = None,
) -> None:
    """年度ごとに計画の各指標の状況を表示します。"""
    from kpicheck.render import render_csv, render_json, render_table, use_color  # noqa: PLC0415 - see the imports
    from kpicheck.rules import evaluate  # noqa: PLC0415 - see the imports above

    wanted, when = year_option(year), as_of_option(as_of)
    loaded, chosen, fiscal_year = choose_plan(root, city, wanted, plan, when, keep_going=True)
    report = evaluate(chosen, loaded.actuals, fiscal_year, when, loaded.errors)
    if department is not None:
        from kpicheck.report import for_department  # noqa: PLC0415 - see the imports above

        report = for_department(report, department)
    echo_problems(loaded.warnings, limit=0, marked=False)
    fmt = _status_format(output, out)
    colored = out is None and fmt is OutputFormat.table and use_color(color, sys.stdout)
    if fmt is OutputFormat.json:
        text: str | bytes = render_json(report)
    elif fmt is OutputFormat.csv:
        text = render_csv(report)  # UTF-8 with a BOM whatever the console's encoding: Excel reads it
    else:
        # The terminal's width (COLUMNS if set); 80 when the output is not a terminal or is a file.
        columns = shutil.get_terminal_size((80, 24)).columns if out is None else 80
        text = render_table(report, colored, columns)
    if out is not None:
        from kpicheck.output import write_files  # noqa: PLC0415 - see the imports above

        written = write_files(out, {out: text}, root)
        typer.echo("書き出しました: " + ", ".join(str(p) for p in written), err=True)
    else:
        # click strips ANSI codes off a non-terminal unless told otherwise; --color means colour anyway.
        typer.echo(text, nl=False, color=colored)
    _say_not_yet_known(chosen, loaded.actuals, when)
    _exit_on_errors(loaded.errors)
    if fail_on is not None:
        from kpicheck.rules import at_or_worse  # noqa: PLC0415 - see the imports above

        hit = at_or_worse(report, Status(fail_on.value))
        if hit:
            listed = "、".join(f"{e.indicator.id}（{STATUS_LABELS[e.status]}）" for e in hit)
            typer.echo(f"kpicheck: --fail-on {fail_on.value}: {len(hit)} 指標: {listed}", err=True)
            raise typer.Exit(EXIT_FAIL)


def _exit_on_errors(errors: tuple[Problem, ...]) -> None:
    """After the output: the errors the run went on past (their indicators shown as 評価不能), then exit 2,
    so a script or the hook still notices a file that `validate` refuses."""
    if errors:
        echo_problems(errors)
        shown = "該当する指標は評価不能として表示。kpicheck validate で確認できます"
        typer.echo(f"kpicheck: エラー {len(errors):,} 件（{shown}）", err=True)
        raise typer.Exit(EXIT_ERROR)


_SUFFIX_FORMATS = {".json": OutputFormat.json, ".csv": OutputFormat.csv, ".txt": OutputFormat.table}


def _status_format(chosen: OutputFormat | None, out: Path | None) -> OutputFormat:
    """--format, else the -o file's suffix; KC307 for a suffix kpicheck cannot write."""
    if out is not None and out.suffix.lower() not in _SUFFIX_FORMATS:
        raise usage_error(
            "KC307", f"-o {out}: status が書き出せるのは .txt、.json、.csv です（.html の報告書は kpicheck report）"
        )
    if out is not None and chosen is not None and _SUFFIX_FORMATS[out.suffix.lower()] is not chosen:
        raise usage_error("KC304", f"--format {chosen.value} と -o {out} の拡張子が一致しません")
    if chosen is not None:
        return chosen
    return _SUFFIX_FORMATS[out.suffix.lower()] if out is not None else OutputFormat.table


class SheetEncoding(StrEnum):
    utf8 = "utf-8"
    cp932 = "cp932"


@app.command()
@boundary
def sheet(
    city: CityOption,
    out: Annotated[Path, typer.Option("-o", "--output", help="書き出すシート: .xlsx か .csv。")],
    year: YearOption = None,
    plan: PlanOption = None,
    as_of: AsOfOption = None,
    root: RootOption = Path(),
    department: DepartmentOption = None,
    encoding: Annotated[
        SheetEncoding, typer.Option("--encoding", help=".csv の文字コード: utf-8（BOM 付き）か cp932。")
    ] = SheetEncoding.utf8,
) -> None:
    """年度の実績入力シートを書き出します（記入して actuals/ に保存します）。"""
    from kpicheck.output import write_files  # noqa: PLC0415 - see the imports above
    from kpicheck.sheet import sheet_csv, sheet_rows  # noqa: PLC0415 - only this command needs it

    suffix = out.suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise usage_error("KC307", f"-o {out}: シートは .xlsx（Excel）か .csv です")
    wanted, when = year_option(year), as_of_option(as_of)
    loaded, chosen, fiscal_year = choose_plan(root, city, wanted, plan, when)
    rows = sheet_rows(chosen, loaded.actuals, fiscal_year, when, department)
    if not rows:
        raise usage_error("KC304", f"{chosen.id} {fiscal_year}年度: 目標があって入力する指標がありません")
    if suffix == ".xlsx":
        from kpicheck.sheet_xlsx import sheet_xlsx  # noqa: PLC0415 - openpyxl only for workbooks

        data = sheet_xlsx(rows, f"{chosen.city_name} {chosen.title} {fiscal_year}年度 実績入力", chosen.directions)
    else:
        data = sheet_csv(rows, encoding.value)
    written = write_files(out, {out: data}, root)
    typer.echo(f"書き出しました: {written[0]}（{len(rows)} 行）", err=True)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


@app.command("list")
@boundary
def list_plans(
    root: RootOption = Path(),
    output: Annotated[ListFormat, typer.Option("--format", help="table か json。")] = ListFormat.table,
) -> None:
    """targets/ の市町村と、その計画、期間、指標数を一覧表示します。"""
    from kpicheck.render import render_plans  # noqa: PLC0415 - see the imports above
    from kpicheck.workspace import all_plans  # noqa: PLC0415 - see the imports above

    typer.echo(render_plans(all_plans(root), output.value), nl=False)


@app.command()
@boundary
def show(
    city: CityOption,
    indicator: Annotated[str | None, typer.Argument(help="指標 id（既定: すべて）。")] = None,
    year: YearOption = None,
    plan: PlanOption = None,
    root: RootOption = Path(),
    output: Annotated[ListFormat, typer.Option("--format", help="table か json。")] = ListFormat.table,
) -> None:
    """各目標セルの記載と、その読み取り結果を表示します（計画との照合用）。"""
    from kpicheck.render import render_readings  # noqa: PLC0415 - see the imports above
    from kpicheck.workspace import city_plans  # noqa: PLC0415 - see the imports above

    plans = city_plans(root, city)
    fiscal_year = year_option(year)
    chosen = chosen_plans(plans, fiscal_year, plan)
    wanted = normalize(indicator) if indicator is not None else None
    shown = 0
    for one in chosen:
        rows = [i for i in one.indicators if wanted is None or i.id == wanted]
        if not rows:
            continue
        shown += 1
        typer.echo(render_readings(one, rows, fiscal_year, output.value), nl=False)
    if not shown:
        ids = ", ".join(i.id for i in chosen[0].indicators[:8]) if chosen else ""
        where = "、".join(p.id for p in chosen)
        raise usage_error("KC304", f"{where} に指標 {indicator!r} はありません（例: {ids} …）")


class ReportFormatOption(StrEnum):
    """report.ReportFormat's values, here so that defining the command does not import the report."""

    markdown = "markdown"
    html = "html"


@app.command("report")
@boundary
def report_command(
    city: CityOption,
    year: YearOption = None,
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            help="複数年度を並べます: 2026-2030（計画は最初の年度か --plan で決まり、"
            "どの年度もその計画の期間内であること。--year とは併用不可）"
            "または all（計画の全期間。計画は --plan、--year、なければ基準日で決まります）。",
        ),
    ] = None,
    plan: PlanOption = None,
    as_of: AsOfOption = None,
    root: RootOption = Path(),
    output_format: Annotated[
        ReportFormatOption | None,
        typer.Option("--format", help="markdown か html（既定: -o が .html で終わるなら html、それ以外は markdown）。"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="標準出力ではなくこのファイルに書き出します（一時ファイル経由で置き換え）。Markdown の報告書では"
            "グラフも <name>.summary.svg などとして隣に書き出します。targets/ と actuals/ の中には書き出しません。",
        ),
    ] = None,
    department: DepartmentOption = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="既定の代わりに使う Jinja テンプレート（ROOT/templates/ の同名ファイルが既定より優先されます）。",
        ),
    ] = None,
) -> None:
    """DX推進本部や議会向けの報告書を書き出します: 概要、分野ごとの表、遅れや未入力の一覧。"""
    from kpicheck.report import (  # noqa: PLC0415 - see the imports above
        ReportFormat,
        choose_years,
        for_department,
        render_report,
        report_format,
        write_report,
    )
    from kpicheck.rules import evaluate  # noqa: PLC0415 - see the imports above

    when = as_of_option(as_of)
    if years is None:
        loaded, chosen, fiscal_year = choose_plan(root, city, year_option(year), plan, when, keep_going=True)
        fiscal_years = [fiscal_year]
    else:
        loaded = load_city(root, city, keep_going=True)
        chosen, fiscal_years = choose_years(loaded, years, year_option(year), plan, when)
    reports = [
        for_department(evaluate(chosen, loaded.actuals, y, when, loaded.errors), department) for y in fiscal_years
    ]
    echo_problems(loaded.warnings, limit=0, marked=False)
    fmt = report_format(None if output_format is None else ReportFormat(output_format.value), output)
    rendered = render_report(
        reports,
        fmt=fmt,
        multi=years is not None,
        root=root,
        template=template,
        department=department,
        chart_stem=output.stem if output is not None else None,
    )
    if output is None:
        typer.echo(rendered.text, nl=False)
    else:
        written = write_report(output, rendered, root)
        typer.echo("書き出しました: " + ", ".join(str(p) for p in written), err=True)
    _say_not_yet_known(chosen, loaded.actuals, when)
    _exit_on_errors(loaded.errors)


@app.command("import")
@boundary
def import_command(
    table: Annotated[
        Path, typer.Argument(help="計画の KPI 表: .csv（UTF-8 か CP932）、.tsv/.txt（タブ区切り）、.xlsx。")
    ],
    city: Annotated[
        str, typer.Option("--city", help="市町村 id: targets/ の下のフォルダ名にする名前（例: hamamatsu）。")
    ],
    plan: Annotated[str, typer.Option("--plan", help="新しい計画の id（すべての計画の中で重複しないもの）。")],
    title: Annotated[str, typer.Option("--title", help="計画の名称（表紙のとおり）。")],
    city_name: Annotated[str | None, typer.Option("--city-name", help="市町村名（例: 浜松市）。")] = None,
    issued: Annotated[
        str | None, typer.Option("--issued", help="策定・改定の時期（計画の記載のとおり。例: 2026年4月）。")
    ] = None,
    root: RootOption = Path(),
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="標準出力ではなくこの新しいファイルに書き出します（既存のファイルは上書きしません。"
            "targets/ の中では targets/<市町村 id>/ の下だけ）。",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="-o のファイルが以前の kpicheck import の下書き（1 行目が「# kpicheck import の下書き」）なら"
            "作り直します。ほかのファイルは上書きしません。",
        ),
    ] = False,
) -> None:
    """計画の KPI 表から目標ファイルの下書きを作ります: すべてのセルを読み取り、読めないセルと推定を一覧にします。"""
    from kpicheck.importer import check_destination, import_table, write_draft  # noqa: PLC0415 - only this command
    from kpicheck.workspace import CITY_ID  # noqa: PLC0415

    if not CITY_ID.match(city):
        raise usage_error("KC304", f"--city {city!r}: 市町村 id に使えるのは英小文字、数字、- と _ です")
    for option, value in (("--plan", plan), ("--title", title), ("--city-name", city_name), ("--issued", issued)):
        if value is not None and not normalize(value) and option in {"--plan", "--title"}:
            raise usage_error("KC304", f"{option}: 空にはできません")
        if value is not None and any("\ud800" <= ch <= "\udfff" for ch in value):  # bytes the locale could not decode
            raise usage_error("KC304", f"{option}: 文字として読めないバイトがあります（UTF-8 で入力してください）")
    if replace and out is None:
        raise usage_error("KC304", "--replace は -o（作り直す下書きのファイル）と一緒に指定してください")
    if out is not None:
        check_destination(out, root, city, replace=replace)
    result = import_table(table, str(table), city=city, plan=plan, title=title, city_name=city_name, issued=issued)
    if out is not None:
        written = write_draft(out, result.text, root, replace=replace)
    else:
        typer.echo(result.text.encode("utf-8"), nl=False)  # the file's bytes, whatever the console's encoding
    errors = len(result.errors)
    unread = f"。読めない {result.unread} 個は目標未設定にしました" if result.unread else ""
    typer.echo(
        f"kpicheck: 指標 {result.indicators} 行、目標セル {result.cells} 個（{result.years_label}）のうち "
        f"{result.read} 個を読み取りました{unread}",
        err=True,
    )
    echo_problems(result.problems)
    if out is not None:
        typer.echo(f"書き出しました: {written}", err=True)
    if result.marked:
        typer.echo(
            f"kpicheck: 推定を含む指標が {result.marked} 個あります（下書きの review = [...]、KC409）。"
            "計画の表と照らして確かめ、確かめたら review の行を消してください（docs/import-review-ja.md）",
            err=True,
        )
    if errors:
        typer.echo(
            f"kpicheck: 直す必要のある箇所が {errors} 件あります。下書きの「要確認」の注記を見て直し、"
            "kpicheck validate で確かめてください",
            err=True,
        )
        raise typer.Exit(EXIT_FAIL)


@app.command("summary")
@boundary
def summary_command(
    year: Annotated[str, typer.Option("--year", help="年度: 2027, 2027年度, FY2027, R9, 令和9年度。")],
    as_of: AsOfOption = None,
    root: RootOption = Path(),
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table、json、csv のいずれか。")
    ] = OutputFormat.table,
    cities: Annotated[
        str | None, typer.Option("--cities", help="この市町村だけ（id をカンマ区切り。例: abashiri,nemuro）。")
    ] = None,
) -> None:
    """すべての市町村の状況を 1 行ずつ集計します: 状況ごとの指標数と達成率（エラーのある市町村も 1 行）。"""
    from kpicheck.render_summary import (  # noqa: PLC0415 - only this command
        csv_header,
        csv_row,
        json_chunks,
        render_summary_table,
        table_row,
    )
    from kpicheck.summary import ERROR, Totals, heading, select_cities, summarize  # noqa: PLC0415 - see above

    fiscal_year, when = year_option(year), as_of_option(as_of)
    assert fiscal_year is not None
    selection = select_cities(root, cities)
    progress = Progress(len(selection.cities))
    totals, failed = Totals(), []

    def rows() -> Iterator[dict[str, Any]]:
        """Each city's row as it is made; only the totals and the failed cities are kept."""
        for row in summarize(selection, fiscal_year, when):
            totals.add(row)
            progress.step(row["city"])
            if row["state"] == ERROR:
                failed.append(row)
            yield row
        progress.done()

    head = heading(fiscal_year, when)
    if output is OutputFormat.json:
        for chunk in json_chunks(head, rows(), totals):
            typer.echo(chunk, nl=False)
    elif output is OutputFormat.csv:
        typer.echo(csv_header(), nl=False)
        for row in rows():
            typer.echo(csv_row(row), nl=False)
    else:
        body = [table_row(row) for row in rows()]  # a few short strings a city
        width = shutil.get_terminal_size((80, 24)).columns
        typer.echo(render_summary_table(head, body, totals.as_dict(), width), nl=False)
    for row in failed:  # a row carries its first 20 problems (ROW_PROBLEMS) as dicts: three are listed
        problems = [Problem(p["path"], p["line"], p["column"], p["code"], p["message"]) for p in row["problems"]]
        more = f"kpicheck: {row['city']} にはほかにも問題があります（kpicheck validate）"
        echo_problems(problems, limit=3, more=more, marked=False)
    if failed:
        names = "、".join(row["city"] for row in failed)
        typer.echo(f"kpicheck: ファイルにエラーのある市町村が {len(failed)} あります: {names}", err=True)
        raise typer.Exit(EXIT_ERROR)


class ProblemFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("validate")
@boundary
def validate_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="確認するファイル（pre-commit が渡す形。既定: すべてのファイル）。")
    ] = None,
    root: RootOption = Path(),
    output: Annotated[ProblemFormat, typer.Option("--format", help="text か json。")] = ProblemFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="警告でも失敗にします。")] = False,
    max_problems: Annotated[
        int, typer.Option("--max-problems", min=0, help="表示する問題の上限件数（0: すべて）。")
    ] = MAX_PROBLEMS,
) -> None:
    """targets/ と actuals/ を確認します: 問題を 1 行に 1 件、path:line:column: CODE message の形で表示。"""
    if not (root / "targets").is_dir():
        raise usage_error(
            "KC304", f"--root {root}: targets/ フォルダがありません（データのリポジトリで実行してください）"
        )
    if not files and not city_ids(root):
        raise usage_error("KC301", f"--root {root}: targets/ の下に市町村のフォルダがなく、確認するものがありません")
    from kpicheck.validate import validate  # noqa: PLC0415 - see the imports above

    problems = validate(root, files or [])
    more = MORE + "（--max-problems 0 ですべて表示）"
    echo_problems(problems, limit=max_problems, more=more, err=False, as_json=output is ProblemFormat.json)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if problems and output is ProblemFormat.text:
        typer.echo(f"エラー {errors} 件、警告 {warnings} 件", err=True)
    failed = errors or (strict and warnings)
    raise typer.Exit(EXIT_FAIL if failed else EXIT_OK)


def main() -> None:
    """Console-script entry point."""
    # A safety net for a console that cannot show a character (CP932 on Japanese Windows): it is
    # replaced, never a crash. kpicheck's own text uses only characters CP932 has.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    # kpicheck builds many small objects that live to the end (rows, rules, results) and makes few
    # cycles: collecting every 700 allocations walks them again and again (validate of 100,000
    # rows: 3.1 s with the default, 2.6 s with this; benchmarks/rows.py).
    gc.set_threshold(100_000, 50, 100)
    app()
