"""Rule 18 through the database and the API: generated pools against numpy, the fall-back order
and the 5-entry snapshot step as GET /api/v1/benchmarks shows them, opting in with
POST /api/v1/assessments, the ``benchmark`` block of a result, withdrawal, and what is stored."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from assessment.db.models import Assessment, BenchmarkEntry, BenchmarkScore
from assessment.domain import benchmark as rule
from assessment.services import benchmarks
from assessment.services.questionnaires import current_version, questionnaire_of
from assessment.web.forms import SECTORS, SIZE_BANDS

SIZES = [v for v, _ in SIZE_BANDS]
DB_SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def random_answers(q, rng: random.Random) -> dict[str, int]:
    """Every item answered with one of its own values, drawn at random (any questionnaire)."""
    return {i.id: rng.choice([o.value for o in i.options]) for i in q.items}


def submit(client, q, rng, **fields):
    body = {"questionnaire": q.id, "answers": random_answers(q, rng), **fields}
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def put(app, q, sector, size, overall, scores, link=None):
    with app.extensions["database"].session() as s, s.begin():
        benchmarks.put_entry(
            s,
            q,
            link=link or f"test-{random.random()}",
            sector=sector,
            size_band=size,
            month="2026-11",
            overall=overall,
            scores=scores,
        )


def _empty_pool(app):
    from assessment.db.models import BenchmarkSnapshot

    with app.extensions["database"].session() as s, s.begin():
        s.query(BenchmarkScore).delete()
        s.query(BenchmarkEntry).delete()
        s.query(BenchmarkSnapshot).delete()
    benchmarks.forget()


def expected_group(pool, sector, size, minimum):
    for name in ((sector, size), (sector, None), (None, size), (None, None)):
        members = [p for p in pool if name[0] in (None, p[0]) and name[1] in (None, p[1])]
        if len(members) >= minimum:
            return name, members
    return None, []


def quartiles(values):
    return {k: float(np.percentile(values, p)) for k, p in (("median", 50), ("q1", 25), ("q3", 75))}


def test_an_empty_installation_says_how_many_more_are_needed(client, v1):
    body = client.get(f"/api/v1/benchmarks?questionnaire={v1.id}&version={v1.version}").get_json()
    assert body == {"withheld": rule.WITHHELD_EMPTY, "needed": v1.thresholds.benchmark_min}


@pytest.mark.parametrize(
    ("query", "field"),
    [("sector=Nowhere", "sector"), ("size_band=7-8", "size_band"), ("version=0.0", "version")],
)
def test_an_unknown_query_value_is_a_422_naming_it(client, v1, query, field):
    response = client.get(f"/api/v1/benchmarks?questionnaire={v1.id}&{query}")
    assert response.status_code == 422
    assert [e["item"] for e in response.get_json()["errors"]] == [field]


@DB_SETTINGS
@given(
    pool=st.lists(
        st.tuples(st.sampled_from(SECTORS[:3]), st.sampled_from(SIZES[:3]), st.integers(0, 40)), max_size=45
    ),
    sector=st.sampled_from(SECTORS[:3]),
    size=st.sampled_from(SIZES[:3]),
)
def test_figures_equal_numpy_for_generated_pools_with_the_fall_back_and_the_snapshot_step(
    app, v1, pool, sector, size
):
    client = app.test_client()
    with app.extensions["database"].session() as s, s.begin():
        s.query(BenchmarkScore).delete()
        s.query(BenchmarkEntry).delete()
        from assessment.db.models import BenchmarkSnapshot

        s.query(BenchmarkSnapshot).delete()
    benchmarks.forget()
    dims = [d.id for d in v1.dimensions]
    entries = []
    for n, (sec, sz, k) in enumerate(pool):
        scores = {d: (k * 2.5 + 7 * j) % 100 for j, d in enumerate(dims)}
        overall = sum(scores.values()) / len(scores)
        put(app, v1, sec, sz, overall, scores, link=f"l{n}")
        entries.append((sec, sz, overall, scores))
    # One entry at a time: the snapshot has published every complete step of 5, no more.
    published = entries[: len(entries) - len(entries) % rule.SNAPSHOT_STEP]
    body = client.get(
        f"/api/v1/benchmarks?questionnaire={v1.id}&version={v1.version}&sector={sector}&size_band={size}"
    ).get_json()
    name, members = expected_group(published, sector, size, v1.thresholds.benchmark_min)
    if name is None:
        assert body == {
            "withheld": rule.WITHHELD_EMPTY if not published else rule.WITHHELD_TOO_FEW.format(minimum=10),
            "needed": v1.thresholds.benchmark_min - len(published),
        }
        return
    assert body["group"] == {"sector": name[0], "size_band": name[1]}
    assert body["n"] == len(members)
    assert body["overall"] == pytest.approx(quartiles([m[2] for m in members]))
    assert set(body["dimensions"]) == set(dims)
    for d in dims:
        assert body["dimensions"][d] == pytest.approx(quartiles([m[3][d] for m in members]))


def test_opting_in_by_api_needs_known_sector_and_size(client, v1):
    rng = random.Random(1)
    answers = random_answers(v1, rng)
    for extra, field in [
        ({"sector": "Space travel", "size_band": "1-9"}, "sector"),
        ({"sector": SECTORS[0], "size_band": "huge"}, "size_band"),
        ({"size_band": "1-9"}, "sector"),
        ({"sector": SECTORS[0]}, "size_band"),
    ]:
        response = client.post(
            "/api/v1/assessments",
            json={"questionnaire": v1.id, "answers": answers, "benchmark": True, **extra},
        )
        assert response.status_code == 422, extra
        assert [e["item"] for e in response.get_json()["errors"]] == [field]
    response = client.post(
        "/api/v1/assessments", json={"questionnaire": v1.id, "answers": answers, "sector": "Nowhere"}
    )
    assert response.status_code == 422 and response.get_json()["errors"][0]["item"] == "sector"
    response = client.post(
        "/api/v1/assessments", json={"questionnaire": v1.id, "answers": answers, "benchmark": "yes"}
    )
    assert response.status_code == 422 and response.get_json()["errors"][0]["item"] == "benchmark"


def test_results_rank_against_their_group_with_their_own_entry_left_out(app, client, v1):
    rng = random.Random(7)
    bodies = [
        submit(
            client, v1, rng, benchmark=True, sector=SECTORS[1], size_band=SIZES[1], organisation=f"Org {n}"
        )
        for n in range(12)
    ]
    # The snapshot advanced at the 5th and 10th entries: the 11th and 12th are not shown yet.
    assert bodies[8]["benchmark"]["needed"] == 5 and "withheld" in bodies[8]["benchmark"]
    shown = bodies[:10]
    latest = client.get(f"/api/v1/assessments/{bodies[3]['id']}").get_json()
    block = latest["benchmark"]
    assert block["n"] == 10 and block["group"] == {"sector": SECTORS[1], "size_band": SIZES[1]}
    overall = [b["scores"]["overall"] for b in shown]
    assert {k: block["overall"][k] for k in ("median", "q1", "q3")} == pytest.approx(quartiles(overall))
    for key, mine, values in [
        ("overall", latest["scores"]["overall"], overall),
        *[
            (d.id, latest["scores"]["dimensions"][d.id], [b["scores"]["dimensions"][d.id] for b in shown])
            for d in v1.dimensions
        ],
    ]:
        others = list(values)
        others.remove(mine)  # its own entry is in the group: left out
        arr = np.array(others)
        expected = 100 * (np.sum(arr < mine) + 0.5 * np.sum(arr == mine)) / len(arr)
        got = block["overall"]["percentile"] if key == "overall" else block["dimensions"][key]["percentile"]
        assert got == pytest.approx(float(expected))
    # An assessment that did not opt in ranks against all ten.
    outsider = submit(client, v1, rng, sector=SECTORS[1], size_band=SIZES[1])
    arr = np.array(overall)
    mine = outsider["scores"]["overall"]
    expected = 100 * (np.sum(arr < mine) + 0.5 * np.sum(arr == mine)) / len(arr)
    assert outsider["benchmark"]["overall"]["percentile"] == pytest.approx(float(expected))


@DB_SETTINGS
@given(
    names=st.lists(
        st.text("abcdefghijklmnopqrstuvwxyz ", min_size=4, max_size=30).filter(str.strip),
        min_size=1,
        max_size=3,
    ),
    sector=st.sampled_from(SECTORS),
    size=st.sampled_from(SIZES),
    seed=st.integers(0, 1000),
)
def test_nothing_identifying_is_stored(app, v1, names, sector, size, seed):
    _empty_pool(app)
    client = app.test_client()
    rng = random.Random(seed)
    for name in names:
        submit(client, v1, rng, benchmark=True, sector=sector, size_band=size, organisation=name, role="")
    columns = {c.key for c in inspect(BenchmarkEntry).columns}
    assert columns == {
        "id", "questionnaire_id", "version", "link", "sector", "size_band", "month", "overall",
        "origin", "imported", "published_in", "leaving",
    }  # fmt: skip
    assert {c.key for c in inspect(BenchmarkScore).columns} == {"entry_id", "dimension", "score"}
    with app.extensions["database"].session() as s:
        secrets = set()
        for a in s.scalars(select(Assessment)):
            secrets |= {a.id, a.token, a.series, a.organisation.strip()}
        for row in s.scalars(select(BenchmarkEntry)):
            values = {str(getattr(row, c)) for c in columns if c not in ("sector", "size_band")}
            assert not any(secret and secret in value for secret in secrets for value in values)
            assert (row.sector, row.size_band) == (sector, size) and len(row.month) == 7


def test_a_retake_replaces_and_a_deletion_withdraws_with_the_next_snapshot(app, client, v1):
    rng = random.Random(5)
    first = [submit(client, v1, rng, benchmark=True, sector=SECTORS[2], size_band=SIZES[2]) for _ in range(5)]
    db = app.extensions["database"]
    with db.session() as s, s.begin():
        assert s.query(BenchmarkEntry).filter(BenchmarkEntry.published_in.is_not(None)).count() == 5
        a = s.get(Assessment, first[0]["id"])
        from assessment.services import retention, self_assessment

        retake = self_assessment.retake(s, a)
        self_assessment.save_answers(retake, random_answers(v1, rng))
        self_assessment.complete_assessment(s, retake)
        # Still five shown: the old entry waits for the next snapshot, the new one is pending.
        assert s.query(BenchmarkEntry).filter(BenchmarkEntry.published_in.is_not(None)).count() == 5
        retention.delete_assessment(s, s.get(Assessment, first[1]["id"]))
        assert s.query(BenchmarkEntry).filter(BenchmarkEntry.leaving.is_(True)).count() == 2
    for _ in range(4):
        submit(client, v1, rng, benchmark=True, sector=SECTORS[2], size_band=SIZES[2])
    with db.session() as s:
        shown = s.query(BenchmarkEntry).filter(BenchmarkEntry.published_in.is_not(None)).all()
        assert len(shown) == 5 - 2 + 5 and not any(e.leaving for e in shown)
        links = [e.link for e in shown]
        assert len(set(links)) == len(links)
        assert s.query(BenchmarkEntry).count() == 8  # the replaced and the deleted entry are gone


ops = st.lists(
    st.tuples(st.sampled_from(["add", "withdraw"]), st.integers(0, 7), st.integers(0, 40)), max_size=30
)


@DB_SETTINGS
@given(ops)
def test_the_database_pool_follows_the_snapshot_rule(app, v1, sequence):
    db = app.extensions["database"]
    with db.session() as s, s.begin():
        s.query(BenchmarkScore).delete()
        s.query(BenchmarkEntry).delete()
    model = rule.SnapshotPool()
    for n, (kind, who, k) in enumerate(sequence):
        link = f"org{who}"
        with db.session() as s, s.begin():
            if kind == "add":
                benchmarks.put_entry(
                    s, v1, link=link, sector=SECTORS[0], size_band=SIZES[0], month="2026-11",
                    overall=k * 2.5, scores={v1.dimensions[0].id: float(n)},
                )  # fmt: skip
                model.add(rule.Entry(link, SECTORS[0], SIZES[0], k * 2.5, ((v1.dimensions[0].id, float(n)),)))
            else:
                benchmarks.withdraw(s, link)
                model.withdraw(link)
        with db.session() as s:
            shown = sorted(
                (e.link, e.overall, e.scores[0].score)
                for e in s.scalars(select(BenchmarkEntry).where(BenchmarkEntry.published_in.is_not(None)))
            )
        assert shown == sorted((e.link, e.overall, e.scores[0][1]) for e in model.view())


def test_models_match_the_migrations(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assessment.db.models import Base

    engine = app.extensions["database"].engine
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diff if "benchmark" in str(d)] == []


def test_the_questionnaire_version_is_its_own_pool(app, v1):
    with app.extensions["database"].session() as s:
        q = questionnaire_of(current_version(s, v1.id))
    assert benchmarks.pool_versions(q)[0] == q.version


def test_benchmark_bodies_match_the_openapi_document(app, client, v1):
    from .test_api_openapi import check

    spec = client.get("/api/v1/openapi.json").get_json()
    empty = client.get(f"/api/v1/benchmarks?questionnaire={v1.id}")
    check(spec, "/benchmarks", "get", empty)
    check(spec, "/benchmarks", "get", client.get("/api/v1/benchmarks?sector=Nowhere"))
    rng = random.Random(30)
    bodies = [
        submit(client, v1, rng, benchmark=True, sector=SECTORS[5], size_band=SIZES[4]) for _ in range(10)
    ]
    full = client.get(f"/api/v1/benchmarks?questionnaire={v1.id}&sector={SECTORS[5]}")
    assert full.get_json()["n"] == 10
    check(spec, "/benchmarks", "get", full)
    check(spec, "/assessments/{assessment_id}", "get", client.get(f"/api/v1/assessments/{bodies[0]['id']}"))


def test_a_version_declared_comparable_shares_the_earlier_pool(app, runner, client, v1, questionnaire_dir):
    from .conftest import V1

    text = V1.read_text()
    text = text.replace(f'version: "{v1.version}"', 'version: "9.9"', 1).replace(
        f"version: {v1.version}", "version: 9.9", 1
    )
    text = text.replace("thresholds:\n", f'comparable_with: ["{v1.version}"]\nthresholds:\n', 1)
    (questionnaire_dir / "later.yaml").write_text(text)
    assert runner.invoke(args=["init"]).exit_code == 0
    for n in range(10):
        put(app, v1, SECTORS[0], SIZES[0], 40.0 + n, {d.id: 40.0 + n for d in v1.dimensions}, link=f"c{n}")
    later = client.get(f"/api/v1/benchmarks?questionnaire={v1.id}&version=9.9").get_json()
    assert later["n"] == 10 and later["overall"]["median"] == pytest.approx(44.5)
    with app.extensions["database"].session() as s:
        from assessment.services.questionnaires import version_named

        q = questionnaire_of(version_named(s, v1.id, "9.9"))
    assert benchmarks.pool_versions(q) == ("9.9", v1.version)
