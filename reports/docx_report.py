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

from .context import ReportContext
from .raster import scores_png

COVER_TITLE = "Where the organisation stands between {low} and {high}, and what to change first"
SCORES_CAPTION = (
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
        doc.add_heading("No figures yet", level=1)
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
    doc.add_paragraph(COVER_TITLE.format(low=r.low_pole.lower(), high=r.high_pole.lower()))
    details = doc.add_paragraph()
    details.add_run(
        f"{r.respondent_label}\n{r.questionnaire_title}, version {r.questionnaire_version}\n{r.date_display}"
    )
    if r.prepared_by:
        details.add_run(f"\nPrepared by {r.prepared_by}")
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
    doc.add_heading("Executive summary", level=1)
    doc.add_heading(r.classification_label, level=2)
    doc.add_paragraph(r.verdict_explanation)
    overall = f"{r.overall_display} / 100" if r.overall is not None else "– (not enough answers)"
    doc.add_paragraph(
        f"Overall index: {overall} (threshold {r.threshold_display}). Stage: {r.stage_label or '–'}."
    )
    if r.group is not None:
        doc.add_paragraph(f"Leaders and the others. {r.group.gap_summary}")
    _table(
        doc,
        ["Dimension", "Score", "Stage", "Next-stage target"],
        [
            [d.label, d.score_display, d.stage_label or "not enough answers", d.target_display or "–"]
            for d in r.dimensions
        ],
        widths=[70, 25, 45, 32],
    )
    rows = [(d.label, d.score, d.score_display) for d in r.dimensions]
    rows.append(("Overall index", r.overall, r.overall_display))
    png = scores_png(
        rows,
        floor=float(r.floor_display),
        threshold=float(r.threshold_display),
        accent=r.accent,
        floor_label=f"floor {r.floor_display}",
        threshold_label=f"threshold {r.threshold_display}",
    )
    doc.add_picture(io.BytesIO(png), width=Mm(160))
    caption = doc.add_paragraph(SCORES_CAPTION.format(floor=r.floor_display, threshold=r.threshold_display))
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in caption.runs:
        run.font.size = Pt(9)
    if r.priorities:
        doc.add_heading("The first priorities", level=2)
        for p in r.priorities:
            doc.add_paragraph(
                f"{p.title} ({p.dimension_label}; {p.horizon_label}; owner {p.owner})", style="List Number"
            )


def _commentary(doc: Any, r: ReportContext) -> None:
    if not r.commentary:
        return
    doc.add_heading(f"Commentary by {r.prepared_by}" if r.prepared_by else "Commentary", level=1)
    for paragraph in r.commentary:
        doc.add_paragraph(paragraph)


def _group(doc: Any, r: ReportContext) -> None:
    g = r.group
    if g is None:
        return
    doc.add_heading("The group's view", level=1)
    doc.add_paragraph(
        f"{g.name + ': ' if g.name else ''}{g.n} respondent{'' if g.n == 1 else 's'}. "
        "Scores are the group's means."
    )
    _table(
        doc,
        ["Dimension", "n", "Mean", "Median", "SD", "Range", "Agreement"],
        [[label, str(v.n), v.mean, v.median, v.sd, f"{v.min}–{v.max}", v.agreement] for label, v in g.rows],
    )
    doc.add_heading("Leaders and the others", level=2)
    if g.gap_withheld:
        doc.add_paragraph(g.gap_withheld)
    elif g.gap_rows:
        _table(
            doc,
            ["Dimension", "Leaders", "Others", "Gap"],
            [[x.dimension_label, x.leaders, x.others, x.gap] for x in g.gap_rows],
        )
    if g.prompts:
        doc.add_heading("Where people disagree most", level=2)
        for p in g.prompts:
            counts = " · ".join(f"{label}: {count}" for label, count in p.distribution)
            doc.add_paragraph(
                f"{p.text} ({p.dimension_label}; SD {p.sd}; {p.n} answers){'. ' + counts if counts else ''}",
                style="List Bullet",
            )


def _changes(doc: Any, r: ReportContext) -> None:
    if not r.changes:
        return
    doc.add_heading("What changed since last time", level=1)
    doc.add_paragraph(f"Compared with {r.previous_label}.")
    _table(doc, ["", "Then", "Now", "Change"], [[c.label, c.before, c.now, c.change] for c in r.changes])


def _review(doc: Any, r: ReportContext) -> None:
    p = r.plan
    if p is None or not p.review:
        return
    doc.add_heading("What you planned, and what changed", level=1)
    doc.add_paragraph(
        f"Each step of {p.review_of}, with the average score (0 to 100) of the practices it addresses, "
        f"then and now, over the questions answered both times. {p.review_caveat}"
    )
    _table(
        doc,
        ["Step", "Status", "Then", "Now", "Change"],
        [[x.title, x.status_label, x.before, x.after, x.change] for x in p.review],
        widths=[86, 26, 20, 20, 20],
    )


def _dimensions(doc: Any, r: ReportContext) -> None:
    for d in r.dimensions:
        doc.add_heading(d.label, level=1)
        if d.score is None:
            doc.add_paragraph("Not enough answers for a score.")
        else:
            line = f"Score {d.score_display} / 100, stage {d.stage_label}."
            if d.next_stage_label:
                line += f" Next stage: {d.next_stage_label}, from {d.target_display}."
            doc.add_paragraph(line)
        if d.group is not None:
            doc.add_paragraph(
                f"Group: n {d.group.n}, mean {d.group.mean}, median {d.group.median}, SD {d.group.sd}; "
                f"{d.group.agreement.lower()}."
            )
        if d.summary:
            doc.add_paragraph(d.summary)
        if d.scored_items:
            doc.add_heading("Strongest practices", level=2)
            if d.strongest:
                for x in d.strongest:
                    doc.add_paragraph(f"{x.text} ({x.answer})", style="List Bullet")
            else:
                doc.add_paragraph("No practice here is a strength yet.")
            doc.add_heading("Weakest practices", level=2)
            if d.weakest:
                for x in d.weakest:
                    doc.add_paragraph(f"{x.text} ({x.answer})", style="List Bullet")
            else:
                doc.add_paragraph("No practice here is a weakness.")
        if d.unsure:
            doc.add_heading("To find out", level=2)
            for x in d.unsure:
                doc.add_paragraph(f"{x.text} ({x.answer})", style="List Bullet")
        if r.plan is not None and r.plan.shows_plan:
            note = dict(r.plan.notes).get(d.label)
            if note:
                doc.add_heading("Note", level=2)
                doc.add_paragraph(note)


def _plan(doc: Any, r: ReportContext) -> None:
    p = r.plan
    if p is not None and p.shows_plan:
        doc.add_heading("The plan", level=1)
        doc.add_paragraph(f"{p.agreed}.")
        for paragraph in p.introduction:
            doc.add_paragraph(paragraph)
        if p.steps:
            _table(
                doc,
                ["#", "Step", "Owner", "Due", "Status"],
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
            doc.add_paragraph("The plan has no steps.")
        if p.full and (p.dropped or p.closed):
            doc.add_heading("Left out of the plan", level=2)
            for title, area in p.dropped:
                doc.add_paragraph(f"{title}{f' ({area})' if area else ''}", style="List Bullet")
            for s in p.closed:
                doc.add_paragraph(s.title, style="List Bullet")
        return
    if r.withheld:
        return
    doc.add_heading("Migration roadmap", level=1)
    if not r.roadmap:
        doc.add_paragraph(
            "No steps: every recommendation for the current stages is already in place, "
            "or no area has a score yet."
        )
    for h in r.roadmap:
        doc.add_heading(h.label, level=2)
        _table(
            doc,
            ["#", "Recommendation", "Owner", "Effort", "Impact"],
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
    doc.add_heading("Discussion rounds", level=1)
    for rd in rounds:
        doc.add_heading(f"Round {rd.number}: {rd.question}", level=2)
        labels = rd.before.bars or rd.after.bars or ()
        rows = [
            [
                bar.label,
                str(rd.before.bars[n].count) if rd.before.bars else "withheld",
                str(rd.after.bars[n].count) if rd.after.bars else "withheld",
            ]
            for n, bar in enumerate(labels)
        ]
        rows.append(["Spread (SD)", rd.before.sd_display, rd.after.sd_display])
        _table(doc, ["Answer", f"Before ({rd.before.n})", f"After ({rd.after.n})"], rows)
        doc.add_paragraph(rd.verdict)
