"""The comparison report: cohort vs cohort, or before vs after within a cohort (SCORING.md
rule 14), as a short PDF for a training sponsor. Plain values in, PDF bytes out; it reuses the
report's renderer (``html_to_pdf``), locked fetcher, fonts and CSS parts, with a template of its
own (``templates/comparison.html``) and a few extra rules.

    context = build_comparison(rows=..., overall=..., design="paired", ...)
    pdf: bytes = render_comparison_pdf(context)

Charts are SVG written here like ``charts.py``'s: a dot-and-whisker chart (each side's mean with
its 95% interval per dimension) and side-by-side distributions (each respondent a dot, the
middle half a box). Every mark carries its value in ``data-*`` attributes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assessment.domain.comparison_words import (
    INDEPENDENT,
    PAIRED,
    WORDS_PATTERN,
    EffectWords,
    effect_words,
    head_message,
)
from assessment.domain.figures import MISSING, shown_change, shown_number, shown_score
from assessment.domain.text import N_
from assessment.i18n import _, format_percent

from .charts import MUTED, PALE, _n, _svg, _t, wrap_words
from .fetcher import Asset, asset_url
from .render import PreparedReport, _environment, html_to_pdf, page_number_css, stylesheet
from .sections.common import date_display, localised

COLOUR_A = "#7a8794"  # the reference side: grey
COLOUR_B = "#1d5c8f"  # the side compared: the report's accent
SIGNIFICANCE = 0.05

Interval = tuple[float, float]


@dataclass(frozen=True)
class ComparisonRow:
    """One dimension (or the overall index) of a comparison, as plain values."""

    id: str
    label: str
    withheld: str | None = None
    n_a: int = 0
    n_b: int = 0
    mean_a: float | None = None
    mean_b: float | None = None
    ci_a: Interval | None = None
    ci_b: Interval | None = None
    difference: float | None = None
    difference_ci: Interval | None = None
    effect: float | None = None
    effect_ci: Interval | None = None
    reading: str = ""
    p: float | None = None
    p_holm: float | None = None
    values_a: tuple[float, ...] = ()
    values_b: tuple[float, ...] = ()
    # Filled by build_comparison (rule 17 and one set of words): what pages and PDFs print.
    shown: ShownRow | None = None

    @property
    def decisive_p(self) -> float | None:
        """Holm's p for a dimension; the raw p for the overall index (not in the family)."""
        return self.p if self.id == "overall" else self.p_holm

    @property
    def significant(self) -> bool:
        p = self.decisive_p
        return p is not None and p < SIGNIFICANCE

    @property
    def small(self) -> bool:
        return self.withheld is None and min(self.n_a, self.n_b) < 20


@dataclass(frozen=True)
class ShownRow:
    """A row's figures as text, each through ``assessment.domain.figures`` (rule 17), and its words
    (``comparison_words.effect_words``): the page, the PDF and the summary print only these."""

    mean_a: str
    mean_b: str
    ci_a: str
    ci_b: str
    change: str  # the difference of the two shown means, signed
    change_ci: str
    effect: str
    effect_ci: str
    p: str
    p_holm: str
    words: EffectWords


def _p_text(p: float | None) -> str:
    if p is None:
        return MISSING
    return "<0.001" if p < 0.001 else shown_number(p, 3).text


def _interval_text(interval: Interval | None, digits: int, bounds: Iterable[float] = ()) -> str:
    if interval is None:
        return MISSING
    bounds = tuple(bounds)
    low = shown_score(interval[0], bounds, digits) if bounds else shown_number(interval[0], digits)
    high = shown_score(interval[1], bounds, digits) if bounds else shown_number(interval[1], digits)
    return f"{low.text} to {high.text}"


def shown_row(row: ComparisonRow, design: str, bounds: Sequence[float], at_start: bool) -> ComparisonRow:
    """``row`` with its figures as shown and its words; a withheld row is returned as it is."""
    if row.withheld is not None or row.mean_a is None or row.mean_b is None:
        return row
    a, b = shown_score(row.mean_a, bounds, 1), shown_score(row.mean_b, bounds, 1)
    change = shown_change(a, b)
    words = effect_words(row.effect, change, design=design, at_start=at_start, clear=row.significant)
    shown = ShownRow(
        mean_a=a.text,
        mean_b=b.text,
        ci_a=_interval_text(row.ci_a, 1, bounds),
        ci_b=_interval_text(row.ci_b, 1, bounds),
        change=change.text,
        change_ci=_interval_text(row.difference_ci, 1),
        effect=shown_number(row.effect, 2).text,
        effect_ci=_interval_text(row.effect_ci, 2),
        p=_p_text(row.p),
        p_holm=_p_text(row.p_holm),
        words=words,
    )
    return replace(row, shown=shown, reading=words.text)


@dataclass(frozen=True)
class ComparisonContext:
    title: str
    design: str  # "independent" (cohort vs cohort) | "paired" (before vs after)
    label_a: str
    label_b: str
    questionnaire: str
    date: dt.date
    k: int
    rows: tuple[ComparisonRow, ...]
    overall: ComparisonRow
    headline: tuple[str, ...]
    caveats: tuple[str, ...]
    n_a: int = 0
    n_b: int = 0
    pairs: int | None = None
    unmatched_from: int | None = None
    unmatched_to: int | None = None
    prepared_by: str = ""
    at_start: bool = False
    notes: tuple[str, ...] = ()
    assets: dict[str, Asset] = field(default_factory=dict, repr=False)

    @property
    def all_rows(self) -> tuple[ComparisonRow, ...]:
        """The dimensions, then the overall index."""
        return (*self.rows, self.overall)

    @property
    def short_labels(self) -> bool:
        """Whether the table names the sides A and B (long cohort names would crowd it)."""
        return max(len(self.label_a), len(self.label_b)) > 22

    @property
    def short_a(self) -> str:
        return "A" if self.short_labels else self.label_a

    @property
    def short_b(self) -> str:
        return "B" if self.short_labels else self.label_b

    @property
    def effect_name(self) -> str:
        return "d_z" if self.design == "paired" else "Hedges' g"

    @property
    def date_display(self) -> str:
        return date_display(self.date)  # in the report's language

    @property
    def means_chart(self) -> str:
        return asset_url("means.svg")

    @property
    def distribution_chart(self) -> str:
        return asset_url("distribution.svg")


# --------------------------------------------------------------------------- charts

CHART_WIDTH = 520.0
LEFT = 150.0
RIGHT = 505.0


def scale_x(score: float) -> float:
    """Where a score of 0..100 sits on the charts' axis."""
    return LEFT + (RIGHT - LEFT) * max(0.0, min(100.0, score)) / 100.0


def _axis(top: float, bottom: float) -> list[str]:
    out = []
    for tick in range(0, 101, 20):
        x = scale_x(tick)
        out.append(f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" stroke="{PALE}"/>')
        out.append(
            f'<text x="{_n(x)}" y="{_n(bottom + 11)}" font-size="8" fill="{MUTED}" '
            f'text-anchor="middle">{tick}</text>'
        )
    return out


def _label(x: float, y: float, text: str) -> list[str]:
    lines = wrap_words(text, 24)[:2]
    start = y - (len(lines) - 1) * 5
    return [
        f'<text x="{_n(x)}" y="{_n(start + 10 * i + 3)}" font-size="8.5" text-anchor="end">{_t(line)}</text>'
        for i, line in enumerate(lines)
    ]


def _legend(y: float, label_a: str, label_b: str) -> list[str]:
    """Two lines, so long cohort names never run into each other."""
    return [
        f'<circle cx="{_n(LEFT)}" cy="{_n(y)}" r="3.5" fill="{COLOUR_A}"/>',
        f'<text x="{_n(LEFT + 7)}" y="{_n(y + 3)}" font-size="8.5">{_t(label_a)}</text>',
        f'<circle cx="{_n(LEFT)}" cy="{_n(y + 13)}" r="3.5" fill="{COLOUR_B}"/>',
        f'<text x="{_n(LEFT + 7)}" y="{_n(y + 16)}" font-size="8.5">{_t(label_b)}</text>',
    ]


def means_svg(rows: Sequence[ComparisonRow], label_a: str, label_b: str) -> str:
    """Dot-and-whisker: per row, A's and B's mean (dots) with their 95% intervals (whiskers)."""
    step = 34.0
    top = 36.0
    height = top + step * len(rows) + 22
    body = _legend(10, label_a, label_b) + _axis(top, top + step * len(rows))
    for i, row in enumerate(rows):
        y = top + step * i + step / 2
        body += _label(LEFT - 8, y, row.label)
        if row.withheld:
            body.append(
                f'<text x="{_n(LEFT + 4)}" y="{_n(y + 3)}" font-size="8" fill="{MUTED}" '
                f'data-withheld="{_t(row.id)}">{_t(_("withheld: fewer than k on a side"))}</text>'
            )
            continue
        for offset, mean, ci, colour, side in (
            (-6, row.mean_a, row.ci_a, COLOUR_A, "a"),
            (6, row.mean_b, row.ci_b, COLOUR_B, "b"),
        ):
            if mean is None:
                continue
            yy = y + offset
            if ci is not None:
                body.append(
                    f'<line x1="{_n(scale_x(ci[0]))}" y1="{_n(yy)}" x2="{_n(scale_x(ci[1]))}" y2="{_n(yy)}" '
                    f'stroke="{colour}" stroke-width="1.6"/>'
                )
            body.append(
                f'<circle cx="{_n(scale_x(mean))}" cy="{_n(yy)}" r="3.6" fill="{colour}" '
                f'data-row="{_t(row.id)}" data-side="{side}" data-mean="{mean:.4f}"/>'
            )
    label = _(
        "Means with 95%% intervals per area: %(a)s (grey) and %(b)s (blue); the table gives the figures.",
        a=label_a,
        b=label_b,
    )
    return _svg(CHART_WIDTH, height, body, label, "means")


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    xs = sorted(values)

    def at(q: float) -> float:
        pos = (len(xs) - 1) * q
        lo = int(pos)
        hi = min(lo + 1, len(xs) - 1)
        return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)

    return at(0.25), at(0.5), at(0.75)


def distribution_svg(rows: Sequence[ComparisonRow], label_a: str, label_b: str) -> str:
    """Per row, A's and B's individual scores as dots over a box of the middle half."""
    step = 38.0
    top = 36.0
    height = top + step * len(rows) + 22
    body = _legend(10, label_a, label_b) + _axis(top, top + step * len(rows))
    for i, row in enumerate(rows):
        y = top + step * i + step / 2
        body += _label(LEFT - 8, y, row.label)
        if row.withheld:
            body.append(
                f'<text x="{_n(LEFT + 4)}" y="{_n(y + 3)}" font-size="8" fill="{MUTED}">'
                f"{_t(_('withheld'))}</text>"
            )
            continue
        for offset, values, colour in ((-8, row.values_a, COLOUR_A), (8, row.values_b, COLOUR_B)):
            if len(values) < 2:
                continue
            q1, median, q3 = _quartiles(values)
            yy = y + offset
            body.append(
                f'<rect x="{_n(scale_x(q1))}" y="{_n(yy - 5)}" '
                f'width="{_n(max(1.0, scale_x(q3) - scale_x(q1)))}" '
                f'height="10" fill="none" stroke="{colour}" stroke-width="1"/>'
            )
            body.append(
                f'<line x1="{_n(scale_x(median))}" y1="{_n(yy - 5)}" '
                f'x2="{_n(scale_x(median))}" y2="{_n(yy + 5)}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
            # A dot per person; people with the same score share one string (scores repeat: the
            # 30,000 dots of 2,500 pairs were 180,000 coordinates formatted, most of the page's time).
            dots: dict[float, str] = {}
            for v in values:
                dot = dots.get(v)
                if dot is None:
                    x = _n(scale_x(v))
                    dot = dots[v] = (
                        f'<circle cx="{x}" cy="{_n(yy)}" r="1.4" fill="{colour}" fill-opacity="0.55"/>'
                    )
                body.append(dot)
    label = _(
        "Individual scores per area, %(a)s (grey) and %(b)s (blue); boxes span the middle half.",
        a=label_a,
        b=label_b,
    )
    return _svg(CHART_WIDTH, height, body, label, "distribution")


# --------------------------------------------------------------------------- building and rendering


def build_comparison(
    *,
    title: str,
    design: str,
    label_a: str,
    label_b: str,
    questionnaire: str,
    rows: Sequence[ComparisonRow],
    overall: ComparisonRow,
    k: int,
    date: dt.date | None = None,
    n_a: int = 0,
    n_b: int = 0,
    pairs: int | None = None,
    unmatched_from: int | None = None,
    unmatched_to: int | None = None,
    prepared_by: str = "",
    bounds: Sequence[float] = (),
    at_start: bool = False,
    notes: Sequence[str] = (),
) -> ComparisonContext:
    """The context of a comparison report: every figure as shown (rule 17, judged against
    ``bounds``, the questionnaire's lines), the words of each row and the headline sentences
    are derived here from the figures, so the PDF and the web page say the same things.
    ``at_start``: two cohorts compared at their first waves; ``notes``: what the reader should
    know about the choice of waves."""
    if design not in (INDEPENDENT, PAIRED):
        raise ValueError(f"design must be 'independent' or 'paired' (got {design!r})")
    at_start = at_start and design == INDEPENDENT
    rows = [shown_row(r, design, bounds, at_start) for r in rows]
    overall = shown_row(overall, design, bounds, at_start)
    every = [*rows, overall]
    assets = {
        "means.svg": Asset(means_svg(every, label_a, label_b).encode(), "image/svg+xml"),
        "distribution.svg": Asset(distribution_svg(every, label_a, label_b).encode(), "image/svg+xml"),
    }
    return ComparisonContext(
        title=title,
        design=design,
        label_a=label_a,
        label_b=label_b,
        questionnaire=questionnaire,
        date=date or dt.date.today(),
        k=k,
        rows=tuple(rows),
        overall=overall,
        headline=headline(rows, overall, design, label_a, label_b, at_start),
        caveats=caveats(rows, overall, design, k, pairs, unmatched_from, unmatched_to),
        n_a=n_a,
        n_b=n_b,
        pairs=pairs,
        unmatched_from=unmatched_from,
        unmatched_to=unmatched_to,
        prepared_by=prepared_by,
        at_start=at_start,
        notes=tuple(notes),
        assets=assets,
    )


# The headline's sentences (the words of each figure come from comparison_words).
# Marked for translation; each is translated, then filled in, where the headline is written.
OVERALL_WITHHELD = N_("The overall comparison is withheld: {reason}.")
OVERALL_PAIRED = N_("On the overall index the people who answered both times went from {a} to {b}: {words}.")
OVERALL_INDEPENDENT = N_("On the overall index {label_b} {head} than {label_a} ({b} against {a}): {tail}.")
OVERALL_LEVEL = N_("On the overall index {label_b} {head} with {label_a} ({b} against {a}): {tail}.")
CLEAR_LISTS = {
    (PAIRED, 1): N_("Clear improvement in: {areas}."),
    (PAIRED, -1): N_("Clear decline in: {areas}."),
    (INDEPENDENT, 1): N_("Clearly higher in: {areas}."),
    (INDEPENDENT, -1): N_("Clearly lower in: {areas}."),
    ("start", 1): N_("Started clearly higher in: {areas}."),
    ("start", -1): N_("Started clearly lower in: {areas}."),
}
NOTHING_CLEAR = {
    PAIRED: N_(
        "No single area changed clearly enough to rule out chance once all areas are weighed together."
    ),
    INDEPENDENT: N_(
        "No single area differs clearly enough to rule out chance once all areas are weighed together."
    ),
}


def _head(words: EffectWords) -> str:
    """A comparison's move in points ("up 3.7 points") in the report's language."""
    return _(head_message(words.head, words.points)) % {"points": localised(words.points)}


def words_text(words: EffectWords) -> str:
    """A comparison's words in the report's language: the move, then its size as a whole phrase."""
    return _(WORDS_PATTERN) % {"head": _head(words), "tail": _(words.tail)}


def _clear(row: ComparisonRow) -> bool:
    return row.shown is not None and row.shown.words.clear and row.shown.words.size != "negligible"


def headline(
    rows: Sequence[ComparisonRow],
    overall: ComparisonRow,
    design: str,
    label_a: str,
    label_b: str,
    at_start: bool = False,
) -> tuple[str, ...]:
    """Two or three sentences a sponsor reads first, from the rows' own words (no statistics
    terms: those are in the appendix)."""
    out: list[str] = []
    if overall.withheld:
        out.append(_(OVERALL_WITHHELD).format(reason=overall.withheld))
    elif overall.shown is not None:
        shown = overall.shown
        if design == PAIRED:
            out.append(
                _(OVERALL_PAIRED).format(a=shown.mean_a, b=shown.mean_b, words=words_text(shown.words))
            )
        else:
            sentence = _(OVERALL_INDEPENDENT if shown.words.direction else OVERALL_LEVEL)
            out.append(
                sentence.format(
                    label_a=label_a,
                    label_b=label_b,
                    head=_head(shown.words),
                    tail=_(shown.words.tail),
                    a=shown.mean_a,
                    b=shown.mean_b,
                )
            )
    kind = "start" if at_start else design
    for direction in (1, -1):
        areas = [r.label for r in rows if _clear(r) and r.shown and r.shown.words.direction == direction]
        if areas:
            out.append(_(CLEAR_LISTS[(kind, direction)]).format(areas=", ".join(areas)))
    if not any(_clear(r) for r in rows) and any(not r.withheld for r in rows):
        out.append(_(NOTHING_CLEAR[design]))
    return tuple(out)


def caveats(
    rows: Sequence[ComparisonRow],
    overall: ComparisonRow,
    design: str,
    k: int,
    pairs: int | None,
    unmatched_from: int | None,
    unmatched_to: int | None,
) -> tuple[str, ...]:
    out: list[str] = []
    sizes = [min(r.n_a, r.n_b) for r in [*rows, overall] if not r.withheld]
    if sizes and min(sizes) < 20:
        small = (
            _(
                "Small samples: at least one comparison rests on fewer than 20 pairs (smallest %(n)s), "
                "so the intervals are wide and a real change can go undetected."
            )
            if design == "paired"
            else _(
                "Small samples: at least one comparison rests on fewer than 20 people per side (smallest "
                "%(n)s), so the intervals are wide and a real change can go undetected."
            )
        )
        out.append(small % {"n": min(sizes)})
    withheld = [r.label for r in [*rows, overall] if r.withheld]
    if withheld:
        out.append(
            _("Withheld (fewer than %(k)s on a side, to protect individuals): %(areas)s.")
            % {"k": k, "areas": ", ".join(withheld)}
        )
    if design == "paired" and pairs is not None:
        people = pairs + (unmatched_from or 0) + (unmatched_to or 0)
        rate = pairs / people if people else 0.0
        out.append(
            _(
                "Matching: %(pairs)s people gave the same code in both waves (%(rate)s of %(people)s); "
                "%(before)s answered only before and %(after)s only after. Only matched pairs are "
                "compared; people who dropped out or mistyped their code may differ from those who stayed."
            )
            % {
                "pairs": pairs,
                "rate": format_percent(rate),
                "people": people,
                "before": unmatched_from or 0,
                "after": unmatched_to or 0,
            }
        )
        out.append(
            _(
                "Regression to the mean: people who scored unusually low the first time tend to score nearer "
                "the average the second time even without any course; a rise concentrated among the lowest "
                "scorers is partly this. Without a comparison group, the change cannot all be credited "
                "to the course."
            )
        )
    else:
        out.append(
            _(
                "The two cohorts are different people: a difference may come from who was in each cohort "
                "(their organisations, roles, starting points) as much as from the course."
            )
        )
    out.append(
        _(
            "Scores are self-reported; a course can change how people judge their organisation as well "
            "as the organisation itself."
        )
    )
    return tuple(out)


def render_comparison_html(context: ComparisonContext) -> str:
    return _environment().get_template("comparison.html").render(r=context, words_text=words_text)


COMPARISON_CSS = Path(__file__).resolve().parent / "css" / "comparison.css"


def prepare_comparison(context: ComparisonContext) -> PreparedReport:
    """The comparison's HTML, CSS and charts with the key its render is kept under (the same
    kind of key as the other reports': everything it shows, and the renderer)."""
    css = stylesheet() + "\n" + COMPARISON_CSS.read_text(encoding="utf-8") + "\n" + page_number_css()
    return PreparedReport(render_comparison_html(context), css, context.assets)


def render_comparison_pdf(context: ComparisonContext) -> bytes:
    """The comparison report as PDF bytes, through the report's renderer and locked fetcher."""
    prepared = prepare_comparison(context)
    return html_to_pdf(prepared.html, prepared.css, prepared.assets)
