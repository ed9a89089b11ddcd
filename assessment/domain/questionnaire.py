"""Questionnaire definitions: the model, and loading with validation.

A questionnaire file is data (YAML, see ``questionnaires/FORMAT.md``). Loading checks it against
``questionnaires/schema.json`` and then checks what a schema cannot say: ids are unique, every
reference resolves, stages ascend from 0, every dimension has recommendations for every stage.
Every problem is reported with the file, the line and the reason, all at once, so an author can
fix a file in one pass.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .text import N_

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "questionnaires" / "schema.json"

EFFORTS = ("low", "medium", "high")
HORIZONS = ("now", "next", "later")
HORIZON_LABELS = {
    "now": N_("Now (0-3 months)"),
    "next": N_("Next (3-12 months)"),
    "later": N_("Later (12+ months)"),
}

# Who may own a recommendation (format 2), and whether that owner exists in a small organisation
# (a 20-person charity has a director and someone who runs its accounts, seldom an HR, IT, legal or
# finance department): an owner that may not exist needs an ``owner_small`` stand-in.
OWNERS: Mapping[str, bool] = {
    "leadership": True,
    "communications": True,
    "team leaders": False,
    "customer service": False,
    "operations": False,
    "community manager": False,
    "HR": False,
    "IT": False,
    "legal": False,
    "compliance": False,
    "finance": False,
}
# The organisations ``effort_by_size`` may rate differently from the default ``effort``.
EFFORT_PROFILES = ("small", "large", "regulated")
# Format 2's defaults: reverse-keyed items per dimension, and the longest option label at most
# this many times the shortest.
MIN_REVERSE = 2
OPTION_LENGTH_RATIO = 2.0


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a questionnaire file."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class QuestionnaireError(ValueError):
    """A questionnaire file is broken; ``problems`` lists every reason with its line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    type: str  # "likert" or "choice"
    text: str
    options: tuple[Option, ...]  # for likert items: the scale points with their labels
    reverse: bool = False
    weight: float = 1.0
    allow_unsure: bool = False
    help: str | None = None
    # The social practice the item measures, in its social wording even for a reverse-keyed item:
    # what a report prints for a strength or weakness (SCORING.md rule 11).
    practice: str = ""
    # Rule 1: "not_applicable" is offered only where a small organisation may lack the thing.
    allow_not_applicable: bool = False
    # Whether the file states ``practice`` (1.1 does; 1.0 does not, and ``practice`` then holds the
    # item's text): rule 15 prints an "in place" practice only when the file wrote one.
    practice_stated: bool = False
    # Format 2: the reference period a frequency answer is about ("in the last three months").
    period: str = ""
    # The item's scale (rule 1): derived once, since scoring asks for it on every answer.
    lo: int = field(init=False, repr=False, compare=False)
    hi: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = [o.value for o in self.options]
        object.__setattr__(self, "lo", min(values))
        object.__setattr__(self, "hi", max(values))

    def option_label(self, value: int) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return str(value)


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    min: float
    description: str = ""


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    weight: float = 1.0
    summary: str = ""
    description: str = ""
    social: str = ""
    broadcast: str = ""
    stage_descriptions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Recommendation:
    id: str
    dimension: str
    stage: str
    title: str
    why: str
    actions: tuple[str, ...]
    effort: str
    impact: int
    horizon: str
    owner: str
    # Rule 12: the items whose practice this builds (in place when they are all strengths) and
    # the recommendations that must come before it.
    addresses: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    # Format 2: who owns it where ``owner`` does not exist (a small organisation), the effort by
    # kind of organisation where it differs from ``effort``, and the short name by which other
    # steps refer to what this one sets up (the loader checks they require it).
    owner_small: str = ""
    effort_by_size: tuple[tuple[str, str], ...] = ()  # (profile, effort) pairs: kept hashable
    name: str = ""

    def effort_for(self, profile: str | None) -> str:
        """The effort for a kind of organisation (one of EFFORT_PROFILES), else the default."""
        return dict(self.effort_by_size).get(profile or "", self.effort)

    def owner_for(self, profile: str | None) -> str:
        """In a small organisation the stand-in, where the file names one."""
        return self.owner_small if profile == "small" and self.owner_small else self.owner


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    leadership: bool = False


@dataclass(frozen=True)
class Thresholds:
    social: float = 60.0
    floor: float = 40.0
    min_coverage: float = 0.6
    strength: float = 0.75  # rule 11: an item score at or above this is a strength
    weakness: float = 0.25  # rule 11: at or below this, a weakness
    max_now: int = 4  # rule 12: the most entries the roadmap's "now" horizon holds
    benchmark_min: int = 10  # rule 18: the fewest entries a comparison group shows figures for


@dataclass(frozen=True)
class IntegerTerms:
    """Rule 3 of one dimension over a common denominator, so scoring.exact_dimension_score sums
    integers: D_d = 100 * sum(step_i * score_factor_i) * weight_unit / (unit * sum(weight_factor_i)),
    where step_i is the answer's distance from the item's unsocial end.

    Every float weight is an exact binary fraction w_num / w_den, so ``unit`` (a common multiple of
    w_den * (hi - lo) over the items) and ``weight_unit`` (of w_den) make each term a whole number."""

    unit: int
    weight_unit: int
    # Per item in the file's order: (id, score factor, weight factor, reverse, lo, hi), so rule 3's
    # loop reads plain tuples (it runs once per dimension and again for every lift check).
    rows: tuple[tuple[str, int, int, bool, int, int], ...]

    @classmethod
    def of(cls, items: Sequence[Item]) -> IntegerTerms:
        ratios = [i.weight.as_integer_ratio() for i in items]
        unit = math.lcm(*(den * (i.hi - i.lo) for i, (_, den) in zip(items, ratios, strict=True)))
        weight_unit = math.lcm(*(den for _, den in ratios))
        rows = tuple(
            (i.id, num * unit // (den * (i.hi - i.lo)), num * weight_unit // den, i.reverse, i.lo, i.hi)
            for i, (num, den) in zip(items, ratios, strict=True)
        )
        return cls(unit, weight_unit, rows)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    description: str
    language: str
    estimated_minutes: int | None
    scale_min: int
    scale_max: int
    thresholds: Thresholds
    poles: Mapping[str, Mapping[str, str]]
    classifications: Mapping[str, Mapping[str, str]]
    stages: tuple[Stage, ...]
    roles: tuple[Role, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    recommendations: tuple[Recommendation, ...]
    content_hash: str
    source: str = ""
    format: int = 1
    # Rule 18: earlier versions whose benchmark entries count in this version's pool.
    comparable_with: tuple[str, ...] = ()
    # The parsed file, kept so a translation can replace its texts and build the copy the same way.
    data: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # A translated copy's questionnaire as written (None for the file itself).
    original: Questionnaire | None = field(default=None, repr=False, compare=False)
    _item_index: dict[str, Item] = field(init=False, repr=False, compare=False)
    _item_ids: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _dimension_index: dict[str, Dimension] = field(init=False, repr=False, compare=False)
    _items_by_dimension: dict[str, tuple[Item, ...]] = field(init=False, repr=False, compare=False)
    _recommendations_by_stage: dict[tuple[str, str], tuple[Recommendation, ...]] = field(
        init=False, repr=False, compare=False
    )
    # The roadmap's tables (roadmap.plan), built here once rather than on every submission.
    _recommendation_index: dict[str, Recommendation] = field(init=False, repr=False, compare=False)
    _recommendations_by_dimension: dict[str, tuple[Recommendation, ...]] = field(
        init=False, repr=False, compare=False
    )
    _stage_index: dict[str, int] = field(init=False, repr=False, compare=False)
    _addressing: dict[str, tuple[Recommendation, ...]] = field(init=False, repr=False, compare=False)
    _integer_terms: dict[str, IntegerTerms] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen for safety; the look-up tables are derived once here.
        object.__setattr__(self, "_item_index", {i.id: i for i in self.items})
        object.__setattr__(self, "_item_ids", tuple(i.id for i in self.items))
        object.__setattr__(self, "_dimension_index", {d.id: d for d in self.dimensions})
        by_dimension = {d.id: tuple(i for i in self.items if i.dimension == d.id) for d in self.dimensions}
        object.__setattr__(self, "_items_by_dimension", by_dimension)
        by_stage: dict[tuple[str, str], list[Recommendation]] = {}
        for r in self.recommendations:
            by_stage.setdefault((r.dimension, r.stage), []).append(r)
        object.__setattr__(self, "_recommendations_by_stage", {k: tuple(v) for k, v in by_stage.items()})
        object.__setattr__(self, "_recommendation_index", {r.id: r for r in self.recommendations})
        of_dimension: dict[str, list[Recommendation]] = {}
        for r in self.recommendations:
            of_dimension.setdefault(r.dimension, []).append(r)
        object.__setattr__(
            self, "_recommendations_by_dimension", {k: tuple(v) for k, v in of_dimension.items()}
        )
        object.__setattr__(self, "_stage_index", {s.id: n for n, s in enumerate(self.stages)})
        addressing: dict[str, list[Recommendation]] = {}
        for r in self.recommendations:
            for item_id in r.addresses:
                addressing.setdefault(item_id, []).append(r)
        object.__setattr__(self, "_addressing", {k: tuple(v) for k, v in addressing.items()})
        object.__setattr__(
            self, "_integer_terms", {d: IntegerTerms.of(items) for d, items in by_dimension.items()}
        )

    @property
    def item_index(self) -> Mapping[str, Item]:
        """Item id -> item."""
        return self._item_index

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The items' ids in the file's order."""
        return self._item_ids

    def has_item(self, item_id: str) -> bool:
        return item_id in self._item_index

    def item(self, item_id: str) -> Item:
        return self._item_index[item_id]

    def dimension(self, dimension_id: str) -> Dimension:
        return self._dimension_index[dimension_id]

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    def items_of(self, dimension_id: str) -> tuple[Item, ...]:
        return self._items_by_dimension.get(dimension_id, ())

    def integer_terms(self, dimension_id: str) -> IntegerTerms:
        return self._integer_terms[dimension_id]

    def recommendations_of(self, dimension_id: str) -> tuple[Recommendation, ...]:
        """The dimension's recommendations, in the file's order."""
        return self._recommendations_by_dimension.get(dimension_id, ())

    def recommendations_for(self, dimension_id: str, stage_id: str) -> tuple[Recommendation, ...]:
        return self._recommendations_by_stage.get((dimension_id, stage_id), ())

    @property
    def recommendations_by_id(self) -> Mapping[str, Recommendation]:
        return self._recommendation_index

    @property
    def stage_positions(self) -> Mapping[str, int]:
        """Stage id -> its place on the scale, 0 for the first."""
        return self._stage_index

    @property
    def recommendations_by_item(self) -> Mapping[str, tuple[Recommendation, ...]]:
        """Item id -> the recommendations that address it, in the file's order."""
        return self._addressing

    def stage_for(self, score: float) -> Stage:
        """SCORING.md rule 5: the last stage whose lower bound is <= the score."""
        chosen = self.stages[0]
        for stage in self.stages:
            if stage.min <= score:
                chosen = stage
        return chosen

    def next_stage(self, stage: Stage) -> Stage | None:
        index = self.stages.index(stage)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    def leadership_roles(self) -> frozenset[str]:
        return frozenset(r.id for r in self.roles if r.leadership)

    def to_dict(self) -> dict[str, Any]:
        """The definition as the JSON API publishes it."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "language": self.language,
            "estimated_minutes": self.estimated_minutes,
            "content_hash": self.content_hash,
            "scale": {"min": self.scale_min, "max": self.scale_max},
            "thresholds": {
                "social": self.thresholds.social,
                "floor": self.thresholds.floor,
                "min_coverage": self.thresholds.min_coverage,
                "strength": self.thresholds.strength,
                "weakness": self.thresholds.weakness,
                "max_now": self.thresholds.max_now,
            },
            "poles": {k: dict(v) for k, v in self.poles.items()},
            "classifications": {k: dict(v) for k, v in self.classifications.items()},
            "stages": [
                {"id": s.id, "label": s.label, "min": s.min, "description": s.description}
                for s in self.stages
            ],
            "roles": [{"id": r.id, "label": r.label, "leadership": r.leadership} for r in self.roles],
            "dimensions": [
                {
                    "id": d.id,
                    "label": d.label,
                    "weight": d.weight,
                    "summary": d.summary,
                    "description": d.description,
                    "social": d.social,
                    "broadcast": d.broadcast,
                    "stages": dict(d.stage_descriptions),
                }
                for d in self.dimensions
            ],
            "items": [
                {
                    "id": i.id,
                    "dimension": i.dimension,
                    "type": i.type,
                    "text": i.text,
                    "help": i.help,
                    "scale": {"min": i.lo, "max": i.hi},
                    "options": [{"value": o.value, "label": o.label} for o in i.options],
                    "reverse": i.reverse,
                    "weight": i.weight,
                    "allow_unsure": i.allow_unsure,
                    "allow_not_applicable": i.allow_not_applicable,
                    "practice": i.practice,
                }
                for i in self.items
            ],
            "recommendations": [
                {
                    "id": r.id,
                    "dimension": r.dimension,
                    "stage": r.stage,
                    "title": r.title,
                    "why": r.why,
                    "actions": list(r.actions),
                    "effort": r.effort,
                    "impact": r.impact,
                    "horizon": r.horizon,
                    "owner": r.owner,
                    "addresses": list(r.addresses),
                    "requires": list(r.requires),
                }
                for r in self.recommendations
            ],
        }


# --------------------------------------------------------------------------- loading


# libyaml's loader when PyYAML was built with it (its wheels are): the pure-Python one took about
# a second per start-up and per `flask init` to read the two shipped files. Same safe schema.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineMap:
    """Maps a path inside the parsed YAML (keys and list indexes) to its line (1-based)."""

    def __init__(self, node: yaml.Node | None):
        self.lines: dict[tuple[Any, ...], int] = {}
        self.duplicates: list[tuple[int, str]] = []
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: yaml.Node, path: tuple[Any, ...]) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicates.append((key_node.start_mark.line + 1, key))
                seen.add(key)
                self.lines[path + (key, "__key__")] = key_node.start_mark.line + 1
                self._walk(value_node, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                self._walk(child, path + (index,))

    def line(self, path: tuple[Any, ...]) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _schema_message(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "top level"
    if error.validator == "additionalProperties":
        return f"{where}: {error.message}"
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator == "pattern" and error.schema.get("pattern") == "\\S":
        return f"{where}: must not be blank"
    if error.validator == "pattern":
        return f"{where}: {error.instance!r} is not a valid id (lower-case letters, digits, '_')"
    if error.validator == "not" and "options" in str(error.schema):
        return f"{where}: a likert item takes no 'options' (did you mean type: choice?)"
    if error.validator == "not" and "labels" in str(error.schema):
        return f"{where}: a choice item takes its labels from its options, not 'labels'"
    return f"{where}: {error.message}"


def parse_questionnaire(text: str, source: str = "<string>") -> Questionnaire:
    """Parse and validate a questionnaire from YAML text; raise QuestionnaireError."""
    return _parse(text, source)


def _read_mapping(text: str, source: str) -> tuple[dict[str, Any], _LineMap, list[Problem]]:
    """A YAML file's mapping, its line map and its duplicate-key problems; QuestionnaireError when
    it is not YAML or not a mapping. Shared by questionnaire files and their translations."""
    try:
        loader = _Loader(text)
        try:
            # One parse: the node tree gives the line numbers, and the data is built from it.
            node = loader.get_single_node()
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise QuestionnaireError([Problem(source, line, f"not valid YAML: {reason}")]) from None
    lines = _LineMap(node)
    problems = [
        Problem(source, line, f"duplicate key {key!r} (the later one would silently win)")
        for line, key in lines.duplicates
    ]
    if not isinstance(data, dict):
        raise QuestionnaireError(problems + [Problem(source, 1, "the file must be a mapping")])
    return data, lines, problems


# A Questionnaire is immutable, so the same text from the same file gives the same object: the
# app reads its files at start-up and again on `flask init`, and each worker on each start.
@lru_cache(maxsize=16)
def _parse(text: str, source: str) -> Questionnaire:
    data, lines, problems = _read_mapping(text, source)

    for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(Problem(source, lines.line(tuple(error.absolute_path)), _schema_message(error)))
    if problems:
        raise QuestionnaireError(problems)

    problems.extend(_check_meaning(data, lines, source))
    if problems:
        raise QuestionnaireError(problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _build(data, digest, source)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load one questionnaire file; raise QuestionnaireError naming file, line and reason."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([Problem(str(path), None, f"cannot read the file: {exc}")]) from None
    return parse_questionnaire(text, str(path))


def questionnaire_files(directory: str | Path) -> list[Path]:
    """The questionnaire files of a folder (its translations, ``<stem>.<lang>.yaml``, are not)."""
    return sorted(
        p
        for p in Path(directory).glob("*.y*ml")
        if p.suffix in (".yaml", ".yml") and sidecar_language(p) is None
    )


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Order versions by their dotted parts, numerically where a part is a number ("1.10" > "1.9")."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in version.split("."))


def load_all(directory: str | Path) -> list[Questionnaire]:
    """Every questionnaire file in a folder, oldest version first per id. Several files may share
    an id (published versions stay answerable) but not an id and a version."""
    found: dict[tuple[str, str], Questionnaire] = {}
    for path in questionnaire_files(directory):
        questionnaire = load_questionnaire(path)
        key = (questionnaire.id, questionnaire.version)
        if key in found:
            raise QuestionnaireError(
                [
                    Problem(
                        str(path),
                        None,
                        f"id {questionnaire.id!r} version {questionnaire.version!r} is also used by "
                        f"{found[key].source}",
                    )
                ]
            )
        found[key] = questionnaire
    return sorted(found.values(), key=lambda q: (q.id, version_key(q.version)))


def load_directory(directory: str | Path) -> dict[str, Questionnaire]:
    """The newest version of every questionnaire in a folder, by id (see ``load_all``)."""
    return {q.id: q for q in load_all(directory)}  # oldest first, so the newest wins


def _check_meaning(data: dict[str, Any], lines: _LineMap, source: str) -> Iterator[Problem]:
    def problem(path: tuple[Any, ...], message: str) -> Problem:
        return Problem(source, lines.line(path), message)

    def unique(section: str) -> set[str]:
        seen: set[str] = set()
        for index, entry in enumerate(data.get(section, [])):
            if entry["id"] in seen:
                yield_list.append(
                    problem((section, index, "id"), f"{section}: id {entry['id']!r} is used twice")
                )
            seen.add(entry["id"])
        return seen

    yield_list: list[Problem] = []
    dimension_ids = unique("dimensions")
    stage_ids = unique("stages")
    unique("items")
    unique("recommendations")
    unique("roles")
    yield from yield_list

    scale = data.get("scale", {})
    lo, hi = scale.get("min", 1), scale.get("max", 5)
    if lo >= hi:
        yield problem(("scale",), f"scale: min ({lo}) must be below max ({hi})")
    elif "labels" in scale and len(scale["labels"]) != hi - lo + 1:
        yield problem(
            ("scale", "labels"),
            f"scale: {len(scale['labels'])} labels for {hi - lo + 1} points ({lo}..{hi})",
        )

    stages = data["stages"]
    if stages[0]["min"] != 0:
        yield problem(
            ("stages", 0, "min"), f"stages: the first stage must start at 0, not {stages[0]['min']}"
        )
    for index in range(1, len(stages)):
        if stages[index]["min"] <= stages[index - 1]["min"]:
            yield problem(
                ("stages", index, "min"),
                f"stages: {stages[index]['id']!r} starts at {stages[index]['min']}, "
                f"not above {stages[index - 1]['id']!r} ({stages[index - 1]['min']}); stages must ascend",
            )

    for index, dimension in enumerate(data["dimensions"]):
        for stage_id in dimension.get("stages", {}):
            if stage_id not in stage_ids:
                yield problem(
                    ("dimensions", index, "stages", stage_id),
                    f"dimension {dimension['id']!r} describes unknown stage {stage_id!r}",
                )

    counts = {d: 0 for d in dimension_ids}
    for index, item in enumerate(data["items"]):
        where = ("items", index)
        if item["dimension"] not in dimension_ids:
            yield problem(
                where + ("dimension",), f"item {item['id']!r}: unknown dimension {item['dimension']!r}"
            )
        else:
            counts[item["dimension"]] += 1
        if item["type"] == "choice":
            values = [o["value"] for o in item["options"]]
            if len(set(values)) != len(values):
                yield problem(where + ("options",), f"item {item['id']!r}: two options share a value")
            elif len(set(values)) < 2:
                yield problem(where + ("options",), f"item {item['id']!r}: needs at least two option values")
        elif "labels" in item and len(item["labels"]) != hi - lo + 1:
            yield problem(
                where + ("labels",),
                f"item {item['id']!r}: {len(item['labels'])} labels for {hi - lo + 1} scale points",
            )
    for index, dimension in enumerate(data["dimensions"]):
        if counts.get(dimension["id"]) == 0:
            yield problem(("dimensions", index), f"dimension {dimension['id']!r} has no items")

    covered: set[tuple[str, str]] = set()
    for index, rec in enumerate(data["recommendations"]):
        where = ("recommendations", index)
        if rec["dimension"] not in dimension_ids:
            yield problem(
                where + ("dimension",),
                f"recommendation {rec['id']!r}: unknown dimension {rec['dimension']!r}",
            )
        if rec["stage"] not in stage_ids:
            yield problem(where + ("stage",), f"recommendation {rec['id']!r}: unknown stage {rec['stage']!r}")
        covered.add((rec["dimension"], rec["stage"]))
    for index, dimension in enumerate(data["dimensions"]):
        missing = [s["id"] for s in stages if (dimension["id"], s["id"]) not in covered]
        if missing:
            yield problem(
                ("dimensions", index, "id"),
                f"dimension {dimension['id']!r} has no recommendations for stage(s): {', '.join(missing)}",
            )

    thresholds = data.get("thresholds", {})
    if thresholds.get("floor", 40) > thresholds.get("social", 60):
        yield problem(
            ("thresholds",), "thresholds: floor is above the social threshold; no organisation could pass"
        )
    if thresholds.get("weakness", 0.25) >= thresholds.get("strength", 0.75):
        yield problem(
            ("thresholds",),
            "thresholds: weakness must be below strength, or one answer could be both (rule 11)",
        )

    yield from _check_links(data, problem)
    if data.get("format", 1) >= 2:
        yield from _check_format_2(data, problem)


def _check_links(data: dict[str, Any], problem: Any) -> Iterator[Problem]:
    """Rule 12's links: every address is an item, every requirement a recommendation, no cycles."""
    item_ids = {i["id"] for i in data["items"]}
    recs = data["recommendations"]
    rec_ids = {r["id"] for r in recs}
    index_of = {r["id"]: n for n, r in enumerate(recs)}
    for index, rec in enumerate(recs):
        where = ("recommendations", index)
        for n, item_id in enumerate(rec.get("addresses", ())):
            if item_id not in item_ids:
                yield problem(
                    where + ("addresses", n),
                    f"recommendation {rec['id']!r} addresses unknown item {item_id!r}",
                )
        for n, other in enumerate(rec.get("requires", ())):
            if other == rec["id"]:
                yield problem(where + ("requires", n), f"recommendation {rec['id']!r} requires itself")
            elif other not in rec_ids:
                yield problem(
                    where + ("requires", n),
                    f"recommendation {rec['id']!r} requires unknown recommendation {other!r}",
                )
    # A cycle would leave no order in which every requirement comes first. Depth-first search,
    # reporting each cycle once, at the line of the recommendation where it is first met.
    graph = {r["id"]: [o for o in r.get("requires", ()) if o in rec_ids and o != r["id"]] for r in recs}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    reported: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> Iterator[Problem]:
        state[node] = 1
        path.append(node)
        for other in graph[node]:
            if state.get(other) == 1:
                cycle = path[path.index(other) :] + [other]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield problem(
                        ("recommendations", index_of[other], "requires"),
                        "requires form a cycle: " + " -> ".join(cycle),
                    )
            elif other not in state:
                yield from visit(other, path)
        path.pop()
        state[node] = 2

    for rec in recs:
        if rec["id"] not in state:
            yield from visit(rec["id"], [])


def _normal(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".!?;:")


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in phrase.lower().split())
    return re.compile(rf"(?<![\w-]){words}(?![\w-])")


def _mentions(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text`` as whole words (case and line breaks ignored)."""
    return _phrase_pattern(phrase).search(" ".join(text.lower().split())) is not None


def builds_on(recs: Mapping[str, Mapping[str, Any]], rec_id: str) -> set[str]:
    """Every recommendation ``rec_id`` requires, directly or through others."""
    out: set[str] = set()
    todo = list(recs[rec_id].get("requires", ()))
    while todo:
        other = todo.pop()
        if other not in out and other in recs:
            out.add(other)
            todo.extend(recs[other].get("requires", ()))
    return out


def undeclared_prerequisites(recs: list[Mapping[str, Any]]) -> list[tuple[int, str, str]]:
    """(index, the other step's id, the words used) for each step whose why or actions name
    another recommendation, by its id or its ``name``, without requiring it: the roadmap would
    send a reader to something nobody told them to set up."""
    by_id = {r["id"]: r for r in recs}
    # Each phrase compiled once, each text normalised once: n^2 pairs of 50 steps stay cheap.
    patterns = [
        (other["id"], phrase, " ".join(phrase.lower().split()), _phrase_pattern(phrase))
        for other in recs
        for phrase in (other["id"], other.get("name", ""))
        if phrase
    ]
    found = []
    for index, rec in enumerate(recs):
        text = " ".join(" ".join((rec.get("why", ""), *rec.get("actions", ()))).lower().split())
        needed = builds_on(by_id, rec["id"])
        named: set[str] = set()
        for other_id, phrase, plain, pattern in patterns:
            if other_id == rec["id"] or other_id in needed or other_id in named:
                continue
            if plain in text and pattern.search(text):  # the substring test first: it is cheap
                named.add(other_id)
                found.append((index, other_id, phrase))
    return found


_SENTENCE_BREAK = re.compile(r"[.!?;]\s+\S")


def _check_format_2(data: dict[str, Any], problem: Any) -> Iterator[Problem]:
    """The authoring rules a format 2 file must meet (FORMAT.md), each at its line."""
    points = ", ".join(data.get("scale", {}).get("labels", ())) or "the likert scale"
    for index, item in enumerate(data["items"]):
        where = ("items", index)
        if item["type"] == "choice":
            labels = [o["label"] for o in item["options"]]
        else:
            labels = list(item.get("labels", ()))
        seen: set[str] = set()
        for n, label in enumerate(labels):
            if _normal(label) in seen:
                key = "options" if item["type"] == "choice" else "labels"
                yield problem(where + (key, n), f"item {item['id']!r}: two options read {label!r}")
            seen.add(_normal(label))
        if labels:
            shortest, longest = min(len(x) for x in labels), max(len(x) for x in labels)
            if longest > OPTION_LENGTH_RATIO * shortest:
                yield problem(
                    where + ("options" if item["type"] == "choice" else "labels",),
                    f"item {item['id']!r}: the longest option ({longest} characters) is more than "
                    f"{OPTION_LENGTH_RATIO:g} times the shortest ({shortest}); a long option draws answers",
                )
        frequency = item["type"] == "likert" and "labels" not in item
        if frequency and not item.get("period"):
            yield problem(
                where + ("text",),
                f"item {item['id']!r}: a frequency scale ({points}) needs a reference period "
                "('period: in the last three months') stated in the question",
            )
        if item.get("period") and not _mentions(item["text"], item["period"]):
            yield problem(
                where + ("period",),
                f"item {item['id']!r}: the question must state its period {item['period']!r}",
            )
    minimum = MIN_REVERSE
    for index, dimension in enumerate(data["dimensions"]):
        count = sum(1 for i in data["items"] if i["dimension"] == dimension["id"] and i.get("reverse"))
        if count < minimum:
            yield problem(
                ("dimensions", index, "id"),
                f"dimension {dimension['id']!r} has {count} reverse-keyed item(s); at least {minimum} "
                "keep agreeable answering from raising its score",
            )
    recs = data["recommendations"]
    for index, rec in enumerate(recs):
        where = ("recommendations", index)
        owner = rec["owner"]
        if owner not in OWNERS:
            yield problem(
                where + ("owner",),
                f"recommendation {rec['id']!r}: owner {owner!r} is not one of: {', '.join(OWNERS)}",
            )
        elif not OWNERS[owner] and not rec.get("owner_small"):
            yield problem(
                where + ("owner",),
                f"recommendation {rec['id']!r}: a small organisation may have no {owner}; "
                "name a stand-in in owner_small (for example 'the director')",
            )
        why = " ".join(rec["why"].split())
        if _SENTENCE_BREAK.search(why) or not why.endswith("."):
            yield problem(where + ("why",), f"recommendation {rec['id']!r}: 'why' must be one sentence")
    for index, other, phrase in undeclared_prerequisites(recs):
        yield problem(
            ("recommendations", index, "actions"),
            f"recommendation {recs[index]['id']!r} names {phrase!r} but does not require {other!r}",
        )


def _build(data: dict[str, Any], digest: str, source: str) -> Questionnaire:
    scale = data.get("scale", {})
    lo, hi = scale.get("min", 1), scale.get("max", 5)
    default_labels = scale.get("labels") or [str(v) for v in range(lo, hi + 1)]

    def item_options(item: dict[str, Any]) -> tuple[Option, ...]:
        if item["type"] == "choice":
            return tuple(Option(int(o["value"]), o["label"]) for o in item["options"])
        labels = item.get("labels") or default_labels
        return tuple(Option(v, label) for v, label in zip(range(lo, hi + 1), labels, strict=True))

    thresholds = data.get("thresholds", {})
    return Questionnaire(
        id=data["id"],
        version=str(data["version"]),
        title=data["title"],
        description=data["description"],
        language=data.get("language", "en-GB"),
        estimated_minutes=data.get("estimated_minutes"),
        scale_min=lo,
        scale_max=hi,
        thresholds=Thresholds(
            social=float(thresholds.get("social", 60)),
            floor=float(thresholds.get("floor", 40)),
            min_coverage=float(thresholds.get("min_coverage", 0.6)),
            strength=float(thresholds.get("strength", 0.75)),
            weakness=float(thresholds.get("weakness", 0.25)),
            max_now=int(thresholds.get("max_now", 4)),
            benchmark_min=int(thresholds.get("benchmark_min", 10)),
        ),
        poles={k: dict(v) for k, v in data["poles"].items()},
        classifications={k: dict(v) for k, v in data["classifications"].items()},
        stages=tuple(
            Stage(s["id"], s["label"], float(s["min"]), s.get("description", "")) for s in data["stages"]
        ),
        roles=tuple(
            Role(r["id"], r["label"], bool(r.get("leadership", False))) for r in data.get("roles", [])
        ),
        dimensions=tuple(
            Dimension(
                id=d["id"],
                label=d["label"],
                weight=float(d.get("weight", 1)),
                summary=d.get("summary", ""),
                description=d["description"],
                social=d.get("social", ""),
                broadcast=d.get("broadcast", ""),
                stage_descriptions=dict(d.get("stages", {})),
            )
            for d in data["dimensions"]
        ),
        items=tuple(
            Item(
                id=i["id"],
                dimension=i["dimension"],
                type=i["type"],
                text=i["text"],
                options=item_options(i),
                reverse=bool(i.get("reverse", False)),
                weight=float(i.get("weight", 1)),
                allow_unsure=bool(i.get("allow_unsure", False)),
                help=i.get("help"),
                # A file without practice statements (version 1.0) falls back to the item's text.
                practice=i.get("practice") or i["text"],
                allow_not_applicable=bool(i.get("allow_not_applicable", False)),
                practice_stated=bool(i.get("practice")),
                period=i.get("period", ""),
            )
            for i in data["items"]
        ),
        recommendations=tuple(
            Recommendation(
                id=r["id"],
                dimension=r["dimension"],
                stage=r["stage"],
                title=r["title"],
                why=r["why"],
                actions=tuple(r["actions"]),
                effort=r["effort"],
                impact=int(r["impact"]),
                horizon=r["horizon"],
                owner=r["owner"],
                addresses=tuple(r.get("addresses", ())),
                requires=tuple(r.get("requires", ())),
                owner_small=r.get("owner_small", ""),
                effort_by_size=tuple(
                    (k, r["effort_by_size"][k]) for k in sorted(r.get("effort_by_size", {}))
                ),
                name=r.get("name", ""),
            )
            for r in data["recommendations"]
        ),
        content_hash=digest,
        source=source,
        format=int(data.get("format", 1)),
        comparable_with=tuple(str(v) for v in data.get("comparable_with", ())),
        data=data,
    )


# --------------------------------------------------------------------------- translations
#
# A translation is a sidecar file beside the questionnaire file (``social-organisation.de.yaml``
# beside ``social-organisation.yaml``) holding the texts only, keyed by id (FORMAT.md, "Translations").
# It never holds ids, values, weights or thresholds, so a translated questionnaire scores exactly
# as the file it translates; it can be added to a published version without changing it.

# The language part of a translation's file name: a BCP 47 tag's shape ("de", "pt-BR").
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
TRANSLATION_HEADER = ("translation_of", "version", "language")
# The text fields of each part of a questionnaire, under the same names in a translation.
TEXT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "": ("title", "description"),
    "poles": ("label", "description"),
    "classifications": ("label", "summary"),
    "stages": ("label", "description"),
    "roles": ("label",),
    "dimensions": ("label", "summary", "description", "social", "broadcast"),
    "items": ("text", "help", "practice", "period", "labels"),
    "recommendations": ("title", "why", "actions", "name", "owner_small"),
}
# What one key of each mapping names, for messages.
_KINDS = {
    "poles": "pole",
    "classifications": "classification",
    "stages": "stage",
    "roles": "role",
    "dimensions": "dimension",
    "items": "item",
    "recommendations": "recommendation",
}


def base_language(tag: str) -> str:
    """A language tag's language: "en-GB" -> "en" (what the app's locale choice names)."""
    return tag.split("-")[0].lower()


def sidecar_language(path: str | Path) -> str | None:
    """The language of a translation file (``social-organisation.de.yaml`` -> "de"); None for a
    questionnaire file (``social-organisation-1.1.yaml``)."""
    stem = Path(path).stem
    if "." not in stem:
        return None
    tag = stem.rsplit(".", 1)[1]
    return tag if _LANGUAGE_TAG.match(tag) else None


def sidecar_files(path: str | Path) -> list[Path]:
    """The translation files beside a questionnaire file, by name."""
    path = Path(path)
    return sorted(
        p
        for p in path.parent.glob(f"*{path.suffix}")
        if sidecar_language(p) is not None and Path(p.stem).stem == path.stem
    )


def translated_file(sidecar: str | Path) -> Path:
    """The questionnaire file a translation file sits beside (``x.de.yaml`` -> ``x.yaml``)."""
    sidecar = Path(sidecar)
    return sidecar.with_name(Path(sidecar.stem).stem + sidecar.suffix)


@dataclass(frozen=True)
class _Text:
    """One text a translation must give: where the questionnaire's data has it, and for a list of
    texts (scale labels, actions) how many."""

    source: tuple[Any, ...]
    count: int | None = None


def _text_tree(data: Mapping[str, Any]) -> dict[str, Any]:
    """The shape a translation of ``data`` must have: lists of things with ids become mappings by
    id (choice options by value), and each text a _Text."""

    def texts(entry: Mapping[str, Any], part: str, where: tuple[Any, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in TEXT_FIELDS[part]:
            value = entry.get(name)
            if isinstance(value, str):
                out[name] = _Text(where + (name,))
            elif isinstance(value, list):
                out[name] = _Text(where + (name,), len(value))
        return out

    tree = texts(data, "", ())
    labels = data.get("scale", {}).get("labels")
    if labels:
        tree["scale"] = {"labels": _Text(("scale", "labels"), len(labels))}
    for part in ("poles", "classifications"):
        tree[part] = {key: texts(value, part, (part, key)) for key, value in data[part].items()}
    for part in ("stages", "roles", "dimensions", "items", "recommendations"):
        entries = {}
        for index, entry in enumerate(data.get(part, ())):
            where = (part, index)
            node = texts(entry, part, where)
            if part == "dimensions" and entry.get("stages"):
                node["stages"] = {stage: _Text(where + ("stages", stage)) for stage in entry["stages"]}
            if part == "items" and entry.get("options"):
                node["options"] = {
                    str(option["value"]): _Text(where + ("options", n, "label"))
                    for n, option in enumerate(entry["options"])
                }
            entries[entry["id"]] = node
        if entries:
            tree[part] = entries
    return tree


def _kind_of(path: tuple[str, ...]) -> str | None:
    """What a key under ``path`` names when it is an id ("item"), None when it is a field."""
    if len(path) == 1 and path[0] in _KINDS:
        return _KINDS[path[0]]
    if len(path) == 3 and path[0] == "dimensions" and path[2] == "stages":
        return "stage"
    if len(path) == 3 and path[0] == "items" and path[2] == "options":
        return "option"
    return None


def _check_texts(
    data: Mapping[str, Any], tree: Mapping[str, Any], lines: _LineMap, source: str, label: str
) -> tuple[list[Problem], dict[tuple[Any, ...], Any]]:
    """Every problem of a translation's texts against the shape the questionnaire asks, and the
    texts found, by where the questionnaire has them."""
    problems: list[Problem] = []
    found: dict[tuple[Any, ...], Any] = {}

    def problem(path: tuple[Any, ...], message: str) -> None:
        where = ".".join(str(p) for p in path if p != "__key__") or "top level"
        problems.append(Problem(source, lines.line(path), f"{where}: {message}"))

    def text(value: Any, path: tuple[Any, ...]) -> bool:
        if not isinstance(value, str):
            problem(path, "must be text")
            return False
        if not value.strip():
            problem(path, "must not be blank")
            return False
        return True

    def walk(node: Any, expected: Any, path: tuple[str, ...]) -> None:
        if isinstance(expected, _Text):
            if expected.count is None:
                if text(node, path):
                    found[expected.source] = node
            elif not isinstance(node, list):
                problem(path, f"must be a list of {expected.count} texts, as in the source")
            elif len(node) != expected.count:
                problem(path, f"{len(node)} texts for the source's {expected.count} (same count and order)")
            elif all([text(value, path + (n,)) for n, value in enumerate(node)]):
                found[expected.source] = list(node)
            return
        kind = _kind_of(path)
        if not isinstance(node, dict):
            problem(path, f"must be a mapping of {kind} ids to their texts" if kind else "must be a mapping")
            return
        given = {str(key): value for key, value in node.items()}
        for key in given:
            if key in expected:
                continue
            if kind == "option":
                problem(path + (key, "__key__"), f"item {path[1]!r} has no option with value {key}")
            elif kind:
                problem(path + (key, "__key__"), f"unknown {kind} {key!r} ({label} has none)")
            elif not path:
                problem(
                    (key, "__key__"), f"unknown field {key!r}: a translation holds only the texts of {label}"
                )
            else:
                problem(
                    path + (key, "__key__"),
                    f"unknown field {key!r}: the source has no such text here "
                    f"(it has: {', '.join(expected) or 'none'})",
                )
        for key, sub in expected.items():
            if key in given:
                walk(given[key], sub, path + (key,))
            elif kind == "option":
                problem(path + ("__key__",), f"the label of option {key} is missing")
            elif kind:
                problem(
                    path + ("__key__",),
                    f"{kind} {key!r} is missing (every one of the source's needs its texts)",
                )
            else:
                problem(path + ("__key__",), f"{key!r} is missing (the source has it)")

    body = {k: v for k, v in data.items() if k not in TRANSLATION_HEADER}
    walk(body, tree, ())
    return problems, found


@dataclass(frozen=True)
class Translation:
    """A translation file checked against the questionnaire it translates."""

    questionnaire_id: str
    version: str
    language: str
    source: str
    # The translated texts, by where the questionnaire's parsed file has them.
    texts: Mapping[tuple[Any, ...], Any] = field(repr=False)
    content_hash: str = ""  # of the questionnaire it was checked against

    def apply(self, questionnaire: Questionnaire) -> Questionnaire:
        """The questionnaire with every text replaced: ids, values, weights, thresholds and the
        content hash (the scoring identity) are the original's, so every score is too."""
        if questionnaire.original is not None:
            questionnaire = questionnaire.original
        if questionnaire.content_hash != self.content_hash:
            raise ValueError(f"{self.source} was checked against another text of {questionnaire.id}")
        data = copy.deepcopy(dict(questionnaire.data))
        for path, value in self.texts.items():
            target: Any = data
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = copy.copy(value)
        data["language"] = self.language
        built = _build(data, questionnaire.content_hash, questionnaire.source)
        return replace(built, original=questionnaire)


def parse_translation(
    text: str, source: str, questionnaire: Questionnaire, language: str | None = None
) -> Translation:
    """Check a translation's text against ``questionnaire``; raise QuestionnaireError naming the
    file, the line and the reason of every problem. ``language``: what the file's name says."""
    data, lines, problems = _read_mapping(text, source)
    label = f"{questionnaire.id} {questionnaire.version}"

    def header(key: str, message: str) -> None:
        problems.append(Problem(source, lines.line((key,)) if key in data else 1, f"{key}: {message}"))

    of, version, tag = data.get("translation_of"), data.get("version"), data.get("language")
    if "translation_of" not in data:
        header("translation_of", f"missing (this file translates {questionnaire.id!r})")
    elif of != questionnaire.id:
        header("translation_of", f"{of!r}, but the file beside it is {questionnaire.id!r}")
    if "version" not in data:
        header("version", f"missing (the file beside it is version {questionnaire.version!r})")
    elif not isinstance(version, str):
        header("version", f'write it as a quoted string ("{questionnaire.version}"), not {version!r}')
    elif version != questionnaire.version:
        header(
            "version",
            f"{version!r}, but the file beside it is version {questionnaire.version!r} "
            "(a translation belongs to one version)",
        )
    if "language" not in data:
        header("language", "missing")
    elif not isinstance(tag, str) or not _LANGUAGE_TAG.match(tag):
        header("language", f"{tag!r} is not a language tag (like de or pt-BR)")
    elif language is not None and tag != language:
        header("language", f"{tag!r}, but the file name says {language!r}")
    elif base_language(tag) == base_language(questionnaire.language):
        header("language", f"{tag!r} is the questionnaire's own language ({questionnaire.language})")

    found_problems, texts = _check_texts(data, _text_tree(questionnaire.data), lines, source, label)
    problems.extend(found_problems)
    if problems:
        raise QuestionnaireError(sorted(problems, key=lambda p: p.line or 0))
    return Translation(
        questionnaire.id, questionnaire.version, tag, source, texts, questionnaire.content_hash
    )


def load_translation(path: str | Path, questionnaire: Questionnaire) -> Translation:
    """Load one translation file of ``questionnaire`` (QuestionnaireError: file, line, reason)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([Problem(str(path), None, f"cannot read the file: {exc}")]) from None
    return parse_translation(text, str(path), questionnaire, sidecar_language(path))


def load_translations(path: str | Path, questionnaire: Questionnaire) -> list[Translation]:
    """Every translation beside the questionnaire file ``path``; the problems of all of them at
    once in one QuestionnaireError."""
    out, problems = [], []
    for sidecar in sidecar_files(path):
        try:
            out.append(load_translation(sidecar, questionnaire))
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
    if problems:
        raise QuestionnaireError(problems)
    return out


def translation_template(
    questionnaire: Questionnaire, language: str, change: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """A complete translation of ``questionnaire`` as the data of a translation file, each text
    its source's passed through ``change`` (as written when None): the start of a translator's
    file, and the tests' pseudo translation."""
    change = change or (lambda text: text)
    data = questionnaire.data

    def fill(node: Any) -> Any:
        if isinstance(node, _Text):
            value: Any = data
            for part in node.source:
                value = value[part]
            return [change(v) for v in value] if node.count is not None else change(value)
        return {key: fill(sub) for key, sub in node.items()}

    out: dict[str, Any] = {
        "translation_of": questionnaire.id,
        "version": questionnaire.version,
        "language": language,
    }
    for key, sub in _text_tree(data).items():
        out[key] = fill(sub)
    # Choice options are keyed by their integer value, as a translator writes them.
    for entry in out.get("items", {}).values():
        if "options" in entry:
            entry["options"] = {int(k): v for k, v in entry["options"].items()}
    return out
