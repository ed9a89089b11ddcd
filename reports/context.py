"""The report's context: every value the template shows, as plain frozen dataclasses.

``build_context`` turns a scored ``Result`` (one respondent, or a group's means from
``assessment.domain.groups``) and a few plain arguments into a ``ReportContext``. The template
sees only strings, numbers, tuples and these dataclasses: never database rows, never the
questionnaire object, so nothing in a template can reach the database or run a query.

A group report passes ``group=GroupData(...)`` (see ``group_data_from_summary``); the template
then adds the workshop section (respondents, distribution per dimension, agreement, perception
gap or the reason it is withheld, discussion prompts) and describes practices from the group's
mean positions instead of one person's answers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assessment.domain.groups import GroupSummary
from assessment.domain.questionnaire import HORIZON_LABELS, HORIZONS, Item, Questionnaire
from assessment.domain.result import Result, score
from assessment.domain.roadmap import RoadmapEntry
from assessment.domain.scoring import (
    NOT_APPLICABLE,
    UNSURE,
    Answer,
    DimensionScore,
    ItemFinding,
    display,
    display_score,
    item_score,
    score_boundaries,
    strengths_and_weaknesses,
)

from . import charts
from .fetcher import Asset, asset_url

EFFORT_LABELS = {"low": "Low", "medium": "Medium", "high": "High"}
IMPACT_LABELS = {1: "Low", 2: "Medium", 3: "High"}
AGREEMENT_LABELS = {"high": "High agreement", "moderate": "Moderate agreement", "low": "Low agreement"}
LOGO_TYPES = frozenset({"image/png", "image/jpeg", "image/svg+xml"})
MAX_LOGO_BYTES = 1024 * 1024
HEADER_CHARS = 60  # the running header has one line; longer names are shortened there only


# --------------------------------------------------------------------------- inputs for group reports


@dataclass(frozen=True)
class GroupDimension:
    """A group's numbers for one dimension (SCORING.md rule 9); scores are 0..100."""

    dimension: str
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    min: float | None
    max: float | None
    rwg: float | None = None
    agreement: str | None = None  # "high", "moderate", "low"; None when rwg cannot be computed
    agreement_note: str | None = None  # why rwg is missing


@dataclass(frozen=True)
class GapRow:
    dimension: str
    leaders: float | None
    others: float | None
    gap: float | None


@dataclass(frozen=True)
class GroupGap:
    """Leaders vs others; ``withheld_reason`` set means no figures are shown at all."""

    withheld_reason: str | None
    leaders_n: int
    others_n: int
    rows: tuple[GapRow, ...] = ()


@dataclass(frozen=True)
class GroupPrompt:
    item: str
    dimension: str
    text: str
    sd: float
    n: int
    distribution: tuple[tuple[str, int], ...] = ()  # (answer label, count), in option order
    spread: float | None = None  # sd / (hi - lo): the sd on the 0..1 scale of rule 2


@dataclass(frozen=True)
class GroupCoverage:
    """How completely a group answered one dimension, summed over its members."""

    scored_members: int  # members whose D_d is not null
    answers: int  # scored answers, all members together
    unsure: int
    not_applicable: int  # answers of "not applicable": they leave coverage (rule 1)
    possible: int  # the dimension's questions times the members
    coverage: float  # the members' mean rule-3 coverage


@dataclass(frozen=True)
class GroupData:
    """What a group report adds. ``item_positions`` (item id -> mean rule-2 position, 0..1) and
    ``unsure_counts`` (item id -> how many answered "unsure") replace one person's answers
    when the report describes strongest, weakest and unknown practices."""

    n: int
    dimensions: tuple[GroupDimension, ...]
    name: str = ""
    gap: GroupGap | None = None
    prompts: tuple[GroupPrompt, ...] = ()
    item_positions: Mapping[str, float] = field(default_factory=dict)
    item_counts: Mapping[str, int] = field(default_factory=dict)
    unsure_counts: Mapping[str, int] = field(default_factory=dict)
    coverage: Mapping[str, GroupCoverage] = field(default_factory=dict)


def group_coverage(
    questionnaire: Questionnaire, answer_sets: Sequence[Mapping[str, Answer]]
) -> dict[str, GroupCoverage]:
    """Each dimension's coverage over the group, from each member's own rule-3 figures (so an
    item a member marked "not applicable" leaves that member's count exactly as rule 1 says)."""
    per_member = [score(questionnaire, answers).dimensions for answers in answer_sets]
    out = {}
    for n, d in enumerate(questionnaire.dimensions):
        rows = [dims[n] for dims in per_member]
        out[d.id] = GroupCoverage(
            scored_members=sum(1 for r in rows if r.score is not None),
            answers=sum(r.answered for r in rows),
            unsure=sum(r.unsure for r in rows),
            not_applicable=sum(r.not_applicable for r in rows),
            possible=sum(r.total for r in rows),
            coverage=sum(r.coverage for r in rows) / len(rows) if rows else 0.0,
        )
    return out


def group_data_from_summary(
    summary: GroupSummary,
    questionnaire: Questionnaire,
    *,
    answer_sets: Sequence[Mapping[str, Answer]] = (),
    name: str = "",
) -> GroupData:
    """Adapt ``assessment.domain.groups.summarise(...)`` to the report. Pass the members'
    answers as ``answer_sets`` to describe practices by the group's mean answers."""
    dims = []
    for d in questionnaire.dimensions:
        s = summary.stats[d.id]
        a = summary.agreement.get(d.id)
        dims.append(
            GroupDimension(
                dimension=d.id,
                n=s.n,
                mean=s.mean,
                median=s.median,
                sd=s.sd,
                min=s.min,
                max=s.max,
                rwg=None if a is None else a.rwg,
                agreement=None if a is None else a.label,
                agreement_note=None if a is None else a.reason,
            )
        )
    g = summary.gap
    gap = GroupGap(
        withheld_reason=g.reason if g.withheld else None,
        leaders_n=g.leaders,
        others_n=g.others,
        rows=tuple(
            GapRow(dim, row.get("leaders"), row.get("others"), row.get("gap"))
            for dim, row in g.dimensions.items()
        ),
    )
    prompts = tuple(
        GroupPrompt(
            item=p.item,
            dimension=p.dimension,
            text=p.text,
            sd=p.sd,
            n=p.n,
            distribution=tuple((label, count) for _, label, count in p.distribution),
            spread=p.spread,
        )
        for p in summary.prompts
    )
    positions: dict[str, float] = {}
    counts: dict[str, int] = {}
    unsure: dict[str, int] = {}
    for item in questionnaire.items:
        given = [a.get(item.id) for a in answer_sets]
        scored = [item_score(item, v) for v in given if isinstance(v, int) and not isinstance(v, bool)]
        if scored:
            positions[item.id] = sum(scored) / len(scored)
            counts[item.id] = len(scored)
        n_unsure = sum(1 for v in given if v == UNSURE)
        if n_unsure:
            unsure[item.id] = n_unsure
    return GroupData(
        n=summary.n,
        dimensions=tuple(dims),
        name=name,
        gap=gap,
        prompts=prompts,
        item_positions=positions,
        item_counts=counts,
        unsure_counts=unsure,
        coverage=group_coverage(questionnaire, answer_sets),
    )


@dataclass(frozen=True)
class HistoryPoint:
    """An earlier complete assessment of the same series: when, and its scores as stored."""

    label: str  # "3 March 2026"
    overall: float | None
    dimensions: Mapping[str, float | None]  # dimension id -> score


@dataclass(frozen=True)
class Branding:
    """A consultant's branding: a name for the cover, an accent colour (#rrggbb), a logo."""

    name: str = ""
    accent: str | None = None
    logo: bytes | None = None
    logo_mime: str | None = None


# --------------------------------------------------------------------------- what the template sees


@dataclass(frozen=True)
class Practice:
    item: str
    text: str
    answer: str  # the answer as the respondent saw it, or the group's mean position


@dataclass(frozen=True)
class Recommendation:
    id: str
    rank: int | None
    title: str
    why: str
    actions: tuple[str, ...]
    dimension: str
    dimension_label: str
    owner: str
    effort: str  # "Low", "Medium", "High"
    impact: str
    impact_value: int
    horizon: str  # the effective horizon (rule 12: after prerequisites and the max_now cap)
    horizon_label: str
    builds_on: str = ""  # "#2, #5": the roadmap ranks of the steps it requires
    in_place: bool = False  # rule 12: its practices are already strengths


@dataclass(frozen=True)
class Horizon:
    id: str
    label: str
    entries: tuple[Recommendation, ...]


@dataclass(frozen=True)
class GroupDimensionView:
    n: int
    mean: str
    median: str
    sd: str
    min: str
    max: str
    rwg: str
    agreement: str  # "High agreement", ... or the reason it is missing


@dataclass(frozen=True)
class DimensionSection:
    id: str
    anchor: str
    label: str
    summary: str
    description: str
    score: float | None
    score_display: str
    stage_label: str | None
    stage_description: str
    target_display: str | None
    next_stage_label: str | None
    is_bottleneck: bool
    below_floor: bool
    coverage_display: str
    answered: int
    unsure_count: int
    total: int
    strongest: tuple[Practice, ...]  # rule 11 strengths
    weakest: tuple[Practice, ...]  # rule 11 weaknesses
    scored_items: int  # how many of its items were scored (0: nothing to call strong or weak)
    unsure: tuple[Practice, ...]
    recommendations: tuple[Recommendation, ...]
    social: str
    broadcast: str
    group: GroupDimensionView | None


@dataclass(frozen=True)
class AnswerRow:
    number: int
    item: str
    text: str
    answer: str
    position: str  # rule-2 position as 0..100, after reversing; "–" when not scored
    reverse: bool
    weight: str | None


@dataclass(frozen=True)
class AnswerGroup:
    dimension_label: str
    rows: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    now: str
    change: str  # "+7", "−3", "±0", or "–" when either score is missing


@dataclass(frozen=True)
class CoverageRow:
    """The method appendix's coverage table: one person's answers, or the whole group's."""

    dimension_label: str
    respondents: str | None  # group: "34 of 36" members with a score; None for one person
    answered: int
    unsure: int
    not_applicable: int  # out of coverage (rule 1), so "possible" is not its denominator
    possible: int
    coverage: str
    score: str
    stage: str


@dataclass(frozen=True)
class StageRow:
    label: str
    range: str
    description: str


@dataclass(frozen=True)
class GapView:
    dimension_label: str
    leaders: str
    others: str
    gap: str


@dataclass(frozen=True)
class PromptView:
    text: str
    dimension_label: str
    sd: str
    n: int
    distribution: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class GroupSection:
    name: str
    n: int
    rows: tuple[tuple[str, GroupDimensionView], ...]  # (dimension label, numbers)
    gap_withheld: str | None
    gap_leaders_n: int
    gap_others_n: int
    gap_rows: tuple[GapView, ...]
    prompts: tuple[PromptView, ...]
    gap_summary: str  # one sentence for the executive summary: the largest gap, or why withheld


@dataclass(frozen=True)
class Chart:
    url: str  # report:asset/<name>.svg, served by the locked fetcher
    svg: str
    alt: str


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
    plan: Any = None  # reports.plan_section.PlanSection: the client's edited plan (with_plan)
    benchmark: Any = None  # rule 18's section, set by benchmark_section.with_benchmark


# --------------------------------------------------------------------------- building


def _owner(owner: str) -> str:
    return owner[:1].upper() + owner[1:] if owner and not owner.isupper() else owner


def _recommendation(  # type: ignore[no-untyped-def]
    entry_rank: int | None,
    rec,
    dimension_label: str,
    horizon: str | None = None,
    builds_on: str = "",
    entry: RoadmapEntry | None = None,
) -> Recommendation:
    """``entry``: the roadmap's choice, whose effort and owner fit the organisation's size and sector."""
    horizon = horizon or rec.horizon
    owner = (entry.owner if entry else "") or rec.owner
    effort = (entry.effort if entry else "") or rec.effort
    return Recommendation(
        id=rec.id,
        rank=entry_rank,
        title=rec.title,
        why=rec.why,
        actions=tuple(rec.actions),
        dimension=rec.dimension,
        dimension_label=dimension_label,
        owner=_owner(owner),
        effort=EFFORT_LABELS.get(effort, effort),
        impact=IMPACT_LABELS.get(rec.impact, str(rec.impact)),
        impact_value=rec.impact,
        horizon=horizon,
        horizon_label=HORIZON_LABELS.get(horizon, horizon),
        builds_on=builds_on,
    )


def _roadmap(
    entries: Iterable[RoadmapEntry], hidden: frozenset[str], order: Sequence[str] | None
) -> list[RoadmapEntry]:
    """SCORING.md section 8 order, less hidden recommendations; a facilitator's ``order``
    (recommendation ids) reorders inside each horizon, unlisted ones following in rule-8 order.
    Grouping by horizon always stays: it is the roadmap's meaning."""
    kept = [e for e in entries if e.recommendation.id not in hidden]
    if order:
        position = {rec_id: n for n, rec_id in enumerate(order)}
        rule8 = {e.recommendation.id: n for n, e in enumerate(kept)}
        kept.sort(
            key=lambda e: (
                HORIZONS.index(e.horizon or e.recommendation.horizon),
                position.get(e.recommendation.id, len(position)),
                rule8[e.recommendation.id],
            )
        )
    return kept


def _practices(
    q: Questionnaire, items: Sequence[Item], how: _Describer
) -> tuple[tuple[Practice, ...], tuple[Practice, ...]]:
    """Rule 11: this dimension's strengths and weaknesses, shown by the practice each item
    measures (its social wording, also for a reverse-keyed item). Either may be empty: then the
    page says so instead of listing the least bad answers."""
    mine = {i.id for i in items}
    by_id = {i.id: i for i in items}
    return (
        tuple(
            Practice(f.item, by_id[f.item].practice, how.describe(by_id[f.item]))
            for f in how.strengths
            if f.item in mine
        ),
        tuple(
            Practice(f.item, by_id[f.item].practice, how.describe(by_id[f.item]))
            for f in how.weaknesses
            if f.item in mine
        ),
    )


def _date_display(date: dt.date) -> str:
    # Not strftime("%B"): month names must not depend on the server's locale.
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return f"{date.day} {months[date.month - 1]} {date.year}"


date_display = _date_display  # public: the services label earlier assessments the same way


def _short(text: str, limit: int = HEADER_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _fmt(value: float | None, digits: int = 0) -> str:
    return display(value, digits)


def _score(q: Questionnaire, value: float | None) -> str:
    """A score as the report prints it: rounded, but never up onto a stage bound, the floor or
    the threshold it has not reached (so "40, below the floor of 40" cannot appear)."""
    return display_score(value, score_boundaries(q))


def _check_branding(branding: Branding | None) -> Branding:
    branding = branding or Branding()
    if branding.accent is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", branding.accent):
        raise ValueError(f"branding accent must be a colour like #1d5c8f, not {branding.accent!r}")
    if branding.logo is not None:
        if branding.logo_mime not in LOGO_TYPES:
            raise ValueError(
                f"branding logo must be PNG, JPEG or SVG, not {branding.logo_mime or 'an unknown type'}"
            )
        if len(branding.logo) > MAX_LOGO_BYTES:
            raise ValueError(f"branding logo is {len(branding.logo)} bytes; the limit is {MAX_LOGO_BYTES}")
    return branding


def _lower_first(text: str) -> str:
    text = " ".join(text.split())
    first = text.split(" ", 1)[0]
    # An acronym ("HR", "FAQ") keeps its capitals; an ordinary first word does not.
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def _verdict(
    result: Result, q: Questionnaire, bottleneck: DimensionScore | None, first: Recommendation | None
) -> str:
    """The verdict written for this organisation: its stage, the dimension holding it back and
    what that looks like today, its strongest area, and the roadmap's first step."""
    c = result.classification
    t = q.thresholds
    first_step = (
        f" The roadmap starts with \u201c{first.title}\u201d: {first.horizon_label.lower()}, owned by "
        f"{first.owner.lower() if first.owner[1:2].islower() else first.owner}."
        if first is not None
        else ""
    )
    scored = [d for d in result.dimensions if d.score is not None]
    if c.provisional:
        missing = ", ".join(d.label for d in result.dimensions if d.score is None)
        return (
            f"Not enough answers to score {missing}, so there is no overall index and this "
            "verdict is provisional. Answer more of those questions for a sound result." + first_step
        )
    stage = result.stage.label if result.stage else ""
    if c.id == "social_organisation":
        opening = (
            f"The organisation is a social organisation at the {stage} stage: its overall index of "
            f"{_score(q, result.overall)} clears the threshold of {_fmt(t.social)} and no dimension is below "
            f"the floor of {_fmt(t.floor)}."
        )
    elif c.held_back and bottleneck is not None:
        opening = (
            f"The organisation is at the {stage} stage, and its overall index of {_score(q, result.overall)} "
            f"clears the threshold of {_fmt(t.social)}, but {bottleneck.label} at "
            f"{_score(q, bottleneck.score)} is below the floor of {_fmt(t.floor)}: being social in the other "
            "areas does not make up for one that is not, so it is not yet a social organisation."
        )
    else:
        opening = (
            f"The organisation is at the {stage} stage, with an overall index of "
            f"{_score(q, result.overall)} against the {_fmt(t.social)} a social organisation reaches "
            f"(with every dimension at {_fmt(t.floor)} or more)."
        )
    held = ""
    if bottleneck is not None and bottleneck.stage is not None:
        dim = next(d for d in q.dimensions if d.id == bottleneck.id)
        today = dim.stage_descriptions.get(bottleneck.stage.id) or bottleneck.stage.description
        if c.id == "social_organisation":
            held = f" The area with most room to grow is {bottleneck.label} at {_score(q, bottleneck.score)}"
        elif c.held_back:
            held = f" In {bottleneck.label} today, {_lower_first(today)}" if today else ""
        elif bottleneck.score is not None and bottleneck.score < t.floor:
            held = (
                f" {bottleneck.label} holds it back most: at {_score(q, bottleneck.score)} it is below "
                f"the floor of {_fmt(t.floor)}, further behind than any area of a social organisation"
            )
        else:
            held = (
                f" No dimension is below the floor; {bottleneck.label}, at {_score(q, bottleneck.score)}, "
                "is the furthest behind"
            )
        if not c.held_back:
            held += f". Today that means: {_lower_first(today)}" if today else "."
    strongest = ""
    best = max(scored, key=lambda d: d.score or 0.0, default=None)  # first of equals: file order
    if best is not None and bottleneck is not None and best.id != bottleneck.id:
        if round(best.score or 0.0) == round(bottleneck.score or 0.0):
            strongest = f" Every dimension stands at about {_score(q, best.score)}."
        else:
            best_stage = f", {best.stage.label}" if best.stage else ""
            strongest = (
                f" The strongest area is {best.label} ({_score(q, best.score)}{best_stage}), one to build on."
            )
    return opening + held + strongest + first_step


def build_context(
    result: Result,
    *,
    organisation: str,
    date: dt.date,
    prepared_by: str | None = None,
    respondent_label: str = "Self-assessment",
    group: GroupData | None = None,
    commentary: str | None = None,
    hidden_recommendations: Iterable[str] = (),
    recommendation_order: Sequence[str] | None = None,
    branding: Branding | None = None,
    history: Sequence[HistoryPoint] = (),
    withheld: str | None = None,
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

    All text is passed through as text; the template escapes it. Each report section is built
    by its own function below; this one only wires them together.
    """
    q = result.questionnaire
    branding = _check_branding(branding)
    accent = branding.accent or charts.DEFAULT_ACCENT
    hidden = frozenset(hidden_recommendations)
    labels = {d.id: d.label for d in q.dimensions}
    anchors = {d.id: f"dim-{n}" for n, d in enumerate(q.dimensions, start=1)}
    c = result.classification
    bottleneck = result.dimension(c.bottleneck) if c.bottleneck else None

    ranked, horizons = _roadmap_section(result, labels, hidden, recommendation_order)
    views = _group_views(group)
    sections = _dimension_sections(result, anchors, _describer(result, group), views, ranked)
    assets, spectrum, radar = _position_charts(result, group is not None, accent)
    distribution, group_section = _group_section(group, labels, views, assets, accent)
    logo_url = _logo(branding, assets)
    changes, history_chart = _changes(result, history, date, accent, assets)

    t = q.thresholds
    organisation = " ".join(drawable(organisation).split()) or "Your organisation"
    prepared_by = drawable(prepared_by) if prepared_by else prepared_by
    respondent_label = drawable(respondent_label)
    commentary = drawable(commentary) if commentary else commentary
    return ReportContext(
        language=q.language,
        document_title=f"{q.title}: {organisation}",
        author=prepared_by or branding.name or q.title,
        organisation=organisation,
        organisation_short=_short(organisation),
        date_display=_date_display(date),
        date_iso=date.isoformat(),
        prepared_by=prepared_by or None,
        respondent_label=respondent_label,
        questionnaire_title=q.title,
        questionnaire_version=q.version,
        questionnaire_id=q.id,
        low_pole=q.poles["low"]["label"],
        low_pole_description=q.poles["low"].get("description", ""),
        high_pole=q.poles["high"]["label"],
        high_pole_description=q.poles["high"].get("description", ""),
        classification_id=c.id,
        classification_label=c.label,
        classification_summary=c.summary,
        is_social=c.id == "social_organisation",
        held_back=c.held_back,
        provisional=c.provisional,
        verdict_explanation=_verdict(result, q, bottleneck, ranked[0] if ranked else None),
        overall=result.overall,
        overall_display=_score(q, result.overall),
        stage_label=result.stage.label if result.stage else None,
        stage_description=result.stage.description if result.stage else "",
        bottleneck_label=bottleneck.label if bottleneck else None,
        bottleneck_score=_score(q, bottleneck.score) if bottleneck else None,
        bottleneck_anchor=anchors[bottleneck.id] if bottleneck else None,
        priorities=tuple(ranked[:3]),
        dimensions=sections,
        roadmap=horizons,
        roadmap_count=len(ranked),
        hidden_count=sum(1 for e in result.roadmap if e.recommendation.id in hidden),
        spectrum=spectrum,
        radar=radar,
        distribution=distribution,
        threshold_display=_fmt(t.social),
        floor_display=_fmt(t.floor),
        max_now=t.max_now,
        any_scored=any(d.score is not None for d in result.dimensions),
        strength_display=_fmt(100 * t.strength),
        weakness_display=_fmt(100 * t.weakness),
        min_coverage_display=_pct(t.min_coverage),
        scale_display=f"{q.scale_min} to {q.scale_max}",
        stages=_stage_rows(q),
        coverage=_coverage_rows(result, group),
        previous_label=history[-1].label if history else None,
        changes=changes,
        history_count=len(history) + 1,
        history=history_chart,
        answers=() if group is not None else _answers_appendix(result),
        group=group_section,
        commentary=_commentary(commentary),
        commentary_dirs=tuple(text_direction(p) for p in _commentary(commentary)),
        organisation_dir=text_direction(organisation),
        prepared_by_dir=text_direction(prepared_by or ""),
        brand_name=drawable(branding.name),
        accent=accent,
        logo_url=logo_url,
        assets=assets,
        withheld=drawable(withheld) if withheld else None,
    )


# --------------------------------------------------------------------------- sections


def _roadmap_section(
    result: Result, labels: Mapping[str, str], hidden: frozenset[str], order: Sequence[str] | None
) -> tuple[list[Recommendation], tuple[Horizon, ...]]:
    """The roadmap (and, from its first three entries, the executive summary's priorities)."""
    ordered = _roadmap(result.roadmap, hidden, order)
    rank = {e.recommendation.id: n for n, e in enumerate(ordered, 1)}
    ranked = [
        _recommendation(
            n,
            e.recommendation,
            labels[e.dimension],
            e.horizon or e.recommendation.horizon,
            ", ".join(f"#{rank[r]}" for r in e.recommendation.requires if r in rank),
            e,
        )
        for n, e in enumerate(ordered, 1)
    ]
    horizons = tuple(
        Horizon(h, HORIZON_LABELS[h], tuple(r for r in ranked if r.horizon == h))
        for h in HORIZONS
        if any(r.horizon == h for r in ranked)
    )
    return ranked, horizons


@dataclass(frozen=True)
class _Describer:
    """How the dimension pages describe a practice: one person's answer, or the group's mean."""

    positions: Mapping[str, float]
    describe: Callable[[Item], str]
    unsure_note: Callable[[Item], str]
    unsure_ids: frozenset[str]
    strengths: tuple[ItemFinding, ...]
    weaknesses: tuple[ItemFinding, ...]


def _describer(result: Result, group: GroupData | None) -> _Describer:
    q = result.questionnaire
    answers = result.answers
    if group is not None:
        positions = dict(group.item_positions)

        def describe(item: Item) -> str:
            n = group.item_counts.get(item.id)
            where = f"average {100 * positions[item.id]:.0f} of 100"
            return f"{where} ({n} answers)" if n else where

        def unsure_note(item: Item) -> str:
            return f"{group.unsure_counts[item.id]} of {group.n} unsure"

        # Rule 11 on the members' mean item scores (the group result has no answers of its own).
        strong, weak = strengths_and_weaknesses(q, positions)
        return _Describer(positions, describe, unsure_note, frozenset(group.unsure_counts), strong, weak)

    positions = {
        i.id: item_score(i, answers[i.id])
        for i in q.items
        if isinstance(answers.get(i.id), int) and not isinstance(answers.get(i.id), bool)
    }

    def describe_one(item: Item) -> str:
        said = f"answered \u201c{item.option_label(answers[item.id])}\u201d"  # type: ignore[arg-type]
        if item.reverse:
            # The practice is worded the social way round, the question the other: "Always"
            # under "Posts that invite..." would read as praise, so the question is quoted.
            return f"{said} to \u201c{item.text}\u201d"
        return said

    def unsure_one(item: Item) -> str:
        return "answered \u201cunsure\u201d"

    return _Describer(
        positions,
        describe_one,
        unsure_one,
        frozenset(i for i, v in answers.items() if v == UNSURE),
        result.strengths,
        result.weaknesses,
    )


def _group_views(group: GroupData | None) -> dict[str, GroupDimensionView]:
    """Each dimension's group figures as display strings (empty without a group)."""
    views = {}
    for g in group.dimensions if group else ():
        agreement = AGREEMENT_LABELS.get(g.agreement or "", "") or (g.agreement_note or "Not enough answers")
        views[g.dimension] = GroupDimensionView(
            n=g.n,
            mean=_fmt(g.mean),
            median=_fmt(g.median),
            sd=_fmt(g.sd, 1),
            min=_fmt(g.min),
            max=_fmt(g.max),
            rwg=_fmt(g.rwg, 2),
            agreement=agreement,
        )
    return views


def _dimension_sections(
    result: Result,
    anchors: Mapping[str, str],
    how: _Describer,
    views: Mapping[str, GroupDimensionView],
    ranked: Sequence[Recommendation],
) -> tuple[DimensionSection, ...]:
    """One page per dimension: score, stage, practices, things to find out, recommendations."""
    q = result.questionnaire
    c = result.classification
    sections = []
    for d, ds in zip(q.dimensions, result.dimensions, strict=True):
        items = q.items_of(d.id)
        strongest, weakest = _practices(q, items, how)
        following = q.next_stage(ds.stage) if ds.stage else None
        # This dimension's steps on the roadmap (rule 12: not those in place; with any
        # prerequisite of this dimension another one pulled in), in roadmap order.
        recs = tuple(r for r in ranked if r.dimension == d.id)
        sections.append(
            DimensionSection(
                id=d.id,
                anchor=anchors[d.id],
                label=d.label,
                summary=d.summary,
                description=d.description,
                score=ds.score,
                score_display=_score(result.questionnaire, ds.score),
                stage_label=ds.stage.label if ds.stage else None,
                stage_description=(
                    d.stage_descriptions.get(ds.stage.id) or ds.stage.description if ds.stage else ""
                ),
                target_display=None if ds.target is None else _fmt(ds.target),
                next_stage_label=following.label if following else None,
                is_bottleneck=c.bottleneck == d.id,
                below_floor=ds.score is not None and ds.score < q.thresholds.floor,
                coverage_display=_pct(ds.coverage),
                answered=ds.answered,
                unsure_count=ds.unsure,
                total=ds.total,
                strongest=strongest,
                weakest=weakest,
                scored_items=sum(1 for i in items if i.id in how.positions),
                unsure=tuple(
                    Practice(i.id, i.text, how.unsure_note(i)) for i in items if i.id in how.unsure_ids
                ),
                recommendations=recs,
                social=d.social,
                broadcast=d.broadcast,
                group=views.get(d.id),
            )
        )
    return tuple(sections)


def _answers_appendix(result: Result) -> tuple[AnswerGroup, ...]:
    """Every answer, for the appendix of an individual report."""
    q = result.questionnaire
    answers = result.answers
    answer_groups = []
    number = 0
    for d in q.dimensions:
        rows = []
        for item in q.items_of(d.id):
            number += 1
            value = answers.get(item.id)
            if value == UNSURE:
                shown, position = "Unsure", "–"
            elif value == NOT_APPLICABLE:
                shown, position = "Not applicable here", "–"
            elif isinstance(value, int) and not isinstance(value, bool):
                shown = f"{item.option_label(value)} ({value})"
                position = _fmt(100 * item_score(item, value))
            else:
                shown, position = "Not answered", "–"
            rows.append(
                AnswerRow(
                    number=number,
                    item=item.id,
                    text=item.text,
                    answer=shown,
                    position=position,
                    reverse=item.reverse,
                    weight=None if item.weight == 1 else f"{item.weight:g}",
                )
            )
        answer_groups.append(AnswerGroup(d.label, tuple(rows)))
    return tuple(answer_groups)


def _position_charts(result: Result, is_group: bool, accent: str) -> tuple[dict[str, Asset], Chart, Chart]:
    """The spectrum and the radar, from the same Result numbers the web page shows."""
    q = result.questionnaire
    marks = [charts.Mark(d.id, d.label, d.score, d.target) for d in result.dimensions]
    bands = [
        charts.Band(s.label, s.min, q.stages[n + 1].min if n + 1 < len(q.stages) else 100.0)
        for n, s in enumerate(q.stages)
    ]
    spectrum_svg = charts.spectrum_svg(
        overall=result.overall,
        overall_label="Group" if is_group else "Overall",
        low_pole=q.poles["low"]["label"],
        high_pole=q.poles["high"]["label"],
        threshold=q.thresholds.social,
        floor=q.thresholds.floor,
        bands=bands,
        marks=marks,
        accent=accent,
    )
    radar_svg = charts.radar_svg(marks=marks, rings=[*(s.min for s in q.stages[1:]), 100.0], accent=accent)
    assets = {
        "spectrum.svg": Asset(spectrum_svg.encode(), "image/svg+xml"),
        "radar.svg": Asset(radar_svg.encode(), "image/svg+xml"),
    }
    spectrum = Chart(asset_url("spectrum.svg"), spectrum_svg, _alt(spectrum_svg))
    radar = Chart(asset_url("radar.svg"), radar_svg, _alt(radar_svg))
    return assets, spectrum, radar


def _group_section(
    group: GroupData | None,
    labels: Mapping[str, str],
    views: Mapping[str, GroupDimensionView],
    assets: dict[str, Asset],
    accent: str,
) -> tuple[Chart | None, GroupSection | None]:
    """The group's view: distribution chart, statistics, leaders vs others, prompts."""
    if group is None:
        return None, None
    spreads = [
        charts.Spread(
            g.dimension, labels.get(g.dimension, g.dimension), g.n, g.mean, g.median, g.sd, g.min, g.max
        )
        for g in group.dimensions
    ]
    dist_svg = charts.distribution_svg(spreads, accent)
    assets["distribution.svg"] = Asset(dist_svg.encode(), "image/svg+xml")
    distribution = Chart(asset_url("distribution.svg"), dist_svg, _alt(dist_svg))
    gap = group.gap
    section = GroupSection(
        name=drawable(group.name),
        n=group.n,
        rows=tuple((labels.get(g.dimension, g.dimension), views[g.dimension]) for g in group.dimensions),
        gap_withheld=None if gap is None else gap.withheld_reason,
        gap_leaders_n=0 if gap is None else gap.leaders_n,
        gap_others_n=0 if gap is None else gap.others_n,
        gap_rows=()
        if gap is None or gap.withheld_reason
        else tuple(
            GapView(
                labels.get(r.dimension, r.dimension),
                _fmt(r.leaders),
                _fmt(r.others),
                "–" if r.gap is None else f"{r.gap:+.0f}",
            )
            for r in gap.rows
        ),
        prompts=tuple(
            PromptView(
                p.text,
                labels.get(p.dimension, p.dimension),
                # On the scores' 0..100 scale, like the dimension SDs beside it.
                f"{p.sd:.1f}" if p.spread is None else f"{100 * p.spread:.1f}",
                p.n,
                p.distribution,
            )
            for p in group.prompts
        ),
        gap_summary=_gap_summary(gap, labels),
    )
    return distribution, section


def _logo(branding: Branding, assets: dict[str, Asset]) -> str | None:
    if branding.logo is None:
        return None
    assets["logo"] = Asset(branding.logo, branding.logo_mime or "")
    return asset_url("logo")


HISTORY_FROM = 3  # a line needs at least three points to say anything (as on the results page)


def _signed(change: float | None) -> str:
    if change is None:
        return "–"
    rounded = round(change)
    return "±0" if rounded == 0 else (f"+{rounded}" if rounded > 0 else f"\u2212{-rounded}")


def _changes(
    result: Result, history: Sequence[HistoryPoint], date: dt.date, accent: str, assets: dict[str, Asset]
) -> tuple[tuple[ChangeRow, ...], Chart | None]:
    """What changed since the last assessment of the series, per dimension and overall, and the
    history chart of the whole series so far (this assessment last)."""
    if not history:
        return (), None
    before = history[-1]
    q = result.questionnaire

    def row(label: str, then: float | None, now: float | None) -> ChangeRow:
        change = None if then is None or now is None else now - then
        return ChangeRow(label, _score(q, then), _score(q, now), _signed(change))

    rows = [row(d.label, before.dimensions.get(d.id), d.score) for d in result.dimensions]
    rows.append(row("Overall index", before.overall, result.overall))
    chart = None
    if len(history) + 1 >= HISTORY_FROM:
        svg = charts.history_svg(
            [*(p.label for p in history), _date_display(date)],
            [*(p.overall for p in history), result.overall],
            [
                (d.id, d.label, [*(p.dimensions.get(d.id) for p in history), d.score])
                for d in result.dimensions
            ],
            accent,
        )
        assets["history.svg"] = Asset(svg.encode(), "image/svg+xml")
        chart = Chart(asset_url("history.svg"), svg, _alt(svg))
    return tuple(rows), chart


def _gap_summary(gap: GroupGap | None, labels: Mapping[str, str]) -> str:
    """The perception gap in one sentence for the executive summary."""
    if gap is None:
        return "No comparison of leaders and the others is available for this group."
    if gap.withheld_reason:
        reason = gap.withheld_reason
        return f"The comparison of leaders and the others is {reason[:1].lower()}{reason[1:]}"
    rows = [r for r in gap.rows if r.gap is not None]
    if not rows:
        return "Leaders and the others cannot be compared: no dimension has scores on both sides."
    widest = max(rows, key=lambda r: abs(r.gap))  # type: ignore[arg-type]
    label = labels.get(widest.dimension, widest.dimension)
    if round(abs(widest.gap), 0) == 0:  # type: ignore[arg-type]
        return (
            f"Leaders ({gap.leaders_n}) and the others ({gap.others_n}) see every dimension alike "
            "(no gap of a point or more)."
        )
    rosier = "leaders" if widest.gap > 0 else "the others"  # type: ignore[operator]
    return (
        f"Leaders ({gap.leaders_n}) and the others ({gap.others_n}) see the organisation differently: "
        f"the widest gap is in {label}, where {rosier} score it {abs(widest.gap):.0f} points higher "  # type: ignore[arg-type]
        f"({_fmt(widest.leaders)} against {_fmt(widest.others)})."
    )


def _coverage_rows(result: Result, group: GroupData | None) -> tuple[CoverageRow, ...]:
    """One person's coverage per dimension (rule 3), or the group's, summed over its members."""
    rows = []
    for ds in result.dimensions:
        score_shown = _score(result.questionnaire, ds.score)
        stage = ds.stage.label if ds.stage else "not enough answers"
        g = group.coverage.get(ds.id) if group is not None else None
        if group is not None and g is not None:
            rows.append(
                CoverageRow(
                    ds.label,
                    f"{g.scored_members} of {group.n}",
                    g.answers,
                    g.unsure,
                    g.not_applicable,
                    g.possible,
                    _pct(g.coverage),
                    score_shown,
                    stage,
                )
            )
        else:
            rows.append(
                CoverageRow(
                    ds.label,
                    None,
                    ds.answered,
                    ds.unsure,
                    ds.not_applicable,
                    ds.total,
                    _pct(ds.coverage),
                    score_shown,
                    stage,
                )
            )
    return tuple(rows)


def _stage_rows(q: Questionnaire) -> tuple[StageRow, ...]:
    """The method appendix's table of stages and their ranges."""
    return tuple(
        StageRow(
            s.label,
            f"{_fmt(s.min)}–{_fmt(q.stages[n + 1].min)}" if n + 1 < len(q.stages) else f"{_fmt(s.min)}–100",
            s.description,
        )
        for n, s in enumerate(q.stages)
    )


def drawable(text: str) -> str:
    """User text without the characters no font can draw: private-use code points, unpaired
    surrogates and code points unassigned in this Python's Unicode database. They would print
    as a box; leaving them out is cleaner. Emoji and every assigned script stay (the setup
    installs fonts for them)."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Co", "Cs", "Cn"))


def text_direction(text: str) -> str:
    """ "rtl" when the text's first strongly directional letter is Arabic, Hebrew, ... (the
    HTML ``dir="auto"`` rule, which WeasyPrint does not implement itself), else "ltr"."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _commentary(commentary: str | None) -> tuple[str, ...]:
    return tuple(breakable(p.strip()) for p in re.split(r"\n\s*\n", commentary or "") if p.strip())


# WeasyPrint's search for a break inside a word (overflow-wrap: anywhere) grows with the square of
# the word's length: one 20,000-character word took a minute to set. A break opportunity every
# BREAK_EVERY characters of a long word (U+200B, which prints nothing) lets it break in linear
# time; the CSS rule stays as the fallback. bench/bench_limits.py measures it.
BREAK_EVERY = 30
ZERO_WIDTH_SPACE = "\u200b"
_LONG_RUN = re.compile(r"\S{" + str(BREAK_EVERY + 1) + ",}")


def breakable(text: str) -> str:
    """``text`` with a zero-width break opportunity in every run of more than BREAK_EVERY
    characters without a space, never inside a character sequence (before a combining mark, a
    joiner or a variation selector, or after a joiner)."""

    def split(match: re.Match[str]) -> str:
        run, out, since = match.group(0), [], 0
        for n, char in enumerate(run):
            if since >= BREAK_EVERY and _may_break_before(char) and run[n - 1] != "\u200d":
                out.append(ZERO_WIDTH_SPACE)
                since = 0
            out.append(char)
            since += 1
        return "".join(out)

    return _LONG_RUN.sub(split, text)


def _may_break_before(char: str) -> bool:
    if char in "\u200d\u200c" or "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return False
    if "\U0001f3fb" <= char <= "\U0001f3ff":  # skin-tone modifiers
        return False
    return not unicodedata.category(char).startswith("M")


def _alt(svg: str) -> str:
    match = re.search(r'aria-label="([^"]*)"', svg)
    # The label was escaped for an XML attribute; the template escapes again for HTML.
    from html import unescape

    return unescape(match.group(1)) if match else ""
