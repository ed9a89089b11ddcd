"""Anonymous response exports (CSV and XLSX) for a group: a row per respondent, a column per
item id, the role and the dates rounded to the day. No name, address, token or id is written.

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
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import Assessment, Group
from .questionnaires import questionnaire_of
from .snapshots import published_filter, refresh

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str | int | float | None]]


def neutralise(value: str) -> str:
    """Prefix a formula-like text with an apostrophe so spreadsheets show it as text."""
    return "'" + value if value.startswith(DANGEROUS_START) else value


def _day(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date().isoformat()


WITHHELD = "withheld"


def response_table(session: Session, group: Group) -> Table:
    """The published snapshot's assessments (SCORING.md rule 13), each as role, status, dates and
    answers: in-progress and not yet published responses are left out, and a role with fewer
    than k members in the snapshot is written as "withheld". With fewer than k published
    responses the table has no rows at all. Moves the snapshot on first (the caller commits).

    Rows are ordered by day and then at random-looking id, never by completion order, so the
    order does not reveal who answered when (the export is anonymous)."""
    state = refresh(session, group)
    k = state.k
    q = questionnaire_of(group.questionnaire)
    item_ids = [i.id for i in q.items]
    header = ["respondent", "role", "status", "started", "completed", *item_ids]
    rows: list[list[str | int | None]] = []
    records = session.execute(
        select(
            Assessment.role,
            Assessment.status,
            Assessment.created_at,
            Assessment.completed_at,
            Assessment.answers,
            Assessment.id,
        ).where(*published_filter(group))
    ).all()
    if not state.shows_numbers:
        records = []
    records.sort(key=lambda r: (_day(r.created_at) or "", r.id))
    per_role = Counter(r.role or "" for r in records)
    for number, record in enumerate(records, start=1):
        answers = record.answers or {}
        rows.append(
            [
                number,
                (record.role or "") if per_role[record.role or ""] >= k else WITHHELD,
                record.status,
                _day(record.created_at),
                _day(record.completed_at),
                *[answers.get(item_id) for item_id in item_ids],
            ]
        )
    return Table(header, rows)


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
    for row in table.rows:
        writer.writerow([v if _is_number(v) else _text(v) for v in row])
    return out.getvalue()


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
    """A one-sheet workbook: answers and scores as numbers, everything else as neutralised text.

    XlsxWriter writes a package that Excel and LibreOffice open (a hand-written one risks a file
    they reject, which a consultant would only find out in front of a client); every text goes
    through ``write_string`` with formula conversion off, so no cell can be a formula."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, _WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet("Responses")
    sheet.freeze_panes(1, 1)
    for r, values in enumerate([table.header, *table.rows]):
        for c, value in enumerate(values):
            if value is None:
                continue
            if _is_number(value):
                sheet.write_number(r, c, value)  # type: ignore[arg-type]
            else:
                sheet.write_string(r, c, _XML_ILLEGAL.sub("", neutralise(str(value))))
    workbook.close()
    return out.getvalue()


def filename(group: Group, extension: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", group.name).strip("-").lower()[:60] or "workshop"
    return f"{slug}-{date.today().isoformat()}.{extension}"
