"""SCORING.md rule 15: findings, the only sentences a report may print about an organisation's
present practice, each tied to the answers it rests on.

One respondent (``item_findings``): every answered item gives one finding by its item score ``s``
(rule 2, after reverse keying) against the file's thresholds:

    in_place   s = 1                    the item's practice statement
    mostly     strength <= s < 1        the practice, with the chosen answer quoted
    partly     weakness < s < strength  the chosen answer quoted
    weak       s <= weakness            the chosen answer quoted, with its question
    find_out   answered "unsure"        a thing to find out

Not applicable and missing answers give nothing. A file without practice statements (1.0) gets
its "in place" sentence from the question and the answer instead; a stage description is never
used, since it describes a stage and not this organisation.

A group (``group_findings``), over the published snapshot's answers (rule 13): a strength needs
the mean ``s >= strength`` and at least two thirds of the room at ``s >= strength``; a weakness
the mean ``s <= weakness`` and two thirds at ``s <= weakness``; anything else is ``partly``. Each
is quoted as shares of the room ("9 of 34 chose 'Never'"). "Unsure" is a thing to find out only
when at least 20% of the room chose it.

Every sentence is built from a module-level template, so a translation layer can replace them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .questionnaire import Item, Questionnaire
from .scoring import UNSURE, Answer, DimensionScore, item_score
from .text import N_, T_, text_language

IN_PLACE = "in_place"
MOSTLY = "mostly"
PARTLY = "partly"
WEAK = "weak"
FIND_OUT = "find_out"
KINDS = (IN_PLACE, MOSTLY, PARTLY, WEAK, FIND_OUT)
STRENGTH_KINDS = frozenset({IN_PLACE, MOSTLY})

# What the respondent saw for "unsure" (the answer form offers it under the same words).
UNSURE_ANSWER = N_("Unsure / don't know")
# Rule 15's group clause: a share of the room (two thirds; 20% for "unsure").
GROUP_MAJORITY = Fraction(2, 3)
GROUP_UNSURE_SHARE = Fraction(1, 5)
# The weakest area shows its weak findings, or this many of its lowest "partly" ones.
WEAKEST_PARTLY = 3
# A group sentence names at most this many of the answers chosen, the most chosen first.
GROUP_ANSWERS_NAMED = 3

# --------------------------------------------------------------------------- sentences
# {statement}: a likert item's statement, {question}: a choice item's question, {answer}: the
# chosen answer's text, {practice}: the item's practice statement (social wording).
QUOTE_STATEMENT = N_("{statement}: “{answer}”.")
QUOTE_QUESTION = N_("{question} “{answer}”")
TEXT_IN_PLACE = N_("{practice}.")
TEXT_MOSTLY = N_("Nearly there on “{practice}”: “{answer}”.")
TEXT_MOSTLY_UNSTATED = N_("Nearly there: {quote}")
# A reverse-keyed likert answer reads against its statement, not against the practice.
TEXT_MOSTLY_REVERSED = N_("Nearly there on “{practice}”: “{answer}” to “{statement}”.")
TEXT_FIND_OUT = N_("To find out: {question}")
# Groups: {lead} is the statement or question, {shares} the answers chosen as shares of the room.
GROUP_LEAD_STATEMENT = N_("“{statement}”:")
GROUP_LEAD_QUESTION = N_("{question}")
GROUP_SHARE_FIRST = N_("{count} of {n} chose “{answer}”")
GROUP_SHARE_NEXT = N_("{count} “{answer}”")
GROUP_SHARES_AND = N_(" and ")
GROUP_TEXT_IN_PLACE = N_("{practice}: all {count} who answered chose “{answer}”.")
GROUP_TEXT_IN_PLACE_UNSTATED = N_("{lead} all {count} who answered chose “{answer}”.")
GROUP_TEXT_MOSTLY = N_("Nearly there on “{practice}”: {shares}.")
GROUP_TEXT_MOSTLY_UNSTATED = N_("Nearly there: {lead} {shares}.")
GROUP_TEXT_IN_PLACE_REVERSED = N_("{practice}. {lead} all {count} who answered chose “{answer}”.")
GROUP_TEXT_MOSTLY_REVERSED = N_("Nearly there on “{practice}”. {lead} {shares}.")
GROUP_TEXT_SHARES = N_("{lead} {shares}.")
GROUP_TEXT_FIND_OUT = N_("To find out: {question} ({count} of {n} were unsure).")


@dataclass(frozen=True)
class Evidence:
    """One answer a finding rests on: the item, the chosen answer's text as the respondent saw it
    (a likert item's scale label), and its item score ``s`` after reverse keying (None for
    "unsure", which is not scored). ``count``: how many in a group chose it (None for one person)."""

    item: str
    answer: str
    score: float | None
    count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"item": self.item, "answer": self.answer, "score": self.score}
        if self.count is not None:
            body["count"] = self.count
        return body


@dataclass(frozen=True)
class Finding:
    """One sentence about the present practice, with its kind and the answers it rests on."""

    dimension: str
    kind: str  # "in_place" | "mostly" | "partly" | "weak" | "find_out"
    text: str
    evidence: tuple[Evidence, ...]

    @property
    def item(self) -> str:
        return self.evidence[0].item

    @property
    def score(self) -> float | None:
        """The item score it rests on: ``s`` for one respondent, the mean ``s`` for a group;
        None for a thing to find out."""
        scored = [(e.score, e.count or 1) for e in self.evidence if e.score is not None]
        if not scored:
            return None
        return math.fsum(s * c for s, c in scored) / sum(c for _, c in scored)

    @property
    def strength(self) -> bool:
        return self.kind in STRENGTH_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "kind": self.kind,
            "text": self.text,
            "evidence": [e.to_dict() for e in self.evidence],
        }


def kind_of(questionnaire: Questionnaire, s: float) -> str:
    """Rule 15's kind of one item score."""
    t = questionnaire.thresholds
    if s >= 1.0:
        return IN_PLACE
    if s >= t.strength:
        return MOSTLY
    if s <= t.weakness:
        return WEAK
    return PARTLY


def answer_text(item: Item, value: Answer) -> str:
    """The chosen answer as the respondent saw it."""
    if value == UNSURE:
        return T_(UNSURE_ANSWER)
    return item.option_label(value)  # type: ignore[arg-type]


def _bare(sentence: str) -> str:
    """A sentence without its closing full stop, to quote it inside another."""
    return sentence.strip().rstrip(".")


def quote(item: Item, answer: str) -> str:
    """The chosen answer quoted with what was asked: a likert statement with its scale label, a
    choice question with the option chosen."""
    if item.type == "likert":
        return T_(QUOTE_STATEMENT).format(statement=_bare(item.text), answer=answer)
    return T_(QUOTE_QUESTION).format(question=item.text.strip(), answer=answer)


def _reads_against(item: Item) -> bool:
    """A reverse-keyed likert item: its scale label ("Rarely") answers the unsocial statement, so
    beside the social practice it must be quoted with that statement."""
    return item.reverse and item.type == "likert"


def _scored(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def item_finding(questionnaire: Questionnaire, item: Item, value: Answer) -> Finding | None:
    """Rule 15 for one answer; None for not applicable (and anything else unscored but unsure)."""
    answer = answer_text(item, value)
    if value == UNSURE:
        text = T_(TEXT_FIND_OUT).format(question=item.text.strip())
        return Finding(item.dimension, FIND_OUT, text, (Evidence(item.id, answer, None),))
    if not _scored(value):
        return None
    s = item_score(item, value)  # type: ignore[arg-type]
    kind = kind_of(questionnaire, s)
    if kind == IN_PLACE:
        text = (
            T_(TEXT_IN_PLACE).format(practice=_bare(item.practice))
            if item.practice_stated
            else quote(item, answer)
        )
    elif kind == MOSTLY:
        if not item.practice_stated:
            text = T_(TEXT_MOSTLY_UNSTATED).format(quote=quote(item, answer))
        elif _reads_against(item):
            text = T_(TEXT_MOSTLY_REVERSED).format(
                practice=_bare(item.practice), answer=_bare(answer), statement=_bare(item.text)
            )
        else:
            text = T_(TEXT_MOSTLY).format(practice=_bare(item.practice), answer=_bare(answer))
    else:  # partly and weak: the answer quoted with its question (reverse-keyed ones too)
        text = quote(item, answer)
    return Finding(item.dimension, kind, text, (Evidence(item.id, answer, s),))


# A finding depends only on the file, the item and the answer: each is built once per process.
# Keyed by the file's content hash (a questionnaire is immutable) and the language of its text (a
# translation keeps the hash, the scoring identity, and changes the words), bounded like the parse cache.
_CACHE: dict[tuple[str, str, str, str, Answer], Finding | None] = {}
_CACHE_LIMIT = 20_000


def item_findings(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> tuple[Finding, ...]:
    """One finding per answered or unsure item, in the file's order."""
    out = []
    # The text's language is asked once: it cannot change within one call, and asking costs a
    # lookup of the request's locale per item (6% of a submission's time).
    digest, language, words = questionnaire.content_hash, questionnaire.language, text_language()
    for item in questionnaire.items:
        if item.id not in answers:
            continue
        value = answers[item.id]
        key = (digest, language, words, item.id, value)
        if key in _CACHE:
            finding = _CACHE[key]
        else:
            finding = item_finding(questionnaire, item, value)
            if len(_CACHE) < _CACHE_LIMIT:
                _CACHE[key] = finding
        if finding is not None:
            out.append(finding)
    return tuple(out)


def findings_of(findings: Iterable[Finding], dimension: str, kinds: Iterable[str] = KINDS) -> list[Finding]:
    wanted = set(kinds)
    return [f for f in findings if f.dimension == dimension and f.kind in wanted]


def strongest_area(dimensions: Sequence[DimensionScore], findings: Sequence[Finding]) -> str | None:
    """The dimension with the highest D_d among those with at least one in place or mostly
    finding (ties: the earlier in the file); None when no area has a strength yet."""
    best: DimensionScore | None = None
    for d in dimensions:
        if d.score is None or not findings_of(findings, d.id, STRENGTH_KINDS):
            continue
        if best is None or d.score > best.score:  # type: ignore[operator]
            best = d
    return None if best is None else best.id


def _lowest(findings: Sequence[Finding], count: int | None = None) -> tuple[Finding, ...]:
    ordered = sorted(enumerate(findings), key=lambda pair: (pair[1].score, pair[0]))
    chosen = [f for _, f in ordered]
    return tuple(chosen if count is None else chosen[:count])


def weakest_findings(dimension: str | None, findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """What the weakest area (rule 6's bottleneck) is shown with: its weak findings, lowest first;
    or, when it has none, its lowest ``partly`` ones; or, when it has neither (every answer in it
    a strength), its lowest findings, so the area is never shown empty-handed."""
    if dimension is None:
        return ()
    for kinds, count in (((WEAK,), None), ((PARTLY,), WEAKEST_PARTLY), ((MOSTLY, IN_PLACE), WEAKEST_PARTLY)):
        found = findings_of(findings, dimension, kinds)
        if found:
            return _lowest(found, count)
    return ()


# --------------------------------------------------------------------------- groups


def _shares(counts: Sequence[tuple[str, int]], n: int) -> str:
    """'9 of 34 chose “Never”, 12 “Sometimes” and 13 “Always”': the most chosen answers first."""
    named = sorted(counts, key=lambda pair: -pair[1])[:GROUP_ANSWERS_NAMED]
    parts = [T_(GROUP_SHARE_FIRST).format(count=named[0][1], n=n, answer=_bare(named[0][0]))]
    parts += [T_(GROUP_SHARE_NEXT).format(count=c, answer=_bare(a)) for a, c in named[1:]]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + T_(GROUP_SHARES_AND) + parts[-1]


def _lead(item: Item) -> str:
    if item.type == "likert":
        return T_(GROUP_LEAD_STATEMENT).format(statement=_bare(item.text))
    return T_(GROUP_LEAD_QUESTION).format(question=item.text.strip())


def group_item_findings(
    questionnaire: Questionnaire, item: Item, answers: Sequence[Answer | None], min_answers: int = 1
) -> list[Finding]:
    """Rule 15's group clause for one item over the room's answers (one entry per respondent).
    Rule 13: the shares of the numeric answers need ``min_answers`` of them, the "unsure" count
    that many numeric or unsure answers, so no count on one item rests on fewer than k people."""
    t = questionnaire.thresholds
    room = len(answers)
    out: list[Finding] = []
    values = [a for a in answers if _scored(a)]
    if values and len(values) >= min_answers:
        by_value: dict[int, int] = {}
        for v in values:
            by_value[v] = by_value.get(v, 0) + 1  # type: ignore[index]
        evidence = tuple(
            Evidence(item.id, item.option_label(v), item_score(item, v), c)
            for v, c in sorted(by_value.items())
        )
        mean_s = math.fsum(e.score * e.count for e in evidence) / len(values)  # type: ignore[operator]
        strong = sum(e.count for e in evidence if e.score >= t.strength)  # type: ignore[misc, operator]
        weak = sum(e.count for e in evidence if e.score <= t.weakness)  # type: ignore[misc, operator]
        counts = [(e.answer, e.count or 0) for e in evidence]
        shares = _shares(counts, room)
        lead = _lead(item)
        if mean_s >= t.strength and Fraction(strong, room) >= GROUP_MAJORITY:
            if all(e.score == 1.0 for e in evidence):
                kind = IN_PLACE
                answer = _bare(evidence[0].answer)
                practice = _bare(item.practice)
                if not item.practice_stated:
                    text = T_(GROUP_TEXT_IN_PLACE_UNSTATED).format(
                        lead=lead, count=len(values), answer=answer
                    )
                elif _reads_against(item):
                    text = T_(GROUP_TEXT_IN_PLACE_REVERSED).format(
                        practice=practice, lead=lead, count=len(values), answer=answer
                    )
                else:
                    text = T_(GROUP_TEXT_IN_PLACE).format(practice=practice, count=len(values), answer=answer)
            else:
                kind = MOSTLY
                if not item.practice_stated:
                    text = T_(GROUP_TEXT_MOSTLY_UNSTATED).format(lead=lead, shares=shares)
                elif _reads_against(item):
                    text = T_(GROUP_TEXT_MOSTLY_REVERSED).format(
                        practice=_bare(item.practice), lead=lead, shares=shares
                    )
                else:
                    text = T_(GROUP_TEXT_MOSTLY).format(practice=_bare(item.practice), shares=shares)
        else:
            kind = WEAK if mean_s <= t.weakness and Fraction(weak, room) >= GROUP_MAJORITY else PARTLY
            text = T_(GROUP_TEXT_SHARES).format(lead=lead, shares=shares)
        out.append(Finding(item.dimension, kind, text, evidence))
    unsure = sum(1 for a in answers if a == UNSURE)
    shown = len(values) + unsure >= min_answers
    if unsure and shown and Fraction(unsure, room) >= GROUP_UNSURE_SHARE:
        text = T_(GROUP_TEXT_FIND_OUT).format(question=_bare(item.text), count=unsure, n=room)
        out.append(
            Finding(item.dimension, FIND_OUT, text, (Evidence(item.id, T_(UNSURE_ANSWER), None, unsure),))
        )
    return out


def group_findings(
    questionnaire: Questionnaire, answer_sets: Sequence[Mapping[str, Answer]], min_answers: int = 1
) -> tuple[Finding, ...]:
    """Rule 15's group clause over a room's answer sets (the published snapshot's, rule 13), in the
    file's order: per item its strength, weakness or "partly" finding, then, where at least 20% of
    the room were unsure, a thing to find out."""
    if not answer_sets:
        return ()
    out: list[Finding] = []
    for item in questionnaire.items:
        out.extend(
            group_item_findings(questionnaire, item, [a.get(item.id) for a in answer_sets], min_answers)
        )
    return tuple(out)
