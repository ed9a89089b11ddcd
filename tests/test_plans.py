"""Plans: the roadmap as the client's plan (domain checks naming each field, storage with a
version, 409 on a stale save), its pages, the PDF, the calendar, the Word and PowerPoint files,
and plan_review at the retake, hand-computed."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from pptx import Presentation
from pypdf import PdfReader

from assessment.domain import plan as plan_rules
from assessment.domain.figures import score_bounds, score_text, shown_change, shown_score
from assessment.domain.result import score
from assessment.domain.scoring import item_score

from .test_api_openapi import check
from .test_workshop import create, facilitator, group_row, join, plausible
from .web_helpers import answers, finish

ORG = "Kestrel Housing Trust"


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _low_answers(v1) -> dict[str, int]:
    """Every item at its lowest point but one per dimension's middle: a long roadmap."""
    return {i.id: (i.hi if i.reverse else i.lo) for i in v1.items}


def _submit(client, v1, given=None, organisation=ORG) -> str:
    body = {"questionnaire": v1.id, "answers": given or _low_answers(v1), "organisation": organisation}
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


# --------------------------------------------------------------------------- the domain


def test_the_unedited_plan_is_the_roadmap_in_order(v1):
    result = score(v1, _low_answers(v1))
    plan = plan_rules.plan_from_roadmap(result.roadmap)
    assert [s.id for s in plan.steps] == [e.recommendation.id for e in result.roadmap]
    assert all(s.status == "planned" and s.due is None for s in plan.steps)
    assert plan_rules.dropped_steps(plan, result.roadmap) == ()


def test_every_bad_field_is_named_and_nothing_is_kept(v1):
    rec = v1.recommendations[0].id
    body = {
        "version": 0,
        "introduction": "x" * (plan_rules.INTRODUCTION_MAX + 1),
        "notes": {"no-such-area": "hello", v1.dimensions[0].id: 5},
        "steps": [
            {"id": rec, "status": "finished"},
            {"id": "custom-board", "title": "Ask the board", "due": "2027-02-30"},
            {"id": "neither", "title": "x"},
            {"id": "custom-blank", "title": "  "},
            {"id": rec, "title": "twice"},
            {
                "id": "custom-note",
                "title": "A",
                "note": "n" * (plan_rules.STEP_NOTE_MAX + 1),
                "colour": "red",
            },
        ],
        "extra": 1,
    }
    with pytest.raises(plan_rules.InvalidPlan) as caught:
        plan_rules.parse_plan(v1, body)
    named = {p.item for p in caught.value.problems}
    assert named == {
        "introduction",
        "notes.no-such-area",
        f"notes.{v1.dimensions[0].id}",
        "steps[0].status",
        "steps[1].due",
        "steps[2].id",
        "steps[3].title",
        "steps[4].id",
        "steps[5].note",
        "steps[5].colour",
        "extra",
    }


def test_a_recommendation_keeps_its_title_unless_renamed(v1):
    rec = v1.recommendations[0]
    plan, version = plan_rules.parse_plan(
        v1, {"version": 3, "steps": [{"id": rec.id}, {"id": "custom-x", "title": "Mine"}]}
    )
    assert version == 3
    assert plan.steps[0].title == rec.title and plan.steps[1].title == "Mine"


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    intro=text,
    n=st.integers(min_value=0, max_value=6),
)
def test_a_checked_plan_survives_storage_unchanged(v1, data, intro, n):
    recs = [r.id for r in v1.recommendations]
    steps = []
    for k in range(n):
        custom = data.draw(st.booleans())
        steps.append(
            {
                "id": f"custom-{k}" if custom else recs[k],
                "title": data.draw(text.filter(str.strip)) if custom else "",
                "owner": data.draw(text),
                "due": data.draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)).map(str)),
                "status": data.draw(st.sampled_from(plan_rules.STATUSES)),
                "note": data.draw(text),
            }
        )
    plan, _ = plan_rules.parse_plan(v1, {"version": 0, "introduction": intro, "steps": steps})
    stored = plan_rules.plan_from_stored(plan.to_dict())
    assert stored == plan
    again, _ = plan_rules.parse_plan(v1, {"version": 1, **plan.to_dict()})
    assert again == plan


def test_plan_review_is_the_change_of_the_mean_item_score_as_shown(v1):
    """Hand-computed: the step's addressed items scored both times, their mean x 100 then and
    now, shown by rule 17, and the change the difference of the two shown figures."""
    rec = next(r for r in v1.recommendations if len(r.addresses) >= 2)
    first, second = (v1.item(i) for i in rec.addresses[:2])
    before_answers = {
        first.id: first.hi if first.reverse else first.lo,
        second.id: second.hi if second.reverse else second.lo,
    }
    after_answers = {
        first.id: first.lo if first.reverse else first.hi,
        second.id: second.hi if second.reverse else second.lo,
    }
    before = {i: item_score(v1.item(i), v) for i, v in before_answers.items()}
    after = {i: item_score(v1.item(i), v) for i, v in after_answers.items()}
    # then: both items at 0 -> 0; now: one at 1, one at 0 -> 50; change +50
    plan = plan_rules.Plan(
        steps=(plan_rules.PlanStep(rec.id, rec.title, status="done"), plan_rules.PlanStep("custom-a", "Talk"))
    )
    review = plan_rules.plan_review(plan, v1, before, after)
    step = review[0]
    assert step.items == (first.id, second.id)
    assert step.before == 0.0 and step.after == 50.0
    assert step.change == 50.0 and step.change_shown.text == "+50"
    assert review[1].items == () and review[1].change is None
    # Rule 17: the change is the difference of the figures as shown.
    bounds = plan_rules.item_bounds(v1)
    a, b = shown_score(24.96, bounds), shown_score(75.04, bounds)
    assert shown_change(a, b).text == "+50.1"  # 24.9 (cut under 25) -> 75


# --------------------------------------------------------------------------- the API


def test_get_and_put_the_plan_with_versions(app, client, v1, spec):
    aid = _submit(client, v1)
    url = f"/api/v1/assessments/{aid}/plan"
    got = client.get(url)
    check(spec, "/assessments/{assessment_id}/plan", "get", got)
    plan = got.json
    assert plan["version"] == 0 and plan["edited"] is False and plan["dropped"] == []
    roadmap = client.get(f"/api/v1/assessments/{aid}").json["roadmap"]
    assert [s["id"] for s in plan["steps"]] == [r["id"] for r in roadmap]
    steps = plan["steps"]
    steps[0]["status"] = "dropped"
    steps[1].update(owner="Dana Smith", due="2027-03-14", status="started")
    steps.insert(0, {"id": "custom-board", "title": "Brief the board", "owner": "Chair", "due": "2027-01-20"})
    body = {
        "version": 0,
        "introduction": "Agreed at the away day.",
        "steps": steps,
        "agreed_by": "Dana Smith",
    }
    saved = client.put(url, json=body)
    assert saved.status_code == 200, saved.json
    check(spec, "/assessments/{assessment_id}/plan", "put", saved)
    assert saved.json["version"] == 1 and saved.json["edited"] is True
    assert saved.json["dropped"] == [roadmap[0]["id"]]
    # A save from the old read is refused and changes nothing.
    stale = client.put(url, json={**body, "introduction": "Overwritten?"})
    assert stale.status_code == 409
    check(spec, "/assessments/{assessment_id}/plan", "put", stale)
    assert stale.json["current"]["introduction"] == "Agreed at the away day."
    assert client.get(url).json["introduction"] == "Agreed at the away day."
    again = client.put(url, json={**body, "version": 1, "introduction": "Second edit."})
    assert again.status_code == 200 and again.json["version"] == 2


def test_bad_plans_get_422_naming_each_field_and_nothing_is_saved(client, v1, spec):
    aid = _submit(client, v1)
    url = f"/api/v1/assessments/{aid}/plan"
    bad = {
        "version": 0,
        "steps": [
            {"id": "custom-a", "title": "A", "status": "someday"},
            {"id": "custom-b", "title": "B", "due": "14/03/2027"},
            {"id": "not-a-recommendation", "title": "C"},
            {"id": "custom-d", "title": "D" * (plan_rules.STEP_TITLE_MAX + 1)},
        ],
    }
    response = client.put(url, json=bad)
    assert response.status_code == 422
    check(spec, "/assessments/{assessment_id}/plan", "put", response)
    assert {e["item"] for e in response.json["errors"]} == {
        "steps[0].status",
        "steps[1].due",
        "steps[2].id",
        "steps[3].title",
    }
    assert client.get(url).json["version"] == 0
    assert client.put(url, data="{not json", content_type="application/json").status_code == 400
    assert client.put(url, json={"steps": []}).json["errors"][0]["item"] == "version"
    assert client.get("/api/v1/assessments/nope/plan").status_code == 404


def test_a_workshop_members_assessment_has_no_plan_of_its_own(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    phone = app.test_client()
    finish(phone, v1, join(phone, group_row(app, group_id).join_code, "staff"), answers(v1))
    with app.extensions["database"].session() as s:
        from assessment.db.models import Assessment

        member = s.query(Assessment).filter_by(group_id=group_id).one().id
    response = app.test_client().get(f"/api/v1/assessments/{member}/plan")
    assert response.status_code == 409 and "workshop" in response.json["error"]
    assert app.test_client().put(f"/api/v1/assessments/{member}/plan", json={"version": 0}).status_code == 409


def test_plan_ics_has_one_event_per_dated_kept_step(client, v1):
    aid = _submit(client, v1)
    url = f"/api/v1/assessments/{aid}/plan"
    steps = client.get(url).json["steps"]
    steps[0]["due"] = "2027-05-01"
    steps[1].update(due="2027-06-01", status="dropped")
    assert client.put(url, json={"version": 0, "steps": steps}).status_code == 200
    ics = client.get(f"{url}.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    events = Calendar.from_ical(ics.data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"{steps[0]['title']} ({ORG})"]
    assert events[0].decoded("dtstart") == dt.date(2027, 5, 1)


# --------------------------------------------------------------------------- the files


def _edited_plan(client, url: str) -> dict:
    steps = client.get(url).json["steps"]
    steps[0].update(owner="Dana Smith", due="2027-03-14")
    steps[-1]["status"] = "dropped"
    steps.append({"id": "custom-newsletter", "title": "Open the newsletter to replies", "owner": "Comms"})
    body = {"version": 0, "introduction": "What we agreed.", "steps": steps, "agreed_by": "Dana Smith"}
    response = client.put(url, json=body)
    assert response.status_code == 200, response.json
    return response.json


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_the_pdf_and_the_word_file_show_the_plan(client, v1):
    aid = _submit(client, v1)
    url = f"/api/v1/assessments/{aid}/plan"
    plan = _edited_plan(client, url)
    kept = [s for s in plan["steps"] if s["status"] != "dropped"]
    pdf = _text(client.get(f"/api/v1/assessments/{aid}/report.pdf").data)
    today = dt.date.today()
    assert f"Plan agreed on {today.day}" in pdf and "by Dana Smith" in pdf
    # The core edition shows the plan; only the full one lists what the plan left out.
    assert "Open the newsletter to replies" in pdf and "Left out of the plan" not in pdf
    full = _text(client.get(f"/api/v1/assessments/{aid}/report.pdf?edition=full").data)
    assert "Open the newsletter to replies" in full and "Left out of the plan" in full
    docx = client.get(f"/api/v1/assessments/{aid}/report.docx")
    assert docx.status_code == 200
    doc = Document(io.BytesIO(docx.data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "The plan" in headings and "Executive summary" in headings
    text = _docx_text(docx.data)
    assert ORG in text
    for step in kept:
        assert step["title"] in text
    assert any(r.reltype.endswith("/image") for r in doc.part.rels.values())  # the scores as a picture


def test_unedited_the_report_has_the_roadmap_and_no_plan(client, v1):
    aid = _submit(client, v1)
    pdf = _text(client.get(f"/api/v1/assessments/{aid}/report.pdf").data)
    assert "Migration roadmap" in pdf and "Plan agreed" not in pdf


def test_the_largest_plan_accepted_adds_only_a_few_pages(client, v1):
    """The limits keep the largest plan to a few pages more than the report it replaces the
    roadmap of (the render time follows the pages; bench/bench_plan.py prints both)."""
    aid = _submit(client, v1)
    url = f"/api/v1/assessments/{aid}/plan"
    base = len(PdfReader(io.BytesIO(client.get(f"/api/v1/assessments/{aid}/report.pdf").data)).pages)
    steps = [
        {
            "id": f"custom-{n}",
            "title": ("Title words " * 20)[: plan_rules.STEP_TITLE_MAX],
            "owner": "O" * plan_rules.STEP_OWNER_MAX,
            "due": "2027-01-01",
            "note": ("word " * 100)[: plan_rules.STEP_NOTE_MAX],
        }
        for n in range(plan_rules.STEPS_MAX)
    ]
    body = {
        "version": 0,
        "introduction": ("A sentence of the introduction. " * 200)[: plan_rules.INTRODUCTION_MAX],
        "notes": {d.id: ("note " * 400)[: plan_rules.AREA_NOTE_MAX] for d in v1.dimensions},
        "steps": steps,
        "agreed_by": "A" * plan_rules.AGREED_BY_MAX,
    }
    assert client.put(url, json=body).status_code == 200
    pdf = client.get(f"/api/v1/assessments/{aid}/report.pdf")
    assert pdf.status_code == 200
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) <= base + 8


# --------------------------------------------------------------------------- workshops


def _workshop(app, v1, n: int = 4, organisation: str = "Acme Housing", seed: int = 5, roles=None, **fields):
    owner, token = facilitator(app, f"f{seed}@example.org") if "owner" not in fields else fields.pop("owner")
    group_id = create(owner, organisation=organisation, **fields)
    code = group_row(app, group_id).join_code
    rng = random.Random(seed)
    for role in roles or ["leadership", "staff", "staff", "manager", "staff", "leadership"][:n]:
        phone = app.test_client()
        finish(phone, v1, join(phone, code, role), plausible(v1, role, rng))
    return owner, token, group_id


def test_the_workshop_plan_needs_the_facilitators_token(app, v1):
    _owner, token, group_id = _workshop(app, v1)
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/groups/{group_id}/plan"
    assert app.test_client().get(url).status_code == 401
    _, other = facilitator(app, "other@example.org")
    assert app.test_client().get(url, headers={"Authorization": f"Bearer {other}"}).status_code == 404
    plan = app.test_client().get(url, headers=auth).json
    summary = app.test_client().get(f"/api/v1/groups/{group_id}/summary", headers=auth).json
    assert [s["id"] for s in plan["steps"]] == [r["id"] for r in summary["roadmap"]]
    saved = app.test_client().put(url, json={"version": 0, "steps": plan["steps"][:2]}, headers=auth)
    assert saved.status_code == 200 and saved.json["version"] == 1
    stale = app.test_client().put(url, json={"version": 0, "steps": []}, headers=auth)
    assert stale.status_code == 409 and len(stale.json["current"]["steps"]) == 2


def test_the_workshop_word_file_and_slides(app, v1, spec):
    owner, token, group_id = _workshop(app, v1)
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/groups/{group_id}/plan"
    steps = app.test_client().get(url, headers=auth).json["steps"]
    steps.append({"id": "custom-reply", "title": "Answer every comment within a day", "owner": "Comms"})
    assert app.test_client().put(url, json={"version": 0, "steps": steps}, headers=auth).status_code == 200
    summary = app.test_client().get(f"/api/v1/groups/{group_id}/summary", headers=auth).json

    docx = app.test_client().get(f"/api/v1/groups/{group_id}/report.docx", headers=auth)
    assert docx.status_code == 200
    check(spec, "/groups/{group_id}/report.docx", "get", docx)
    slides = app.test_client().get(f"/api/v1/groups/{group_id}/slides.pptx", headers=auth)
    check(spec, "/groups/{group_id}/slides.pptx", "get", slides)
    text = _docx_text(docx.data)
    assert "Acme Housing" in text
    for step in steps:
        assert step["title"] in text
    # Rule 13: fewer than 3 leaders, so the leaders-and-others comparison is only its reason.
    assert "Leaders" not in [c.text for t in Document(io.BytesIO(docx.data)).tables for c in t.rows[0].cells]

    pptx = owner.get(f"/workshops/{group_id}/slides.pptx")  # the dashboard's download
    assert pptx.status_code == 200
    deck = Presentation(io.BytesIO(pptx.data))
    texts = "\n".join(
        shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
    )
    assert "Acme Housing" in texts
    for step in steps:
        assert step["title"] in texts
    charts = {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                charts[slide.shapes.title.text] = shape.chart
    for d in v1.dimensions:
        title = next(t for t in charts if t.startswith(f"{d.label}: "))
        values = list(charts[title].plots[0].series[0].values)
        shown = shown_score(summary["scores"]["dimensions"][d.id], score_bounds(v1))
        assert values[0] == float(shown.value)  # the group mean, as shown (rule 17)
        assert title.startswith(f"{d.label}: {shown.text}")
        assert "Leaders" not in list(charts[title].plots[0].categories)  # withheld (rule 13)
    assert all(slide.has_notes_slide and slide.notes_slide.notes_text_frame.text for slide in deck.slides)


def test_below_k_the_files_have_no_figures(app, v1):
    owner, _token, group_id = _workshop(app, v1, n=2)
    pptx = Presentation(io.BytesIO(owner.get(f"/workshops/{group_id}/slides.pptx").data))
    assert not any(shape.has_chart for slide in pptx.slides for shape in slide.shapes)
    text = _docx_text(owner.get(f"/workshops/{group_id}/report.docx").data)
    assert "Overall index" not in text and "No figures yet" in text


# --------------------------------------------------------------------------- pages and the retake


def _form_of(plan: dict, dimensions) -> dict[str, str]:
    """The edit page's form fields for ``plan`` (what a browser without JavaScript posts)."""
    data = {
        "version": str(plan["version"]),
        "count": str(len(plan["steps"])),
        "introduction": plan["introduction"],
        "agreed_by": plan["agreed_by"],
    }
    for n, s in enumerate(plan["steps"]):
        data |= {
            f"step-{n}-id": s["id"],
            f"step-{n}-position": str(n + 1),
            f"step-{n}-title": s["title"],
            f"step-{n}-owner": s["owner"],
            f"step-{n}-due": s["due"] or "",
            f"step-{n}-status": s["status"],
            f"step-{n}-note": s["note"],
        }
    return data


def test_the_page_edits_the_plan_without_javascript(client, v1):
    aid = _submit(client, v1)
    plan = client.get(f"/api/v1/assessments/{aid}/plan").json
    page = client.get(f"/results/{aid}/plan")
    assert page.status_code == 200 and "Review and edit before you share" in page.get_data(as_text=True)
    form = _form_of(plan, v1.dimensions)
    last = len(plan["steps"]) - 1
    form |= {"step-0-position": "99", f"step-{last}-status": "dropped", "agreed_by": "Dana Smith"}
    form |= {"new-title": "Ask the volunteers", "new-owner": "Volunteer lead", "new-due": "2027-04-01"}
    form |= {f"note-{v1.dimensions[0].id}": "Start with the website comments."}
    saved = client.post(f"/results/{aid}/plan", data=form)
    assert saved.status_code == 200 and "Plan saved." in saved.get_data(as_text=True)
    stored = client.get(f"/api/v1/assessments/{aid}/plan").json
    ids = [s["id"] for s in stored["steps"]]
    assert ids[-2:] == [plan["steps"][0]["id"], "custom-1"]  # moved last, then the new step
    assert stored["notes"] == {v1.dimensions[0].id: "Start with the website comments."}
    # The same form again, read at version 0: refused, nothing changed, the typing kept.
    form["introduction"] = "My own words"
    stale = client.post(f"/results/{aid}/plan", data=form)
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Someone else saved this plan" in body and "My own words" in body
    assert client.get(f"/api/v1/assessments/{aid}/plan").json["version"] == 1
    # A bad date is named on its row; the autosave gets JSON.
    form |= {"version": "1", "step-1-due": "next week"}
    bad = client.post(f"/results/{aid}/plan", data=form)
    # The page comes back in the posted order (row 0 asked for position 99), errors on their rows.
    assert bad.status_code == 422 and 'id="step-0-due-error"' in bad.get_data(as_text=True)
    assert 'value="next week"' in bad.get_data(as_text=True)
    auto = client.post(f"/results/{aid}/plan", data=form, headers={"Accept": "application/json"})
    assert auto.status_code == 422 and auto.json["errors"][0]["item"] == "steps[0].due"
    assert auto.json["errors"][0]["message"].startswith("must be a date as YYYY-MM-DD")
    # The field's message in the page's language (the API keeps English).
    german = client.post(f"/results/{aid}/plan", data=form, headers={"Accept-Language": "de"})
    assert "muss ein Datum im Format JJJJ-MM-TT sein" in german.get_data(as_text=True)


def test_the_retake_shows_what_was_planned_and_what_changed(app, v1, spec):
    from .web_helpers import start

    browser = app.test_client()
    token = start(browser, organisation=ORG)
    low = _low_answers(v1)
    first = finish(browser, v1, token, low).rsplit("/", 1)[1]
    plan = browser.get(f"/api/v1/assessments/{first}/plan").json
    step = next(
        s for s in plan["steps"] if s["id"] in {r.id for r in v1.recommendations if len(r.addresses) >= 1}
    )
    rec = next(r for r in v1.recommendations if r.id == step["id"])
    step["status"] = "done"
    assert (
        browser.put(f"/api/v1/assessments/{first}/plan", json={"version": 0, "steps": [step]}).status_code
        == 200
    )
    # The retake raises the first addressed item to its most social answer; the rest stay.
    raised = v1.item(rec.addresses[0])
    later = dict(low) | {raised.id: raised.lo if raised.reverse else raised.hi}
    assert browser.post(f"/results/{first}/retake").status_code == 302
    with app.extensions["database"].session() as s:
        from assessment.db.models import Assessment

        new_token = s.query(Assessment).filter(Assessment.id != first).one().token
    second = finish(browser, v1, new_token, later).rsplit("/", 1)[1]
    got = browser.get(f"/api/v1/assessments/{second}")
    check(spec, "/assessments/{assessment_id}", "get", got)
    body = got.json
    [review] = body["plan_review"]
    scored = [i for i in rec.addresses if i in later and isinstance(later[i], int)]
    # By hand: every addressed item was at 0 before; now one of len(scored) is at 100.
    expected = round(100 / len(scored), 1)
    assert review["id"] == rec.id and review["status"] == "done" and review["items"] == scored
    assert review["before"] == 0.0 and review["change"] == pytest.approx(expected, abs=0.1)
    page = browser.get(f"/results/{second}").get_data(as_text=True)
    assert "What you planned, and what changed" in page and "not proof" in page
    pdf = _text(browser.get(f"/api/v1/assessments/{second}/report.pdf").data)
    assert "What you planned, and what changed" in pdf
    assert "plan_review" not in browser.get(f"/api/v1/assessments/{first}").json


def test_a_workshop_reviews_its_predecessors_plan_on_both_snapshots(app, v1, spec):
    owner, token, earlier = _workshop(app, v1, n=3, seed=7)
    auth = {"Authorization": f"Bearer {token}"}
    steps = app.test_client().get(f"/api/v1/groups/{earlier}/plan", headers=auth).json["steps"][:3]
    put = app.test_client().put(
        f"/api/v1/groups/{earlier}/plan", json={"version": 0, "steps": steps}, headers=auth
    )
    assert put.status_code == 200
    # A workshop of another client cannot be named; one of the same client can.
    other = app.test_client().post(
        "/api/v1/groups",
        json={"name": "B", "questionnaire": v1.id, "organisation": "Other Ltd", "predecessor": earlier},
        headers=auth,
    )
    assert other.status_code == 422 and other.json["errors"][0]["item"] == "predecessor"
    _, _, later = _workshop(app, v1, n=3, seed=8, owner=(owner, token))
    assert owner.post(f"/workshops/{later}/predecessor", data={"predecessor": earlier}).status_code == 302
    got = app.test_client().get(f"/api/v1/groups/{later}/summary", headers=auth)
    check(spec, "/groups/{group_id}/summary", "get", got)
    review = got.json["plan_review"]
    assert [r["id"] for r in review] == [s["id"] for s in steps]

    # By hand, from each snapshot's answers: the mean item score of the addressed items, x 100.
    def means(group_id):
        from assessment.db.models import Assessment

        with app.extensions["database"].session() as s:
            rows = s.query(Assessment).filter_by(group_id=group_id, status="complete").all()
            return [r.answers for r in rows]

    then, now = means(earlier), means(later)
    for r in review:
        rec = next(x for x in v1.recommendations if x.id == r["id"])
        items = [
            i
            for i in rec.addresses
            if any(isinstance(a.get(i), int) for a in then) and any(isinstance(a.get(i), int) for a in now)
        ]
        assert r["items"] == items

        def mean(sets, items=items):
            per_item = []
            for i in items:
                scored = [item_score(v1.item(i), a[i]) for a in sets if isinstance(a.get(i), int)]
                per_item.append(sum(scored) / len(scored))
            return 100 * sum(per_item) / len(per_item)

        bounds = plan_rules.item_bounds(v1)
        expected = shown_change(shown_score(mean(then), bounds), shown_score(mean(now), bounds))
        assert r["change"] == float(expected.value)
    page = owner.get(f"/workshops/{later}").get_data(as_text=True)
    assert "What you planned, and what changed" in page


def test_a_published_leaders_comparison_is_charted_as_shown(app, v1):
    owner, token, group_id = _workshop(app, v1, roles=["leadership"] * 3 + ["staff"] * 3, seed=11)
    summary = (
        app.test_client()
        .get(f"/api/v1/groups/{group_id}/summary", headers={"Authorization": f"Bearer {token}"})
        .json
    )
    assert summary["perception_gap"]["withheld"] is False
    deck = Presentation(io.BytesIO(owner.get(f"/workshops/{group_id}/slides.pptx").data))
    charts = {s.shapes.title.text: sh.chart for s in deck.slides for sh in s.shapes if sh.has_chart}
    for d in v1.dimensions:
        gap = summary["perception_gap"]["dimensions"][d.id]
        chart = next(c for t, c in charts.items() if t.startswith(f"{d.label}: "))
        values = dict(zip(chart.plots[0].categories, chart.plots[0].series[0].values, strict=True))
        # The two sides as the report prints them, as charted values.
        assert values["Leaders"] == float(score_text(gap["leaders"], v1))
        assert values["Others"] == float(score_text(gap["others"], v1))
