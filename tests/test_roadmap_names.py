"""Every step's text refers only to steps before it: a recommendation whose why or actions name
another recommendation requires it, directly or through others (rule 12 then puts it first).

What counts as naming one is derived from the other recommendations' ids and titles, for every
shipped file and the seven-point test file, not from a list of phrases: its id; its whole title;
or two consecutive words of its title that are no stop words and appear in no other
recommendation's title ("the listening rota" names "Start a twice-weekly listening rota"; "the
leadership meeting" names nothing, since "leadership" is in other titles too).
"""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from assessment.domain.questionnaire import (
    Questionnaire,
    Recommendation,
    load_questionnaire,
    parse_questionnaire,
    questionnaire_files,
)
from tests.conftest import DATA, REPO
from tests.test_rules_11_12 import questionnaire_text

FILES = questionnaire_files(REPO / "questionnaires") + [DATA / "seven-point.yaml"]
POOL = {path.name: load_questionnaire(path) for path in FILES}
LINKED = sorted(name for name, q in POOL.items() if any(r.addresses or r.requires for r in q.recommendations))

# English function words and small numbers: they make no name on their own.
STOP = frozenset(
    re.findall(
        r"\w+",
        """a an the of to and or in on for with from by at as is are be it its this that who what when
        where how why than so not no but if into over about after before each every all any some one
        two three four five six your our their they them we you can may will do has have more most
        own same other such only just out up off""",
    )
)


def words(text: str) -> list[str]:
    """Lower-case words, hyphenated ones split, a plural's final s dropped ("mentors" = "mentor")."""
    found = re.findall(r"[a-z]+", text.lower())
    return [w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in found]


def title_names(q: Questionnaire, rec: Recommendation) -> set[tuple[str, str]]:
    others = {w for r in q.recommendations if r.id != rec.id for w in words(r.title)}
    title = words(rec.title)
    return {
        (a, b)
        for a, b in pairwise(title)
        if a not in STOP and b not in STOP and a not in others and b not in others
    }


def named_in(q: Questionnaire, rec: Recommendation) -> set[str]:
    """The other recommendations ``rec``'s why and actions name."""
    text = " ".join((rec.why, *rec.actions))
    lowered, said = text.lower(), words(text)
    pairs = set(pairwise(said))
    out = set()
    for other in q.recommendations:
        if other.id == rec.id:
            continue
        by_id = re.search(rf"\b{re.escape(other.id)}\b", text) is not None
        by_title = other.title.lower().rstrip(".") in lowered
        if by_id or by_title or title_names(q, other) & pairs:
            out.add(other.id)
    return out


def builds_on(q: Questionnaire, rec: Recommendation) -> set[str]:
    recs = {r.id: r for r in q.recommendations}
    out: set[str] = set()
    todo = list(rec.requires)
    while todo:
        rid = todo.pop()
        if rid not in out:
            out.add(rid)
            todo.extend(recs[rid].requires)
    return out


@pytest.mark.parametrize("name", LINKED)
def test_a_step_names_another_only_if_it_builds_on_it(name):
    q = POOL[name]
    for rec in q.recommendations:
        missing = named_in(q, rec) - builds_on(q, rec)
        assert not missing, f"{name}: {rec.id} names {sorted(missing)} without requiring them"


def test_files_without_rule_12_links_are_the_published_1_0():
    # 1.0 predates `requires` and `addresses` (its roadmap is rule 8's choice) and is published
    # content, so it is left as it was; every other file is checked above.
    unlinked = sorted(set(POOL) - set(LINKED))
    assert all(POOL[name].version == "1.0" for name in unlinked)
    assert "social-organisation.yaml" in LINKED


def test_the_derivation_finds_a_name_and_ignores_shared_words():
    # A small file of our own: three titles, "leadership" in two of them.
    text = questionnaire_text()
    for rid, title in (
        ("a_low", "Start a weekly listening rota"),
        ("a_mid", "Open every leadership meeting with real comments"),
        ("a_mid2", "Hold a leadership review"),
    ):
        text = text.replace(f"title: T {rid},", f"title: {title},")
    q = parse_questionnaire(text, "names.yaml")
    rota = next(r for r in q.recommendations if r.id == "a_low")
    assert title_names(q, rota) == {("weekly", "listening"), ("listening", "rota")}
    meeting = next(r for r in q.recommendations if r.id == "a_mid")
    assert ("leadership", "meeting") not in title_names(q, meeting)  # "leadership" is in another title
    fake = Recommendation(
        id="x",
        dimension="a",
        stage="low",
        title="Something else",
        why="Use what the listening rotas find.",  # a plural still names it
        actions=("After b_base, and at the leadership meeting.",),  # an id names it too
        effort="low",
        impact=1,
        horizon="now",
        owner="o",
    )
    assert named_in(q, fake) == {"a_low", "b_base"}
