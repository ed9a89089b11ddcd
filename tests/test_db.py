"""Models round-trip on SQLite and (with TEST_DATABASE_URL) PostgreSQL; init is idempotent;
questionnaire versions are kept so old results never change."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from assessment.db import load_json
from assessment.db.models import ApiToken, Assessment, DimensionScoreRow, Group, QuestionnaireVersion, User
from assessment.services.questionnaires import version_named
from assessment.services.self_assessment import (
    complete_assessment,
    current_version,
    questionnaire_of,
    result_of,
    save_answers,
    start_assessment,
)


def best_answers(q):
    """The most social answer to every item (the low end of a reverse-keyed one)."""
    return {i.id: (i.lo if i.reverse else i.hi) for i in q.items}


def test_models_round_trip(app):
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        version = version_named(session, "social-organisation", "1.1")  # 1.1's item ids below
        user = User(email="coach@example.org", name="Coach", password_hash="x")
        user.tokens.append(ApiToken(token_hash="a" * 64, label="ci"))
        group = Group(
            owner=user,
            name="Board away day",
            organisation="Ελληνική Εταιρεία",
            questionnaire=version,
            join_code="ABC234",
            settings={"roles": ["leadership", "staff"], "min_group_size": 3},
        )
        assessment = start_assessment(session, version, organisation="Acme & Co", role="staff", group=group)
        save_answers(assessment, {"dl_criticism_reply": 3, "dl_bad_news_upwards": "unsure"}, page=1)
        ids = (assessment.id, assessment.token, assessment.series, group.id)

    with db.session() as session:
        stored = session.get(Assessment, ids[0])
        assert stored.token == ids[1] and stored.series == ids[2]
        assert stored.answers == {"dl_criticism_reply": 3, "dl_bad_news_upwards": "unsure"}
        assert stored.status == "in_progress"
        assert stored.page == 1
        assert stored.group.organisation == "Ελληνική Εταιρεία"
        assert stored.group.settings["roles"] == ["leadership", "staff"]
        assert stored.group.owner.tokens[0].label == "ci"
        assert stored.questionnaire.questionnaire_id == "social-organisation"
        assert stored.created_at.replace(tzinfo=stored.created_at.tzinfo or UTC) <= datetime.now(UTC)
        # Tokens are at least 128 bits: 24 random bytes, URL-safe base64 -> 32 characters.
        assert len(stored.id) >= 22 and len(stored.token) >= 22 and stored.id != stored.token


def test_completing_twice_keeps_one_result(app, v1):
    db = app.extensions["database"]
    answers = best_answers(v1)
    with db.session() as session, session.begin():
        assessment = start_assessment(session, current_version(session, v1.id))
        save_answers(assessment, answers)
        first = complete_assessment(session, assessment)
        completed_at = assessment.completed_at
        second = complete_assessment(session, assessment)
        assessment_id = assessment.id
    assert first.overall == second.overall == 100.0
    with db.session() as session:
        rows = session.scalars(
            select(DimensionScoreRow).where(DimensionScoreRow.assessment_id == assessment_id)
        )
        assert sorted(r.dimension for r in rows) == sorted(d.id for d in v1.dimensions)
        stored = session.get(Assessment, assessment_id)
        assert stored.overall == 100.0
        assert stored.completed_at == completed_at


def test_invalid_answers_change_nothing_already_saved(app):
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        # 1.1's item ids below
        assessment = start_assessment(session, version_named(session, "social-organisation", "1.1"))
        save_answers(assessment, {"dl_criticism_reply": 3})
        try:
            save_answers(assessment, {"dl_criticism_reply": 1, "dl_bad_news_upwards": 99})
        except ValueError as exc:
            assert "dl_bad_news_upwards" in str(exc)
        assert assessment.answers == {"dl_criticism_reply": 3}


def test_init_twice_is_harmless(app, runner):
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "already registered" in second.output
    with app.extensions["database"].session() as session:
        count = session.scalar(select(func.count()).select_from(QuestionnaireVersion))
        assert count == 3  # versions 1.0, 1.1 and 1.2, each once
        current = session.scalars(
            select(QuestionnaireVersion.version).where(QuestionnaireVersion.is_current.is_(True))
        ).all()
        assert current == ["1.2"]
        heads = session.scalars(text("SELECT version_num FROM alembic_version")).all()
        assert len(heads) == 1


def test_edited_questionnaire_is_a_new_version_and_old_results_do_not_change(
    app, runner, questionnaire_dir, v1
):
    db = app.extensions["database"]
    answers = best_answers(v1)
    with db.session() as session, session.begin():
        old = start_assessment(session, current_version(session, v1.id))
        save_answers(old, answers)
        complete_assessment(session, old)
        old_id = old.id
        old_pk = old.questionnaire_pk

    path = questionnaire_dir / "social-organisation.yaml"
    edited = (
        path.read_text(encoding="utf-8")
        .replace("  social: 60", "  social: 99")
        .replace('version: "1.2"', 'version: "1.3"')
    )
    path.write_text(edited, encoding="utf-8")
    # A translation belongs to one version: the German text moves to 1.3 with the file it translates.
    german = questionnaire_dir / "social-organisation.de.yaml"
    german.write_text(
        german.read_text(encoding="utf-8").replace('version: "1.2"', 'version: "1.3"'), encoding="utf-8"
    )
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "1.3" in result.output and "registered" in result.output

    with db.session() as session:
        new_version = current_version(session, v1.id)
        assert new_version.version == "1.3" and new_version.pk != old_pk
        old = session.get(Assessment, old_id)
        assert old.questionnaire.version == "1.2"
        assert questionnaire_of(old.questionnaire).thresholds.social == 60
        assert result_of(old).classification.id == "social_organisation"


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too, which orjson alone would read as a float
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_a_json_column_reads_back_exactly_what_json_would(value):
    """The engines read JSON columns with orjson where it agrees with the json module, and with
    the json module where it might not: the same values either way, as text or as bytes."""
    written = json.dumps(value)
    expected = json.loads(written)
    for form in (written, written.encode()):
        read = load_json(form)
        assert read == expected or (read != read and expected != expected)  # NaN is not itself
        assert repr(read) == repr(expected)  # and of the same types: 10**30 stays an int
    raw = json.dumps(value, ensure_ascii=False)  # as another writer may store it: text unescaped
    assert repr(load_json(raw)) == repr(json.loads(raw))


def test_json_columns_round_trip_answers_through_the_engine(app):
    """Answers (ints and "unsure") come back from the database as they were stored."""
    database = app.extensions["database"]
    with database.session() as s:
        version = current_version(s, "social-organisation")
        a = start_assessment(s, version)
        a.answers = {"a1": 4, "a2": "unsure", "big": 10**30}
        s.commit()
        assessment_id = a.id
    with database.session() as s:
        stored = s.get(Assessment, assessment_id).answers
    assert stored == {"a1": 4, "a2": "unsure", "big": 10**30} and isinstance(stored["big"], int)


def test_a_json_column_holding_a_bare_number_reads_it_back(app):
    """A round's vote is a JSON column holding a bare number; SQLite stores it as a number (the
    column's NUMERIC affinity) and hands it back as one. It must come back as it went in, on
    every database, like text, lists and objects."""
    from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert

    engine = app.extensions["database"].engine
    table = Table("json_values_check", MetaData(), Column("n", Integer, primary_key=True), Column("v", JSON))
    table.create(engine)
    try:
        # (A bare 10**30 is not here: SQLite's affinity makes it a float on the way in.)
        values = [5, 2.5, "unsure", [1, "x"], {"a": 1}, {"big": 10**30}]
        with engine.begin() as connection:
            connection.execute(insert(table), [{"n": n, "v": v} for n, v in enumerate(values)])
        with engine.connect() as connection:
            read = [v for _, v in connection.execute(table.select().order_by(table.c.n))]
        assert read == values
    finally:
        table.drop(engine)
