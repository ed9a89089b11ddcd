"""The report as a Word document (python-docx), built from the same plain ``ReportContext`` as
the PDF: cover, summary, the scores as a picture, commentary, the group's view, each area, the
plan (or the roadmap while none was edited), what changed. Headings use Word's built-in
"Title" and "Heading 1/2" styles, so Word and LibreOffice list them in their navigation and a
consultant edits the file as a normal document.

Rule 13 holds because the context does: a workshop's figures are the published snapshot's, a
withheld role comparison is only its reason, and a workshop below k gets no figures at all.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

from assessment.domain.text import N_
from assessment.i18n import _, ngettext

from .context import ReportContext
from .prose import lower_word
from .raster import scores_png

# Marked here, translated when the file is built (in the report's language).
COVER_TITLE = N_("Where the organisation stands between {low} and {high}, and what to change first")
SCORES_CAPTION = N_(
    "Scores out of 100 by area, and the overall index; the lines mark the floor ({floor}) "
    "and the threshold ({threshold})."
)


def _accent(context: ReportContext) -> RGBColor:
    return RGBColor.from_string(context.accent.lstrip("#").upper())


def docx_report(context: ReportContext) -> bytes:
    """The Word file's bytes."""
    doc = Document()
    accent = _accent(context)
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.color.rgb = accent
    doc.core_properties.title = context.document_title
    doc.core_properties.author = context.author
    doc.core_properties.language = context.language
    _cover(doc, context)
    if context.withheld:
        doc.add_heading(_("No figures yet"), level=1)
        doc.add_paragraph(context.withheld)
        _commentary(doc, context)
        _plan(doc, context)
        return _bytes(doc)
    _summary(doc, context)
    _commentary(doc, context)
    _group(doc, context)
    _changes(doc, context)
    _review(doc, context)
    _dimensions(doc, context)
    _plan(doc, context)
    _rounds(doc, context)
    return _bytes(doc)


def _bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cover(doc: Any, r: ReportContext) -> None:
    if r.logo_url and "logo" in r.assets and r.assets["logo"].mime_type in ("image/png", "image/jpeg"):
        doc.add_picture(io.BytesIO(r.assets["logo"].data), width=Mm(40))
    doc.add_paragraph(r.organisation, style="Title")
    doc.add_paragraph(_(COVER_TITLE).format(low=lower_word(r.low_pole), high=lower_word(r.high_pole)))
    details = doc.add_paragraph()
    version = _("{title}, version {version}").format(
        title=r.questionnaire_title, version=r.questionnaire_version
    )
    details.add_run(f"{r.respondent_label}\n{version}\n{r.date_display}")
    if r.prepared_by:
        details.add_run("\n" + _("Prepared by {name}").format(name=r.prepared_by))
    if r.brand_name and r.brand_name != r.prepared_by:
        details.add_run(f"\n{r.brand_name}")


def _table(doc: Any, header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
    """A table with a header row; ``widths`` in millimetres (Word and LibreOffice read them per cell)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)  # the grid LibreOffice lays out by
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Mm(width)


def _summary(doc: Any, r: ReportContext) -> None:
    doc.add_heading(_("Executive summary"), level=1)
    doc.add_heading(r.classification_label, level=2)
    doc.add_paragraph(r.verdict_explanation)
    overall = f"{r.overall_display} / 100" if r.overall is not None else _("– (not enough answers)")
    doc.add_paragraph(
        _("Overall index: {overall} (threshold {threshold}). Stage: {stage}.").format(
            overall=overall, threshold=r.threshold_display, stage=r.stage_label or "–"
        )
    )
    if r.group is not None:
        doc.add_paragraph(_("Leaders and the others.") + " " + r.group.gap_summary)
    _table(
        doc,
        [_("Dimension"), _("Score"), _("Stage"), _("Next-stage target")],
        [
            [d.label, d.score_display, d.stage_label or _("not enough answers"), d.target_display or "–"]
            for d in r.dimensions
        ],
        widths=[70, 25, 45, 32],
    )
    rows = [(d.label, d.score, d.score_display) for d in r.dimensions]
    rows.append((_("Overall index"), r.overall, r.overall_display))
    png = scores_png(
        rows,
        floor=float(r.floor_display.replace(",", ".")),
        threshold=float(r.threshold_display.replace(",", ".")),
        accent=r.accent,
        floor_label=_("floor {floor}").format(floor=r.floor_display),
        threshold_label=_("threshold {threshold}").format(threshold=r.threshold_display),
    )
    doc.add_picture(io.BytesIO(png), width=Mm(160))
    caption = doc.add_paragraph(
        _(SCORES_CAPTION).format(floor=r.floor_display, threshold=r.threshold_display)
    )
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in caption.runs:
        run.font.size = Pt(9)
    if r.priorities:
        doc.add_heading(_("The first priorities"), level=2)
        for p in r.priorities:
            line = _("{title} ({area}; {period}; owner {owner})").format(
                title=p.title, area=p.dimension_label, period=p.horizon_label, owner=p.owner
            )
            doc.add_paragraph(line, style="List Number")


def _commentary(doc: Any, r: ReportContext) -> None:
    if not r.commentary:
        return
    heading = _("Commentary by {name}").format(name=r.prepared_by) if r.prepared_by else _("Commentary")
    doc.add_heading(heading, level=1)
    for paragraph in r.commentary:
        doc.add_paragraph(paragraph)


def _group(doc: Any, r: ReportContext) -> None:
    g = r.group
    if g is None:
        return
    doc.add_heading(_("The group's view"), level=1)
    count = ngettext(
        "{n} respondent. Scores are the group's means.", "{n} respondents. Scores are the group's means.", g.n
    ).format(n=g.n)
    doc.add_paragraph(f"{g.name}: {count}" if g.name else count)
    _table(
        doc,
        [_("Dimension"), "n", _("Mean"), _("Median"), _("SD"), _("Range"), _("Agreement")],
        [[label, str(v.n), v.mean, v.median, v.sd, f"{v.min}–{v.max}", v.agreement] for label, v in g.rows],
    )
    doc.add_heading(_("Leaders and the others"), level=2)
    if g.gap_withheld:
        doc.add_paragraph(g.gap_withheld)
    elif g.gap_rows:
        _table(
            doc,
            [_("Dimension"), _("Leaders"), _("Others"), _("Gap")],
            [[x.dimension_label, x.leaders, x.others, x.gap] for x in g.gap_rows],
        )
    if g.prompts:
        doc.add_heading(_("Where people disagree most"), level=2)
        for p in g.prompts:
            counts = " · ".join(f"{label}: {count}" for label, count in p.distribution)
            line = ngettext(
                "{question} ({area}; SD {sd}; {n} answer)", "{question} ({area}; SD {sd}; {n} answers)", p.n
            ).format(question=p.text, area=p.dimension_label, sd=p.sd, n=p.n)
            doc.add_paragraph(line + (". " + counts if counts else ""), style="List Bullet")


def _changes(doc: Any, r: ReportContext) -> None:
    if not r.changes:
        return
    doc.add_heading(_("What changed since last time"), level=1)
    doc.add_paragraph(_("Compared with {date}.").format(date=r.previous_label))
    _table(
        doc, ["", _("Then"), _("Now"), _("Change")], [[c.label, c.before, c.now, c.change] for c in r.changes]
    )


def _review(doc: Any, r: ReportContext) -> None:
    p = r.plan
    if p is None or not p.review:
        return
    doc.add_heading(_("What you planned, and what changed"), level=1)
    lead = _(
        "Each step of %(plan)s, with the average score (0 to 100) of the practices it addresses, then and "
        "now, over the questions answered both times.",
        plan=p.review_of,
    )
    doc.add_paragraph(f"{lead} {p.review_caveat}")
    _table(
        doc,
        [_("Step"), _("Status"), _("Then"), _("Now"), _("Change")],
        [[x.title, x.status_label, x.before, x.after, x.change] for x in p.review],
        widths=[86, 26, 20, 20, 20],
    )


def _dimensions(doc: Any, r: ReportContext) -> None:
    for d in r.dimensions:
        doc.add_heading(d.label, level=1)
        if d.score is None:
            doc.add_paragraph(_("Not enough answers for a score."))
        else:
            facts = {
                "score": d.score_display,
                "stage": d.stage_label,
                "next": d.next_stage_label,
                "target": d.target_display,
            }
            if d.next_stage_label:
                line = _("Score {score} / 100, stage {stage}. Next stage: {next}, from {target}.").format(
                    **facts
                )
            else:
                line = _("Score {score} / 100, stage {stage}.").format(**facts)
            doc.add_paragraph(line)
        if d.group is not None:
            doc.add_paragraph(
                _("Group: n {n}, mean {mean}, median {median}, SD {sd}; {agreement}.").format(
                    n=d.group.n,
                    mean=d.group.mean,
                    median=d.group.median,
                    sd=d.group.sd,
                    agreement=lower_word(d.group.agreement),
                )
            )
        if d.summary:
            doc.add_paragraph(d.summary)
        if d.scored_items:
            doc.add_heading(_("Strongest practices"), level=2)
            if d.strongest:
                for x in d.strongest:
                    doc.add_paragraph(f"{x.text} ({x.answer})", style="List Bullet")
            else:
                doc.add_paragraph(_("No practice here is a strength yet."))
            doc.add_heading(_("Weakest practices"), level=2)
            if d.weakest:
                for x in d.weakest:
                    doc.add_paragraph(f"{x.text} ({x.answer})", style="List Bullet")
            else:
                doc.add_paragraph(_("No practice here is a weakness."))
        if d.unsure:
            doc.add_heading(_("To find out"), level=2)
            for x in d.unsure:
                doc.add_paragraph(f"{x.text} ({x.answer})", style="List Bullet")
        if r.plan is not None and r.plan.shows_plan:
            note = dict(r.plan.notes).get(d.label)
            if note:
                doc.add_heading(_("Note"), level=2)
                doc.add_paragraph(note)


def _plan(doc: Any, r: ReportContext) -> None:
    p = r.plan
    if p is not None and p.shows_plan:
        doc.add_heading(_("The plan"), level=1)
        doc.add_paragraph(f"{p.agreed}.")
        for paragraph in p.introduction:
            doc.add_paragraph(paragraph)
        if p.steps:
            _table(
                doc,
                ["#", _("Step"), _("Owner"), _("Due"), _("Status")],
                [
                    [
                        str(s.number),
                        s.title + (f" ({s.area})" if s.area else "") + (f"\n{s.note}" if s.note else ""),
                        s.owner or "–",
                        s.due or "–",
                        s.status_label,
                    ]
                    for s in p.steps
                ],
                widths=[10, 86, 30, 26, 20],
            )
        else:
            doc.add_paragraph(_("The plan has no steps."))
        if p.full and (p.dropped or p.closed):
            doc.add_heading(_("Left out of the plan"), level=2)
            for title, area in p.dropped:
                doc.add_paragraph(f"{title}{f' ({area})' if area else ''}", style="List Bullet")
            for s in p.closed:
                doc.add_paragraph(s.title, style="List Bullet")
        return
    if r.withheld:
        return
    doc.add_heading(_("Migration roadmap"), level=1)
    if not r.roadmap:
        doc.add_paragraph(
            _(
                "No steps: every recommendation for the current stages is already in place, "
                "or no area has a score yet."
            )
        )
    for h in r.roadmap:
        doc.add_heading(h.label, level=2)
        _table(
            doc,
            ["#", _("Recommendation"), _("Owner"), _("Effort"), _("Impact")],
            [
                [str(e.rank), f"{e.title} ({e.dimension_label})", e.owner, e.effort, e.impact]
                for e in h.entries
            ],
            widths=[10, 96, 34, 16, 16],
        )


def _rounds(doc: Any, r: ReportContext) -> None:
    rounds = getattr(r, "discussion_rounds", ())
    if not rounds:
        return
    doc.add_heading(_("Discussion rounds"), level=1)
    for rd in rounds:
        doc.add_heading(_("Round %(number)s: %(question)s", number=rd.number, question=rd.question), level=2)
        labels = rd.before.bars or rd.after.bars or ()
        rows = [
            [
                bar.label,
                str(rd.before.bars[n].count) if rd.before.bars else _("withheld"),
                str(rd.after.bars[n].count) if rd.after.bars else _("withheld"),
            ]
            for n, bar in enumerate(labels)
        ]
        rows.append([_("Spread (SD)"), rd.before.sd_display, rd.after.sd_display])
        before, after = _("Before (%(n)s)", n=rd.before.n), _("After (%(n)s)", n=rd.after.n)
        _table(doc, [_("Answer"), before, after], rows)
        doc.add_paragraph(rd.verdict)
