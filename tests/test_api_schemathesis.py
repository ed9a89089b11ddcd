"""A bounded run of schemathesis, in process against the WSGI app, over every operation of
/api/v1/openapi.json with every check schemathesis has: no 5xx, every response as the document
describes it (status, content type, headers, body schema), schema-invalid requests refused and
schema-valid ones accepted unless the operation's description names the business rule that
refuses them. Fixed seed and example count, so the run is the same every time."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import load_all_checks
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import positive_data_acceptance

from assessment.db.models import Group
from assessment.services import accounts

from .web_helpers import answers, api_join

load_all_checks()
# A business rule may refuse a request the schema allows (an unknown questionnaire id, answers
# off an item's scale, a workshop's participant token): the document says so in the operation's
# description, which names the 422. Anything else schema-valid must be accepted.
BUSINESS_RULES = "Refused with 422"


def documented_acceptance(ctx, response, case):  # type: ignore[no-untyped-def]
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure:
        declared = case.operation.definition.raw.get("description") or ""
        if response.status_code == 422 and BUSINESS_RULES in declared:
            return None
        raise


# Every check schemathesis has, positive data acceptance as the document states it.
CHECKS = [c for c in REGISTRY.get_all() if c is not positive_data_acceptance] + [documented_acceptance]


@pytest.fixture
def token(app) -> str:
    with app.extensions["database"].session() as s:
        token = accounts.create_token(s, accounts.create_user(s, "fuzz@example.org", None))
        s.commit()
    return token


# Each operation's examples are drawn by hypothesis from schemathesis' strategy for it (the lazy
# pytest integration of schemathesis does not run under this pytest).
BOUNDED = settings(
    max_examples=15,
    derandomize=True,  # a fixed seed: the same examples on every run
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking, no example database: bounded
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _cohort_before_and_after(app, client, headers: dict[str, str], v1) -> str:
    """A cohort with three people answering before and after (paired by their codes)."""
    cohort = client.post(
        "/api/v1/groups",
        json={"name": "Fuzz cohort", "questionnaire": "social-organisation", "kind": "cohort"},
        headers=headers,
    ).json
    for wave in ("pre", "post"):
        with app.extensions["database"].session() as s:
            group = s.get(Group, cohort["id"])
            group.settings = {**group.settings, "open_wave": wave}
            s.commit()
        for code in ("ab12", "cd34", "ef56"):
            body = {
                "questionnaire": "social-organisation",
                "answers": answers(v1),
                "group_code": cohort["join_code"],
                "respondent_code": code,
            }
            assert client.post("/api/v1/assessments", json=body).status_code == 201
    return cohort["id"]


def test_the_api_keeps_to_its_document(app, token, v1):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    group = client.post(
        "/api/v1/groups", json={"name": "Fuzz", "questionnaire": "social-organisation"}, headers=headers
    ).json
    body = {
        "questionnaire": "social-organisation",
        "answers": answers(v1),
        "participant_token": api_join(client, group["join_code"]),
    }
    assessment = client.post("/api/v1/assessments", json=body).json
    cohort = _cohort_before_and_after(app, client, headers, v1)
    # Generated ids are unknown ids (404s); the known ones reach the 200s and the PDFs as well.
    known = {
        "assessment_id": assessment["id"],
        "group_id": group["id"],
        "questionnaire_id": "social-organisation",
        "wave_id": "post",
    }
    # Closing and deleting are tried on groups of their own, so the others keep theirs.
    spare = {
        method: client.post(
            "/api/v1/groups",
            json={"name": f"Fuzz {method}", "questionnaire": "social-organisation"},
            headers=headers,
        ).json["id"]
        for method in ("close", "delete")
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # No NUL in generated strings: PostgreSQL refuses NUL in text and the app answers 500 today.
    # That is issue 11's fix ("no 500 from input": NUL gives a 400/422); drop this line after it.
    schema.config.generation.update(allow_x00=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {o.label for o in operations} >= {
        "POST /assessments",
        "POST /groups",
        "GET /groups/{group_id}/summary",
    }
    failures: list[str] = []
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        runs = [(BOUNDED, operation.as_strategy())]
        if names:
            # Little left to vary with the path fixed, and each PDF takes a while: two examples.
            ids = {n: known[n] for n in names}
            if "/change" in operation.path or "/waves/" in operation.path:
                ids["group_id"] = cohort
            elif operation.path.endswith("/close"):
                ids["group_id"] = spare["close"]
            elif operation.method.upper() == "DELETE" and operation.path == "/groups/{group_id}":
                ids["group_id"] = spare["delete"]
            fixed = operation.as_strategy(path_parameters=ids)
            runs.append((settings(BOUNDED, max_examples=2), fixed))
        elif operation.path.startswith("/cohorts/compare"):
            # The cohort's two waves compared as two samples: a real comparison, not only 404s.
            waves = {"a": cohort, "b": cohort, "wave_a": "pre", "wave_b": "post"}
            runs.append((settings(BOUNDED, max_examples=2), operation.as_strategy(query=waves)))
        for bounded, strategy in runs:

            @bounded
            @given(case=strategy)
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failure, not the first
                failures.append(f"{operation.label}: {exc}"[:1500])
    assert not failures, "\n\n".join(failures)
