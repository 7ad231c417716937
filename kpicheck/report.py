"""Council reports (`kpicheck report`): a template context built from evaluated Reports, rendered by Jinja.

The CLI evaluates (kpicheck.rules.evaluate) and hands the Reports here; this module builds the
template context, renders it, and writes the files atomically. Jinja is imported only when a report
is rendered, so `kpicheck status` does not pay for it at start-up.

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

Variables of a one-year report (report.*.j2)
--------------------------------------------
The JSON contract of `kpicheck status --format json` (render.to_dict), for the indicators shown
(--department narrows `indicators` and `summary` alike):

    city, city_name, plan, plan_title, year, year_label, as_of (ISO date), summary {status: count},
    indicators [{id, name, area, initiative, departments, target, actual, actual_text, status,
                 status_label, reason, note, metrics [{id, name, target, actual, status, reason}]}]

each indicator with three more keys:

    target_shown   the target cell for a table (due dates and carried phases spelled out; "" if none)
    mark           the status mark (see `legend`)
    progress       [{metric, name, label, actual, target, ratio, percent, actual_text, target_text,
                     status, color}] one per metric whose target is a plain number and whose actual is a
                   number (at least N, end-of-plan, reduction rate); `ratio` = actual / target (float),
                   `percent` its text ("103%"). Growth targets (前年比) have none: their threshold depends
                   on last year's actual, which the Report does not carry.

and the helpers:

    as_of_label    "2027年12月31日"
    plan_period    "2026年度〜2030年度"
    department     the --department given, or None
    statuses       [{status, label, mark, color, meaning, count}] every status in order, with its count
    legend         the same without counts
    achievement    {achieved, evaluable, rate (float or None), text ("44.8%" or "―"), definition}:
                   達成率 = 達成 / (達成 + 未達成 + 順調 + 遅れ), i.e. indicators with a target this year
                   and an actual; 実績未入力, 対象外 and 目標未設定 are left out of the denominator
    areas          [{name, indicators}] in the plan's order; areas with no indicator shown are left out
    attention      indicators 未達成 then 遅れ, each in plan order
    no_data        indicators 実績未入力
    progress       every indicator's progress items, flattened (for one chart of them all)
    charts         {"summary": link, "progress": link}: the .svg files written beside a Markdown report
                   with -o (progress only if there is a bar to draw); None where none is written
    generator      "kpicheck 0.1.0"

Variables of a multi-year report (years.*.j2)
---------------------------------------------
    city, city_name, plan, plan_title, as_of, as_of_label, plan_period, department, legend, generator
    years          [{year, year_label, started, summary, statuses, achievement, report}] one per fiscal
                   year; `started` is False for a year that begins after the as-of date; `report` is
                   that year's JSON contract (filtered by --department)
    areas          [{name, rows [{id, name, departments, cells [{year, target, target_shown, actual_text,
                     status, status_label, mark, color, reason, note}]}]}] one cell per year
    charts         {"years": link} for a Markdown report written with -o, else {"years": None}

The stand-alone chart template (chart.svg.j2) gets the report's variables plus `chart`: "summary",
"progress" or "years".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote  # pathlib imports it already

from kpicheck import __version__
from kpicheck.cache import jinja_cache
from kpicheck.errors import KpicheckError, Problem, usage_error
from kpicheck.models import STATUS_LABELS, Evaluation, Plan, Report, RuleKind, Status, quantity
from kpicheck.output import check_output, write_files
from kpicheck.periods import fiscal_year_of, fiscal_year_start, normalize, parse_year
from kpicheck.render import actual_text, to_dict
from kpicheck.rules import target_for
from kpicheck.workspace import City, pick_plan

if TYPE_CHECKING:
    from jinja2 import Environment, Template

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"


class ReportFormat(StrEnum):
    markdown = "markdown"
    html = "html"


# A mark per status for the multi-year table: ◎○△× as in a Japanese evaluation sheet, the rest
# full-width so the cells line up. Every cell also carries the label; the mark is a visual aid.
MARKS: dict[Status, str] = {
    Status.ACHIEVED: "◎",
    Status.ON_TRACK: "○",
    Status.BEHIND: "△",
    Status.MISSED: "×",
    Status.NO_DATA: "？",
    Status.NOT_APPLICABLE: "－",
    Status.TBD: "＊",
    Status.UPCOMING: "◇",
}

# Chart and label colours, the same hues as the terminal table's ANSI colours.
COLORS: dict[Status, str] = {
    Status.ACHIEVED: "#2e7d32",
    Status.MISSED: "#c62828",
    Status.ON_TRACK: "#00838f",
    Status.BEHIND: "#ef6c00",
    Status.NO_DATA: "#8e24aa",
    Status.NOT_APPLICABLE: "#9e9e9e",
    Status.TBD: "#bdbdbd",
    Status.UPCOMING: "#5c7ca3",
}

MEANINGS: dict[Status, str] = {
    Status.ACHIEVED: "目標を満たしている",
    Status.MISSED: "年度（または期限）が終わり、目標に届かなかった",
    Status.ON_TRACK: "年度の途中で、実績が経過日数に応じた目安の95%以上（計画の設定による）",
    Status.BEHIND: "年度の途中で、実績が経過日数に応じた目安の95%を下回る、または年度初めの値を下回る",
    Status.NO_DATA: "その年度の実績が入力されていない（前年比の目標では前年度の実績がない場合も）",
    Status.NOT_APPLICABLE: "計画にその年度の目標がない",
    Status.TBD: "計画で目標が後日設定とされている、または原文から読み取れない",
    Status.UPCOMING: "基準日にはまだその年度が始まっていない",
}

EVALUABLE = (Status.ACHIEVED, Status.MISSED, Status.ON_TRACK, Status.BEHIND)
ACHIEVEMENT_DEFINITION = (
    "達成率 = 達成 ÷ 判定対象。判定対象は、その年度の目標があり実績が入力されている指標"
    "（達成・未達成・順調・遅れ）。実績未入力・対象外・目標未設定の指標は含めない。"
)
# Rules whose threshold is a plain number the actual can be set against.
BAR_RULES = (RuleKind.THRESHOLD, RuleKind.END_TARGET, RuleKind.REDUCTION)


@dataclass(frozen=True)
class Rendered:
    """A rendered report and the stand-alone charts (file name -> SVG) to write beside it."""

    text: str
    charts: dict[str, str]


# ---------------------------------------------------------------------------------------- options


def departments(plan: Plan) -> list[str]:
    """Every 担当 named by the plan's indicators, in order of first appearance."""
    seen: dict[str, None] = {}
    for indicator in plan.indicators:
        seen.update(dict.fromkeys(indicator.departments))
    return list(seen)


def for_department(report: Report, department: str | None) -> Report:
    """Only the indicators whose 担当 includes `department` (summary counts follow); KC304 if none does."""
    if department is None:
        return report
    wanted = normalize(department)
    shown = tuple(e for e in report.evaluations if wanted in {normalize(d) for d in e.indicator.departments})
    if not shown:
        known = "、".join(departments(report.plan)) or "なし"
        message = f"--department {department!r}: {report.plan.id} にこの担当の指標はありません（あるもの: {known}）"
        raise usage_error("KC304", message)
    return replace(report, evaluations=shown)


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


# ---------------------------------------------------------------------------------------- context


def _rate(achieved: int, evaluable: int) -> dict[str, Any]:
    if not evaluable:
        return {"achieved": achieved, "evaluable": 0, "rate": None, "text": "―", "definition": ACHIEVEMENT_DEFINITION}
    rate = (Decimal(achieved * 100) / evaluable).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {
        "achieved": achieved,
        "evaluable": evaluable,
        "rate": float(rate),
        "text": quantity(rate, "%"),
        "definition": ACHIEVEMENT_DEFINITION,
    }


def achievement(report: Report) -> dict[str, Any]:
    counts = report.summary()
    return _rate(counts[Status.ACHIEVED], sum(counts[s] for s in EVALUABLE))


def legend() -> list[dict[str, Any]]:
    return [
        {"status": s.value, "label": STATUS_LABELS[s], "mark": MARKS[s], "color": COLORS[s], "meaning": MEANINGS[s]}
        for s in Status
    ]


def statuses(report: Report) -> list[dict[str, Any]]:
    counts = report.summary()
    return [{**item, "count": counts[Status(item["status"])]} for item in legend()]


def progress(report: Report, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Actual against target for each metric read as a plain numeric threshold, from the rules themselves."""
    target = target_for(evaluation.indicator, report.year)
    items = []
    for result in evaluation.metrics:
        rules = [r for r in (target.rules if target else ()) if r.metric == result.id]
        if len(rules) != 1 or rules[0].kind not in BAR_RULES or not isinstance(result.actual, Decimal):
            continue
        rule = rules[0]
        if rule.value is None or rule.value < 0 or (rule.value == 0 and not rule.bound.ceiling):
            continue
        ratio = _ratio(result.actual, rule.value, upper=rule.bound.ceiling)
        pace = None if result.pace is None else _ratio(result.pace, rule.value, upper=rule.bound.ceiling)
        several = len(evaluation.metrics) > 1
        items.append(
            {
                "metric": result.id,
                "name": result.name,
                "label": f"{evaluation.indicator.id} {result.name}" if several else evaluation.indicator.id,
                "actual": float(result.actual),
                "target": float(rule.value),
                "ratio": float(ratio.quantize(Decimal("0.001"), ROUND_HALF_UP)),
                "percent": quantity((ratio * 100).quantize(Decimal(1), ROUND_HALF_UP), "%"),
                "actual_text": quantity(result.actual, rule.unit),
                "target_text": f"{rule.bound.symbol}{quantity(rule.value, rule.unit)}",
                "direction": "down" if rule.bound.ceiling else "up",
                # where the pace value stands on the bar (None when none was computed), so a reader
                # sees why a value short of the target is 順調 or 遅れ
                "pace_ratio": None if pace is None else float(pace.quantize(Decimal("0.001"), ROUND_HALF_UP)),
                "pace_text": None if result.pace is None else quantity(result.pace.quantize(Decimal("0.1")), rule.unit),
                "status": result.status.value,
                "color": COLORS[result.status],
            }
        )
    return items


def _ratio(actual: Decimal, target: Decimal, *, upper: bool) -> Decimal:
    """How far along the bar is: actual ÷ target, or for a ceiling target ÷ actual (at or under it is 100%+)."""
    if not upper:
        return actual / target
    if actual <= 0:
        return Decimal(1)
    return target / actual


def _common(plan: Plan, as_of: date, department: str | None) -> dict[str, Any]:
    return {
        "as_of_label": f"{as_of.year}年{as_of.month}月{as_of.day}日",
        "plan_period": f"{plan.first_year}年度〜{plan.last_year}年度",
        "department": department,
        "legend": legend(),
        "generator": f"kpicheck {__version__}",
    }


def year_context(report: Report, department: str | None = None) -> dict[str, Any]:
    """Template variables of a one-year report (see the module docstring)."""
    data = to_dict(report)
    for item, evaluation in zip(data["indicators"], report.evaluations, strict=True):
        item["target_shown"] = evaluation.target_shown
        item["mark"] = MARKS[evaluation.status]
        item["progress"] = progress(report, evaluation)
    indicators = data["indicators"]
    areas = [
        {"name": area.name, "indicators": shown}
        for area in report.plan.areas
        if (shown := [i for i, e in zip(indicators, report.evaluations, strict=True) if e.indicator.area == area.id])
    ]
    by_status = {s: [i for i in indicators if i["status"] == s.value] for s in Status}
    return {
        **data,
        **_common(report.plan, report.as_of, department),
        "statuses": statuses(report),
        "achievement": achievement(report),
        "areas": areas,
        "attention": by_status[Status.MISSED] + by_status[Status.BEHIND],
        "no_data": by_status[Status.NO_DATA],
        "progress": [p for i in indicators for p in i["progress"]],
        "charts": {"summary": None, "progress": None},
    }


def years_context(reports: list[Report], department: str | None = None) -> dict[str, Any]:
    """Template variables of a multi-year report: one plan, one Report per fiscal year in order."""
    first = reports[0]
    plan = first.plan
    contracts = [to_dict(r) for r in reports]
    years = [
        {
            "year": r.year,
            "year_label": contract["year_label"],
            "started": fiscal_year_start(r.year) <= r.as_of,
            "summary": contract["summary"],
            "statuses": statuses(r),
            "achievement": achievement(r),
            "report": contract,
        }
        for r, contract in zip(reports, contracts, strict=True)
    ]
    # --department filters each year alike (departments do not change by year), so rows line up.
    by_year = [{e.indicator.id: e for e in r.evaluations} for r in reports]
    areas = []
    for area in plan.areas:
        rows = []
        for evaluation in first.evaluations:
            indicator = evaluation.indicator
            if indicator.area != area.id:
                continue
            cells = []
            for r, evaluations in zip(reports, by_year, strict=True):
                e = evaluations[indicator.id]
                cells.append(
                    {
                        "year": r.year,
                        "target": e.target,
                        "target_shown": e.target_shown,
                        "actual_text": actual_text(e),
                        "status": e.status.value,
                        "status_label": STATUS_LABELS[e.status],
                        "mark": MARKS[e.status],
                        "color": COLORS[e.status],
                        "reason": e.reason,
                        "note": e.note,
                    }
                )
            rows.append(
                {"id": indicator.id, "name": indicator.name, "departments": list(indicator.departments), "cells": cells}
            )
        if rows:
            areas.append({"name": area.name, "rows": rows})
    return {
        "city": plan.city,
        "city_name": plan.city_name,
        "plan": plan.id,
        "plan_title": plan.title,
        "as_of": first.as_of.isoformat(),
        **_common(plan, first.as_of, department),
        "years": years,
        "areas": areas,
        "charts": {"years": None},
    }


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
    text = str(value).strip()
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LEADING.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], text)
    return _NEWLINES.sub("<br>", text)


def _blank_none(value: object) -> object:
    return "" if value is None else value


def environment(fmt: ReportFormat, root: Path, template: Path | None) -> Environment:
    """Loader: --template's folder, then ROOT/templates, then the package's defaults (first name wins)."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined  # noqa: PLC0415 - 40 ms; status never renders
    from jinja2.sandbox import SandboxedEnvironment  # noqa: PLC0415 - see above

    folders = [template.resolve().parent] if template is not None else []
    folders += [root / "templates", PACKAGE_TEMPLATES]
    markdown = fmt is ReportFormat.markdown
    # Templates may come with a data root from elsewhere: the sandbox keeps them to data, not Python internals.
    return SandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        autoescape=not markdown,
        finalize=md_escape if markdown else _blank_none,
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
    return ", ".join(
        str(Path(folder)) for one in loader.loaders if isinstance(one, FileSystemLoader) for folder in one.searchpath
    )


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
