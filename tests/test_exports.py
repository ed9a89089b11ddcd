"""Anonymous CSV and XLSX exports: a row per respondent, a column per item, role, dates to the
day; formula-like cells neutralised; no XLSX formula; a fixed number of queries."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from openpyxl.utils.escape import unescape
from sqlalchemy import event

from assessment.db.models import Group
from assessment.services import accounts, exports, self_assessment, workshops
from assessment.services.exports import Table, neutralise, to_csv, to_xlsx
from assessment.services.questionnaires import current_version

from .web_helpers import answers

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_is_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "unsure", "2026-01-02", "a=b", " =x"])
def test_ordinary_text_is_left_alone(value):
    assert neutralise(value) == value


def test_csv_and_xlsx_never_carry_a_live_formula():
    table = Table(["respondent", "role", *DANGEROUS], [[1, value, *DANGEROUS] for value in DANGEROUS])
    rows = list(csv.reader(io.StringIO(to_csv(table), newline="")))
    assert all(cell.startswith("'") for cell in rows[0][2:])
    assert [r[1] for r in rows[1:]] == ["'" + v for v in DANGEROUS]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type in ("s", "n") for c in cells)
    assert not any(c.data_type == "f" for c in cells)
    texts = [c.value for c in cells if c.data_type == "s"]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)


def _workshop(app, v1, n: int) -> Group:
    with app.extensions["database"].session() as s:
        user = accounts.create_user(s, f"owner{n}@example.org", None)
        version = current_version(s, "social-organisation")
        group = workshops.create_workshop(
            s, user.id, version, name="Export test", organisation="=cmd|' /C calc'!A0"
        )
        roles = ["leadership", "staff", "manager"]
        for i in range(n):
            given = answers(v1, low=["policy"] if i % 2 else [])
            if i == 0:
                given[v1.items[0].id] = "unsure"
            assessment, _ = self_assessment.submit(
                s, "social-organisation", given, role=roles[i % 3], group=group
            )
            assessment.created_at = datetime(2026, 3, 4, 15, 47, 13, tzinfo=UTC)
            assessment.completed_at = datetime(2026, 3, 4, 16, 2, 59, tzinfo=UTC)
        self_assessment.start_assessment(s, version, role="staff", group=group)  # still answering
        s.commit()
        return group


def test_response_table_is_anonymous_with_a_row_per_respondent(app, v1):
    group = _workshop(app, v1, 4)
    with app.extensions["database"].session() as s:
        table = exports.response_table(s, s.get(Group, group.id))
    dimension_ids = [d.id for d in v1.dimensions]
    assert table.ids == [
        "respondent",
        "role",
        "status",
        "started",
        "completed",
        "overall",
        *dimension_ids,
        *[i.id for i in v1.items],
    ]
    # The header row in words: the area labels and the questions' own text.
    assert table.header[:6] == ["Respondent", "Role", "Status", "Started", "Completed", "Overall index"]
    assert table.header[6 : 6 + len(dimension_ids)] == [d.label for d in v1.dimensions]
    assert table.header[6 + len(dimension_ids) :] == [i.text for i in v1.items]
    # Only the published snapshot (rule 13): the one still answering is not in it.
    assert len(table.rows) == 4
    complete = [r for r in table.rows if r[2] == "complete"]
    assert len(complete) == 4
    # Roles: leadership 2, staff 1, manager 1, each fewer than 3 in the snapshot.
    assert {r[1] for r in table.rows} == {"withheld"}
    assert {r[3] for r in complete} == {"2026-03-04"} and {r[4] for r in complete} == {"2026-03-04"}
    assert "unsure" in [v for r in complete for v in r]
    assert [r[0] for r in table.rows] == [1, 2, 3, 4]  # numbers, not ids or tokens
    flat = " ".join(str(v) for r in table.rows for v in r)
    for secret in ("15:47", "=cmd", "owner4@example.org"):
        assert secret not in flat


def test_export_downloads(app, v1):
    group = _workshop(app, v1, 3)
    client = app.test_client()
    with app.extensions["database"].session() as s:
        accounts.set_password(s.get(Group, group.id).owner, "a long enough password")
        s.commit()
    client.post("/login", data={"email": "owner3@example.org", "password": "a long enough password"})
    response = client.get(f"/workshops/{group.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="export-test-')
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["Respondent", "Role", "Status"] and rows[1][:3] == ["respondent", "role", "status"]
    assert len(rows) == 5  # two header rows, three respondents
    xlsx = client.get(f"/workshops/{group.id}/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:3] == ("respondent", "role", "status") and len(values) == 5
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_export_queries_do_not_grow_with_responses(app, v1):
    counts = []
    for n in (3, 30):
        group = _workshop(app, v1, n)
        statements: list[str] = []
        engine = app.extensions["database"].engine

        def count(conn, cursor, statement, *args, _s=statements):  # type: ignore[no-untyped-def]
            _s.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            with app.extensions["database"].session() as s:
                table = exports.response_table(s, s.get(Group, group.id))
                to_csv(table)
                to_xlsx(table)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(table.rows) == n
        counts.append(len(statements))
    # group, questionnaire, rows, their area scores; and rule 13: the completion numbers, then
    # (the snapshot moves here) the newcomers' roles and answers and which dimensions each has a
    # score in (rule 13 per figure), the UPDATE moving the snapshot
    assert counts[0] == counts[1] <= 8


def test_dashboard_summary_queries_do_not_grow_with_responses(app, v1):
    counts = []
    for n in (3, 30):
        group = _workshop(app, v1, n)
        statements: list[str] = []
        engine = app.extensions["database"].engine

        def count(conn, cursor, statement, *args, _s=statements):  # type: ignore[no-untyped-def]
            _s.append(statement)

        with app.extensions["database"].session() as s:
            row = s.get(Group, group.id)
            _ = row.questionnaire
            event.listen(engine, "before_cursor_execute", count)
            try:
                summary = workshops.summary_dict(workshops.workshop_view(s, row))
            finally:
                event.remove(engine, "before_cursor_execute", count)
        assert summary["n"] == n
        counts.append(len(statements))
    # The snapshot moves here: rule 13's roles and answers and scored dimensions are read too
    # (a view with nothing beyond the cut-off, the usual poll, makes two statements fewer).
    assert counts[0] == counts[1] <= 6


def test_xlsx_text_round_trips_and_sheet_is_usable():
    table = Table(["respondent", "note"], [[1, "a < b & c > d"], [2, "line\rbreak"], [3, "bell\x07gone"]])
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet.title == "Responses" and sheet.freeze_panes == "B2"
    # The standard writes a CR in a cell as _x000D_ (ECMA-376 ST_Xstring); Excel decodes it,
    # openpyxl leaves the decoding to its caller.
    assert [unescape(c.value) for c in sheet["B"]] == ["note", "a < b & c > d", "line\rbreak", "bellgone"]
    assert [c.data_type for c in sheet["A"]] == ["s", "n", "n", "n"]


def test_xlsx_holds_no_formula_element_and_reads_back_cell_by_cell():
    """Whatever a reader makes of it, the package itself has no <f> element; read back by a
    second library, every text is the neutralised text and every answer a number."""
    table = Table(
        ["respondent", "role", "q1"], [[1, value, 3] for value in DANGEROUS] + [[9, "unsure", None]]
    )
    data = to_xlsx(table)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in package.read(n) or b"<f " in package.read(n) for n in sheets)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [
        [unescape(v) if isinstance(v, str) else v for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert rows[0] == ["respondent", "role", "q1"]
    assert [r[1] for r in rows[1:-1]] == ["'" + v for v in DANGEROUS]
    assert [r[2] for r in rows[1:-1]] == [3] * len(DANGEROUS) and rows[-1] == [9, "unsure", None]
    assert all(c.data_type in ("s", "n") for row in sheet.iter_rows() for c in row if c.value is not None)


def test_the_workbook_reads_without_the_questionnaire_beside_it(app, v1):
    group = _workshop(app, v1, 3)
    with app.extensions["database"].session() as s:
        table = exports.response_table(s, s.get(Group, group.id))
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(table)))
    assert book.sheetnames == ["Responses", "Questionnaire", "Group figures"]
    responses = list(book["Responses"].iter_rows(values_only=True))
    ids = list(responses[1])
    first = v1.dimensions[0]
    # Each row's area scores and overall index, as numbers; the answers after them.
    assert all(isinstance(r[ids.index(first.id)], int | float) for r in responses[2:])
    assert all(isinstance(r[ids.index("overall")], int | float) for r in responses[2:])
    questions = list(book["Questionnaire"].iter_rows(values_only=True))
    assert questions[0][:3] == ("Item id", "Area", "Question") and len(questions) == 1 + len(v1.items)
    item = v1.items[0]
    row = next(r for r in questions if r[0] == item.id)
    assert row[1] == v1.dimension(item.dimension).label and row[2] == item.text
    assert f"{item.options[0].value} = {item.options[0].label}" in row[5]
    figures = list(book["Group figures"].iter_rows(values_only=True))
    by_id = {r[0]: r for r in figures[1:]}
    scores = [r[ids.index(first.id)] for r in responses[2:]]
    assert by_id[first.id][2] == 3 and abs(by_id[first.id][3] - sum(scores) / 3) < 0.1
    assert by_id["overall"][1] == "Overall index"


def test_group_figures_are_withheld_below_k(app, v1):
    group = _workshop(app, v1, 2)
    with app.extensions["database"].session() as s:
        table = exports.response_table(s, s.get(Group, group.id))
    assert table.rows == []
    figures = {sheet.name: sheet for sheet in table.sheets}["Group figures"]
    assert figures.rows == [
        ["Withheld: fewer than 3 responses are published (rule 13), so no group figure is shown."]
    ]


TRICKY = ["a < b & c > d", " leading", "trailing ", "line\rbreak", "tab\there", "_x0041_ literal", "é ü 漢"]


def test_responses_sheet_cells_are_the_xml_xlsxwriter_writes():
    """The responses sheet's cells are written by exports itself: cell for cell the XML that
    XlsxWriter's own write_number/write_string give in constant-memory mode."""
    import re

    import xlsxwriter

    rows = [["respondent", "note", "score"], *[[n, text, 62.5 + n / 10] for n, text in enumerate(TRICKY)]]
    rows.append([99, None, 7])
    ours = to_xlsx(Table(rows[0], rows[1:]))
    reference = io.BytesIO()
    workbook = xlsxwriter.Workbook(reference, exports._WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet("Responses")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    workbook.close()

    def cells(package: bytes) -> list[str]:
        with zipfile.ZipFile(io.BytesIO(package)) as z:
            return re.findall(r"<c .*?</c>", z.read("xl/worksheets/sheet1.xml").decode())

    assert cells(ours) == cells(reference.getvalue())


def test_text_that_looks_like_markup_stays_text_in_the_xlsx():
    table = Table(["respondent", "note"], [[1, "<r><t>x</t></r>"], [2, "</t></is></c><c><f>1+1</f>"]])
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    assert [c.value for c in sheet["B"]][1:] == ["<r><t>x</t></r>", "</t></is></c><c><f>1+1</f>"]
    assert all(c.data_type == "s" for c in sheet["B"])


def test_exported_scores_are_rule_17s_figures(app, v1):
    """Every overall and area score in the CSV and the XLSX is the figure rule 17 shows (one
    decimal, never reaching a bound not reached), computed from the stored full precision."""
    import random

    from assessment.cli.facilitators import demo_answers
    from assessment.db.models import Assessment, DimensionScoreRow
    from assessment.domain.figures import score_bounds, shown_score

    rng = random.Random(17)
    with app.extensions["database"].session() as s:
        user = accounts.create_user(s, "rule17@example.org", None)
        version = current_version(s, "social-organisation")
        group = workshops.create_workshop(s, user.id, version, name="Rule 17")
        for k in range(12):
            role = ("leadership", "manager", "staff")[k % 3]
            self_assessment.submit(s, v1.id, demo_answers(v1, role, rng), role=role, group=group)
        s.commit()
        group_id = group.id
    with app.extensions["database"].session() as s:
        table = exports.response_table(s, s.get(Group, group_id))
        s.commit()
        stored = {
            a.id: {"overall": a.overall, **{row.dimension: row.score for row in a.scores}}
            for a in s.query(Assessment).filter(Assessment.group_id == group_id)
        }
        assert s.query(DimensionScoreRow).count() >= 12 * len(v1.dimensions)
    bounds = score_bounds(v1)
    columns = ["overall", *[d.id for d in v1.dimensions]]
    # Rows are in (day, id) order and all on one day: the stored assessments sorted by id.
    expected = [
        [
            None if stored[aid][c] is None else float(shown_score(stored[aid][c], bounds, 1).value)
            for c in columns
        ]
        for aid in sorted(stored)
    ]
    start = table.ids.index("overall")
    csv_rows = list(csv.reader(io.StringIO(to_csv(table), newline="")))[2:]
    as_csv = [[float(v) if v else None for v in row[start : start + len(columns)]] for row in csv_rows]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table)))["Responses"]
    as_xlsx = [
        list(row[start : start + len(columns)]) for row in sheet.iter_rows(min_row=3, values_only=True)
    ]
    assert len(expected) == 12
    assert as_csv == expected
    assert as_xlsx == expected
