"""Deletion and retention: a facilitator deletes a workshop, a respondent deletes their own
assessment (and what that does to a group's snapshot), ``flask purge`` removes old responses,
and workshop participants' times are kept to the day. SQLite, or PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from assessment.db.models import Assessment, DimensionScoreRow, Group, IdempotencyKey

from .test_workshop import create, facilitator, group_row, join
from .web_helpers import answers, api_join, count_assessments, finish, start


def _count(app, model) -> int:
    with app.extensions["database"].session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_facilitator_deletes_a_workshop_after_a_confirmation_naming_the_count(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    keep_id = create(owner, name="Another workshop")
    code = group_row(app, group_id).join_code
    for role in ("staff", "staff"):
        phone = app.test_client()
        finish(phone, v1, join(phone, code, role), answers(v1))
    join(app.test_client(), code, "manager")  # still answering: goes too
    phone = app.test_client()
    finish(phone, v1, join(phone, group_row(app, keep_id).join_code, "staff"), answers(v1))
    page = owner.get(f"/workshops/{group_id}/delete")
    assert page.status_code == 200
    assert "all 3 responses" in page.get_data(as_text=True)
    assert "Delete the workshop and 3 responses" in page.get_data(as_text=True)
    assert count_assessments(app) == 4  # looking deletes nothing
    # Without a valid CSRF token nothing happens.
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert owner.post(f"/workshops/{group_id}/delete").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count_assessments(app) == 4
    done = owner.post(f"/workshops/{group_id}/delete", follow_redirects=True)
    assert done.status_code == 200 and "and its 3 responses were deleted" in done.get_data(as_text=True)
    assert owner.get(f"/workshops/{group_id}").status_code == 404
    assert count_assessments(app) == 1 and _count(app, Group) == 1
    assert _count(app, DimensionScoreRow) == len(v1.dimensions)  # only the other workshop's
    assert owner.get(f"/workshops/{keep_id}/summary.json").get_json()["complete"] == 1


def test_another_facilitator_cannot_delete(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    intruder, _ = facilitator(app, "mallory@example.org")
    assert intruder.get(f"/workshops/{group_id}/delete").status_code == 404
    assert intruder.post(f"/workshops/{group_id}/delete").status_code == 404
    assert _count(app, Group) == 1


def test_respondent_deletes_their_own_self_assessment(app, v1):
    browser = app.test_client()
    token = start(browser, organisation="Acme")
    results = finish(browser, v1, token, answers(v1))
    page = browser.get(results).get_data(as_text=True)
    assert f"/a/{token}/delete" in page
    confirm = browser.get(f"/a/{token}/delete").get_data(as_text=True)
    assert "cannot be undone" in confirm and "workshop" not in confirm
    assert count_assessments(app) == 1
    done = browser.post(f"/a/{token}/delete", follow_redirects=True)
    assert "Your answers have been deleted" in done.get_data(as_text=True)
    assert count_assessments(app) == 0 and _count(app, DimensionScoreRow) == 0
    assert browser.get(f"/a/{token}").status_code == 404
    assert browser.get(results).status_code == 404
    assert browser.get(f"/a/{token}/delete").status_code == 404


def test_a_withdrawn_published_response_leaves_the_figures_and_holds_the_snapshot(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    phones, tokens = [], []
    for n in range(4):
        phone = app.test_client()
        token = join(phone, code, "staff")
        finish(phone, v1, token, answers(v1, low=["policy"] if n == 0 else []))
        phones.append(phone)
        tokens.append(token)
        owner.get(f"/workshops/{group_id}/summary.json")  # a view after each
    before = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert (before["n"], before["published"]["unpublished"]) == (3, 1)
    confirm = phones[0].get(f"/a/{tokens[0]}/delete").get_data(as_text=True)
    assert "takes them out of the workshop" in confirm
    assert phones[0].post(f"/a/{tokens[0]}/delete").status_code == 302
    held = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    # Gone from every figure, and nothing numeric until the snapshot can move on by k.
    assert held["complete"] == 3 and held["n"] == 0 and held["scores"]["overall"] is None
    assert "withdrawn" in held["published"]["note"]
    assert "withdrawn" in owner.get(f"/workshops/{group_id}").get_data(as_text=True)
    # The same browser at the join link again: its response is gone, so it may join afresh.
    assert phones[0].get(f"/join/{code}").status_code == 200
    for _ in range(3):
        phone = app.test_client()
        finish(phone, v1, join(phone, code, "staff"), answers(v1))
    after = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert after["n"] == 6 and after["published"]["note"].startswith("Showing all 6")
    # Deleting a response not yet published changes nothing shown.
    phone = app.test_client()
    late = join(phone, code, "staff")
    finish(phone, v1, late, answers(v1))
    phone.post(f"/a/{late}/delete")
    again = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert again["n"] == 6 and again["scores"] == after["scores"]


def test_workshop_participants_times_are_kept_to_the_day(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    phone = app.test_client()
    finish(phone, v1, join(phone, code, "staff"), answers(v1))
    join(app.test_client(), code, "manager")
    api = app.test_client().post(
        "/api/v1/assessments",
        json={
            "questionnaire": "social-organisation",
            "answers": answers(v1),
            "participant_token": api_join(app.test_client(), code),
        },
    )
    assert api.status_code == 201 and api.get_json()["completed_at"].endswith("T00:00:00+00:00")
    solo = app.test_client()
    finish(solo, v1, start(solo), answers(v1))
    with app.extensions["database"].session() as s:
        rows = s.scalars(select(Assessment)).all()
    members = [r for r in rows if r.group_id]
    assert len(members) == 3
    for row in members:
        for moment in (row.created_at, row.updated_at, row.completed_at):
            if moment is not None:
                assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    assert sorted(r.completion_seq for r in members if r.status == "complete") == [1, 2]
    (alone,) = [r for r in rows if not r.group_id]
    assert alone.completion_seq is None and alone.completed_at.microsecond + alone.completed_at.second > 0


def test_purge_is_a_dry_run_unless_told_yes(app, runner, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    api = app.test_client()
    body = {"questionnaire": "social-organisation", "answers": answers(v1)}
    old_self = api.post("/api/v1/assessments", json=body, headers={"Idempotency-Key": "k1"}).get_json()["id"]
    old_member = api.post(
        "/api/v1/assessments", json=body | {"participant_token": api_join(api, code)}
    ).get_json()["id"]
    recent = api.post("/api/v1/assessments", json=body).get_json()["id"]
    browser = app.test_client()
    abandoned = start(browser)
    long_ago = datetime.now(UTC) - timedelta(days=40)
    with app.extensions["database"].session() as s:
        s.execute(
            update(Assessment)
            .where(Assessment.id.in_([old_self, old_member]))
            .values(completed_at=long_ago, updated_at=long_ago, created_at=long_ago)
        )
        s.execute(update(Assessment).where(Assessment.token == abandoned).values(updated_at=long_ago))
        s.execute(update(IdempotencyKey).values(created_at=long_ago))
        s.commit()
    dry = runner.invoke(args=["purge", "--older-than", "30"])
    assert dry.exit_code == 0, dry.output
    assert "Would delete 3 responses older than 30 days" in dry.output
    assert "2 complete, 1 unfinished, 1 of them in workshops; and 1 remembered API replies" in dry.output
    assert "Dry run: nothing was deleted" in dry.output
    assert count_assessments(app) == 4 and _count(app, IdempotencyKey) == 1
    assert runner.invoke(args=["purge", "--older-than", "50", "--yes"]).output.startswith(
        "Deleted 0 responses"
    )
    done = runner.invoke(args=["purge", "--older-than", "30", "--yes"])
    assert done.exit_code == 0 and done.output.startswith("Deleted 3 responses")
    with app.extensions["database"].session() as s:
        assert s.scalars(select(Assessment.id)).all() == [recent]
    assert _count(app, IdempotencyKey) == 0 and _count(app, DimensionScoreRow) == len(v1.dimensions)
    assert _count(app, Group) == 1  # workshops stay; their facilitator deletes them
    refused = runner.invoke(args=["purge", "--older-than", "0"])
    assert refused.exit_code != 0 and "0" in refused.output
    assert runner.invoke(args=["purge"]).exit_code != 0  # --older-than is required
