"""Cohort comparisons in plain words (issue: comparison pages and PDFs): one function turns an
effect size and its points into words, and pages, PDFs and the two-minute summary all print it.

Properties over generated cohorts check that the words never call a difference between two
groups of people an improvement, that the words agree with the figures shown beside them
(rule 17: the change is the difference of the shown means), and that the summary speaks no
statistics; app tests check the default waves, the appendix and the cache."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from assessment.db.models import Group
from assessment.domain import stats
from assessment.domain.comparison_words import INDEPENDENT, PAIRED, effect_words, size_of
from assessment.domain.figures import shown_change, shown_number, shown_score
from assessment.services import cohorts, comparison_report, report_cache
from assessment.services.comparison_report import _row_independent, _row_paired
from reports.comparison import build_comparison, render_comparison_html

from .test_cohorts import A, B, new_cohort, open_wave, submit
from .test_cohorts import v1 as v1
from .test_workshop import facilitator

BOUNDS = (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)
DIMS = ("dialogue", "interaction", "engagement")
STATS_WORDS = re.compile(r"Holm|d_z|d<sub>z</sub>|Hedges|p value|interval|significan", re.I)
CHANGE_WORDS = re.compile(r"improv|declin", re.I)


def change_of(a: float, b: float) -> object:
    return shown_change(shown_score(a, BOUNDS, 1), shown_score(b, BOUNDS, 1))


# --------------------------------------------------------------------------- the one function


def test_paired_words_speak_of_improvement_and_decline():
    up = effect_words(0.9, change_of(40.0, 52.0), design=PAIRED, clear=True)
    assert (up.text, up.size) == ("up 12.0 points, a large improvement", "large")
    down = effect_words(-0.6, change_of(50.0, 43.0), design=PAIRED, clear=True)
    assert down.text == "down 7.0 points, a medium decline"
    chance = effect_words(0.3, change_of(50.0, 53.0), design=PAIRED, clear=False)
    assert chance.text == "up 3.0 points, a small improvement that could be chance"


def test_two_cohorts_at_the_start_started_higher_or_lower_never_improved():
    higher = effect_words(0.86, change_of(37.4, 41.2), design=INDEPENDENT, at_start=True, clear=True)
    assert higher.text == "started 3.8 points higher, a small difference"
    lower = effect_words(-1.2, change_of(60.0, 45.0), design=INDEPENDENT, at_start=True, clear=True)
    assert lower.text == "started 15.0 points lower, a large difference"
    later = effect_words(1.2, change_of(45.0, 60.0), design=INDEPENDENT, clear=True)
    assert later.text == "scored 15.0 points higher, a large difference"
    level = effect_words(0.01, change_of(45.01, 45.03), design=INDEPENDENT, at_start=True, clear=False)
    assert level.text == "started level, no meaningful difference"


def test_a_few_points_are_never_large_and_noise_is_never_large():
    # The pair: 3.8 points with a large d_z beside 3.6 with a small one.
    assert effect_words(0.86, change_of(37.4, 41.2), design=PAIRED, clear=True).size == "small"
    assert effect_words(0.36, change_of(37.3, 41.0), design=PAIRED, clear=True).size == "small"
    assert size_of(0.1, Decimal("25.0")) == "negligible"  # a big gap between very noisy groups
    assert size_of(2.0, Decimal("2.4")) == "negligible"
    assert size_of(0.55, Decimal("12")) == "medium" and size_of(0.9, Decimal("6")) == "medium"


def test_a_level_overall_index_reads_as_level_with_the_other_cohort():
    same = [40.0, 50.0, 60.0]
    context = independent_context([(same, same), (same, same)], at_start=True)
    assert context.headline[0] == (
        "On the overall index Cohort B (Before) started level with Cohort A (Before) "
        "(50.0 against 50.0): no meaningful difference."
    )


def test_undefined_effect_and_bad_design():
    words = effect_words(None, change_of(50.0, 50.0), design=PAIRED)
    assert words.size == "negligible" and "no spread" in words.text
    with pytest.raises(ValueError):
        effect_words(0.5, change_of(1.0, 2.0), design="other")


# --------------------------------------------------------------------------- properties

# Scores as answers make them: on a fine grid (a spread of 1e-160 is no cohort's).
score = st.integers(min_value=0, max_value=10_000).map(lambda x: x / 100)
sample = st.lists(score, min_size=3, max_size=25)


def independent_context(sides: list[tuple[list[float], list[float]]], at_start: bool):  # type: ignore[no-untyped-def]
    rows = []
    bodies = {}
    for d, (xs, ys) in zip(DIMS, sides, strict=False):
        bodies[d] = cohorts._independent_dict(stats.welch(stats.describe(xs), stats.describe(ys)))
    for d, p_holm in stats.holm({d: b["p"] for d, b in bodies.items()}).items():
        bodies[d]["p_holm"] = p_holm
    for (d, body), (xs, ys) in zip(bodies.items(), sides, strict=False):
        rows.append(_row_independent(d, d.title(), body, xs, ys))
    all_a = [x for xs, _ in sides for x in xs]
    all_b = [y for _, ys in sides for y in ys]
    over = cohorts._independent_dict(stats.welch(stats.describe(all_a), stats.describe(all_b)))
    overall = _row_independent("overall", "Overall index", over, all_a, all_b)
    return build_comparison(
        title="B compared with A",
        design=INDEPENDENT,
        label_a="Cohort A (Before)",
        label_b="Cohort B (Before)",
        questionnaire="Test",
        rows=rows,
        overall=overall,
        k=3,
        bounds=BOUNDS,
        at_start=at_start,
    )


def check_words_match_figures(context) -> None:  # type: ignore[no-untyped-def]
    for row in context.all_rows:
        shown = row.shown
        if shown is None:
            continue
        a, b = shown_score(row.mean_a, BOUNDS, 1), shown_score(row.mean_b, BOUNDS, 1)
        assert (shown.mean_a, shown.mean_b) == (a.text, b.text)
        # Rule 17: the change shown is the difference of the two shown means, exactly.
        assert shown.change == shown_change(a, b).text
        assert Decimal(shown.words.points) == abs(b.value - a.value)
        words = shown.words
        if words.direction:
            assert words.points in words.text  # the sentence carries the table's number
        direction = (b.value > a.value) - (b.value < a.value)
        assert words.direction == direction
        if direction == 0:
            assert words.size == "negligible"
        if words.size == "large":
            assert abs(b.value - a.value) >= 10  # a few points are never large


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sides=st.lists(st.tuples(sample, sample), min_size=2, max_size=3), at_start=st.booleans())
def test_words_between_cohorts_never_speak_of_improvement_and_agree_with_the_figures(sides, at_start):
    context = independent_context(sides, at_start)
    check_words_match_figures(context)
    for row in context.all_rows:
        if row.shown is not None:
            assert not CHANGE_WORDS.search(row.shown.words.text)
            if at_start and row.shown.words.direction:
                assert row.shown.words.text.startswith("started")
    for sentence in context.headline:
        assert not CHANGE_WORDS.search(sentence), sentence
        assert not STATS_WORDS.search(sentence), sentence
        assert "level than" not in sentence, sentence
    html = render_comparison_html(context)
    summary, _, appendix = html.partition('class="page-break appendix"')
    assert not CHANGE_WORDS.search(summary.split("<h3>Method</h3>")[0])
    summary_box = summary.split("<h3>Where each group stands</h3>")[0]
    assert not STATS_WORDS.search(summary_box.split("In two minutes", 1)[1])
    for row in context.all_rows:
        if row.shown is not None:
            assert row.shown.words.text in summary  # one set of words, printed as made
    assert "Holm p" in appendix


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=st.integers(min_value=3, max_value=25))
def test_paired_words_agree_with_the_figures_and_the_summary(data, n):
    rows = []
    bodies = {}
    pairs_by_dim = {}
    for d in DIMS[:2]:
        before = data.draw(st.lists(score, min_size=n, max_size=n))
        shift = data.draw(st.integers(min_value=-30, max_value=30))
        after = [min(100.0, max(0.0, x + shift + data.draw(st.integers(-800, 800)) / 100)) for x in before]
        pairs_by_dim[d] = list(zip(before, after, strict=True))
        bodies[d] = cohorts._paired_dict(stats.paired(before, after))
    for d, p_holm in stats.holm({d: b["p"] for d, b in bodies.items()}).items():
        bodies[d]["p_holm"] = p_holm
    rows = [_row_paired(d, d.title(), bodies[d], pairs_by_dim[d]) for d in bodies]
    context = build_comparison(
        title="Before vs after",
        design=PAIRED,
        label_a="Before",
        label_b="After",
        questionnaire="Test",
        rows=rows,
        overall=rows[0].__class__(id="overall", label="Overall index", withheld="only 2 matched pairs"),
        k=3,
        pairs=n,
        unmatched_from=0,
        unmatched_to=0,
        bounds=BOUNDS,
    )
    check_words_match_figures(context)
    for row in context.rows:
        words = row.shown.words
        if words.size != "negligible":
            expected = "improvement" if words.direction > 0 else "decline"
            assert expected in words.text
        assert ("could be chance" in words.text) == (words.size != "negligible" and not row.significant)
    for sentence in context.headline:
        assert not STATS_WORDS.search(sentence), sentence
    listed = " ".join(context.headline)
    for row in context.rows:
        clear = row.shown.words.size != "negligible" and row.significant
        assert (row.label in listed) == clear


# --------------------------------------------------------------------------- the app


def test_cohort_vs_cohort_defaults_to_the_latest_answered_waves_and_says_so(app, v1):
    browser, token = facilitator(app, "tara@example.org")
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    last = new_cohort(api, token, name="Last year")
    this = new_cohort(api, token, name="This year")
    for n, levels in enumerate(A):
        submit(api, v1, last["join_code"], levels, f"last{n}")
    for n, levels in enumerate(B):
        submit(api, v1, this["join_code"], levels, f"this{n}")
    # Both at their start: "started higher", never an improvement.
    body = api.get(f"/api/v1/cohorts/compare?a={last['id']}&b={this['id']}", headers=auth).get_json()
    assert (body["a"]["wave"], body["b"]["wave"]) == ("pre", "pre")
    page = browser.get(f"/cohorts/compare?a={last['id']}&b={this['id']}").get_data(as_text=True)
    plain = page.split('id="stats-heading"')[0]
    assert "started" in plain and not CHANGE_WORDS.search(plain.split("Read with care")[0])
    assert "latest wave with complete answers" in page and "compared at their first wave" in page

    open_wave(app, this["id"], "post")
    for n, levels in enumerate(A):
        submit(api, v1, this["join_code"], [min(4, x + 1) for x in levels], f"this{n}")
    body = api.get(f"/api/v1/cohorts/compare?a={last['id']}&b={this['id']}", headers=auth).get_json()
    assert (body["a"]["wave"], body["b"]["wave"]) == ("pre", "post")
    page = browser.get(f"/cohorts/compare?a={last['id']}&b={this['id']}").get_data(as_text=True)
    assert "“After the course”" in page and "scored" in page
    chosen = browser.get(f"/cohorts/compare?a={last['id']}&b={this['id']}&wave_b=pre").get_data(as_text=True)
    assert "This year is shown" not in chosen and "Last year is shown at its latest wave" in chosen

    # Phones: p and Holm p sit in cells of their own, each labelled.
    for cell in re.findall(r"<td[^>]*>.*?</td>", page, re.S):
        assert not ("Holm" in cell and re.search(r"\bp\b", re.sub(r"<[^>]+>", " ", cell)))
    assert 'data-label="p"' in page and 'data-label="Holm p"' in page


def test_comparison_pdfs_are_cached_and_keep_statistics_in_the_appendix(app, v1, monkeypatch):
    renders: list[int] = []
    real = comparison_report.run_bounded

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(comparison_report, "run_bounded", counting)
    browser, token = facilitator(app, "tom@example.org")
    api = app.test_client()
    cohort = new_cohort(api, token)
    for n, levels in enumerate(A):
        submit(api, v1, cohort["join_code"], levels, f"code{n}")
    open_wave(app, cohort["id"], "post")
    for n, levels in enumerate(B[:6]):
        submit(api, v1, cohort["join_code"], levels, f"code{n}")
    url = f"/cohorts/{cohort['id']}/change.pdf?from=pre&to=post"
    first = browser.get(url)
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    with app.extensions["database"].session() as s:
        kept = report_cache.cache_size(s)
    again = browser.get(url)
    auth = {"Authorization": f"Bearer {token}"}
    api_pdf = api.get(f"/api/v1/groups/{cohort['id']}/change.pdf?from=pre&to=post", headers=auth)
    assert again.data == first.data == api_pdf.data and len(renders) == 1
    with app.extensions["database"].session() as s:
        assert report_cache.cache_size(s) == kept >= 1

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(first.data)).pages]
    summary = pages[0].split("Where each group stands")[0]
    assert "In two minutes" in summary and not STATS_WORDS.search(summary.split("In two minutes")[1])
    appendix = [p for p in pages if "appendix" in p.lower()]
    assert appendix and "holm p" in appendix[0].lower() and "effect d" in appendix[0].lower()
    assert all("holm" not in p.lower() for p in pages[: pages.index(appendix[0])])

    submit(api, v1, cohort["join_code"], B[6], "code6")  # a new pair: a new report
    assert browser.get(url).data != first.data and len(renders) == 2


def test_both_demo_cohort_comparisons_read_in_plain_words(app, runner):
    assert runner.invoke(args=["demo-cohort"]).exit_code == 0
    with app.extensions["database"].session() as s:
        groups = {g.name: g for g in s.scalars(select(Group).where(Group.kind == "cohort"))}
        this, last = groups["Social leadership course 2026"], groups["Social leadership course 2025"]
        body, context = comparison_report.cohort_comparison(s, last, this)
        assert (body["a"]["wave"], body["b"]["wave"]) == ("pre", "post")
        assert any("latest wave with complete answers" in n for n in context.notes)
        check_figures = [r for r in context.all_rows if r.shown]
        assert check_figures and all(not CHANGE_WORDS.search(r.shown.words.text) for r in check_figures)
        _, change = comparison_report.change_comparison(s, this, "pre", "post")
        assert "improvement" in change.overall.shown.words.text
        for ctx in (context, change):
            assert not any(STATS_WORDS.search(h) for h in ctx.headline)
            overall = ctx.overall.shown
            assert overall.words.text in " ".join(ctx.headline) or overall.words.tail in " ".join(
                ctx.headline
            )
            assert (
                overall.change
                == shown_change(
                    shown_score(ctx.overall.mean_a, BOUNDS, 1), shown_score(ctx.overall.mean_b, BOUNDS, 1)
                ).text
            )
            assert shown_number(ctx.overall.effect, 2).text == overall.effect
