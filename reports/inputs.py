"""What a caller hands ``build_context`` beyond the result: a group's figures (``GroupData``, from
``assessment.domain.groups.summarise`` via ``group_data_from_summary``), the earlier assessments
of a series (``HistoryPoint``) and a consultant's ``Branding``. Plain values only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assessment.domain.findings import Finding
from assessment.domain.groups import GroupSummary
from assessment.domain.questionnaire import Questionnaire
from assessment.domain.result import dimension_results
from assessment.domain.scoring import UNSURE, Answer, item_score
from assessment.i18n import _, ngettext


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
    withheld_summary: str | None = None  # the same reason as the executive summary words it


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
    # Rule 15's group clause over the published snapshot's answers, and the strongest area by it.
    findings: tuple[Finding, ...] = ()
    strongest: str | None = None


def group_coverage(
    questionnaire: Questionnaire, answer_sets: Sequence[Mapping[str, Answer]]
) -> dict[str, GroupCoverage]:
    """Each dimension's coverage over the group, from each member's own rule-3 figures (so an
    item a member marked "not applicable" leaves that member's count exactly as rule 1 says)."""
    per_member = [dimension_results(questionnaire, answers) for answers in answer_sets]
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


def gap_reason(gap: Any) -> str:
    """Why the leaders' and others' comparison is withheld (rule 9), in the report's language:
    the domain's reason says the same in English, from the same counts."""
    size = gap.min_group_size
    if (gap.reason or "").startswith("Withheld: no role"):
        return _("Withheld: no role counts as leadership in this group, so there is nothing to compare.")
    leaders, others = gap.leaders < size, gap.others < size
    if leaders and others:
        frame = ngettext(
            "Withheld: fewer than {size} leader and fewer than {size} others have answered. The comparison "
            "appears once each side has at least {size} person, so that no one's answers can be singled out.",
            "Withheld: fewer than {size} leaders and fewer than {size} others have answered. The comparison "
            "appears once each side has at least {size} people, so that no one's answers can be singled out.",
            size,
        )
    elif leaders:
        frame = ngettext(
            "Withheld: fewer than {size} leader has answered. The comparison appears once each side has at "
            "least {size} person, so that no one's answers can be singled out.",
            "Withheld: fewer than {size} leaders have answered. The comparison appears once each side has at "
            "least {size} people, so that no one's answers can be singled out.",
            size,
        )
    else:
        frame = ngettext(
            "Withheld: fewer than {size} other person has answered. The comparison appears once each side "
            "has at least {size} person, so that no one's answers can be singled out.",
            "Withheld: fewer than {size} others have answered. The comparison appears once each side has at "
            "least {size} people, so that no one's answers can be singled out.",
            size,
        )
    return frame.format(size=size)


def gap_summary_reason(gap: Any) -> str:
    """``gap_reason`` as the executive summary's sentence about the leaders and the others."""
    size = gap.min_group_size
    if (gap.reason or "").startswith("Withheld: no role"):
        return _(
            "The comparison of leaders and the others is withheld: no role counts as leadership in this "
            "group, so there is nothing to compare."
        )
    leaders, others = gap.leaders < size, gap.others < size
    if leaders and others:
        frame = ngettext(
            "The comparison of leaders and the others is withheld: fewer than {size} leader and fewer than "
            "{size} others have answered.",
            "The comparison of leaders and the others is withheld: fewer than {size} leaders and fewer than "
            "{size} others have answered.",
            size,
        )
    elif leaders:
        frame = ngettext(
            "The comparison of leaders and the others is withheld: fewer than {size} leader has answered.",
            "The comparison of leaders and the others is withheld: fewer than {size} leaders have answered.",
            size,
        )
    else:
        frame = ngettext(
            "The comparison of leaders and the others is withheld: fewer than {size} other person has "
            "answered.",
            "The comparison of leaders and the others is withheld: fewer than {size} others have answered.",
            size,
        )
    return frame.format(size=size)


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
        withheld_reason=gap_reason(g) if g.withheld else None,
        withheld_summary=gap_summary_reason(g) if g.withheld else None,
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
            # The domain's row for "unsure" names it in English; the report names it itself.
            distribution=tuple(
                (_("Unsure") if value == UNSURE else label, count) for value, label, count in p.distribution
            ),
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
        findings=tuple(summary.findings),
        strongest=summary.strongest,
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
