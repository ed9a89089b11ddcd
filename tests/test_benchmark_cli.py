"""Rule 18's commands: sharing a pool (export, import refusing another questionnaire or scoring,
idempotent on re-import, imported entries marked and counted), the labelled demo pool, and an
empty installation saying how many more are needed."""

from __future__ import annotations

import json
import random

from assessment.db.models import BenchmarkEntry
from assessment.domain import benchmark as rule
from assessment.web.forms import SECTORS, SIZE_BANDS

from .test_benchmark_api import submit


def test_an_empty_installation_says_how_many_more_are_needed(runner, v1):
    result = runner.invoke(args=["benchmark", "status"])
    assert result.exit_code == 0, result.output
    assert (
        f"0 organisations shown, 0 waiting for the next update; {v1.thresholds.benchmark_min} more needed"
        in result.output
    )


def test_export_then_import_is_idempotent_and_refuses_other_scoring(app, client, runner, v1, tmp_path):
    rng = random.Random(21)
    for _ in range(6):
        submit(client, v1, rng, benchmark=True, sector=SECTORS[0], size_band=SIZE_BANDS[0][0])
    path = tmp_path / "pool.json"
    result = runner.invoke(args=["benchmark", "export", str(path)])
    # Only the published snapshot's five: the sixth waits for the next update, here as in the file.
    assert result.exit_code == 0 and "Wrote 5 anonymous entries" in result.output
    data = json.loads(path.read_text())
    assert data["questionnaire"] == v1.id and data["version"] == v1.version
    assert data["scoring_hash"] == rule.scoring_hash(v1)
    assert all(set(e) == {"id", "sector", "size_band", "month", "overall", "scores"} for e in data["entries"])
    # Entries that came from here are recognised: importing them back adds nothing.
    result = runner.invoke(args=["benchmark", "import", str(path)])
    assert result.exit_code == 0 and "Nothing new" in result.output

    # Another installation's entries (new ids): added, marked imported, counted like local ones.
    other = dict(data, entries=[dict(e, id="x" + f"{n:063x}") for n, e in enumerate(data["entries"])])
    other_path = tmp_path / "other.json"
    other_path.write_text(json.dumps(other))
    result = runner.invoke(args=["benchmark", "import", str(other_path)])
    assert result.exit_code == 0 and "Imported 5 entries" in result.output, result.output
    assert "11 organisations shown" in result.output  # 5 shown, 1 waiting and 5 imported: a step
    again = runner.invoke(args=["benchmark", "import", str(other_path)])
    assert again.exit_code == 0 and "Nothing new" in again.output and "imported before" in again.output
    with app.extensions["database"].session() as s:
        assert s.query(BenchmarkEntry).filter(BenchmarkEntry.imported.is_(True)).count() == 5
        assert s.query(BenchmarkEntry).count() == 11
    body = client.get(f"/api/v1/benchmarks?questionnaire={v1.id}").get_json()
    assert body["n"] == 11

    for change, message in [
        ({"scoring_hash": "0" * 64}, "scored differently"),
        ({"version": "0.9"}, "is not registered here"),
        ({"questionnaire": "another"}, "is not registered here"),
        ({"format": "csv"}, "not a benchmark export"),
    ]:
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(dict(other, **change)))
        result = runner.invoke(args=["benchmark", "import", str(bad)])
        assert result.exit_code == 1 and message in result.output and "nothing was imported" in result.output
    broken = dict(other, entries=[dict(other["entries"][0], id="x" + "f" * 63, sector="Nowhere")])
    bad.write_text(json.dumps(broken))
    result = runner.invoke(args=["benchmark", "import", str(bad)])
    assert result.exit_code == 1 and "unknown sector 'Nowhere'" in result.output


def test_the_demo_pool_is_labelled_wherever_it_shows(app, client, runner, v1):
    result = runner.invoke(args=["demo-benchmark", "--size", "40"])
    assert result.exit_code == 0 and "DEMO pool of 40" in result.output
    assert runner.invoke(args=["demo-benchmark"]).exit_code == 1  # once
    body = submit(client, v1, random.Random(1), sector=SECTORS[2], size_band=SIZE_BANDS[1][0])
    assert body["benchmark"]["n"] >= v1.thresholds.benchmark_min
    html = client.get(f"/results/{body['id']}").get_data(as_text=True)
    assert "Demo data:" in html and "made up" in html
    result = runner.invoke(args=["demo-benchmark", "--remove"])
    assert result.exit_code == 0 and "Removed 40 demo entries" in result.output
    with app.extensions["database"].session() as s:
        assert s.query(BenchmarkEntry).count() == 0
