"""`status --format json` of a city of any size: each indicator evaluated, written and let go.

The document's counts (summary, outlooks, grades) come before its indicators, so the indicators' text
waits until the last is evaluated: compressed (zlib, about a tenth of the text), with only what the
counts and --fail-on read kept of each evaluation. A 100,000-row city then holds neither its
evaluations nor its document (issue 23: status's memory), and writes the bytes render_json writes.
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterator, Sequence
from datetime import date
from typing import NamedTuple

from kpicheck.errors import Problem
from kpicheck.models import Actuals, Evaluation, OutlookResult, Plan, Report
from kpicheck.periods import normalize
from kpicheck.render import CHUNK, ITEM_SEPARATOR, indicator_json, json_chunks
from kpicheck.rules import evaluations


class Streamed(NamedTuple):
    """A year's evaluation with its indicators already written."""

    counted: Report  # each evaluation reduced to what the counts and --fail-on read (status, grade, 見込み)
    body: list[bytes]  # the indicators' JSON, compressed, in order


def evaluate_to_json(
    plan: Plan, actuals: Actuals, year: int, as_of: date, problems: Sequence[Problem], department: str | None = None
) -> Streamed:
    """rules.evaluate and render's JSON in one pass, keeping the text compressed; with `department`, only
    its indicators (KC304 if it has none, as report.for_department says)."""
    wanted = None if department is None else normalize(department)
    if wanted is not None:
        from kpicheck.report import in_department  # noqa: PLC0415 - Jinja and the report only with --department
    packer = zlib.compressobj(1)
    body: list[bytes] = []
    kept: list[Evaluation] = []
    for evaluation in evaluations(plan, actuals, year, as_of, problems):
        if wanted is not None and not in_department(evaluation, wanted):
            continue
        text = (ITEM_SEPARATOR if kept else "") + indicator_json(evaluation)
        packed = packer.compress(text.encode("utf-8"))
        if packed:
            body.append(packed)
        kept.append(_counted(evaluation))
    body.append(packer.flush())
    counted = Report(plan=plan, year=year, as_of=as_of, evaluations=tuple(kept))
    if department is not None and not kept:
        from kpicheck.report import for_department  # noqa: PLC0415 - its KC304, word for word

        for_department(counted, department)
    return Streamed(counted, body)


_NO_REASON: dict[object, OutlookResult] = {}


def _counted(evaluation: Evaluation) -> Evaluation:
    """What Report.summary, outlook_counts, grade_counts and rules.at_or_worse read; nothing else."""
    seen = evaluation.outlook
    if seen is not None:
        seen = _NO_REASON.setdefault(seen.code, OutlookResult(seen.code, ""))
    return Evaluation(
        indicator=evaluation.indicator, area_name="", initiative_name="", target=None, target_shown="",
        status=evaluation.status, reason="", metrics=(), note="", grade=evaluation.grade, outlook=seen,
    )  # fmt: skip


def json_parts(streamed: Streamed) -> Iterator[str]:
    """The document, a part at a time: render.json_chunks with the body unpacked as it is written."""
    return json_chunks(streamed.counted, _unpacked(streamed.body))


def _unpacked(body: list[bytes]) -> Iterator[str]:
    unpacker = zlib.decompressobj()
    decoder = codecs.getincrementaldecoder("utf-8")()
    for packed in body:
        data = packed
        while data:  # at most CHUNK bytes at a time: a part never unpacks into more than that
            yield decoder.decode(unpacker.decompress(data, CHUNK))
            data = unpacker.unconsumed_tail
    yield decoder.decode(unpacker.flush(), final=True)
