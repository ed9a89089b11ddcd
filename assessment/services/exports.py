"""Anonymous response exports (CSV and XLSX) for a group: a row per respondent with the role,
the dates rounded to the day, the overall index and each area's score, then every answer. No
name, address, token or id is written.

Readable: the header row names each column in words (an area's label, a question's text) and a
second row gives the machine ids (``overall``, dimension ids, item ids), so a reader sees the
question and a script still finds its column. The workbook adds a "Questionnaire" sheet (every
question with its id, area, scale and answer labels) and a "Group figures" sheet (the published
snapshot's figures per area, as on the dashboard).

Language: the human labels (the first header row, the sheets' names and headers, the words
"withheld", "yes", "no") are in the language the caller asks for (``translate``, the page's
gettext; ``language`` for the questionnaire's own text). The second header row of ids, the role
and status ids, the dates and every number stay the same in every language: scripts read those
(docs/translations.md).

Spreadsheet safety: a cell whose text begins with ``= + - @``, a tab or a carriage return could
be run as a formula by a spreadsheet program; such cells get a leading apostrophe. In the XLSX
every cell is written as a string (read back as ``data_type 's'``) or a number, never a formula.
The data come from one query whatever the number of respondents.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session
from xlsxwriter.utility import xl_col_to_name

from ..db.models import Assessment, DimensionScoreRow, Group
from ..domain.figures import score_bounds, shown_value
from ..domain.groups import Member, dimension_agreement, dimension_stats, group_result
from ..domain.questionnaire import Questionnaire
from ..domain.snapshot import withheld_roles
from ..domain.text import N_
from .questionnaires import questionnaire_of, translated
from .snapshots import published_filter, refresh

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


Cell = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    """A further sheet of the workbook (the CSV has only the main table)."""

    name: str
    header: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[Cell]]
    ids: list[str] | None = None  # a second header row: the machine name of each column
    sheets: tuple[Sheet, ...] = ()
    name: str = "Responses"  # the workbook's first sheet


# Column titles, English and marked for translation: ``translate`` turns each into the reader's
# language (the ids row below them never changes).
TITLES = {
    "respondent": N_("Respondent"),
    "role": N_("Role"),
    "status": N_("Status"),
    "started": N_("Started"),
    "completed": N_("Completed"),
    "overall": N_("Overall index"),
}
QUESTIONNAIRE_HEADER = [
    N_("Item id"),
    N_("Area"),
    N_("Question"),
    N_("Type"),
    N_("Reverse-keyed"),
    N_("Answers (value = label)"),
]
FIGURES_HEADER = [
    N_("Area id"),
    N_("Area"),
    "n",
    N_("Mean"),
    N_("Median"),
    N_("SD"),
    N_("Lowest"),
    N_("Highest"),
    N_("Agreement rwg(j)"),
]
FIGURES_WITHHELD = N_(
    "Withheld: fewer than %(k)s responses are published (rule 13), so no group figure is shown."
)
SHEET_RESPONSES, SHEET_QUESTIONNAIRE, SHEET_FIGURES = (
    N_("Responses"),
    N_("Questionnaire"),
    N_("Group figures"),
)
YES, NO = N_("yes"), N_("no")
UNSURE_OPTION = N_("Unsure / don't know")

Translate = Callable[[str], str]


def _as_is(message: str) -> str:
    return message


def neutralise(value: str) -> str:
    """Prefix a formula-like text with an apostrophe so spreadsheets show it as text."""
    return "'" + value if value.startswith(DANGEROUS_START) else value


def _day(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date().isoformat()


WITHHELD = N_("withheld")


def response_table(
    session: Session,
    group: Group,
    translate: Translate = _as_is,
    language: str | None = None,
    *,
    sheets: bool = True,
) -> Table:
    """The published snapshot's assessments (SCORING.md rule 13), each as role, status, dates,
    overall index, area scores and answers: in-progress and not yet published responses are left
    out, and a role with fewer than k members in the snapshot is written as "withheld" (with
    more roles, smallest first, until the withheld rows are at least k: ``withheld_roles``). With
    fewer than k published responses the table has no rows and the group figures are withheld.
    Moves the snapshot on first (the caller commits). Two queries for the rows, whatever the
    group's size.

    Rows are ordered by day and then at random-looking id, never by completion order, so the
    order does not reveal who answered when (the export is anonymous). ``sheets=False`` leaves
    out the workbook's further sheets (a CSV has none).

    ``translate`` and ``language``: the human labels in the reader's language (module docstring)."""
    state = refresh(session, group)
    k = state.k
    q = questionnaire_of(group.questionnaire)
    if language:
        q = translated(q, language)
    bounds = score_bounds(q)
    item_ids = [i.id for i in q.items]
    dimension_ids = [d.id for d in q.dimensions]
    ids = ["respondent", "role", "status", "started", "completed", "overall", *dimension_ids, *item_ids]
    header = [
        *(translate(TITLES[c]) for c in ids[:6]),
        *(d.label for d in q.dimensions),
        *(i.text for i in q.items),
    ]
    rows: list[list[Cell]] = []
    published = published_filter(group)
    records = session.execute(
        select(
            Assessment.role,
            Assessment.status,
            Assessment.created_at,
            Assessment.completed_at,
            Assessment.answers,
            Assessment.id,
            Assessment.overall,
        ).where(*published)
    ).all()
    if not state.shows_numbers:
        records = []
    scores: dict[str, dict[str, float | None]] = {}
    if records:
        for assessment_id, dimension, value in session.execute(
            select(DimensionScoreRow.assessment_id, DimensionScoreRow.dimension, DimensionScoreRow.score)
            .join(Assessment, Assessment.id == DimensionScoreRow.assessment_id)
            .where(*published)
        ):
            scores.setdefault(assessment_id, {})[dimension] = value
    records.sort(key=lambda r: (_day(r.created_at) or "", r.id))
    withheld = withheld_roles(Counter(r.role or "" for r in records), k)
    for number, record in enumerate(records, start=1):
        answers = record.answers or {}
        mine = scores.get(record.id, {})
        rows.append(
            [
                number,
                translate(WITHHELD) if (record.role or "") in withheld else (record.role or ""),
                record.status,
                _day(record.created_at),
                _day(record.completed_at),
                _score(record.overall, bounds),
                *[_score(mine.get(d), bounds) for d in dimension_ids],
                *[answers.get(item_id) for item_id in item_ids],
            ]
        )
    if not sheets:
        return Table(header, rows, ids=ids, name=translate(SHEET_RESPONSES))
    members = [
        Member(role=r.role or "", scores=scores.get(r.id, {}), answers=r.answers or {}) for r in records
    ]
    sheets_ = (questionnaire_sheet(q, translate), figures_sheet(q, members, k, translate))
    return Table(header, rows, ids=ids, sheets=sheets_, name=translate(SHEET_RESPONSES))


def _score(value: float | None, bounds: tuple[float, ...], digits: int = 1) -> float | None:
    """A score as shown (rule 17, one decimal), as a number a spreadsheet can sum."""
    return shown_value(value, bounds, digits)


def questionnaire_sheet(q: Questionnaire, translate: Translate = _as_is) -> Sheet:
    """Every question with its id, area, type, keying and the labels of its answers."""
    labels = {d.id: d.label for d in q.dimensions}
    rows: list[list[Cell]] = []
    for item in q.items:
        options = "; ".join(f"{o.value} = {o.label}" for o in item.options)
        if getattr(item, "allow_unsure", False):
            options += "; unsure = " + translate(UNSURE_OPTION)
        rows.append(
            [
                item.id,
                labels.get(item.dimension, item.dimension),
                item.text,
                item.type,
                translate(YES) if item.reverse else translate(NO),
                options,
            ]
        )
    return Sheet(translate(SHEET_QUESTIONNAIRE), [translate(h) for h in QUESTIONNAIRE_HEADER], rows)


def figures_sheet(q: Questionnaire, members: list[Member], k: int, translate: Translate = _as_is) -> Sheet:
    """The published snapshot's figures per area and overall (the dashboard's), or a line saying
    they are withheld while fewer than k are published."""
    header = [h if h == "n" else translate(h) for h in FIGURES_HEADER]
    name = translate(SHEET_FIGURES)
    if len(members) < k:
        return Sheet(name, header, [[translate(FIGURES_WITHHELD) % {"k": k}]])
    # Rule 9's figures that the sheet shows, without the prompts and gaps it does not (those
    # would cost most of an export of a large group).
    stats = dimension_stats(q, members, k)  # fewer than k scores: withheld, as on the dashboard
    answer_sets = [m.answers for m in members]
    overall = group_result(q, stats).overall
    bounds = score_bounds(q)
    rows: list[list[Cell]] = []
    for d in q.dimensions:
        rwg = dimension_agreement(q, d.id, answer_sets, k).rwg if stats[d.id].n else None
        rows.append(
            [
                d.id,
                d.label,
                stats[d.id].n,
                _score(stats[d.id].mean, bounds),
                _score(stats[d.id].median, bounds),
                None if stats[d.id].sd is None else round(stats[d.id].sd, 2),
                _score(stats[d.id].min, bounds),
                _score(stats[d.id].max, bounds),
                None if rwg is None else round(rwg, 2),
            ]
        )
    rows.append(["overall", translate(TITLES["overall"]), len(members), _score(overall, bounds)])
    return Sheet(name, header, rows)


def _text(value: object) -> str:
    return "" if value is None else neutralise(str(value))


def _is_number(value: object) -> bool:
    """An answer or a score: written as a number (a score such as 62.5 too, so a spreadsheet can
    sum it), never a bool and never NaN or infinity (no spreadsheet number)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_text(h) for h in table.header])
    if table.ids is not None:
        writer.writerow([_text(h) for h in table.ids])
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return out.getvalue()


def _csv_cell(value: Cell) -> Cell:
    """``value`` if it is a number (``_is_number``), else its neutralised text: the same choice,
    by the value's exact type first (a million cells in a large export)."""
    kind = type(value)
    if kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else _text(value)  # type: ignore[arg-type]
    return "" if value is None else _text(value)


# Characters XML 1.0 cannot carry at all (a spreadsheet program may refuse the file); dropped.
_XML_ILLEGAL = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")
# Never let the library turn a text into a formula, a number or a link: text is written as text.
_WORKBOOK_OPTIONS = {
    "constant_memory": True,  # each row goes to a temporary file: memory stays flat for any group
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def to_xlsx(table: Table) -> bytes:
    """A workbook: the responses first (answers and scores as numbers, everything else as
    neutralised text), then the table's further sheets.

    XlsxWriter writes a package that Excel and LibreOffice open (a hand-written one risks a file
    they reject, which a consultant would only find out in front of a client); every text goes
    through ``write_string`` with formula conversion off, so no cell can be a formula.

    The responses sheet's cells (55,000 for 1,000 respondents) are the one part written here, in
    the very XML XlsxWriter writes for them in constant-memory mode (``<v>`` numbers and inline
    strings, never a formula): its per-cell calls took two thirds of an export's time. XlsxWriter
    still writes the sheet itself, its frozen header and everything around it."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, _WORKBOOK_OPTIONS)
    heads = [table.header] if table.ids is None else [table.header, table.ids]
    responses = workbook.add_worksheet(table.name)
    responses.freeze_panes(len(heads), 1)
    for extra in table.sheets:
        _write_sheet(workbook, extra.name, [extra.header, *extra.rows], 1)
    workbook.close()
    return _with_sheet_data(out.getvalue(), "xl/worksheets/sheet1.xml", [*heads, *table.rows])


_ESCAPE_OF_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")  # text that reads like Excel's own escape
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")


def _xml_text(value: str) -> str:
    """A text cell's inline string, escaped as XlsxWriter escapes it: Excel's ``_xHHHH_`` for a
    control character (and for text that would read as one), XML entities for ``& < >``."""
    text = _XML_ILLEGAL.sub("", neutralise(value))
    if "_x" in text:
        text = _ESCAPE_OF_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<is><t{preserve}>{text}</t></is>"


def _sheet_data(rows: list[list[Cell]]) -> tuple[str, str]:
    """(the ``<sheetData>`` element of ``rows``, its dimension such as ``A1:BC1002``). A cell's
    XML after its reference is kept per value: answers, roles, days and rounded scores repeat."""
    width = max((len(r) for r in rows), default=1) or 1
    columns = [xl_col_to_name(c) for c in range(width)]
    numbers: dict[float, str] = {}
    texts: dict[str, str] = {}
    parts = ["<sheetData>"]
    append = parts.append
    for r, values in enumerate(rows, start=1):
        append(f'<row r="{r}">')
        for column, value in zip(columns, values, strict=False):
            if value is None:
                continue
            kind = type(value)
            if (kind is int or kind is float) and math.isfinite(value):  # type: ignore[arg-type]
                cell = numbers.get(value)  # type: ignore[arg-type]
                if cell is None:
                    cell = numbers[value] = f"><v>{value:.16G}</v></c>"  # type: ignore[index]
            else:
                text = str(value)
                cell = texts.get(text)
                if cell is None:
                    cell = texts[text] = f' t="inlineStr">{_xml_text(text)}</c>'
            append(f'<c r="{column}{r}"{cell}')
        append("</row>")
    append("</sheetData>")
    return "".join(parts), f"A1:{columns[-1]}{max(len(rows), 1)}"


def _with_sheet_data(package: bytes, member: str, rows: list[list[Cell]]) -> bytes:
    """The package with ``member``'s empty ``<sheetData/>`` filled with ``rows``."""
    data, dimension = _sheet_data(rows)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            body = source.read(info)
            if info.filename == member:
                xml = body.decode("utf-8")
                if xml.count("<sheetData/>") != 1:
                    raise ValueError(f"{member} has no empty sheetData to fill")
                xml = xml.replace('<dimension ref="A1"/>', f'<dimension ref="{dimension}"/>', 1)
                body = xml.replace("<sheetData/>", data, 1).encode("utf-8")
            # The filled sheet at level 1: a tenth of the export's time less, a third larger.
            level = 1 if info.filename == member else 6
            target.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return out.getvalue()


def _write_sheet(workbook: xlsxwriter.Workbook, name: str, rows: list[list[Cell]], heads: int) -> None:
    sheet = workbook.add_worksheet(name)
    sheet.freeze_panes(heads, 1)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            if _is_number(value):
                sheet.write_number(r, c, value)  # type: ignore[arg-type]
            else:
                sheet.write_string(r, c, _XML_ILLEGAL.sub("", neutralise(str(value))))


def filename(group: Group, extension: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", group.name).strip("-").lower()[:60] or "workshop"
    return f"{slug}-{date.today().isoformat()}.{extension}"
