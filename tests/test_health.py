"""Instrument health (SCORING.md rule 19) against figures computed independently.

The literals below were computed with numpy (``np.var(ddof=1)`` for alpha, ``np.corrcoef`` for the
item-rest correlations, plain counts for the shares) from the same generated answers, outside the
app's code; the demo test computes its reference with numpy at run time, since the demo answers
follow whichever questionnaire file is current.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event, select

from assessment.db.models import Assessment, QuestionnaireVersion
from assessment.domain.health import cronbach_alpha, instrument_health
from assessment.domain.questionnaire import Questionnaire, load_questionnaire, parse_questionnaire
from assessment.domain.scoring import item_score
from assessment.services.health import health_of

from .health_data import generated_responses
from .test_api_openapi import check
from .test_workshop import facilitator

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REL = 1e-9
SPECIAL = {"dl_share_others": "noise", "in_external_spaces": "ceiling", "en_what_we_report": "unsure"}

HAND = [
    {"a1": 1, "a2": 7, "a3": 1, "b1": 2, "b2": 0, "g1": 3, "g2": 4},
    {"a1": 3, "a2": 5, "a3": 2, "b1": 4, "b2": 2, "g1": "unsure", "g2": 5},
    {"a1": 5, "a2": 2, "a3": 6, "b1": 7, "b2": 10, "g1": 6, "g2": "not_applicable"},
    {"a1": 7, "a2": 1, "a3": "unsure", "b1": 6, "b2": 10, "g1": 7, "g2": 7},
    {"a1": 2, "a2": 6, "b1": 1, "b2": 2, "g1": 2, "g2": 1},
    {"a1": 6, "a2": 3, "a3": 5, "b1": 5, "b2": 10, "g1": 5, "g2": 6},
    {"a1": 4, "a2": 4, "a3": 4, "b1": 3, "b2": 2, "g1": 4, "g2": 2},
]

GEN300_N = {"dialogue": 229, "interaction": 238, "engagement": 159, "leadership": 202, "policy": 223}
GEN300_ALPHA = {
    "dialogue": 0.8256698917795459,
    "interaction": 0.8430553704633911,
    "engagement": 0.9120434923819201,
    "leadership": 0.8836572637290536,
    "policy": 0.360721501303931,
}
GEN300_ITEM_REST = {
    "dl_public_criticism": 0.6722317552539759,
    "dl_listening_beyond_own": 0.6718968220326171,
    "dl_bad_news_upwards": 0.7115274758862598,
    "dl_self_announcements": 0.7042172895674249,
    "dl_open_questions": 0.7057581634349579,
    "dl_feedback_changed_things": 0.6337966922326973,
    "dl_share_others": -0.06554920194959604,
    "in_who_replies": 0.6844588807178178,
    "in_response_time": 0.6868052015298199,
    "in_cross_department_routing": 0.6840885231965301,
    "in_automated_replies": 0.7119022974957395,
    "in_time_budgeted": 0.6895905592279905,
    "in_internal_network": 0.6731081060583018,
    "in_external_spaces": -0.12147378363090823,
    "en_what_we_report": 0.732409510239805,
    "en_count_targets": 0.7172681843498895,
    "en_know_people": 0.7388547386795095,
    "en_follow_up": 0.7168308316033037,
    "en_campaign_bursts": 0.7424966317864553,
    "en_peer_help": 0.7386279837260029,
    "en_quality_review": 0.7433770841074568,
    "ld_personal_presence": 0.7327594426760367,
    "ld_reply_personally": 0.6861957223224837,
    "ld_fully_delegated": 0.6680522019310771,
    "ld_conversations_in_meetings": 0.7023925833920328,
    "ld_internal_participation": 0.6128508713748771,
    "ld_hands_on_learning": 0.6347038096866323,
    "ld_back_mistakes": 0.6663065567035255,
    "po_guidelines": 0.18114232416475412,
    "po_multi_level_sign_off": 0.0754617831412017,
    "po_sites_blocked": 0.16283661742195674,
    "po_staff_voices": 0.20190619348409083,
    "po_staff_support": 0.17164073929643095,
    "po_incident_guidance": 0.14363256667756097,
    "po_legal_enables": 0.1581616636749699,
}
GEN300_SHARES = {  # floor, ceiling, unsure, not applicable, missing
    "dl_public_criticism": (0.17, 0.17333333333333334, 0.02, 0.0, 0.02666666666666667),
    "dl_listening_beyond_own": (0.17, 0.18, 0.0, 0.0, 0.023333333333333334),
    "dl_bad_news_upwards": (0.17666666666666667, 0.2, 0.016666666666666666, 0.0, 0.03),
    "dl_self_announcements": (0.15666666666666668, 0.18, 0.0, 0.0, 0.03),
    "dl_open_questions": (0.16666666666666666, 0.16333333333333333, 0.0, 0.0, 0.03),
    "dl_feedback_changed_things": (
        0.17333333333333334,
        0.16666666666666666,
        0.05333333333333334,
        0.0,
        0.02666666666666667,
    ),
    "dl_share_others": (0.11666666666666667, 0.12666666666666668, 0.0, 0.0, 0.02),
    "in_who_replies": (0.19666666666666666, 0.18, 0.0, 0.0, 0.05),
    "in_response_time": (
        0.14333333333333334,
        0.15666666666666668,
        0.013333333333333334,
        0.0,
        0.013333333333333334,
    ),
    "in_cross_department_routing": (
        0.16333333333333333,
        0.15666666666666668,
        0.02666666666666667,
        0.0,
        0.013333333333333334,
    ),
    "in_automated_replies": (0.19, 0.19333333333333333, 0.0, 0.0, 0.02),
    "in_time_budgeted": (0.17, 0.16666666666666666, 0.0, 0.0, 0.02666666666666667),
    "in_internal_network": (0.17, 0.16333333333333333, 0.0, 0.0, 0.02666666666666667),
    "in_external_spaces": (0.016666666666666666, 0.92, 0.0, 0.0, 0.03333333333333333),
    "en_what_we_report": (0.09333333333333334, 0.13333333333333333, 0.36666666666666664, 0.0, 0.0),
    "en_count_targets": (0.15333333333333332, 0.17333333333333334, 0.02666666666666667, 0.0, 0.03),
    "en_know_people": (0.17, 0.15666666666666668, 0.0, 0.0, 0.02),
    "en_follow_up": (0.17666666666666667, 0.21333333333333335, 0.0, 0.0, 0.03333333333333333),
    "en_campaign_bursts": (0.17, 0.17666666666666667, 0.0, 0.0, 0.02),
    "en_peer_help": (0.17, 0.17, 0.023333333333333334, 0.0, 0.02),
    "en_quality_review": (0.18666666666666668, 0.17, 0.0, 0.0, 0.023333333333333334),
    "ld_personal_presence": (0.14333333333333334, 0.16, 0.02666666666666667, 0.0, 0.03),
    "ld_reply_personally": (0.11333333333333333, 0.19666666666666666, 0.04666666666666667, 0.0, 0.03),
    "ld_fully_delegated": (0.16, 0.15666666666666668, 0.02666666666666667, 0.0, 0.04),
    "ld_conversations_in_meetings": (0.15, 0.16, 0.02, 0.0, 0.03),
    "ld_internal_participation": (0.13666666666666666, 0.15666666666666668, 0.0, 0.0, 0.023333333333333334),
    "ld_hands_on_learning": (0.13333333333333333, 0.17333333333333334, 0.02, 0.0, 0.016666666666666666),
    "ld_back_mistakes": (0.14333333333333334, 0.16, 0.03333333333333333, 0.0, 0.02),
    "po_guidelines": (0.3233333333333333, 0.32666666666666666, 0.016666666666666666, 0.0, 0.02),
    "po_multi_level_sign_off": (0.31333333333333335, 0.3333333333333333, 0.0, 0.0, 0.03),
    "po_sites_blocked": (
        0.2733333333333333,
        0.37333333333333335,
        0.02666666666666667,
        0.0,
        0.02666666666666667,
    ),
    "po_staff_voices": (0.3433333333333333, 0.34, 0.0, 0.0, 0.023333333333333334),
    "po_staff_support": (0.3333333333333333, 0.33666666666666667, 0.0, 0.0, 0.04),
    "po_incident_guidance": (0.32666666666666666, 0.37333333333333335, 0.023333333333333334, 0.0, 0.03),
    "po_legal_enables": (0.36333333333333334, 0.29, 0.02, 0.0, 0.02666666666666667),
}
HAND_N = {"alpha": 5, "beta": 7, "gamma": 5}
HAND_ALPHA = {"alpha": 0.9792284866468841, "beta": 0.9171846128002688, "gamma": 0.909090909090909}
HAND_ITEM_REST = {
    "a1": 0.9286005642194212,
    "a2": 0.9768789729654025,
    "a3": 0.9628191178849949,
    "b1": 0.8725028717782313,
    "b2": 0.8725028717782317,
    "g1": 0.8666253521790722,
    "g2": 0.8666253521790723,
}
HAND_SHARES = {
    "a1": (0.14285714285714285, 0.14285714285714285, 0.0, 0.0, 0.0),
    "a2": (0.14285714285714285, 0.14285714285714285, 0.0, 0.0, 0.0),
    "a3": (0.14285714285714285, 0.0, 0.14285714285714285, 0.0, 0.14285714285714285),
    "b1": (0.14285714285714285, 0.14285714285714285, 0.0, 0.0, 0.0),
    "b2": (0.14285714285714285, 0.42857142857142855, 0.0, 0.0, 0.0),
    "g1": (0.0, 0.14285714285714285, 0.14285714285714285, 0.0, 0.0),
    "g2": (0.14285714285714285, 0.14285714285714285, 0.0, 0.14285714285714285, 0.0),
}
THIRTY_30 = {"alpha": 0.8111838360842347, "beta": 0.7761937919155648, "gamma": 0.7867315039944427}


@pytest.fixture(scope="module")
def v10() -> Questionnaire:
    return load_questionnaire(REPO / "questionnaires" / "social-organisation-1.0.yaml")


@pytest.fixture(scope="module")
def seven() -> Questionnaire:
    return load_questionnaire(DATA / "seven-point.yaml")


def approx(value: object) -> object:
    if value is None or isinstance(value, int):
        return value
    return pytest.approx(value, rel=REL, abs=1e-12)


def gen300(q: Questionnaire) -> list[dict[str, object]]:
    return generated_responses(q, 300, seed=19, special=SPECIAL, noisy=("policy",))


def shares(h) -> tuple[float | None, ...]:  # type: ignore[no-untyped-def]
    return (h.floor, h.ceiling, h.unsure, h.not_applicable, h.missing)


# --------------------------------------------------------------------------- the domain


def test_listwise_deletion_per_dimension_on_a_small_set(seven):
    health = instrument_health(seven, HAND)
    assert health.n_responses == 7
    # An unsure, a not-applicable or a missing answer drops the respondent from that dimension only.
    assert {d: h.n for d, h in health.dimensions.items()} == HAND_N
    # Seven responses: alpha is not shown (rule 19: n >= 30) ...
    assert all(h.alpha is None for h in health.dimensions.values())
    # ... though over the complete sets it is the independent figure: the rows are the listwise ones.
    for d in seven.dimensions:
        items = seven.items_of(d.id)
        rows = [
            [item_score(i, a[i.id]) for i in items]
            for a in HAND
            if all(isinstance(a.get(i.id), int) for i in items)
        ]
        assert cronbach_alpha(rows) == approx(HAND_ALPHA[d.id])
    for d in health.dimensions.values():
        for item_id, h in d.items.items():
            assert h.item_rest == approx(HAND_ITEM_REST[item_id]), item_id
            assert shares(h) == approx(HAND_SHARES[item_id]), item_id


def test_alpha_is_shown_from_thirty_complete_sets(seven):
    complete = generated_responses(seven, 30, seed=30, gaps=0)
    at_30 = instrument_health(seven, complete)
    assert {d: h.alpha for d, h in at_30.dimensions.items()} == approx(THIRTY_30)
    assert all(h.n == 30 for h in at_30.dimensions.values())
    at_29 = instrument_health(seven, complete[:29])
    assert all(h.n == 29 and h.alpha is None for h in at_29.dimensions.values())
    # 29 complete sets for "alpha" plus five responses that are unsure on a3: still 29 there,
    # while the other dimensions now have 34 and show their alpha.
    extra = [{**a, "a3": "unsure"} for a in generated_responses(seven, 5, seed=31, gaps=0)]
    mixed = instrument_health(seven, complete[:29] + extra)
    assert mixed.n_responses == 34
    assert (mixed.dimensions["alpha"].n, mixed.dimensions["alpha"].alpha) == (29, None)
    assert mixed.dimensions["beta"].n == 34 and mixed.dimensions["beta"].alpha is not None
    assert mixed.dimensions["alpha"].items["a3"].unsure == approx(5 / 34)


def test_a_one_item_dimension_has_no_alpha_and_no_item_rest(seven):
    text = (DATA / "seven-point.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: b2\n    dimension: beta", "  - id: b2\n    dimension: gamma")
    text = text.replace("addresses: [b1, b2]", "addresses: [b1]").replace(
        "addresses: [b2]", "addresses: [b1]"
    )
    q = parse_questionnaire(text, "one-item-beta")
    health = instrument_health(q, generated_responses(q, 40, seed=5, gaps=0))
    beta = health.dimensions["beta"]
    assert (beta.n, beta.k, beta.alpha, beta.items["b1"].item_rest) == (40, 1, None, None)
    assert health.dimensions["gamma"].alpha is not None


def test_three_hundred_generated_responses_match_the_independent_figures(v10):
    health = instrument_health(v10, gen300(v10))
    assert health.n_responses == 300
    assert {d: h.n for d, h in health.dimensions.items()} == GEN300_N
    assert {d: h.alpha for d, h in health.dimensions.items()} == approx(GEN300_ALPHA)
    for d in health.dimensions.values():
        for item_id, h in d.items.items():
            assert h.item_rest == approx(GEN300_ITEM_REST[item_id]), item_id
            assert shares(h) == approx(GEN300_SHARES[item_id]), item_id
    flags = [f.to_dict() for f in health.flags]
    policy_items = [i.id for i in v10.items_of("policy")]
    assert flags == [
        {"item": "dl_share_others", "problem": "item_rest"},
        {"item": "in_external_spaces", "problem": "item_rest"},
        {"item": "in_external_spaces", "problem": "ceiling"},
        {"item": "en_what_we_report", "problem": "unsure"},
        {"dimension": "policy", "problem": "alpha"},
        *({"item": i, "problem": "item_rest"} for i in policy_items),
    ]


def test_flags_are_strictly_past_their_thresholds(seven):
    def with_a1(values: list[object]) -> list[dict[str, object]]:
        base = generated_responses(seven, len(values), seed=8, gaps=0)
        return [{**a, "a1": v} for a, v in zip(base, values, strict=True)]

    def problems(responses) -> set[str]:  # type: ignore[no-untyped-def]
        return {f.problem for f in instrument_health(seven, responses).flags if f.item == "a1"}

    # a1 allows no unsure; a3 does: exactly 30% unsure is not flagged, 40% is.
    assert "floor" not in problems(with_a1([1] * 8 + [4, 5]))  # 0.8
    assert "floor" in problems(with_a1([1] * 9 + [4]))  # 0.9
    assert "ceiling" not in problems(with_a1([7] * 8 + [2, 3]))
    assert "ceiling" in problems(with_a1([7] * 9 + [2]))
    base = generated_responses(seven, 10, seed=9, gaps=0)
    unsure_30 = [{**a, "a3": "unsure"} if n < 3 else a for n, a in enumerate(base)]
    unsure_40 = [{**a, "a3": "unsure"} if n < 4 else a for n, a in enumerate(base)]
    flagged = lambda rs: {f.problem for f in instrument_health(seven, rs).flags if f.item == "a3"}  # noqa: E731
    assert "unsure" not in flagged(unsure_30) and "unsure" in flagged(unsure_40)


def test_no_responses_gives_empty_figures_and_no_flags(seven):
    health = instrument_health(seven, [])
    assert health.n_responses == 0 and health.flags == ()
    assert health.to_dict()["dimensions"]["alpha"] == {
        "n": 0,
        "alpha": None,
        "items": {
            i: {k: None for k in ("item_rest", "floor", "ceiling", "unsure", "not_applicable", "missing")}
            for i in ("a1", "a2", "a3")
        },
    }


# --------------------------------------------------------------------------- stored answers


def _store(app, questionnaire_id: str, version: str, responses, status: str = "complete") -> None:
    with app.extensions["database"].session() as s:
        pk = s.scalar(
            select(QuestionnaireVersion.pk).where(
                QuestionnaireVersion.questionnaire_id == questionnaire_id,
                QuestionnaireVersion.version == version,
            )
        )
        s.add_all(Assessment(questionnaire_pk=pk, answers=a, status=status) for a in responses)
        s.commit()


def test_api_cli_and_page_over_three_hundred_stored_responses(app, runner, v10):
    _store(app, v10.id, "1.0", gen300(v10))
    _store(app, v10.id, "1.0", gen300(v10)[:20], status="in_progress")  # not complete: not counted
    browser, token = facilitator(app, "health@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    spec = api.get("/api/v1/openapi.json").get_json()
    path = "/questionnaires/{questionnaire_id}/health"

    response = api.get(f"/api/v1/questionnaires/{v10.id}/health?version=1.0", headers=auth)
    assert response.status_code == 200
    check(spec, path, "get", response)
    body = response.get_json()
    assert set(body) == {"version", "n_responses", "dimensions", "flags"}
    assert (body["version"], body["n_responses"]) == ("1.0", 300)
    for d, dh in body["dimensions"].items():
        assert set(dh) == {"n", "alpha", "items"}
        assert (dh["n"], dh["alpha"]) == (GEN300_N[d], approx(GEN300_ALPHA[d]))
        for item_id, h in dh["items"].items():
            assert set(h) == {"item_rest", "floor", "ceiling", "unsure", "not_applicable", "missing"}
            assert h["item_rest"] == approx(GEN300_ITEM_REST[item_id])
            assert tuple(h[k] for k in ("floor", "ceiling", "unsure", "not_applicable", "missing")) == approx(
                GEN300_SHARES[item_id]
            )
    assert {"dimension": "policy", "problem": "alpha"} in body["flags"]

    # The current version (another file) has no responses: the default reads it.
    current = api.get(f"/api/v1/questionnaires/{v10.id}/health", headers=auth)
    assert current.status_code == 200 and current.get_json()["n_responses"] == 0
    assert current.get_json()["version"] != "1.0"
    unauthorised = api.get(f"/api/v1/questionnaires/{v10.id}/health")
    assert unauthorised.status_code == 401
    check(spec, path, "get", unauthorised)
    for address in (
        f"/api/v1/questionnaires/{v10.id}/health?version=9.9",
        "/api/v1/questionnaires/nope/health",
    ):
        missing = api.get(address, headers=auth)
        assert missing.status_code == 404 and "error" in missing.get_json()
        check(spec, path, "get", missing)

    result = runner.invoke(args=["questionnaire", "health", "--version", "1.0", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == body
    table = runner.invoke(args=["questionnaire", "health", "--version", "1.0"])
    assert table.exit_code == 0, table.output
    policy_alpha = f"{GEN300_ALPHA['policy']:.2f}"
    assert (
        f"Policy openness (policy): n = {GEN300_N['policy']} complete sets, alpha {policy_alpha}"
        in table.output
    )
    assert "in_external_spaces: more than 80% chose the highest answer" in table.output
    unknown = runner.invoke(args=["questionnaire", "health", "--version", "9.9"])
    assert unknown.exit_code != 0 and "no version '9.9'" in unknown.output

    listing = browser.get("/workshops").get_data(as_text=True)
    assert "/questionnaires/health" in listing
    assert browser.get("/questionnaires/health").location.endswith(f"/questionnaires/{v10.id}/health")
    page = browser.get(f"/questionnaires/{v10.id}/health?version=1.0")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "300 responses" in html and f"Alpha {policy_alpha}" in html
    assert "What to do about a flag" in html and "more than 80% chose the highest answer" in html
    assert browser.get(f"/questionnaires/{v10.id}/health?version=9.9").status_code == 404
    assert app.test_client().get(f"/questionnaires/{v10.id}/health").status_code == 302  # log in first


def test_health_reads_the_answers_in_a_fixed_number_of_queries(app, v10):
    _store(app, v10.id, "1.0", gen300(v10)[:50])
    db = app.extensions["database"]
    statements: list[str] = []

    def count(*args):  # type: ignore[no-untyped-def]
        statements.append(args[2])

    with db.session() as s:
        health_of(s, v10.id, "1.0")  # the definition is parsed and cached once
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert health_of(s, v10.id, "1.0").n_responses == 50
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 2


def numpy_reference(q: Questionnaire, responses: list[dict[str, object]]) -> dict[str, object]:
    """Rule 19 written again with numpy, for answers only known at run time."""
    out: dict[str, object] = {}
    for d in q.dimensions:
        items = q.items_of(d.id)
        rows = [
            [item_score(i, a[i.id]) for i in items]
            for a in responses
            if all(isinstance(a.get(i.id), int) for i in items)
        ]
        x = np.array(rows, dtype=float).reshape(len(rows), len(items))
        alpha = None
        if x.shape[0] >= 30 and x.shape[1] >= 2:
            alpha = (
                x.shape[1] / (x.shape[1] - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
            )
        rest = {}
        for j, i in enumerate(items):
            others = x.sum(axis=1) - x[:, j]
            ok = x.shape[0] >= 2 and x.shape[1] >= 2 and x[:, j].std() > 0 and others.std() > 0
            rest[i.id] = float(np.corrcoef(x[:, j], others)[0, 1]) if ok else None
        out[d.id] = {"n": x.shape[0], "alpha": alpha, "item_rest": rest}
    return out


def test_demo_data_matches_numpy(app, runner):
    for command in ("demo", "demo-cohort"):
        result = runner.invoke(args=[command])
        assert result.exit_code == 0, result.output
    qid = app.config["DEFAULT_QUESTIONNAIRE"]
    with app.extensions["database"].session() as s:
        health = health_of(s, qid)
        from assessment.services.questionnaires import current_version, questionnaire_of

        version = current_version(s, qid)
        q = questionnaire_of(version)
        answers = list(
            s.scalars(
                select(Assessment.answers).where(
                    Assessment.questionnaire_pk == version.pk, Assessment.status == "complete"
                )
            )
        )
    assert health.n_responses == len(answers) > 0
    reference = numpy_reference(q, answers)
    assert any(dh.alpha is not None for dh in health.dimensions.values())
    for d, dh in health.dimensions.items():
        ref = reference[d]
        assert (dh.n, dh.alpha) == (ref["n"], approx(ref["alpha"])), d
        for item_id, h in dh.items.items():
            assert h.item_rest == approx(ref["item_rest"][item_id]), item_id
            floor = sum(a.get(item_id) == q.item(item_id).lo for a in answers) / len(answers)
            assert h.floor == approx(floor)
