"""Comparison views and PDFs: the figures of ``cohorts.compare_cohorts`` and ``cohorts.change``
turned into ``reports.comparison`` rows (labels, readings, the values for the distribution
charts), shared by the web pages and the PDF so both say the same. No Flask here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from reports.bounded import run_bounded
from reports.comparison import (
    ComparisonContext,
    ComparisonRow,
    build_comparison,
    prepare_comparison,
)
from reports.render import render_prepared

from ..db.models import Group
from ..domain import stats
from ..domain.figures import score_bounds
from ..domain.text import N_
from ..i18n import gettext, report_language
from . import cohorts
from .jobs import Runner
from .questionnaires import questionnaire_of, translated
from .report_cache import Job, cached_render
from .workshops import settings_of


def _interval(value: list[float] | None) -> tuple[float, float] | None:
    return None if value is None else (value[0], value[1])


def _row_independent(
    row_id: str, label: str, body: dict[str, Any], values_a: list[float], values_b: list[float]
) -> ComparisonRow:
    if "withheld" in body:
        return ComparisonRow(id=row_id, label=label, withheld=body["withheld"])
    return ComparisonRow(
        id=row_id,
        label=label,
        n_a=body["n_a"],
        n_b=body["n_b"],
        mean_a=body["mean_a"],
        mean_b=body["mean_b"],
        ci_a=_interval(body["ci_a"]),
        ci_b=_interval(body["ci_b"]),
        difference=body["difference"],
        difference_ci=_interval(body["difference_ci"]),
        effect=body["hedges_g"],
        effect_ci=_interval(body["hedges_g_ci"]),
        p=body["p"],
        p_holm=body["p_holm"],
        values_a=tuple(values_a),
        values_b=tuple(values_b),
    )


def _row_paired(
    row_id: str, label: str, body: dict[str, Any], pairs: list[tuple[float, float]]
) -> ComparisonRow:
    if "withheld" in body:
        return ComparisonRow(id=row_id, label=label, withheld=body["withheld"])
    n = body["n"]
    # The pairs' means at each wave, with t intervals like every other mean of rule 14.
    ci_from = ci_to = None
    if len(pairs) >= 2:
        ci_from = stats.mean_interval(stats.describe([x for x, _ in pairs]))
        ci_to = stats.mean_interval(stats.describe([y for _, y in pairs]))
    return ComparisonRow(
        id=row_id,
        label=label,
        n_a=n,
        n_b=n,
        mean_a=body["mean_from"],
        mean_b=body["mean_to"],
        ci_a=ci_from,
        ci_b=ci_to,
        difference=body["mean_difference"],
        difference_ci=_interval(body["ci"]),
        effect=body["d_z"],
        effect_ci=_interval(body["d_z_ci"]),
        p=body["p"],
        p_holm=body["p_holm"],
        values_a=tuple(sorted(x for x, _ in pairs)),
        values_b=tuple(sorted(y for _, y in pairs)),
    )


def wave_label(group: Group, wave_id: str) -> str:
    return cohorts.wave_of(group, wave_id).label


# What the reader is told about the waves compared (templates print these as they are). English,
# marked for translation: a caller passes ``translate`` (the page its gettext), which is applied
# to each message before its values are filled in.
LATEST_WAVE_NOTE = N_("Each cohort is shown at its latest wave with complete answers: %(a)s and %(b)s.")
ONE_LATEST_WAVE_NOTE = N_("%(name)s is shown at its latest wave with complete answers, “%(wave)s”.")
AT_START_NOTE = N_(
    "Both cohorts are compared at their first wave, so a difference says how they started, "
    "not what the course did."
)
SIDE = N_("%(name)s at “%(wave)s”")
OVERALL = N_("Overall index")
TITLE_INDEPENDENT = N_("%(second)s compared with %(first)s")
TITLE_PAIRED = N_("%(cohort)s: %(first)s vs %(second)s")
QUESTIONNAIRE = N_("%(title)s, version %(version)s")

Translate = Callable[[str], str]


def _as_is(message: str) -> str:
    return message


def _wave_notes(
    a: Group,
    b: Group,
    wa: str,
    wb: str,
    defaulted_a: bool,
    defaulted_b: bool,
    at_start: bool,
    translate: Translate = _as_is,
) -> list[str]:
    notes: list[str] = []
    side_a = translate(SIDE) % {"name": a.name, "wave": wave_label(a, wa)}
    side_b = translate(SIDE) % {"name": b.name, "wave": wave_label(b, wb)}
    if defaulted_a and defaulted_b:
        notes.append(translate(LATEST_WAVE_NOTE) % {"a": side_a, "b": side_b})
    elif defaulted_a or defaulted_b:
        group, wave = (a, wa) if defaulted_a else (b, wb)
        notes.append(translate(ONE_LATEST_WAVE_NOTE) % {"name": group.name, "wave": wave_label(group, wave)})
    if at_start:
        notes.append(translate(AT_START_NOTE))
    return notes


def cohort_comparison(
    session: Session,
    a: Group,
    b: Group,
    wave_a: str | None = None,
    wave_b: str | None = None,
    translate: Translate = _as_is,
) -> tuple[dict[str, Any], ComparisonContext]:
    """The API body and the report context of cohort B against cohort A. A wave not given is the
    cohort's latest with complete answers, and the context says so. ``translate``: the words
    this module adds (title, notes, "Overall index"), in the reader's language."""
    body = cohorts.compare_cohorts(session, a, b, wave_a, wave_b)
    wa, wb = body["a"]["wave"], body["b"]["wave"]
    # Two cohorts at their first waves are compared as they started: never an improvement.
    at_start = wa == cohorts.waves_of(a)[0].id and wb == cohorts.waves_of(b)[0].id
    values_a = cohorts.side_values(session, a, wa) if body["a"]["n"] >= body["k"] else {}
    values_b = cohorts.side_values(session, b, wb) if body["b"]["n"] >= body["k"] else {}
    q = translated(questionnaire_of(a.questionnaire), report_language())  # the reader's words
    labels = {d.id: d.label for d in q.dimensions}
    rows = [
        _row_independent(d, labels.get(d, d), item, values_a.get(d, []), values_b.get(d, []))
        for d, item in body["dimensions"].items()
    ]
    overall = _row_independent(
        "overall",
        translate(OVERALL),
        body["overall"],
        values_a.get("overall", []),
        values_b.get("overall", []),
    )
    label_a = f"{a.name} ({wave_label(a, wa)})"
    label_b = f"{b.name} ({wave_label(b, wb)})"
    context = build_comparison(
        title=translate(TITLE_INDEPENDENT) % {"second": b.name, "first": a.name},
        design="independent",
        label_a=label_a,
        label_b=label_b,
        questionnaire=translate(QUESTIONNAIRE) % {"title": q.title, "version": q.version},
        rows=rows,
        overall=overall,
        k=body["k"],
        n_a=body["a"]["n"],
        n_b=body["b"]["n"],
        prepared_by=settings_of(a).consultant,
        bounds=score_bounds(q),
        at_start=at_start,
        notes=_wave_notes(a, b, wa, wb, wave_a is None, wave_b is None, at_start, translate),
    )
    return body, context


def change_comparison(
    session: Session, group: Group, wave_from: str, wave_to: str, translate: Translate = _as_is
) -> tuple[dict[str, Any], ComparisonContext]:
    """The API body and the report context of one cohort's change between two waves."""
    body = cohorts.change(session, group, wave_from, wave_to)
    pairs = (
        cohorts.pair_scores(session, group, body["from"], body["to"]) if body["pairs"] >= body["k"] else {}
    )
    q = translated(questionnaire_of(group.questionnaire), report_language())  # the reader's words
    rows = [_row_paired(d.id, d.label, body["dimensions"][d.id], pairs.get(d.id, [])) for d in q.dimensions]
    overall = _row_paired("overall", translate(OVERALL), body["overall"], pairs.get("overall", []))
    label_a, label_b = wave_label(group, body["from"]), wave_label(group, body["to"])
    context = build_comparison(
        title=translate(TITLE_PAIRED) % {"cohort": group.name, "first": label_a, "second": label_b},
        design="paired",
        label_a=label_a,
        label_b=label_b,
        questionnaire=translate(QUESTIONNAIRE) % {"title": q.title, "version": q.version},
        rows=rows,
        overall=overall,
        k=body["k"],
        pairs=body["pairs"],
        unmatched_from=body["unmatched_from"],
        unmatched_to=body["unmatched_to"],
        prepared_by=settings_of(group).consultant,
        bounds=score_bounds(q),
    )
    return body, context


def _filename(*parts: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", "-".join(parts)).strip("-").lower()[:80] or "comparison"
    return f"{slug}-{dt.date.today().isoformat()}.pdf"


def cached_comparison_pdf(session: Session, context: ComparisonContext, job: Job | None = None) -> bytes:
    """The comparison's PDF, rendered once per distinct content and kept in the report cache
    like the individual and workshop reports (the key covers everything the PDF shows)."""
    prepared = prepare_comparison(context)  # translated here, in the caller's locale
    return cached_render(session, prepared.key, lambda: run_bounded(render_prepared, prepared), job)


def compare_pdf(
    session: Session,
    a: Group,
    b: Group,
    wave_a: str | None = None,
    wave_b: str | None = None,
    runner: Runner | None = None,
) -> tuple[bytes, str]:
    """Cohort B against cohort A as a PDF (by a worker of the job queue with ``runner``)."""
    _, context = cohort_comparison(session, a, b, wave_a, wave_b, translate=gettext)
    payload = {"a": a.id, "b": b.id, "wave_a": wave_a, "wave_b": wave_b}
    job = (runner, "compare_pdf", payload) if runner else None
    return cached_comparison_pdf(session, context, job), _filename(b.name, "vs", a.name)


def change_pdf(
    session: Session, group: Group, wave_from: str, wave_to: str, runner: Runner | None = None
) -> tuple[bytes, str]:
    body, context = change_comparison(session, group, wave_from, wave_to, translate=gettext)
    payload = {"group": group.id, "from": wave_from, "to": wave_to}
    job = (runner, "change_pdf", payload) if runner else None
    return cached_comparison_pdf(session, context, job), _filename(group.name, body["from"], "to", body["to"])
