"""A workshop as PowerPoint slides (python-pptx), from the workshop report's plain
``ReportContext``: a title slide, the spectrum, one slide per dimension with a native chart
(an editable chart object, not a picture), the disputed items, the discussion rounds and the
plan. Each slide's speaking notes are drawn from the same findings the report prints.

Rule 13 holds because the context does: every figure is the published snapshot's, and charted
values are the figures as shown (rule 17), so a chart's labels read as the report's. A withheld
leaders-and-others comparison is only its reason; below k there are no figure slides at all.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from assessment.i18n import _, ngettext

from .context import ReportContext
from .prose import lower_word

MINUS = "\u2212"
TITLE_ONLY = 5  # the default template's "Title Only" layout
TITLE_AND_CONTENT = 1
TITLE = 0
STEPS_PER_SLIDE = 8


def shown_value(text: str) -> float | None:
    """A figure's shown text ("39.6", "−3", "–") as the number a chart plots."""
    try:
        return float(Decimal(text.replace(MINUS, "-").replace("\u00b1", "")))
    except (InvalidOperation, ValueError):
        return None


def workshop_slides(context: ReportContext) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    accent = RGBColor.from_string(context.accent.lstrip("#").upper())
    _title_slide(deck, context)
    if not context.withheld:
        _spectrum(deck, context, accent)
        for d in context.dimensions:
            _dimension(deck, context, d, accent)
        _disputed(deck, context)
    else:
        _text_slide(deck, _("No figures yet"), [context.withheld], context.withheld)
    _rounds(deck, context)
    _plan(deck, context)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _place(slide: Any) -> None:
    """The default template's placeholders are laid out for 4:3; the deck is 16:9."""
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.6), Inches(0.3), Inches(12.1), Inches(1.1)
    for paragraph in title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(32)
    for shape in slide.placeholders:
        if shape.placeholder_format.idx == 1:
            shape.left, shape.top, shape.width, shape.height = (
                Inches(0.6),
                Inches(1.6),
                Inches(12.1),
                Inches(5.4),
            )


def _notes(slide: Any, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _title_slide(deck: Any, r: ReportContext) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE])
    slide.shapes.title.text = r.organisation
    lines = [r.respondent_label, r.date_display]
    if r.prepared_by:
        lines.append(_("Prepared by {name}").format(name=r.prepared_by))
    slide.placeholders[1].text = "\n".join(lines)
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.8), Inches(2.2), Inches(11.7), Inches(1.5)
    body = slide.placeholders[1]
    body.left, body.top, body.width, body.height = Inches(0.8), Inches(3.9), Inches(11.7), Inches(2.0)
    _notes(slide, r.verdict_explanation if not r.withheld else r.withheld)


def _chart(
    slide: Any,
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    accent: RGBColor,
    *,
    top: Any = None,
) -> Any:
    data = CategoryChartData(number_format="0.0#")
    data.categories = categories
    for name, values in series:
        data.add_series(name, values)
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.6), top or Inches(1.5), Inches(12.1), Inches(5.5), data
    )
    chart = frame.chart
    chart.has_title = False  # the slide's title says what the chart shows
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "General"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(14)
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = 0, 100
    axis.has_major_gridlines = False
    chart.category_axis.tick_labels.font.size = Pt(14)
    chart.category_axis.reverse_order = True  # the first category on top, as read
    plot.series[0].format.fill.solid()
    plot.series[0].format.fill.fore_color.rgb = accent
    return chart


def _spectrum(deck: Any, r: ReportContext, accent: RGBColor) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    slide.shapes.title.text = _("{classification}: overall {overall}").format(
        classification=r.classification_label, overall=r.overall_display
    )
    _place(slide)
    categories = [_("Overall index"), *(d.label for d in r.dimensions)]
    values = [shown_value(r.overall_display), *(shown_value(d.score_display) for d in r.dimensions)]
    _chart(slide, categories, [(_("Group mean"), values)], accent)
    box = slide.shapes.add_textbox(Inches(0.6), Inches(6.9), Inches(12.1), Inches(0.5))
    box.text_frame.word_wrap = True
    box.text_frame.text = _(
        "From {low} (0) to {high} (100): a social organisation reaches {threshold} overall, with every "
        "area at {floor} or more."
    ).format(
        low=lower_word(r.low_pole),
        high=lower_word(r.high_pole),
        threshold=r.threshold_display,
        floor=r.floor_display,
    )
    for paragraph in box.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(14)
    _notes(slide, r.verdict_explanation)


def _dimension(deck: Any, r: ReportContext, d: Any, accent: RGBColor) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    stage = d.stage_label or _("not enough answers")
    slide.shapes.title.text = _("{area}: {score}, {stage}").format(
        area=d.label, score=d.score_display, stage=stage
    )
    _place(slide)
    categories = [_("Group mean")]
    values = [shown_value(d.score_display)]
    if d.target_display:
        if d.next_stage_label:
            categories.append(_("Next stage ({stage}) from").format(stage=d.next_stage_label))
        else:
            categories.append(_("Top stage from"))
        values.append(shown_value(d.target_display))
    gap = next((g for g in (r.group.gap_rows if r.group else ()) if g.dimension_label == d.label), None)
    if gap is not None:  # only when the comparison is published (rule 13)
        categories += [_("Leaders"), _("Others")]
        values += [shown_value(gap.leaders), shown_value(gap.others)]
    _chart(slide, categories, [(d.label, values)], accent)
    notes = [
        _("{area}: {score} out of 100, {stage}.").format(area=d.label, score=d.score_display, stage=stage)
    ]
    if d.group is not None:
        notes.append(
            ngettext(
                "{n} person; spread (SD) {sd}; {agreement}.",
                "{n} people; spread (SD) {sd}; {agreement}.",
                d.group.n,
            ).format(n=d.group.n, sd=d.group.sd, agreement=lower_word(d.group.agreement))
        )
    if d.strongest:
        listed = "; ".join(f"{p.text} ({p.answer})" for p in d.strongest)
        notes.append(_("Strengths: {practices}.").format(practices=listed))
    if d.weakest:
        listed = "; ".join(f"{p.text} ({p.answer})" for p in d.weakest)
        notes.append(_("Weaknesses: {practices}.").format(practices=listed))
    if d.scored_items and not d.strongest and not d.weakest:
        notes.append(_("No practice here is a clear strength or weakness for the room."))
    if d.unsure:
        notes.append(_("To find out: {questions}.").format(questions="; ".join(p.text for p in d.unsure)))
    if r.group is not None and r.group.gap_withheld:
        notes.append(_("Leaders and the others: {reason}").format(reason=r.group.gap_withheld))
    _notes(slide, "\n".join(notes))


def _text_slide(deck: Any, title: str, lines: list[str], notes: str) -> Any:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_AND_CONTENT])
    slide.shapes.title.text = title
    _place(slide)
    body = slide.placeholders[1].text_frame
    body.text = lines[0] if lines else ""
    for line in lines[1:]:
        body.add_paragraph().text = line
    for paragraph in body.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(18)
    _notes(slide, notes)
    return slide


def _disputed(deck: Any, r: ReportContext) -> None:
    if r.group is None or not r.group.prompts:
        return
    lines = [
        _("{question} ({area}, SD {sd})").format(question=p.text, area=p.dimension_label, sd=p.sd)
        for p in r.group.prompts
    ]
    notes = "\n".join(
        f"{p.text}: " + ", ".join(f"{label} {count}" for label, count in p.distribution)
        for p in r.group.prompts
    )
    _text_slide(
        deck, _("Where the room disagrees most"), lines, _("Ask each side what they see.") + " " + notes
    )


def _rounds(deck: Any, r: ReportContext) -> None:
    for rd in getattr(r, "discussion_rounds", ()):
        labels = rd.before.bars or rd.after.bars or ()
        withheld = _("withheld")
        lines = [
            _("{answer}: {before} before, {after} after").format(
                answer=bar.label,
                before=rd.before.bars[n].count if rd.before.bars else withheld,
                after=rd.after.bars[n].count if rd.after.bars else withheld,
            )
            for n, bar in enumerate(labels)
        ]
        lines.append(rd.verdict)
        title = _("Round %(number)s: %(question)s", number=rd.number, question=rd.question)
        _text_slide(deck, title, lines, rd.verdict)


def _plan(deck: Any, r: ReportContext) -> None:
    p = r.plan
    if p is not None and p.shows_plan:
        steps = [
            _("{number}. {title}: {owner}, {due} ({status})").format(
                number=s.number,
                title=s.title,
                owner=s.owner or _("owner not named"),
                due=s.due or _("no date"),
                status=lower_word(s.status_label),
            )
            for s in p.steps
        ]
        intro = " ".join(p.introduction)
        chunks = [steps[i : i + STEPS_PER_SLIDE] for i in range(0, len(steps), STEPS_PER_SLIDE)] or [
            [_("The plan has no steps.")]
        ]
        for n, chunk in enumerate(chunks, start=1):
            title = (
                _("The plan")
                if len(chunks) == 1
                else _("The plan ({n} of {total})").format(n=n, total=len(chunks))
            )
            _text_slide(deck, title, chunk, f"{p.agreed}. {intro}".strip())
        return
    if r.withheld or not r.roadmap:
        return
    lines = [
        _("{rank}. {title} ({period}; owner {owner})").format(
            rank=e.rank, title=e.title, period=e.horizon_label, owner=e.owner
        )
        for h in r.roadmap
        for e in h.entries
    ]
    _text_slide(
        deck,
        _("The roadmap"),
        lines[:STEPS_PER_SLIDE],
        _("The computed roadmap; review and edit it into the client's plan."),
    )
