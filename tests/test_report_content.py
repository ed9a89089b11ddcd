"""What the report says is true for the organisation it is about, over contrasting answer sets:
the verdict names the real stage, bottleneck, strongest area and first step; the coverage table
matches the answers."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from assessment.domain.figures import change_text, score_bounds, score_text
from assessment.domain.groups import Member, summarise
from assessment.domain.result import score
from assessment.domain.scoring import NOT_APPLICABLE, UNSURE, item_score
from reports import build_context, group_data_from_summary, render_html

PROFILES = {
    "broadcasting": dict(dialogue=0.05, interaction=0.1, engagement=0.0, leadership=0.1, policy=0.05),
    "mid-stage held by leadership": dict(
        dialogue=0.6, interaction=0.55, engagement=0.6, leadership=0.15, policy=0.6
    ),
    "held back above the threshold": dict(
        dialogue=0.85, interaction=0.8, engagement=0.8, leadership=0.3, policy=0.8
    ),
    "near networked": dict(dialogue=0.9, interaction=0.85, engagement=0.95, leadership=0.8, policy=0.9),
    "policy lowest": dict(dialogue=0.5, interaction=0.5, engagement=0.45, leadership=0.5, policy=0.2),
}


def _at(q, levels, rng=None):
    out = {}
    for item in q.items:
        values = sorted(o.value for o in item.options)
        level = levels.get(item.dimension, 0.5)
        if rng is not None:
            level = min(1.0, max(0.0, level + rng.gauss(0, 0.15)))
        if item.reverse:
            level = 1 - level
        out[item.id] = values[round(level * (len(values) - 1))]
    return out


@pytest.mark.parametrize("profile", list(PROFILES))
def test_verdict_names_stage_bottleneck_strongest_area_and_first_step(v1, profile):
    result = score(v1, _at(v1, PROFILES[profile]))
    context = build_context(result, organisation="X", date=dt.date(2026, 1, 1))
    verdict = context.verdict_explanation
    assert f"{result.stage.label} stage" in verdict
    bottleneck = result.dimension(result.classification.bottleneck)
    lowest = min(d.score for d in result.dimensions)
    assert bottleneck.score == lowest
    assert f"{bottleneck.label}" in verdict and score_text(bottleneck.score, v1) in verdict
    # Rule 15: the strongest area is the highest with a strength, and the verdict quotes one.
    if result.strongest is not None and result.strongest != bottleneck.id:
        best = result.dimension(result.strongest)
        assert f"{best.label}" in verdict and score_text(best.score, v1) in verdict
        assert any(f.text in verdict for f in result.findings if f.dimension == best.id and f.strength)
    named = {bottleneck.id, result.strongest}
    nearest = [f for f in result.findings if f.score is not None]
    if result.strongest is None and nearest:
        named.add(max(nearest, key=lambda f: f.score).dimension)
    for d in result.dimensions:
        if d.id not in named:
            assert f"{d.label} (" not in verdict and f"{d.label}, at" not in verdict  # no other is named
    if context.priorities:
        assert f"\u201c{context.priorities[0].title}\u201d" in verdict
    if result.classification.held_back:
        assert "not one yet" in verdict or "does not count as one yet" in verdict
    if result.classification.id == "social_organisation":
        assert "is a social organisation" in verdict or "counts as a social organisation" in verdict
    for d in result.dimensions:  # no stage description is passed off as the organisation's own
        for text in v1.dimension(d.id).stage_descriptions.values():
            assert " ".join(text.split()) not in verdict


def test_verdicts_differ_between_organisations(v1):
    verdicts = {
        build_context(score(v1, _at(v1, p)), organisation="X", date=dt.date(2026, 1, 1)).verdict_explanation
        for p in PROFILES.values()
    }
    assert len(verdicts) == len(PROFILES)


def test_provisional_verdict_says_which_dimensions_lack_answers(v1):
    answers = _at(v1, PROFILES["policy lowest"])
    for item in v1.items_of("engagement"):
        answers.pop(item.id)
    context = build_context(score(v1, answers), organisation="X", date=dt.date(2026, 1, 1))
    assert "Too few answers to score Engagement" in context.verdict_explanation
    assert "provisional" in context.verdict_explanation


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_individual_coverage_table_matches_the_answers(v1, seed):
    rng = random.Random(seed)
    answers = _at(v1, PROFILES["mid-stage held by leadership"], rng)
    unsure_items = [i for i in v1.items if i.allow_unsure]
    for item in rng.sample(unsure_items, min(3, len(unsure_items))):
        answers[item.id] = UNSURE
    for item in rng.sample(v1.items, 4):
        answers.pop(item.id, None)
    not_applicable = [i for i in v1.items if i.allow_not_applicable and i.id in answers][:3]
    for item in not_applicable:
        answers[item.id] = NOT_APPLICABLE
    context = build_context(score(v1, answers), organisation="X", date=dt.date(2026, 1, 1))
    for d, row in zip(v1.dimensions, context.coverage, strict=True):
        items = v1.items_of(d.id)
        assert row.respondents is None
        assert row.answered == sum(1 for i in items if isinstance(answers.get(i.id), int))
        assert row.unsure == sum(1 for i in items if answers.get(i.id) == UNSURE)
        assert row.not_applicable == sum(1 for i in items if answers.get(i.id) == NOT_APPLICABLE)
        assert row.possible == len(items)
    # The appendix says "not applicable", not "not answered", for those answers.
    shown = {row.item: row.answer for group in context.answers for row in group.rows}
    assert not_applicable and all(shown[i.id] == "Not applicable here" for i in not_applicable)
    assert "Not answered" not in {shown[i.id] for i in v1.items if i.id in answers}


@pytest.mark.parametrize("seed", [4, 5])
def test_group_coverage_table_counts_every_members_answers(v1, seed):
    rng = random.Random(seed)
    roles = [r.id for r in v1.roles]
    sets = []
    for n in range(7):
        answers = _at(v1, PROFILES["policy lowest"], rng)
        if n % 3 == 0:  # some members leave a whole dimension unanswered, some say unsure
            for item in v1.items_of("interaction"):
                answers.pop(item.id)
        for item in [i for i in v1.items if i.allow_unsure][: n % 4]:
            answers[item.id] = UNSURE
        sets.append(answers)
    members = [
        Member(role=roles[n % len(roles)], scores={d.id: d.score for d in score(v1, a).dimensions}, answers=a)
        for n, a in enumerate(sets)
    ]
    summary = summarise(v1, members, {roles[0]})
    group = group_data_from_summary(summary, v1, answer_sets=sets, name="W")
    context = build_context(summary.result, organisation="X", date=dt.date(2026, 1, 1), group=group)
    for d, row in zip(v1.dimensions, context.coverage, strict=True):
        items = v1.items_of(d.id)
        answered = sum(1 for a in sets for i in items if isinstance(a.get(i.id), int))
        unsure = sum(1 for a in sets for i in items if a.get(i.id) == UNSURE)
        scored = sum(1 for m in members if m.scores[d.id] is not None)
        assert (row.answered, row.unsure, row.possible) == (answered, unsure, len(items) * len(sets))
        assert row.respondents == f"{scored} of {len(sets)}"
        assert row.answered > 0  # the old table said 0 answered for every group
    interaction = context.coverage[[d.id for d in v1.dimensions].index("interaction")]
    assert interaction.respondents == f"{len(sets) - 3} of {len(sets)}"
    assert interaction.coverage != "100%"


def _group(v1, roles_of_members, seed=9):
    rng = random.Random(seed)
    sets, members = [], []
    for role in roles_of_members:
        levels = dict(PROFILES["policy lowest"])
        if role == "leadership":
            levels["leadership"] = 0.95  # leaders see their own involvement far rosier
        answers = _at(v1, levels, rng)
        sets.append(answers)
        members.append(
            Member(role=role, scores={d.id: d.score for d in score(v1, answers).dimensions}, answers=answers)
        )
    summary = summarise(v1, members, {"leadership"})
    group = group_data_from_summary(summary, v1, answer_sets=sets, name="W")
    return summary, build_context(summary.result, organisation="X", date=dt.date(2026, 1, 1), group=group)


def test_group_summary_states_the_widest_perception_gap(v1):
    summary, context = _group(v1, ["leadership"] * 3 + ["staff"] * 4)
    rows = summary.gap.dimensions
    widest = max(rows, key=lambda d: abs(rows[d]["gap"]))
    label = next(d.label for d in v1.dimensions if d.id == widest)
    assert widest == "leadership"
    assert (
        f"the widest gap is in {label}, where leaders score it {abs(rows[widest]['gap']):.0f} points higher"
        in (context.group.gap_summary)
    )


def test_group_summary_says_why_the_gap_is_withheld(v1):
    _, context = _group(v1, ["leadership"] * 2 + ["staff"] * 5)
    assert context.group.gap_rows == ()
    assert context.group.gap_summary.startswith("The comparison of leaders and the others is withheld")
    assert "fewer than 3 leaders" in context.group.gap_summary


def test_group_sds_are_all_on_the_0_to_100_scale(v1):
    summary, context = _group(v1, ["leadership"] * 3 + ["staff"] * 4)
    for prompt, shown in zip(summary.prompts, context.group.prompts, strict=True):
        item = next(i for i in v1.items if i.id == prompt.item)
        assert float(shown.sd) == pytest.approx(100 * prompt.sd / (item.hi - item.lo), abs=0.05)
    for label, view in context.group.rows:
        d = next(d for d in v1.dimensions if d.label == label)
        assert float(view.sd) == pytest.approx(summary.stats[d.id].sd, abs=0.05)  # dimension scores are 0-100


@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_listed_strength_and_weakness_meets_rule_11(v1, profile):
    rng = random.Random(profile)
    answers = _at(v1, PROFILES[profile], rng)
    result = score(v1, answers)
    context = build_context(result, organisation="X", date=dt.date(2026, 1, 1))
    items = {i.id: i for i in v1.items}
    t = v1.thresholds
    listed_strong, listed_weak = set(), set()
    for section in context.dimensions:
        for p in section.strongest:
            s = item_score(items[p.item], answers[p.item])
            assert s >= t.strength and items[p.item].dimension == section.id
            assert p.text == items[p.item].practice  # by the practice it measures
            listed_strong.add(p.item)
        for p in section.weakest:
            assert item_score(items[p.item], answers[p.item]) <= t.weakness
            listed_weak.add(p.item)
    # ... and nothing that qualifies is left out.
    assert listed_strong == {f.item for f in result.strengths}
    assert listed_weak == {f.item for f in result.weaknesses}


def test_empty_states_are_said_not_filled_with_the_least_bad(v1):
    result = score(v1, _at(v1, PROFILES["broadcasting"]))
    context = build_context(result, organisation="X", date=dt.date(2026, 1, 1))
    html = render_html(context)
    assert all(not s.has_strength for s in context.dimensions)  # everything at the unsocial end
    assert html.count("In place or nearly: none yet") == len(v1.dimensions)
    assert "No area has a strength yet" in context.verdict_explanation or (
        "Nothing is a strength yet" in context.verdict_explanation
    )
    top = score(v1, _at(v1, {d.id: 1.0 for d in v1.dimensions}))
    context = build_context(top, organisation="X", date=dt.date(2026, 1, 1))
    assert all(g.kind != "weak" for s in context.dimensions for g in s.finding_groups)
    assert "none yet" not in render_html(context)


@pytest.mark.parametrize("profile", list(PROFILES))
def test_roadmap_shows_the_effective_horizons_and_only_chosen_steps(v1, profile):
    result = score(v1, _at(v1, PROFILES[profile]))
    context = build_context(result, organisation="X", date=dt.date(2026, 1, 1))
    shown = [(e.id, h.id) for h in context.roadmap for e in h.entries]
    assert sorted(shown) == sorted((e.recommendation.id, e.horizon) for e in result.roadmap)
    assert sum(1 for _, h in shown if h == "now") <= v1.thresholds.max_now
    chosen = {e.recommendation.id for e in result.roadmap}
    for section in context.dimensions:
        assert {r.id for r in section.recommendations} <= chosen  # nothing already in place
    rank = {e.id: e.rank for h in context.roadmap for e in h.entries}
    for h in context.roadmap:
        for e in h.entries:
            for needed in [
                r for r in next(x for x in v1.recommendations if x.id == e.id).requires if r in rank
            ]:
                assert rank[needed] < e.rank and f"#{rank[needed]}" in e.builds_on


def test_report_says_what_changed_since_the_last_assessment_of_its_series(app, v1):
    """Three assessments in one series: the third's report compares with the second, per dimension
    and overall, and draws the history of all three (as the results page does)."""
    from datetime import UTC, datetime, timedelta

    from assessment.services import self_assessment
    from assessment.services.reports import assessment_report_context

    levels = [PROFILES["broadcasting"], PROFILES["policy lowest"], PROFILES["mid-stage held by leadership"]]
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        first, _ = self_assessment.submit(session, v1.id, _at(v1, levels[0]), organisation="Kestrel")
        first.completed_at = datetime(2026, 3, 1, tzinfo=UTC)
        chain = [first]
        for n, lv in enumerate(levels[1:], start=1):
            nxt = self_assessment.retake(session, chain[-1])
            self_assessment.save_answers(nxt, _at(v1, lv))
            self_assessment.complete_assessment(session, nxt)
            nxt.completed_at = first.completed_at + timedelta(days=90 * n)
            chain.append(nxt)
        session.flush()
        second_ctx = assessment_report_context(chain[1])
        third_ctx = assessment_report_context(chain[2])
        third_full = assessment_report_context(chain[2], "full")
        first_ctx = assessment_report_context(chain[0])
        before = score(v1, _at(v1, levels[1]))
        now = score(v1, _at(v1, levels[2]))
    assert first_ctx.changes == () and first_ctx.history is None  # nothing to compare with
    assert second_ctx.previous_label == "1 March 2026" and second_ctx.history is None  # two points: no line
    assert third_ctx.previous_label == "30 May 2026"
    for d_before, d_now, row in zip(before.dimensions, now.dimensions, third_ctx.changes, strict=False):
        assert row.label == d_now.label
        # Rule 17: each figure as shown, and the change the difference of the two shown.
        assert (row.before, row.now, row.change) == change_text(d_before.score, d_now.score, score_bounds(v1))
    assert third_ctx.changes[-1].label == "Overall index"
    assert third_ctx.changes[-1].now == score_text(now.overall, v1)
    svg = third_ctx.history.svg
    assert 'data-series="overall"' in svg and svg.count('class="series"') == 1 + len(v1.dimensions)
    html = render_html(third_ctx)  # the core: the changes stand in the summary's table
    assert "Since 30 May 2026." in html and "What changed since last time" not in html
    assert "What changed since last time" in render_html(third_full)


def test_verdict_quotes_the_stage_text_in_running_prose():
    from reports.context import _lower_first

    assert _lower_first("A written policy exists.") == "a written policy exists."
    assert _lower_first("Posts are announcements.") == "posts are announcements."
    assert _lower_first("HR owns it.") == "HR owns it."


def test_characters_no_font_can_draw_are_left_out_cleanly_and_emoji_kept(v1):
    result = score(v1, _at(v1, PROFILES["near networked"]))
    context = build_context(
        result,
        organisation="Harbour \ue000Network \U0010fffd🌊",
        date=dt.date(2026, 1, 1),
        commentary="Great work 🎉\ue001 team",
        prepared_by="Anna \ue002Berg",
    )
    assert context.organisation == "Harbour Network 🌊"
    assert context.commentary == ("Great work 🎉 team",)
    assert context.prepared_by == "Anna Berg"


@pytest.mark.parametrize("level", [0.0, 1.0])
def test_a_reverse_keyed_answer_is_quoted_with_its_question(v1, level):
    """The practice is worded the social way round and a reverse-keyed question the other: the
    answer under it names the question, or "Always" under "Posts that invite..." reads as praise."""
    result = score(v1, _at(v1, {d.id: level for d in v1.dimensions}))
    context = build_context(result, organisation="X", date=dt.date(2026, 1, 1))
    items = {i.id: i for i in v1.items}
    listed = [p for d in context.dimensions for p in (*d.strongest, *d.weakest)]
    reversed_ones = [p for p in listed if items[p.item].reverse]
    assert reversed_ones  # every reverse-keyed item is a strength at 1.0 and a weakness at 0.0
    for p in listed:
        item = items[p.item]
        quoted = f"\u201c{item.option_label(result.answers[item.id])}\u201d"
        assert p.answer.startswith(f"answered {quoted}")
        assert (f"to \u201c{item.text}\u201d" in p.answer) is item.reverse


@pytest.mark.parametrize("seed", range(6))
def test_printed_scores_agree_with_their_stage_and_the_floor(v1, seed):
    """The middle report printed "40" with "Below the floor of 40" and the stage under 40, for a
    score of 39.6: every printed score now lies on the same side of each bound as the score."""
    rng = random.Random(seed)
    levels = {d.id: rng.uniform(0.3, 0.6) for d in v1.dimensions}
    result = score(v1, _at(v1, levels, rng))
    context = build_context(result, organisation="X", date=dt.date(2026, 1, 1))
    floor = v1.thresholds.floor
    for d, section in zip(result.dimensions, context.dimensions, strict=True):
        if d.score is None:
            continue
        printed = float(section.score_display)
        assert (printed < floor) == section.below_floor
        assert (printed >= d.stage.min) and v1.stage_for(printed) == d.stage
    if result.overall is not None:
        assert (float(context.overall_display) >= v1.thresholds.social) == (
            result.overall >= v1.thresholds.social
        )
