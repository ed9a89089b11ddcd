"""The PDF report: a plain context, print SVG charts, and WeasyPrint with a locked fetcher.

    from reports import build_context, render_pdf
    context = build_context(result, organisation="Acme", date=date.today())
    pdf: bytes = render_pdf(context)

``build_context`` takes a scored ``Result`` (one respondent, or a group's means together with
``group=GroupData(...)``) and plain values; the template never sees a database object. See
``reports/README.md`` for the context contract and the group sections.
"""

from .context import (
    Branding,
    GapRow,
    GroupData,
    GroupDimension,
    GroupGap,
    GroupPrompt,
    HistoryPoint,
    ReportContext,
    build_context,
    date_display,
    group_data_from_summary,
)
from .fetcher import ReportURLFetcher
from .render import PreparedReport, html_to_pdf, prepare, render_html, render_pdf

__all__ = [
    "Branding",
    "GapRow",
    "GroupData",
    "GroupDimension",
    "GroupGap",
    "GroupPrompt",
    "HistoryPoint",
    "PreparedReport",
    "ReportContext",
    "ReportURLFetcher",
    "build_context",
    "date_display",
    "group_data_from_summary",
    "html_to_pdf",
    "prepare",
    "render_html",
    "render_pdf",
]
