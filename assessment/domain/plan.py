"""The client's plan: the computed roadmap as data a consultant or respondent edits before handing
it over, and what it achieved at the retake.

A plan starts from the roadmap (``plan_from_roadmap``): one step per roadmap entry, in its order,
status "planned". People then reorder, drop, add their own steps (``custom-...`` ids), name an
owner and a date, and write an introduction and a note per area. ``parse_plan`` checks a body
sent by the API or the page and names each bad field (``steps[2].due``); nothing partial is ever
kept. ``plan_review`` compares, per step of an earlier plan, the mean item score of the items the
step addresses then and now (SCORING.md rule 17 for display): a change, never a proof that the
step caused it.

Plain Python: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .figures import Shown, shown_change, shown_score
from .questionnaire import Questionnaire
from .roadmap import RoadmapEntry
from .scoring import AnswerProblem, item_scores
from .text import N_

# Free-text limits of a plan. Chosen so that the largest plan accepted still lays out in a few
# PDF pages more than the report without one (tests/test_plans.py renders it).
INTRODUCTION_MAX = 2000
AREA_NOTE_MAX = 400
STEP_TITLE_MAX = 120
STEP_OWNER_MAX = 80
STEP_NOTE_MAX = 280
STEPS_MAX = 30
AGREED_BY_MAX = 120

STATUSES = ("planned", "started", "done", "dropped")
# Marked for translation; the page shows them in its language (web/plan_pages.status_labels).
STATUS_LABELS = {
    "planned": N_("Planned"),
    "started": N_("Started"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}
CUSTOM_PREFIX = "custom-"
CUSTOM_ID = re.compile(r"custom-[a-z0-9][a-z0-9-]{0,39}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIELDS = ("version", "introduction", "notes", "steps", "agreed_by")
STEP_FIELDS = ("id", "title", "owner", "due", "status", "note")


@dataclass(frozen=True)
class FieldProblem(AnswerProblem):
    """A problem a person can make in the plan's form: its message also as an English template
    marked for translation and its values, so the page shows it in its own language (the API
    keeps ``message``)."""

    template: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, item: str, template: str, **params: Any) -> FieldProblem:
        return cls(item, template % params if params else template, template, params)


class InvalidPlan(ValueError):
    """A plan body that cannot be kept; ``problems`` names every bad field."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.item}: {p.message}" for p in problems))


@dataclass(frozen=True)
class PlanStep:
    id: str  # a recommendation id, or custom-...
    title: str
    owner: str = ""
    due: dt.date | None = None
    status: str = "planned"
    note: str = ""

    @property
    def custom(self) -> bool:
        return self.id.startswith(CUSTOM_PREFIX)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "owner": self.owner,
            "due": None if self.due is None else self.due.isoformat(),
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class Plan:
    introduction: str = ""
    notes: Mapping[str, str] = field(default_factory=dict)  # dimension id -> note
    steps: tuple[PlanStep, ...] = ()
    agreed_by: str = ""

    @property
    def active(self) -> tuple[PlanStep, ...]:
        """The steps the plan keeps (every status but dropped), in order."""
        return tuple(s for s in self.steps if s.status != "dropped")

    def to_dict(self) -> dict[str, Any]:
        return {
            "introduction": self.introduction,
            "notes": dict(self.notes),
            "steps": [s.to_dict() for s in self.steps],
            "agreed_by": self.agreed_by,
        }


def plan_from_roadmap(entries: Iterable[RoadmapEntry]) -> Plan:
    """The plan before anyone edits it: the roadmap's steps in its order, each planned, owned by
    the role the questionnaire names, with no date."""
    return Plan(
        steps=tuple(
            PlanStep(id=e.recommendation.id, title=e.recommendation.title, owner=e.recommendation.owner)
            for e in entries
        )
    )


def dropped_steps(plan: Plan, entries: Iterable[RoadmapEntry]) -> tuple[RoadmapEntry, ...]:
    """The computed roadmap's steps the plan does not keep: dropped, or removed altogether."""
    kept = {s.id for s in plan.active}
    return tuple(e for e in entries if e.recommendation.id not in kept)


# --------------------------------------------------------------------------- checking a body


def _text(
    value: Any, name: str, longest: int, problems: list[AnswerProblem], *, required: bool = False
) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        problems.append(AnswerProblem(name, "must be a string"))
        return ""
    if len(value) > longest:
        problems.append(
            FieldProblem.of(
                name, N_("must be at most %(most)s characters (it has %(has)s)"), most=longest, has=len(value)
            )
        )
        return ""
    if required and not value.strip():
        problems.append(FieldProblem.of(name, N_("must not be blank")))
    return value.strip() if required else value


def _due(value: Any, name: str, problems: list[AnswerProblem]) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(
        FieldProblem.of(
            name, N_("must be a date as YYYY-MM-DD, or null (not %(value)s)"), value=f"{value!r:.40}"
        )
    )
    return None


def parse_plan(questionnaire: Questionnaire, body: Any, *, need_version: bool = True) -> tuple[Plan, int]:
    """The plan and the version it was read at, from a body of the API's shape; raises
    InvalidPlan naming every bad field (``introduction``, ``notes.<area>``, ``steps[n].due``)."""
    problems: list[AnswerProblem] = []
    if not isinstance(body, dict):
        raise InvalidPlan([AnswerProblem("body", "must be a JSON object")])
    for key in body:
        if key not in FIELDS:
            problems.append(AnswerProblem(str(key), "unknown field"))
    version = body.get("version")
    if version is None and not need_version:
        version = 0
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        problems.append(
            AnswerProblem("version", "required: the plan's version as read (a whole number, 0 for none)")
        )
        version = 0
    introduction = _text(body.get("introduction"), "introduction", INTRODUCTION_MAX, problems)
    agreed_by = _text(body.get("agreed_by"), "agreed_by", AGREED_BY_MAX, problems).strip()
    notes: dict[str, str] = {}
    raw_notes = body.get("notes") or {}
    areas = {d.id for d in questionnaire.dimensions}
    if not isinstance(raw_notes, dict):
        problems.append(AnswerProblem("notes", "must be an object of area id to text"))
    else:
        for key, value in raw_notes.items():
            name = f"notes.{key}"
            if key not in areas:
                problems.append(AnswerProblem(name, f"no area {key!r} (one of: {', '.join(sorted(areas))})"))
                continue
            text = _text(value, name, AREA_NOTE_MAX, problems)
            if text.strip():
                notes[key] = text
    steps = _steps(questionnaire, body.get("steps", []), problems)
    if problems:
        raise InvalidPlan(problems)
    ordered = {d.id: notes[d.id] for d in questionnaire.dimensions if d.id in notes}
    return Plan(introduction, ordered, steps, agreed_by), version


def _steps(questionnaire: Questionnaire, raw: Any, problems: list[AnswerProblem]) -> tuple[PlanStep, ...]:
    if not isinstance(raw, list):
        problems.append(AnswerProblem("steps", "must be a list"))
        return ()
    if len(raw) > STEPS_MAX:
        problems.append(AnswerProblem("steps", f"must have at most {STEPS_MAX} steps (it has {len(raw)})"))
        return ()
    recs = questionnaire.recommendations_by_id
    seen: set[str] = set()
    steps = []
    for n, step in enumerate(raw):
        at = f"steps[{n}]"
        if not isinstance(step, dict):
            problems.append(AnswerProblem(at, "must be an object"))
            continue
        for key in step:
            if key not in STEP_FIELDS:
                problems.append(AnswerProblem(f"{at}.{key}", "unknown field"))
        step_id = step.get("id")
        rec = None
        if not isinstance(step_id, str) or not step_id:
            problems.append(AnswerProblem(f"{at}.id", "required: a recommendation id or custom-..."))
        elif step_id in seen:
            problems.append(AnswerProblem(f"{at}.id", f"{step_id!r} is already an earlier step"))
        elif step_id in recs:
            rec = recs[step_id]
        elif not CUSTOM_ID.fullmatch(step_id):
            problems.append(
                AnswerProblem(
                    f"{at}.id",
                    f"{step_id[:60]!r} is neither a recommendation of this questionnaire nor "
                    "custom- followed by up to 40 lower-case letters, digits and hyphens",
                )
            )
        if isinstance(step_id, str):
            seen.add(step_id)
        title = step.get("title")
        if rec is not None and (title is None or (isinstance(title, str) and not title.strip())):
            title = rec.title  # a recommendation keeps its own title unless renamed
        title = _text(title, f"{at}.title", STEP_TITLE_MAX, problems, required=True)
        owner = _text(step.get("owner"), f"{at}.owner", STEP_OWNER_MAX, problems).strip()
        note = _text(step.get("note"), f"{at}.note", STEP_NOTE_MAX, problems)
        due = _due(step.get("due"), f"{at}.due", problems)
        status = step.get("status", "planned")
        if status not in STATUSES:
            problems.append(
                AnswerProblem(f"{at}.status", f"must be one of {', '.join(STATUSES)} (not {status!r:.40})")
            )
        if isinstance(step_id, str):
            steps.append(
                PlanStep(step_id, title, owner, due, status if status in STATUSES else "planned", note)
            )
    return tuple(steps)


def plan_from_stored(body: Mapping[str, Any]) -> Plan:
    """A plan as stored (already checked when it was saved)."""
    return Plan(
        introduction=body.get("introduction", ""),
        notes=dict(body.get("notes") or {}),
        steps=tuple(
            PlanStep(
                s["id"],
                s["title"],
                s.get("owner", ""),
                dt.date.fromisoformat(s["due"]) if s.get("due") else None,
                s.get("status", "planned"),
                s.get("note", ""),
            )
            for s in body.get("steps") or ()
        ),
        agreed_by=body.get("agreed_by", ""),
    )


def new_custom_id(taken: Iterable[str]) -> str:
    """The first free ``custom-n``."""
    used = set(taken)
    n = 1
    while f"{CUSTOM_PREFIX}{n}" in used:
        n += 1
    return f"{CUSTOM_PREFIX}{n}"


# --------------------------------------------------------------------------- the retake


@dataclass(frozen=True)
class ReviewStep:
    """One step of an earlier plan and what happened since to the practices it addresses."""

    id: str
    title: str
    status: str
    items: tuple[str, ...]  # the items it addresses that were scored both times
    before: float | None  # mean item score of ``items`` then, 0..100
    after: float | None
    before_shown: Shown
    after_shown: Shown
    change_shown: Shown

    @property
    def change(self) -> float | None:
        """The change of the mean as shown (rule 17), so the JSON agrees with every page."""
        value = self.change_shown.value
        return None if value is None else float(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "items": list(self.items),
            "change": self.change,
            "before": self.before,
            "after": self.after,
        }


def item_bounds(questionnaire: Questionnaire) -> tuple[float, ...]:
    """The lines a mean item score (0..100) is judged against: rule 11's thresholds and 100."""
    t = questionnaire.thresholds
    return (100 * t.weakness, 100 * t.strength, 100.0)


def plan_review(
    plan: Plan,
    questionnaire: Questionnaire,
    before: Mapping[str, float],
    after: Mapping[str, float],
) -> tuple[ReviewStep, ...]:
    """Per step of ``plan`` (made on ``questionnaire``): the mean rule-2 score (times 100) of the
    items the step's recommendation addresses, then (``before``) and now (``after``), over the
    items scored both times; the change is the difference of the two means as shown (rule 17).
    A custom step addresses no item: its change is null, as is one whose items were not scored
    both times."""
    recs = questionnaire.recommendations_by_id
    bounds = item_bounds(questionnaire)
    out = []
    for step in plan.steps:
        rec = recs.get(step.id)
        items = tuple(i for i in (rec.addresses if rec else ()) if i in before and i in after)
        then = _mean([before[i] for i in items])
        now = _mean([after[i] for i in items])
        then_shown, now_shown = shown_score(then, bounds), shown_score(now, bounds)
        out.append(
            ReviewStep(
                id=step.id,
                title=step.title,
                status=step.status,
                items=items,
                before=then,
                after=now,
                before_shown=then_shown,
                after_shown=now_shown,
                change_shown=shown_change(then_shown, now_shown),
            )
        )
    return tuple(out)


def _mean(values: Sequence[float]) -> float | None:
    return 100 * sum(values) / len(values) if values else None


def group_item_scores(
    questionnaire: Questionnaire, answer_sets: Iterable[Mapping[str, Any]]
) -> dict[str, float]:
    """Each item's mean rule-2 score over a group's answers (rule 13: pass the snapshot's)."""
    sums: dict[str, list[float]] = {}
    for answers in answer_sets:
        for item, s in item_scores(questionnaire, answers).items():
            sums.setdefault(item, []).append(s)
    return {item: sum(v) / len(v) for item, v in sums.items()}
