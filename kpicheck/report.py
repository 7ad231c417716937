"""Council reports (`kpicheck report`): a template context built from evaluated Reports, rendered by Jinja.

The CLI evaluates (kpicheck.rules.evaluate) and hands the Reports here; this module gets their
template context from kpicheck.report_context, renders it, and writes the files atomically. Jinja
is imported only when a report is rendered, so `kpicheck status` does not pay for it at start-up.

Templates
---------
Defaults ship in kpicheck/templates/; a file of the same name in the data root's templates/ folder
overrides one; `--template FILE` replaces the main template (its folder is searched first, so it may
also bring its own charts.svg.j2 or base.html.j2).

    report.md.j2, report.html.j2   one fiscal year (--year)
    years.md.j2,  years.html.j2    several fiscal years side by side (--years)
    base.html.j2                   page frame and CSS shared by the HTML reports
    charts.svg.j2                  SVG chart macros: summary_bars, progress_bar, progress_chart, years_bars
    chart.svg.j2                   a stand-alone .svg file beside a Markdown report (variable `chart`)

Escaping follows --format, not the file name: HTML (and every .svg) is autoescaped; in Markdown every
``{{ … }}`` is escaped for Markdown (``| \\ ` * _ [ ] < > & ~ #`` get a backslash, a leading list or
heading marker too, line breaks become ``<br>``), so a note cannot break a table. ``|safe`` passes
text through unescaped (macro output in a Markdown template is plain text and would be escaped twice:
use ``|safe`` on it). ``None`` prints as an empty string; an undefined variable is an error (KC306).

The variables each template gets are built in kpicheck/report_context.py (its docstring lists them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote  # pathlib imports it already

from kpicheck.bidi import visible_bidi
from kpicheck.cache import jinja_cache
from kpicheck.errors import KpicheckError, Problem, usage_error
from kpicheck.models import (
    Evaluation,
    Plan,
    Report,
)
from kpicheck.output import check_output, write_files
from kpicheck.periods import fiscal_year_of, normalize, parse_year
from kpicheck.report_context import departments, year_context, years_context
from kpicheck.workspace import City, pick_plan

if TYPE_CHECKING:
    from jinja2 import Environment, Template

# The defaults are package data, read through the package's loader (Jinja's PackageLoader), so they are
# found inside kpicheck.pyz too, where no folder of them exists on disk.
PACKAGE_TEMPLATES = ("kpicheck", "templates")


class ReportFormat(StrEnum):
    markdown = "markdown"
    html = "html"


@dataclass(frozen=True)
class Rendered:
    """A rendered report and the stand-alone charts (file name -> SVG) to write beside it."""

    text: str
    charts: dict[str, str]


# ---------------------------------------------------------------------------------------- options


def for_department(report: Report, department: str | None) -> Report:
    """Only the indicators whose 担当 includes `department` (summary counts follow); KC304 if none does."""
    if department is None:
        return report
    wanted = normalize(department)
    shown = tuple(e for e in report.evaluations if in_department(e, wanted))
    if not shown:
        known = "、".join(departments(report.plan)) or "なし"
        message = f"--department {department!r}: {report.plan.id} にこの担当の指標はありません（あるもの: {known}）"
        raise usage_error("KC304", message)
    return report._replace(evaluations=shown)


def in_department(evaluation: Evaluation, wanted: str) -> bool:
    """Whether the indicator's 担当 includes the department `wanted` (normalised)."""
    return wanted in {normalize(d) for d in evaluation.indicator.departments}


_RANGE = re.compile(r"^(?P<first>.+?)\s*[-~〜–—]\s*(?P<last>.+)$")


def choose_years(city: City, years: str, year: int | None, plan_id: str | None, as_of: date) -> tuple[Plan, list[int]]:
    """The plan and fiscal years of --years: `all` (the plan of --plan, --year or the as-of date) or A-B.

    A range picks its plan by its first year (or --plan), and every year must lie in that one plan;
    --year is then refused as ambiguous.
    """
    text = normalize(years)
    if text.lower() == "all":
        if plan_id is None and year is None:
            year = fiscal_year_of(as_of)
            if not any(p.covers(year) for p in city.plans):
                periods = ", ".join(f"{p.id} ({p.first_year}～{p.last_year})" for p in city.plans)
                message = (
                    f"{city.id} に {year}年度（--as-of の年度）を含む計画はありません。"
                    f"--plan か --year を指定してください: {periods}"
                )
                raise usage_error("KC302", f"--years all: {message}")
        plan = pick_plan(city.plans, year, plan_id)
        return plan, list(range(plan.first_year, plan.last_year + 1))
    if year is not None:
        raise usage_error(
            "KC304",
            "--year と --years A-B はどちらか一方を指定してください（--years all と --year なら計画を選べます）",
        )
    match = _RANGE.match(text)
    try:
        first, last = (parse_year(match["first"]), parse_year(match["last"])) if match else (parse_year(text),) * 2
    except ValueError as exc:
        raise usage_error("KC304", f"--years: {exc}。A-B（2026-2030）か all を指定してください") from None
    if first > last:
        raise usage_error("KC304", f"--years {years}: 最初の年度が最後の年度より後です")
    plan = pick_plan(city.plans, None if plan_id else first, plan_id)
    outside = [y for y in (first, last) if not plan.covers(y)]
    if outside:
        period = f"{plan.id} ({plan.first_year}～{plan.last_year})"
        raise usage_error(
            "KC302", f"--years {years}: {outside[0]}年度は {period} の期間外です（報告書は 1 つの計画が対象です）"
        )
    return plan, list(range(first, last + 1))


REPORT_SUFFIXES = {".html": ReportFormat.html, ".htm": ReportFormat.html, ".md": ReportFormat.markdown,
                   ".markdown": ReportFormat.markdown, ".txt": ReportFormat.markdown}  # fmt: skip


def report_format(chosen: ReportFormat | None, output: Path | None) -> ReportFormat:
    """--format, else HTML for an -o ending in .html/.htm, else Markdown; KC307 for .pdf, .docx …"""
    if (
        output is not None
        and output.name not in {"", ".", ".."}
        and not output.is_dir()
        and output.suffix.lower() not in REPORT_SUFFIXES
    ):
        raise usage_error(
            "KC307", f"-o {output}: 報告書は .html か .md です（PDF は .html を書き出してブラウザから印刷してください）"
        )
    if chosen is not None:
        return chosen
    if output is not None:
        return REPORT_SUFFIXES.get(output.suffix.lower(), ReportFormat.markdown)  # a folder: refused on write
    return ReportFormat.markdown


# ---------------------------------------------------------------------------------------- render

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")
# A list marker, setext underline or ordered-list number at the start of the text (ignored elsewhere).
_MD_LEADING = re.compile(r"^(?:[+=-](?=\s|[=-]*$)|\d{1,9}(?=[.)](?:\s|$)))")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def md_escape(value: object) -> str:
    """Text safe in a Markdown table cell, heading or list item: no table, link, HTML or emphasis syntax."""
    from markupsafe import Markup  # noqa: PLC0415 - comes with jinja2, imported only when rendering

    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    text = visible_bidi(str(value).strip())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LEADING.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], text)
    return _NEWLINES.sub("<br>", text)


def html_text(value: object) -> object:
    """Every ``{{ … }}`` of an HTML page or SVG before it is autoescaped: None blank, bidi controls visible
    (a name with U+202E must not reorder the rest of its line); numbers and Markup as they are."""
    from markupsafe import Markup  # noqa: PLC0415 - see md_escape

    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible_bidi(value)
    return value


def environment(fmt: ReportFormat, root: Path, template: Path | None) -> Environment:
    """Loader: --template's folder, then ROOT/templates, then the package's defaults (first name wins)."""
    from jinja2 import (  # noqa: PLC0415 - 40 ms; status never renders
        ChoiceLoader,
        FileSystemLoader,
        PackageLoader,
        StrictUndefined,
    )
    from jinja2.sandbox import SandboxedEnvironment  # noqa: PLC0415 - see above

    folders = [template.resolve().parent] if template is not None else []
    folders += [root / "templates"]
    loaders = [*(FileSystemLoader(folder) for folder in folders), PackageLoader(*PACKAGE_TEMPLATES)]
    markdown = fmt is ReportFormat.markdown
    # Templates may come with a data root from elsewhere: the sandbox keeps them to data, not Python internals.
    return SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=not markdown,
        finalize=md_escape if markdown else html_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # compiled once, not every run; one cache per format, since escaping is compiled in
        bytecode_cache=jinja_cache(fmt.value, (root / "targets", root / "actuals")),
    )


def _shown_path(filename: str | None, fallback: str) -> str:
    if not filename:
        return fallback
    path = Path(filename)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _template_line(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line a render error came from (Jinja maps its frames to template lines)."""
    import traceback  # noqa: PLC0415 - only the error path needs it

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not frame.filename.endswith(".py") and not frame.filename.startswith("<"):
            return frame.filename, frame.lineno
    return None, None


def _render(env: Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; KC305 if it (or one it includes) is missing, KC306 if it fails."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError  # noqa: PLC0415 - see environment()

    try:
        template: Template = env.get_template(name)
        return template.render(context)
    except TemplateNotFound as exc:
        raise usage_error(
            "KC305", f"テンプレート {exc.name!r} が見つかりません（探した場所: {_searched(env)}）"
        ) from None
    except TemplateSyntaxError as exc:
        where = _shown_path(exc.filename, exc.name or name)
        raise KpicheckError(
            Problem(where, exc.lineno, None, "KC306", f"テンプレートの構文エラー: {exc.message}")
        ) from None
    except Exception as exc:  # a template is user code: whatever it raises is its failure, not kpicheck's
        filename, line = _template_line(exc)
        where = _shown_path(filename, name)
        raise KpicheckError(
            Problem(where, line, None, "KC306", f"テンプレートの描画に失敗しました: {type(exc).__name__}: {exc}")
        ) from None


def _searched(env: Environment) -> str:
    from jinja2 import ChoiceLoader, FileSystemLoader  # noqa: PLC0415 - see environment()

    loader = env.loader
    assert isinstance(loader, ChoiceLoader)
    folders = [
        str(Path(folder)) for one in loader.loaders if isinstance(one, FileSystemLoader) for folder in one.searchpath
    ]
    return ", ".join([*folders, "/".join(PACKAGE_TEMPLATES) + "（kpicheck の既定）"])


def render_report(
    reports: list[Report],
    *,
    fmt: ReportFormat,
    multi: bool,
    root: Path,
    template: Path | None = None,
    department: str | None = None,
    chart_stem: str | None = None,
) -> Rendered:
    """Render a one-year (`multi` False, one Report) or multi-year report.

    `chart_stem` (Markdown written to a file): also render the charts as .svg files named
    <stem>.<chart>.svg and link them from the report.
    """
    if template is not None and not template.is_file():
        raise usage_error("KC305", f"--template {template}: ファイルがありません")
    context = years_context(reports, department) if multi else year_context(reports[0], department)
    charts: dict[str, str] = {}
    if chart_stem is not None and fmt is ReportFormat.markdown:
        wanted = ["years"] if multi else ["summary"] + (["progress"] if context["progress"] else [])
        from markupsafe import Markup  # noqa: PLC0415 - see md_escape

        svg = environment(ReportFormat.html, root, None)

        for chart in wanted:
            name = f"{chart_stem}.{chart}.svg"
            charts[name] = _render(svg, "chart.svg.j2", {**context, "chart": chart})
            context["charts"][chart] = Markup(quote(name))  # a link destination: percent-encoded, not escaped
    env = environment(fmt, root, template)
    name = template.name if template is not None else f"{'years' if multi else 'report'}.{_SUFFIX[fmt]}.j2"
    return Rendered(_render(env, name, context), charts)


_SUFFIX = {ReportFormat.markdown: "md", ReportFormat.html: "html"}


def write_report(output: Path, rendered: Rendered, root: Path) -> list[Path]:
    """The report and its charts (beside it, named after it), written together (see output.write_files)."""
    check_output(output, root)  # before the chart names are made from it
    files = {output: rendered.text} | {output.with_name(name): svg for name, svg in rendered.charts.items()}
    return write_files(output, files, root)
