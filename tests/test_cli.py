"""The command line: questionnaire validate, score, init."""

from __future__ import annotations

import json
import socket

from tests.conftest import DATA, REPO, V1


def write_json(tmp_path, body) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return str(path)


def test_validate_prints_ok_for_good_files(runner):
    result = runner.invoke(args=["questionnaire", "validate", str(V1), str(DATA / "seven-point.yaml")])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "social-organisation 1.2" in result.output
    assert "seven-point 2.3" in result.output


def test_validate_lists_errors_with_file_and_line_and_fails(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (DATA / "seven-point.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("{id: b1, dimension: beta,", "{id: b1, dimension: delta,"), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:" in result.output
    assert "item 'b1': unknown dimension 'delta'" in result.output


def test_score_prints_the_result_json(runner, tmp_path, v1):
    answers = {i.id: (i.lo if i.reverse else i.hi) for i in v1.items}
    result = runner.invoke(args=["score", write_json(tmp_path, {"questionnaire": v1.id, "answers": answers})])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["scores"]["overall"] == 100.0
    assert body["stage"] == {"id": "networked", "label": "Networked"}
    assert body["classification"]["id"] == "social_organisation"
    # Rule 11/12: every practice is a strength, so every recommendation is in place.
    assert len(body["strengths"]) == len(v1.items) and body["weaknesses"] == []
    assert body["roadmap"] == []


def test_score_matches_the_domain_for_the_seven_point_file(runner, tmp_path, questionnaire_dir):
    (questionnaire_dir / "seven-point.yaml").write_text(
        (DATA / "seven-point.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    answers = {"a1": 7, "a2": 1, "a3": 4, "b1": 4, "b2": 2, "g1": 1, "g2": 7}
    result = runner.invoke(
        args=["score", write_json(tmp_path, {"questionnaire": "seven-point", "answers": answers})]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["scores"]["overall"] == 58.75


def test_score_names_each_bad_item_and_fails(runner, tmp_path):
    body = {
        "questionnaire": "social-organisation",
        "version": "1.1",  # 1.1's item ids
        "answers": {"dl_criticism_reply": 9, "nope": 1, "in_who_replies_now": "x"},
    }
    result = runner.invoke(args=["score", write_json(tmp_path, body)])
    assert result.exit_code != 0
    assert "dl_criticism_reply: 9 is outside the scale" in result.output
    assert "nope: unknown item id" in result.output
    assert "in_who_replies_now: must be an integer" in result.output


def test_score_rejects_unknown_questionnaire_and_bad_json(runner, tmp_path):
    result = runner.invoke(args=["score", write_json(tmp_path, {"questionnaire": "nope", "answers": {}})])
    assert result.exit_code != 0 and "unknown questionnaire 'nope'" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["score", str(broken)])
    assert result.exit_code != 0 and "is not valid JSON" in result.output


def test_init_refuses_a_broken_questionnaire_with_its_line(runner, questionnaire_dir):
    text = (REPO / "questionnaires" / "social-organisation.yaml").read_text(encoding="utf-8")
    (questionnaire_dir / "social-organisation.yaml").write_text(text.replace("  social: 60", "  social: 600"))
    result = runner.invoke(args=["init"])
    assert result.exit_code != 0
    assert (
        "social-organisation.yaml:" in result.output
        and "600 is greater than the maximum of 100" in result.output
    )


def test_score_takes_a_version_and_names_an_unknown_one(runner, tmp_path, v1):
    old = {"dl_public_criticism": 5}  # a 1.0 item id
    request = {"questionnaire": v1.id, "version": "1.0", "answers": old}
    result = runner.invoke(args=["score", write_json(tmp_path, request)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["version"] == "1.0"
    request["version"] = "0.1"
    result = runner.invoke(args=["score", write_json(tmp_path, request)])
    assert result.exit_code != 0
    assert "unknown version '0.1' (known: 1.0, 1.1, 1.2)" in result.output


def _init_on(database_url: str, questionnaire_dir) -> object:
    from assessment import create_app

    app = create_app(
        {"SECRET_KEY": "test", "DATABASE_URL": database_url, "QUESTIONNAIRE_DIR": str(questionnaire_dir)}
    )
    return app.test_cli_runner().invoke(args=["init"])


def test_init_names_a_database_it_cannot_open_in_one_line(tmp_path, questionnaire_dir):
    missing = tmp_path / "no-such-folder" / "app.sqlite"
    result = _init_on(f"sqlite:///{missing}", questionnaire_dir)
    assert result.exit_code == 1
    assert f"cannot open the database sqlite:///{missing}: unable to open database file" in result.output
    assert "Traceback" not in result.output and not missing.parent.exists()


def test_init_keeps_the_whole_reason_of_a_refused_connection(questionnaire_dir):
    with socket.socket() as s:  # a port nothing listens on once it is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = _init_on(f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/x", questionnaire_dir)
    assert result.exit_code == 1
    line = result.output.strip()
    # psycopg's failure and its hint come on two lines; both are kept, on one, without the password.
    assert "\n" not in line and "secret" not in line and "postgres:***@" in line
    assert f"port {port} failed: Connection refused" in line and "Is the server running" in line
