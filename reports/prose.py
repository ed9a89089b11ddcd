"""The sentences about an organisation's present, built only from its findings (SCORING.md rule 15).

The verdict, the strongest and the weakest area, the position line and the lead of what would lift
a dimension (rule 16) are written here, from a ``Result`` and the findings it (or its group)
has. Nothing here quotes a stage description: those describe a stage, and the report prints them
only under a heading saying so. Every sentence frame is a module-level constant, marked for the
reports' catalogue and translated when used (placeholders filled after translating); a frame
has a few wordings, chosen from the answers themselves, so
two reports do not read alike where their answers differ.

Plain Python but for gettext (assessment.i18n): the PDF report and the results page both use it.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessment.domain.findings import (
    FIND_OUT,
    IN_PLACE,
    MOSTLY,
    PARTLY,
    STRENGTH_KINDS,
    WEAK,
    Finding,
    findings_of,
    weakest_findings,
)
from assessment.domain.lift import Lift
from assessment.domain.result import Result
from assessment.domain.scoring import DimensionScore
from assessment.domain.text import N_
from assessment.i18n import _, ngettext

from .sections.common import report_locale, score_text

# --------------------------------------------------------------------------- sentence frames
# {org}: the organisation's name; {stage}: its stage label; {overall}, {threshold}, {floor}: figures
# as shown (rule 17); {area}/{score}: a dimension and its score as shown.
OPENING_SOCIAL = (
    N_(
        "{org} is a social organisation at the {stage} stage: its overall index of {overall} is past "
        "the {threshold} a social organisation needs, and no area is under the floor of {floor}."
    ),
    N_(
        "At {overall} overall, {org} counts as a social organisation ({stage} stage): above "
        "{threshold}, with every area at {floor} or more."
    ),
)
OPENING_HELD_BACK = (
    N_(
        "{org} is at the {stage} stage with an overall index of {overall}, above the {threshold} of a "
        "social organisation; but {area} is at {score}, under the floor of {floor}, and a strong "
        "average does not make up for one area that is not social, so it does not count as one yet."
    ),
    N_(
        "Overall, {org} scores {overall} ({stage} stage), past the {threshold} of a social "
        "organisation; {area}, at {score}, is below the floor of {floor}, so it is not one yet."
    ),
)
OPENING_USING = (
    N_(
        "{org} is at the {stage} stage, with an overall index of {overall}; a social organisation "
        "reaches {threshold}, with no area under {floor}."
    ),
    N_(
        "With an overall index of {overall}, {org} stands at the {stage} stage, short of the "
        "{threshold} (and no area under {floor}) that would make it a social organisation."
    ),
)
OPENING_PROVISIONAL = N_(
    "Too few answers to score {missing}, so {org} has no overall index yet and this verdict is "
    "provisional; answering more of those questions would settle it."
)
WEAKEST_LEAD = (
    N_("The weakest area is {area}, at {score}. The answers furthest from the social end there:"),
    N_("{area} ({score}) is furthest behind. What the answers there say:"),
    N_("Furthest behind is {area}, at {score}:"),
)
WEAKEST_PARTLY_LEAD = (
    N_("The weakest area is {area}, at {score}; no answer there is at the unsocial end, and the lowest are:"),
    N_("{area} ({score}) is furthest behind, with no answer at the unsocial end; its lowest:"),
)
WEAKEST_PARTLY_LEAD_GROUP = (
    N_(
        "The weakest area is {area}, at {score}; no practice there is weak for most of the room, and "
        "the lowest is:"
    ),
    N_(
        "{area} ({score}) is furthest behind, though no practice there is weak for most of the room; "
        "its lowest:"
    ),
)
STRONGEST_LEAD = (
    N_("The strongest area is {area}, at {score}:"),
    N_("{area} ({score}) is the strongest area:"),
    N_("Strongest is {area}, at {score}:"),
)
NO_STRENGTH = (
    N_("No area has a strength yet: no answer reached the social end. The nearest is in {area}:"),
    N_("Nothing is a strength yet; the answer closest to the social end is in {area}:"),
)
NO_STRENGTH_GROUP = (
    N_("No practice is a strength for most of the room yet; the nearest is in {area}:"),
    N_("Nothing is a strength for most of the room yet. Closest to the social end, in {area}:"),
)
# Not "({horizon}, {owner})": the horizon's label has its months in brackets already.
FIRST_STEP = N_("The roadmap starts with \u201c{title}\u201d, {horizon}, led by {owner}.")
POSITION_LINE = N_(
    "On the axis from {low} (0) to {high} (100), {org} stands at {overall}; its areas run from "
    "{lowest} at {lowest_score} to {highest} at {highest_score}."
)
POSITION_LINE_FLAT = N_(
    "On the axis from {low} (0) to {high} (100), {org} stands at {overall}, every area at {score}."
)
POSITION_LINE_NO_INDEX = N_(
    "With too few answers for an overall index, only the scored areas are marked: from {lowest} at "
    "{lowest_score} to {highest} at {highest_score}."
)
# Rule 16: {n} practices, {area}, {score} now, {target} the next stage's bound, {stage} its label.
# Singular and plural as whole sentences (ngettext in ``lift_lead``), never built from "these"/"its".
LIFT_UNREACHABLE = N_(
    "Even with every answered practice of {area} at its most social answer it would not reach "
    "{target}; the unanswered questions decide it:"
)
# Group dimension line: spread, agreement and the role gap, told together (rule 9): each a clause
# that stands as a sentence of its own, joined by semicolons (so word order never spans two).
GROUP_SPREAD = N_("{n} people scored {area} from {low} to {high} (mean {mean}, SD {sd})")
AGREEMENT_WORDS = {
    "high": N_("they answered its questions much alike"),
    "moderate": N_("their answers to its questions partly agree"),
    "low": N_("their answers to its questions differ widely"),
}
AGREEMENT_BUT_WIDE = N_("most answered its questions alike, yet a few see it very differently")
GAP_HIGHER = N_("leaders scored it {gap} points higher than the others ({leaders} against {others})")
GAP_LOWER = N_("leaders scored it {gap} points lower than the others ({leaders} against {others})")
GAP_EVEN = N_("leaders and the others scored it alike ({leaders} against {others})")
GAP_WITHHELD = N_("the leaders' and others' scores are withheld ({reason})")
# A spread this wide (points between the lowest and the highest score, or an SD this large) is
# called "very differently" even where the item-level agreement is high: the two are told together.
WIDE_RANGE = 50.0
WIDE_SD = 15.0


def _pick(frames: Sequence[str] | str, *keys: object) -> str:
    """One wording of a frame, chosen by the facts it will state (stable across processes)."""
    if isinstance(frames, str):
        return _(frames)
    # Chosen by the facts, not the language: the English and the German report pick the same one.
    key = "\x1f".join(map(str, keys)).encode()
    return _(frames[zlib.crc32(key) % len(frames)])


def _bare(text: str) -> str:
    return text.strip().rstrip(".")


def _join_findings(findings: Sequence[Finding]) -> str:
    return " ".join(f.text.strip() for f in findings)


@dataclass(frozen=True)
class Statement:
    """A sentence (or a lead and the findings it introduces), with the findings it rests on."""

    text: str
    findings: tuple[Finding, ...] = ()

    def __str__(self) -> str:
        if not self.findings:
            return self.text
        return f"{self.text} {_join_findings(self.findings)}"


def best_strength(findings: Sequence[Finding], dimension: str) -> Finding | None:
    """The dimension's strength nearest the social end (in place first; file order among equals)."""
    strong = findings_of(findings, dimension, STRENGTH_KINDS)
    return max(strong, key=lambda f: f.score or 0.0, default=None)


def nearest_social(findings: Sequence[Finding], dimensions: Sequence[DimensionScore]) -> Finding | None:
    """The scored finding nearest the social end over every area (file order among equals)."""
    scored = [f for f in findings if f.score is not None and f.kind != FIND_OUT]
    return max(scored, key=lambda f: f.score or 0.0, default=None)


def weakest_statement(
    result: Result, findings: Sequence[Finding], count: int = 2, group: bool = False
) -> Statement | None:
    """Rule 15: the weakest area (the bottleneck) with its weak findings, or its lowest partly ones."""
    c = result.classification
    if c.bottleneck is None:
        return None
    d = result.dimension(c.bottleneck)
    shown = weakest_findings(d.id, findings)[:count]
    if not shown:
        return None
    q = result.questionnaire
    partly = WEAKEST_PARTLY_LEAD_GROUP if group else WEAKEST_PARTLY_LEAD
    frames = WEAKEST_LEAD if any(f.kind == WEAK for f in shown) else partly
    score = score_text(d.score, q)
    lead = _pick(frames, d.id, score, *(f.text for f in shown)).format(area=d.label, score=score)
    return Statement(lead, tuple(shown))


def strongest_statement(
    result: Result, findings: Sequence[Finding], strongest: str | None, group: bool = False
) -> Statement | None:
    """Rule 15: the strongest area with a strength it has, or that no area has one yet."""
    q = result.questionnaire
    if strongest is not None:
        d = result.dimension(strongest)
        best = best_strength(findings, d.id)
        if best is None:  # cannot happen by rule 15's definition; say nothing rather than guess
            return None
        score = score_text(d.score, q)
        lead = _pick(STRONGEST_LEAD, d.id, score, best.text).format(area=d.label, score=score)
        return Statement(lead, (best,))
    nearest = nearest_social(findings, result.dimensions)
    if nearest is None:
        return None
    area = result.dimension(nearest.dimension).label
    frames = NO_STRENGTH_GROUP if group else NO_STRENGTH
    return Statement(_pick(frames, nearest.text).format(area=area), (nearest,))


def opening(result: Result, organisation: str) -> str:
    """The verdict's first sentence: stage, overall index and classification, in figures as shown."""
    q = result.questionnaire
    t = q.thresholds
    c = result.classification
    if c.provisional:
        missing = ", ".join(d.label for d in result.dimensions if d.score is None)
        return _(OPENING_PROVISIONAL).format(missing=missing, org=organisation)
    facts = {
        "org": organisation,
        "stage": result.stage.label if result.stage else "",
        "overall": score_text(result.overall, q),
        "threshold": score_text(t.social, q),
        "floor": score_text(t.floor, q),
    }
    if c.id == "social_organisation":
        frames: Sequence[str] = OPENING_SOCIAL
    elif c.held_back and c.bottleneck is not None:
        d = result.dimension(c.bottleneck)
        facts |= {"area": d.label, "score": score_text(d.score, q)}
        frames = OPENING_HELD_BACK
    else:
        frames = OPENING_USING
    return _pick(frames, *facts.values()).format(**facts)


def verdict(
    result: Result,
    findings: Sequence[Finding],
    strongest: str | None,
    organisation: str,
    first_step: tuple[str, str, str] | None = None,  # (title, horizon label, owner)
    quoted: int = 2,  # how many of the weakest area's findings to quote (a group's are long)
    group: bool = False,  # the findings are a room's (rule 15's group clause)
) -> tuple[str, ...]:
    """The verdict as its sentences (each a string): the opening, the weakest area with its
    findings, the strongest area with one of its strengths (or the nearest there is), the first
    step. Only what the findings and figures say; no stage description."""
    out = [opening(result, organisation)]
    weakest = weakest_statement(result, findings, quoted, group)
    if weakest is not None:
        out.append(str(weakest))
    strong = strongest_statement(result, findings, strongest, group)
    if strong is not None and (weakest is None or strongest != result.classification.bottleneck):
        out.append(str(strong))
    if first_step is not None:
        title, horizon, owner = first_step
        out.append(_(FIRST_STEP).format(title=_bare(title), horizon=lower_word(horizon), owner=owner))
    return tuple(out)


def position_line(result: Result, organisation: str) -> str:
    q = result.questionnaire
    scored = [d for d in result.dimensions if d.score is not None]
    if not scored:
        return ""
    low = min(scored, key=lambda d: d.score)  # type: ignore[arg-type, return-value]
    high = max(scored, key=lambda d: d.score)  # type: ignore[arg-type, return-value]
    poles = {"low": lower_word(q.poles["low"]["label"]), "high": lower_word(q.poles["high"]["label"])}
    if result.overall is None:
        return _(POSITION_LINE_NO_INDEX).format(
            lowest=low.label,
            lowest_score=score_text(low.score, q),
            highest=high.label,
            highest_score=score_text(high.score, q),
        )
    if score_text(low.score, q) == score_text(high.score, q):
        return _(POSITION_LINE_FLAT).format(
            **poles, org=organisation, overall=score_text(result.overall, q), score=score_text(low.score, q)
        )
    return _(POSITION_LINE).format(
        **poles,
        org=organisation,
        overall=score_text(result.overall, q),
        lowest=low.label,
        lowest_score=score_text(low.score, q),
        highest=high.label,
        highest_score=score_text(high.score, q),
    )


def lift_lead(result: Result, lift: Lift) -> tuple[str, str]:
    """(the lead of rule 16's list, the note on unsure or unanswered questions, or "")."""
    q = result.questionnaire
    d = result.dimension(lift.dimension)
    following = q.next_stage(d.stage) if d.stage else None
    n = len(lift.items)
    if lift.reachable:
        lead = ngettext(
            "Raising this practice to its most social answer would bring {area} from {score} to "
            "{target} or more, the start of {stage}:",
            "Raising these {n} practices to their most social answer would bring {area} from {score} "
            "to {target} or more, the start of {stage}:",
            n,
        ).format(
            n=n,
            area=d.label,
            score=score_text(d.score, q),
            target=score_text(lift.target, q),
            stage=following.label if following else "",
        )
    else:
        lead = _(LIFT_UNREACHABLE).format(area=d.label, target=score_text(lift.target, q))
    count = len(lift.open_items)
    note = (
        ngettext(
            "{count} of its questions was unsure or unanswered: answering it may change this.",
            "{count} of its questions were unsure or unanswered: answering them may change this.",
            count,
        ).format(count=count)
        if count
        else ""
    )
    return lead, note


def group_line(
    area: str,
    n: int,
    mean: str,
    sd: str,
    low: str,
    high: str,
    spread: tuple[float | None, float | None],  # (max - min, sd) at full precision
    agreement: str | None,  # "high" | "moderate" | "low" | None
    gap: tuple[str, str, str] | None,  # (leaders, others, difference) as shown; None: not shown
    gap_withheld: str | None,
) -> str:
    """One sentence per dimension of a workshop: the spread of scores, the agreement on its
    questions and the leaders' gap, told so that none contradicts the others."""
    parts = [_(GROUP_SPREAD).format(n=n, area=area, low=low, high=high, mean=mean, sd=sd)]
    width, sd_value = spread
    wide = (width is not None and width >= WIDE_RANGE) or (sd_value is not None and sd_value >= WIDE_SD)
    if agreement == "high" and wide:
        parts.append(_(AGREEMENT_BUT_WIDE))
    elif agreement in AGREEMENT_WORDS:
        parts.append(_(AGREEMENT_WORDS[agreement]))
    if gap is not None:
        leaders, others, difference = gap
        if difference.lstrip("\u00b1").strip("0.,") == "":
            parts.append(_(GAP_EVEN).format(leaders=leaders, others=others))
        else:
            frame = GAP_LOWER if difference.startswith("\u2212") else GAP_HIGHER
            parts.append(_(frame).format(gap=difference.lstrip("+\u2212"), leaders=leaders, others=others))
    elif gap_withheld:
        parts.append(_(GAP_WITHHELD).format(reason=_bare(gap_withheld[:1].lower() + gap_withheld[1:])))
    return "; ".join(parts) + "."


KIND_HEADINGS: Mapping[str, str] = {  # translated where shown
    IN_PLACE: N_("In place"),
    MOSTLY: N_("Nearly there"),
    PARTLY: N_("Partly there"),
    WEAK: N_("Weak"),
    FIND_OUT: N_("To find out"),
}


def lower_word(text: str) -> str:
    """A label set inside a sentence: lower case in English ("the broadcasting stage"), as it is
    in German (nouns keep their capital there)."""
    locale = report_locale()
    if locale is not None and str(locale).startswith("de"):
        return text
    return lower_adjective(text)


def lower_adjective(text: str) -> str:
    """A rating set after its noun ("effort low", "Aufwand gering"): lower case in every
    language, unlike ``lower_word``, since German writes adjectives small too. An acronym or a
    name ("HR", "FAQ") keeps its capitals."""
    return text.lower() if text[1:2].islower() or len(text) == 1 else text


KIND_ORDER = (IN_PLACE, MOSTLY, PARTLY, WEAK, FIND_OUT)
