"""Rule 17 on the rendered pages: every change a report or the results page shows is the
difference of the two figures it shows beside it, and no score sits on a line it has not reached.
Property tests over many values, on the HTML (a render is a few milliseconds)."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.figures import MINUS, score_bounds
from assessment.domain.questionnaire import load_questionnaire
from assessment.domain.result import score
from reports import HistoryPoint, build_context, render_html

from .conftest import V1
from .test_report_content import PROFILES, _at

v1 = load_questionnaire(V1)  # module-level: hypothesis would print a fixture's whole repr

SCORES = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 3))


def _number(text: str) -> Decimal:
    return Decimal(text.replace(MINUS, "-").replace("\u00b1", "").replace("+", ""))


def _rows(html: str, table_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="{table_class}">(.*?)</table>', html, re.S)
    assert table, table_class
    body = table.group(1).split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def _not_on_a_line_it_has_not_reached(shown: str, exact: float | None, bounds) -> None:  # type: ignore[no-untyped-def]
    if exact is None:
        assert shown == "\u2013"
        return
    for b in bounds:
        if exact < b:
            assert _number(shown) < Decimal(repr(b)), (shown, exact, b)


@settings(max_examples=60, deadline=None)
@given(before=st.lists(SCORES, min_size=6, max_size=6), profile=st.sampled_from(sorted(PROFILES)))
def test_every_change_shown_is_the_difference_of_the_figures_shown(before, profile):
    result = score(v1, _at(v1, PROFILES[profile], random.Random(profile)))
    point = HistoryPoint(
        "3 March 2026", before[-1], {d.id: v for d, v in zip(v1.dimensions, before, strict=False)}
    )
    bounds = score_bounds(v1)
    for edition in ("core", "full"):
        context = build_context(
            result, organisation="A", date=dt.date(2026, 11, 22), history=[point], edition=edition
        )
        html = render_html(context)
        # The summary's table: dimension, then, now, change, stage, target.
        for row, d, then in zip(_rows(html, "scores"), result.dimensions, before[:-1], strict=True):
            _, was, now, change = row[:4]
            assert _number(now) - _number(was) == _number(change), row
            _not_on_a_line_it_has_not_reached(was, then, bounds)
            _not_on_a_line_it_has_not_reached(now, d.score, bounds)
        overall = context.changes[-1]
        since = re.search(r"changed by (\S+) \((\S+) then, (\S+) now\)", html)
        assert since and since.groups() == (overall.change, overall.before, overall.now)
        assert _number(overall.now) - _number(overall.before) == _number(overall.change)
        if edition == "full":
            for row in _rows(html, "changes"):
                _, was, now, change = row
                assert _number(now) - _number(was) == _number(change), row


@settings(max_examples=40, deadline=None)
@given(now=SCORES, then=SCORES)
def test_the_results_page_changes_and_gaps_are_differences_of_shown_figures(now, then):
    from assessment.domain.figures import score_text
    from assessment.web.results import _change, _to_go

    shown = _change(now, then, v1)
    assert _number(score_text(now, v1)) - _number(score_text(then, v1)) == _number(shown)
    target = next((s.min for s in v1.stages if s.min > now), 100.0)
    gap = _to_go(now, target, v1)
    assert _number(score_text(target, v1)) - _number(score_text(now, v1)) == _number(gap)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(SCORES, min_size=5, max_size=5))
def test_chart_labels_show_the_figures_the_pages_show(values):
    """Rule 17 for charts: marks at full precision, labels with the figure as shown (79.96 is
    labelled 79.9, never 80)."""
    from assessment.domain.figures import score_text
    from reports import charts

    marks = [charts.Mark(d.id, d.label, v, None) for d, v in zip(v1.dimensions, values, strict=True)]
    bounds = score_bounds(v1)
    radar = charts.radar_svg(marks=marks, rings=[*(s.min for s in v1.stages[1:]), 100.0], bounds=bounds)
    bands = [
        charts.Band(s.label, s.min, v1.stages[n + 1].min if n + 1 < len(v1.stages) else 100.0)
        for n, s in enumerate(v1.stages)
    ]
    spectrum = charts.spectrum_svg(
        overall=values[0],
        overall_label="Overall",
        low_pole="low",
        high_pole="high",
        threshold=v1.thresholds.social,
        floor=v1.thresholds.floor,
        bands=bands,
        marks=marks,
    )
    for d, v in zip(v1.dimensions, values, strict=True):
        assert f"{d.label} {score_text(v, v1)}" in radar
        assert f"{d.label} {score_text(v, v1)}" in spectrum
    assert f"Overall {score_text(values[0], v1)}" in spectrum
