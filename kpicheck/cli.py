"""The typer commands: options, output and exit codes. No domain logic lives here.

What the commands share (the app, the error boundary, the options) is in cli_base.py.
"""

# No `from __future__ import annotations` here: typer reads every command's annotations on every
# run, and strings would be compiled and evaluated each time (7 ms of every command line).
# ruff: noqa: E402 - the collector is set (below) before typer and kpicheck are imported

import atexit
import gc

# kpicheck builds many small objects that live to the end (modules, rows, rules, results) and makes few
# cycles: collecting every 700 allocations walks them again and again (validate of 100,000 rows: 3.1 s
# with the default, 2.6 s with this; benchmarks/rows.py). Set before the imports below, which are
# such objects too (typer's and kpicheck's imports: 4 ms less of every command line).
gc.set_threshold(100_000, 50, 100)
# Python's last collection at exit walks every object still alive (about 14 ms of every command line,
# as much as status's own work on the demo data) for cycles, which kpicheck hardly makes: frozen by an
# exit function (they run before it), they are left out of it; the memory goes back with the process.
# Set on import, as the threshold is (before typer's import): an embedding process gets both too. A
# frozen object in a cycle is not finalised at exit; kpicheck writes every file inside a `with`.
atexit.register(gc.freeze)

import shutil
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kpicheck.cli_base import (
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_OK,
    YEAR_HELP,
    AsOfOption,
    CityOption,
    ColorOption,
    DepartmentOption,
    FailOn,
    OutputFormat,
    PlanOption,
    RootOption,
    YearOption,
    app,
    boundary,
    command,
    exit_on_errors,
    output_format,
    output_option,
    say_not_yet_known,
)
from kpicheck.console import MAX_PROBLEMS, MORE, Progress, echo_problems
from kpicheck.errors import KpicheckError, Problem, Severity, usage_error
from kpicheck.models import Status
from kpicheck.periods import normalize
from kpicheck.selection import as_of_option, choose_plan, chosen_plans, year_option
from kpicheck.statuses import STATUS_LABELS
from kpicheck.workspace import city_ids, load_city

# Each command imports what only it needs (report and Jinja, validate, tabulate, the writers) inside
# itself: every command line pays for what is imported here (benchmarks/startup.py).

__all__ = ["app", "main"]


@command()
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
        Path | None,
        output_option("画面ではなくファイル（.txt、.json、.csv）に書き出します。"),
    ] = None,
    outlook: Annotated[
        bool, typer.Option("--outlook", help="表と CSV に見込み（最終目標に届きそうか）の列を加えます。")
    ] = False,
) -> None:
    """年度ごとに計画の各指標の状況を表示します。"""
    from kpicheck.render import render_csv, render_json, render_table, use_color  # noqa: PLC0415 - see the imports
    from kpicheck.rules import evaluate  # noqa: PLC0415 - see the imports above

    wanted, when = year_option(year), as_of_option(as_of)
    loaded, chosen, fiscal_year = choose_plan(root, city, wanted, plan, when, keep_going=True)
    # To the screen, the JSON is written as each indicator is evaluated: a large city's evaluations and
    # document are never held whole (status_json.py).
    streamed = None
    if output is OutputFormat.json and out is None:
        from kpicheck.status_json import evaluate_to_json, json_parts  # noqa: PLC0415 - see the imports above

        streamed = evaluate_to_json(chosen, loaded.actuals, fiscal_year, when, loaded.errors, department)
        report = streamed.counted
    else:
        report = evaluate(chosen, loaded.actuals, fiscal_year, when, loaded.errors)
        if department is not None:
            from kpicheck.report import for_department  # noqa: PLC0415 - see the imports above

            report = for_department(report, department)
    echo_problems(loaded.warnings, limit=0, marked=False)
    fmt = output_format("status", output, out)
    colored = out is None and fmt is OutputFormat.table and use_color(color, sys.stdout)
    if streamed is not None:
        parts: Iterable[str | bytes] = json_parts(streamed)
    elif fmt is OutputFormat.json:
        parts = [render_json(report)]
    elif fmt is OutputFormat.csv:
        parts = [render_csv(report, outlook)]  # UTF-8 with a BOM whatever the console's encoding: Excel reads it
    else:
        # The terminal's width (COLUMNS if set); 80 when the output is not a terminal or is a file.
        columns = shutil.get_terminal_size((80, 24)).columns if out is None else 80
        parts = [render_table(report, colored, columns, outlook)]
    if out is not None:
        from kpicheck.output import write_files  # noqa: PLC0415 - see the imports above

        (text,) = parts
        written = write_files(out, {out: text}, root)
        typer.echo("書き出しました: " + ", ".join(str(p) for p in written), err=True)
    else:
        for part in parts:
            # click strips ANSI codes off a non-terminal unless told otherwise; --color means colour anyway.
            typer.echo(part, nl=False, color=colored)
    say_not_yet_known(chosen, loaded.actuals, when, [fiscal_year])
    exit_on_errors(loaded.errors)
    if fail_on is not None:
        from kpicheck.rules import at_or_worse  # noqa: PLC0415 - see the imports above

        hit = at_or_worse(report, Status(fail_on.value))
        if hit:
            listed = "、".join(f"{e.indicator.id}（{STATUS_LABELS[e.status]}）" for e in hit)
            typer.echo(f"kpicheck: --fail-on {fail_on.value}: {len(hit)} 指標: {listed}", err=True)
            raise typer.Exit(EXIT_FAIL)


class SheetEncoding(StrEnum):
    utf8 = "utf-8"
    cp932 = "cp932"


@command()
@boundary
def sheet(
    city: CityOption,
    out: Annotated[
        Path,
        output_option("書き出すシート: .xlsx か .csv。"),
    ],
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
        data = sheet_csv(rows, encoding.value, where=str(out))
    written = write_files(out, {out: data}, root)
    typer.echo(f"書き出しました: {written[0]}（{len(rows)} 行）", err=True)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


@command("list")
@boundary
def list_plans(
    root: RootOption = Path(),
    output: Annotated[ListFormat, typer.Option("--format", help="table か json。")] = ListFormat.table,
) -> None:
    """targets/ の市町村と、その計画、期間、指標数を一覧表示します。"""
    from kpicheck.render import render_plans  # noqa: PLC0415 - see the imports above
    from kpicheck.workspace import all_plans, city_problems  # noqa: PLC0415 - see the imports above

    # a city folder list cannot show (a file, a link loop) is named as validate names it
    broken = [problem for problems in city_problems(root).values() for problem in problems]
    try:
        plans = all_plans(root)
    except KpicheckError as exc:
        raise KpicheckError([*broken, *exc.problems]) from None
    typer.echo(render_plans(plans, output.value), nl=False)
    echo_problems(broken)
    if any(p.severity is Severity.ERROR for p in broken):
        raise typer.Exit(2)


@command()
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
        width = shutil.get_terminal_size((80, 24)).columns
        typer.echo(render_readings(one, rows, fiscal_year, output.value, width), nl=False)
    if not shown:
        ids = ", ".join(i.id for i in chosen[0].indicators[:8]) if chosen else ""
        where = "、".join(p.id for p in chosen)
        raise usage_error("KC304", f"{where} に指標 {indicator!r} はありません（例: {ids} …）")


class ReportFormatOption(StrEnum):
    """report.ReportFormat's values, here so that defining the command does not import the report."""

    markdown = "markdown"
    html = "html"


@command("report")
@boundary
def report_command(
    city: CityOption,
    year: YearOption = None,
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            metavar="<年度-年度|all>",
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
        output_option(
            "標準出力ではなくこのファイルに書き出します（一時ファイル経由で置き換え）。Markdown の報告書では"
            "グラフも隣に書き出します（-o が report.md なら report.summary.svg など）。"
            "targets/ と actuals/ の中には書き出しません。"
        ),
    ] = None,
    department: DepartmentOption = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            metavar="<ファイル>",
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
    if output is not None:  # a name the system refuses is refused before anything is read or rendered
        from kpicheck.output import check_output  # noqa: PLC0415 - see the imports above

        check_output(output, root)
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
    say_not_yet_known(chosen, loaded.actuals, when, fiscal_years)
    exit_on_errors(loaded.errors)


@command("import")
@boundary
def import_command(
    table: Annotated[
        Path, typer.Argument(help="計画の KPI 表: .csv（UTF-8 か CP932）、.tsv/.txt（タブ区切り）、.xlsx。")
    ],
    city: Annotated[
        str,
        typer.Option(
            "--city", metavar="<市町村id>", help="市町村 id: targets/ の下のフォルダ名にする名前（例: hamamatsu）。"
        ),
    ],
    plan: Annotated[
        str, typer.Option("--plan", metavar="<計画id>", help="新しい計画の id（すべての計画の中で重複しないもの）。")
    ],
    title: Annotated[str, typer.Option("--title", metavar="<計画名>", help="計画の名称（表紙のとおり）。")],
    city_name: Annotated[
        str | None, typer.Option("--city-name", metavar="<市町村名>", help="市町村名（例: 浜松市）。")
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option("--issued", metavar="<時期>", help="策定・改定の時期（計画の記載のとおり。例: 2026年4月）。"),
    ] = None,
    root: RootOption = Path(),
    out: Annotated[
        Path | None,
        output_option(
            "標準出力ではなくこの新しいファイルに書き出します（既存のファイルは上書きしません。"
            "targets/ の中では targets/<市町村 id>/ の下だけ）。"
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
    from kpicheck.ids import ID_RULE, is_id  # noqa: PLC0415
    from kpicheck.importer import check_destination, import_table, write_draft  # noqa: PLC0415 - only this command

    for option, value in (("--plan", plan), ("--title", title), ("--city-name", city_name), ("--issued", issued)):
        if value is not None and not normalize(value) and option in {"--plan", "--title"}:
            raise usage_error("KC304", f"{option}: 空にはできません")
        if value is not None and any("\ud800" <= ch <= "\udfff" for ch in value):  # bytes the locale could not decode
            raise usage_error("KC304", f"{option}: 文字として読めないバイトがあります（UTF-8 で入力してください）")
    for option, what, ident in (("--city", "市町村", city), ("--plan", "計画", plan)):
        if not is_id(ident):  # each names a folder or is typed as --plan: never a path, a quote or a space
            raise usage_error("KC304", f"{option} {ident!r}: {what} id は{ID_RULE}です")
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


@command("summary")
@boundary
def summary_command(
    year: Annotated[str, typer.Option("--year", metavar="<年度>", help=YEAR_HELP)],
    as_of: AsOfOption = None,
    root: RootOption = Path(),
    output: Annotated[
        OutputFormat | None,
        typer.Option("--format", help="table、json、csv のいずれか（既定: -o の拡張子、なければ table）。"),
    ] = None,
    cities: Annotated[
        str | None,
        typer.Option(
            "--cities", metavar="<市町村id,…>", help="この市町村だけ（id をカンマ区切り。例: abashiri,nemuro）。"
        ),
    ] = None,
    out: Annotated[
        Path | None,
        output_option("画面ではなくファイル（.txt、.json、.csv）に書き出します（targets/ と actuals/ の外）。"),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "-j",
            "--jobs",
            min=1,
            metavar="<数>",
            help="同時に使うプロセスの数（既定: CPU のコア数、最大 8。市町村が 100 未満なら 1）。結果は同じです。",
        ),
    ] = None,
) -> None:
    """すべての市町村の状況を 1 行ずつ集計します: 状況ごとの指標数と達成率（エラーのある市町村も 1 行）。"""
    from kpicheck.output import check_output, write_files  # noqa: PLC0415 - see the imports above
    from kpicheck.parallel import default_jobs  # noqa: PLC0415 - only this command
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
    fmt = output_format("summary", output, out)
    if out is not None:  # refused before every city is read, not after
        check_output(out, root)
    selection = select_cities(root, cities)
    progress = Progress(len(selection.cities))
    totals, failed = Totals(), []

    def rows() -> Iterator[dict[str, Any]]:
        """Each city's row as it is made; only the totals and the failed cities are kept."""
        for row in summarize(selection, fiscal_year, when, jobs or default_jobs()):
            totals.add(row)
            progress.step(row["city"])
            if row["state"] == ERROR:
                failed.append(row)
            yield row
        progress.done()

    head = heading(fiscal_year, when)
    if out is not None:
        if fmt is OutputFormat.json:
            data: str | bytes = "".join(json_chunks(head, rows(), totals))
        elif fmt is OutputFormat.csv:
            data = csv_header() + b"".join(csv_row(row) for row in rows())
        else:
            data = render_summary_table(head, [table_row(row) for row in rows()], totals.as_dict(), 80)
        written = write_files(out, {out: data}, root)
        typer.echo("書き出しました: " + ", ".join(str(p) for p in written), err=True)
    elif fmt is OutputFormat.json:
        for chunk in json_chunks(head, rows(), totals):
            typer.echo(chunk, nl=False)
    elif fmt is OutputFormat.csv:
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


@command("validate")
@boundary
def validate_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="確認するファイル（pre-commit が渡す形。既定: すべてのファイル）。")
    ] = None,
    root: RootOption = Path(),
    output: Annotated[ProblemFormat, typer.Option("--format", help="text か json。")] = ProblemFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="警告でも失敗にします。")] = False,
    max_problems: Annotated[
        int, typer.Option("--max-problems", min=0, metavar="<件数>", help="表示する問題の上限件数（0: すべて）。")
    ] = MAX_PROBLEMS,
) -> None:
    """targets/ と actuals/ を確認します: 問題を 1 行に 1 件、ファイル:行:列: コード 内容 の形で表示。"""
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
    # typer builds every command's options (signatures, annotations, click parameters) before it runs
    # one: where the first argument names a command, only that command is built (about 5 ms of
    # every command line; benchmarks/startup.py). Its usage, help and errors are the same.
    every = app.registered_commands
    typed = sys.argv[1] if len(sys.argv) > 1 else None
    app.registered_commands = [info for info in every if _name(info) == typed] or every
    try:
        app()
    finally:
        app.registered_commands = every


def _name(info: typer.models.CommandInfo) -> str:
    """The name a command is typed by, as typer gives it."""
    return info.name or typer.main.get_command_name(info.callback.__name__ if info.callback else "")
