"""The report's context: every value the template shows, as plain frozen dataclasses.

``build_context`` turns a scored ``Result`` (one respondent, or a group's means from
``assessment.domain.groups``) and a few plain arguments into a ``ReportContext``. The template
sees only strings, numbers, tuples and these dataclasses: never database rows, never the
questionnaire object, so nothing in a template can reach the database or run a query.

Each section of the report is built by its own module in ``reports.sections`` (summary,
position, group, changes, dimensions, roadmap, method, answers, ...); this module only wires
them together, and keeps the names callers import from it.

A group report passes ``group=GroupData(...)`` (see ``group_data_from_summary``); the template
then adds the workshop section (respondents, distribution per dimension, agreement, perception
gap or the reason it is withheld, discussion prompts) and describes practices from the group's
mean positions instead of one person's answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assessment.domain.result import Result
from assessment.i18n import _, ngettext

from . import charts
from .fetcher import Asset
from .inputs import (
    Branding,
    GapRow,
    GroupCoverage,
    GroupData,
    GroupDimension,
    GroupGap,
    GroupPrompt,
    HistoryPoint,
    group_coverage,
    group_data_from_summary,
)
from .sections import CORE, Chapter, Inputs, chapters, check_edition
from .sections import answers as answers_section
from .sections import changes as changes_section
from .sections import commentary as commentary_section
from .sections import dimensions as dimensions_section
from .sections import group as group_section
from .sections import method as method_section
from .sections import position as position_section
from .sections import roadmap as roadmap_section
from .sections import summary as summary_section
from .sections.answers import AnswerGroup, AnswerRow
from .sections.changes import HISTORY_FROM, ChangeRow
from .sections.common import (
    HEADER_CHARS,
    Chart,
    date_display,
    drawable,
    fmt,
    localised,
    lower_first,
    pct,
    report_language,
    score_shown,
    short,
    text_direction,
)
from .sections.cover import LOGO_TYPES, MAX_LOGO_BYTES, check_branding, logo_url
from .sections.dimensions import DimensionSection, Practice
from .sections.group import AGREEMENT_LABELS, GapView, GroupDimensionView, GroupSection, PromptView
from .sections.method import CoverageRow, StageRow
from .sections.roadmap import EFFORT_LABELS, IMPACT_LABELS, Horizon, Recommendation

METHOD_URL = "/method"  # the app's method page, rendered from docs/method.md

# The names this module had before the sections moved out, for callers and tests.
_lower_first = lower_first
_date_display = date_display
_fmt, _pct, _score, _short = fmt, pct, score_shown, short


@dataclass(frozen=True)
class ReportContext:
    """Everything the report shows. Build it with ``build_context``."""

    language: str
    document_title: str
    author: str
    organisation: str
    organisation_short: str
    date_display: str
    date_iso: str
    prepared_by: str | None
    respondent_label: str
    questionnaire_title: str
    questionnaire_version: str
    questionnaire_id: str
    low_pole: str
    low_pole_description: str
    high_pole: str
    high_pole_description: str
    classification_id: str
    classification_label: str
    classification_summary: str
    is_social: bool
    held_back: bool
    provisional: bool
    verdict_explanation: str
    overall: float | None
    overall_display: str
    stage_label: str | None
    stage_description: str
    bottleneck_label: str | None
    bottleneck_score: str | None
    bottleneck_anchor: str | None
    priorities: tuple[Recommendation, ...]
    dimensions: tuple[DimensionSection, ...]
    roadmap: tuple[Horizon, ...]
    roadmap_count: int
    hidden_count: int
    spectrum: Chart
    radar: Chart
    distribution: Chart | None
    threshold_display: str
    floor_display: str
    max_now: int
    any_scored: bool  # at least one dimension has a score (else there can be no roadmap)
    strength_display: str  # rule 11's thresholds as item scores of 0..100
    weakness_display: str
    min_coverage_display: str
    scale_display: str
    stages: tuple[StageRow, ...]
    coverage: tuple[CoverageRow, ...]
    previous_label: str | None  # the last assessment before this one in its series
    changes: tuple[ChangeRow, ...]  # per dimension, then the overall index; empty without history
    history_count: int  # assessments in the series up to this one
    history: Chart | None  # from three assessments on, as on the results page
    answers: tuple[AnswerGroup, ...]
    group: GroupSection | None
    commentary: tuple[str, ...]
    commentary_dirs: tuple[str, ...]  # "rtl" or "ltr" for each paragraph, in order
    organisation_dir: str
    prepared_by_dir: str
    brand_name: str
    accent: str
    logo_url: str | None
    assets: Mapping[str, Asset] = field(repr=False, default_factory=dict)
    withheld: str | None = None  # no figures may be shown yet, and why
    verdict_sentences: tuple[str, ...] = ()  # the verdict, from the findings (reports.prose)
    position_line: str = ""  # where the organisation stands, in one sentence
    roadmap_lead: str = ""  # how many steps, and when they start
    method_url: str = METHOD_URL
    edition: str = CORE  # "core" (the default download) or "full" (with every answer and the method)
    chapters: tuple[Chapter, ...] = ()  # what the report has, in order; each draws its own partial
    roadmap_page: tuple[Horizon, ...] = ()  # the roadmap as its page shows it (core: its first steps)
    roadmap_more: int = 0  # steps the core's roadmap page leaves to the full edition
    plan: Any = None  # reports.plan_section.PlanSection: the client's edited plan (with_plan)
    benchmark: Any = None  # rule 18's section, set by benchmark_section.with_benchmark
    agreement_bounds: tuple[str, str] = ("0.70", "0.50")  # r_wg(j)'s high and moderate, as shown
    rounding_example: str = "39.6"  # rule 17's example, with the locale's decimal sign


def self_assessment_label(role: str) -> str:
    """Whose view an individual report is ("Self-assessment (Leadership)"), for the cover."""
    return _("Self-assessment ({role})").format(role=role) if role else _("Self-assessment")


def workshop_label(name: str, n: int, k: int, shows_numbers: bool, unpublished: bool, complete: int) -> str:
    """Whose view a workshop report is, for the cover (rule 13: no count below k)."""
    if not shows_numbers:
        return ngettext(
            "Workshop “{name}”: no figures yet, fewer than {k} complete response",
            "Workshop “{name}”: no figures yet, fewer than {k} complete responses",
            k,
        ).format(name=name, k=k)
    if unpublished:
        return ngettext(
            "Workshop “{name}”, {n} participant (of {complete} finished; the rest appear with the next "
            "snapshot)",
            "Workshop “{name}”, {n} participants (of {complete} finished; the rest appear with the next "
            "snapshot)",
            n,
        ).format(name=name, n=n, complete=complete)
    return ngettext("Workshop “{name}”, {n} participant", "Workshop “{name}”, {n} participants", n).format(
        name=name, n=n
    )


def build_context(
    result: Result,
    *,
    organisation: str,
    date: dt.date,
    prepared_by: str | None = None,
    respondent_label: str | None = None,
    group: GroupData | None = None,
    commentary: str | None = None,
    hidden_recommendations: Iterable[str] = (),
    recommendation_order: Sequence[str] | None = None,
    branding: Branding | None = None,
    history: Sequence[HistoryPoint] = (),
    withheld: str | None = None,
    edition: str = CORE,
    extra: Mapping[str, Any] | None = None,
    method_url: str = METHOD_URL,
) -> ReportContext:
    """Everything the report shows, from a scored result and plain arguments.

    - ``result``: ``assessment.domain.result.score(...)`` for one respondent, or
      ``GroupSummary.result`` for a group (its ``answers`` are empty; pass ``group``).
    - ``organisation``, ``date``, ``prepared_by``: the cover. ``respondent_label`` says whose
      view this is ("Self-assessment by the managing director", "Workshop, 14 participants").
    - ``group``: ``GroupData`` (see ``group_data_from_summary``) adds the group sections.
    - ``commentary``: a facilitator's own words, plain text; blank lines separate paragraphs.
    - ``hidden_recommendations``: recommendation ids left out of the roadmap and sections.
    - ``recommendation_order``: recommendation ids in a facilitator's preferred order inside
      each horizon; without it the roadmap keeps SCORING.md section 8's order.
    - ``branding``: a name, an accent colour and a logo; raises ValueError when invalid.
    - ``history``: the earlier complete assessments of the same series, oldest first; adds
      "what changed since last time" (and the history chart from three assessments on).
    - ``withheld``: why the report may show no figures yet (a workshop below k, rule 13): the
      PDF is then the cover, that sentence and any commentary, not pages of empty sections.
    - ``edition``: "core" or "full" (``reports.sections.EDITIONS``); raises UnknownEdition.
    - ``extra``: plain inputs for sections beyond the built-in ones, by section id.
    - ``method_url``: where the app's method page is (the cover and the method appendix point
      there); the web layer passes its absolute address.

    All text is passed through as text; the template escapes it. Each report section is built
    by its own module in ``reports.sections``; this function only wires them together.
    """
    q = result.questionnaire
    branding = check_branding(branding)
    inputs = Inputs(
        result=result,
        date=date,
        edition=check_edition(edition),
        labels={d.id: d.label for d in q.dimensions},
        anchors={d.id: f"dim-{n}" for n, d in enumerate(q.dimensions, start=1)},
        accent=branding.accent or charts.DEFAULT_ACCENT,
        branding=branding,
        assets={},
        group=group,
        history=tuple(history),
        hidden=frozenset(hidden_recommendations),
        order=recommendation_order,
        extra=dict(extra or {}),
    )
    organisation = " ".join(drawable(organisation).split()) or _("Your organisation")
    ranked, fields = roadmap_section.fields(inputs)
    views = group_section.group_views(q, group)
    fields.update(summary_section.fields(inputs, ranked, organisation))
    findings, _strongest = summary_section.findings_and_strongest(inputs)
    lines = group_section.group_lines(q, group, views)
    fields.update(dimensions_section.fields(inputs, views, ranked, findings, lines))
    fields.update(position_section.fields(inputs))
    fields.update(group_section.fields(inputs, views))
    logo = logo_url(branding, inputs.assets)
    fields.update(changes_section.fields(inputs))
    fields.update(method_section.fields(inputs))
    fields.update(answers_section.fields(inputs))

    t = q.thresholds
    prepared_by = drawable(prepared_by) if prepared_by else prepared_by
    commentary = drawable(commentary) if commentary else commentary
    fields.update(commentary_section.fields(commentary))
    fields.update(
        language=report_language(q.language),
        document_title=f"{q.title}: {organisation}",
        agreement_bounds=(localised("0.70"), localised("0.50")),
        rounding_example=localised("39.6"),
        author=prepared_by or branding.name or q.title,
        organisation=organisation,
        organisation_short=short(organisation),
        date_display=date_display(date),
        date_iso=date.isoformat(),
        prepared_by=prepared_by or None,
        respondent_label=drawable(respondent_label or self_assessment_label("")),
        questionnaire_title=q.title,
        questionnaire_version=q.version,
        questionnaire_id=q.id,
        low_pole=q.poles["low"]["label"],
        low_pole_description=q.poles["low"].get("description", ""),
        high_pole=q.poles["high"]["label"],
        high_pole_description=q.poles["high"].get("description", ""),
        threshold_display=fmt(t.social),
        floor_display=fmt(t.floor),
        any_scored=any(d.score is not None for d in result.dimensions),
        strength_display=fmt(100 * t.strength),
        weakness_display=fmt(100 * t.weakness),
        min_coverage_display=pct(t.min_coverage),
        organisation_dir=text_direction(organisation),
        prepared_by_dir=text_direction(prepared_by or ""),
        brand_name=drawable(branding.name),
        accent=inputs.accent,
        logo_url=logo,
        withheld=drawable(withheld) if withheld else None,
        edition=inputs.edition,
        method_url=method_url,
    )
    fields["chapters"] = chapters(inputs, fields)
    return ReportContext(**fields, assets=inputs.assets)


__all__ = [
    "AGREEMENT_LABELS",
    "EFFORT_LABELS",
    "HEADER_CHARS",
    "HISTORY_FROM",
    "IMPACT_LABELS",
    "LOGO_TYPES",
    "MAX_LOGO_BYTES",
    "AnswerGroup",
    "AnswerRow",
    "Asset",
    "Branding",
    "ChangeRow",
    "Chart",
    "CoverageRow",
    "DimensionSection",
    "GapRow",
    "GapView",
    "GroupCoverage",
    "GroupData",
    "GroupDimension",
    "GroupDimensionView",
    "GroupGap",
    "GroupPrompt",
    "GroupSection",
    "HistoryPoint",
    "Horizon",
    "Practice",
    "PromptView",
    "Recommendation",
    "ReportContext",
    "StageRow",
    "build_context",
    "date_display",
    "drawable",
    "group_coverage",
    "group_data_from_summary",
    "text_direction",
]
