"""Questionnaire translations as data (questionnaires/FORMAT.md, "Translations"): a sidecar file
beside the questionnaire holds its texts by id; a broken one is refused with file and line, by the
loader and by `flask questionnaire validate`; ``translated()`` gives the text in a language the
questionnaire has and nothing else changes."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner, Result

from assessment.cli.questionnaires import validate_command
from assessment.domain.questionnaire import (
    QuestionnaireError,
    load_all,
    load_questionnaire,
    load_translation,
    load_translations,
    questionnaire_files,
    sidecar_language,
    translated_file,
)
from assessment.services.questionnaires import QuestionnaireRegistry, languages, translated
from tests.conftest import REPO, V1
from tests.pseudo_locale import write_translations

PREFIX = "DE "


def german(text: str) -> str:
    """The tests' own stand-in for German (the real translation is questionnaires/*.de.yaml)."""
    return PREFIX + text


@pytest.fixture(scope="module")
def _written(tmp_path_factory):
    target = tmp_path_factory.mktemp("translated") / "q"
    target.mkdir()
    shutil.copy(V1, target / V1.name)
    write_translations(target, "de", german)
    return target


@pytest.fixture
def folder(tmp_path, _written):
    """The current questionnaire alone, with the stand-in German translation beside it (a copy
    per test, which may break it)."""
    return shutil.copytree(_written, tmp_path / "q")


@pytest.fixture
def sidecar(folder):
    return folder / "social-organisation.de.yaml"


def line_of(path, fragment: str) -> int:
    return next(
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line
    )


def line_after(path, anchor: str, fragment: str) -> int:
    """The first line holding ``fragment`` after the line holding ``anchor``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if anchor in line)
    return next(n for n, line in enumerate(lines[start:], start + 1) if fragment in line)


def edit(path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems_of(sidecar, v1) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_translation(sidecar, v1)
    return [str(p) for p in caught.value.problems]


# --------------------------------------------------------------------------- the files


def test_sidecars_are_told_from_questionnaire_files(folder, sidecar):
    assert sidecar_language(sidecar) == "de"
    assert sidecar_language(REPO / "questionnaires" / "social-organisation-1.1.yaml") is None
    assert translated_file(sidecar) == folder / V1.name
    # A folder with translations still holds one questionnaire, which loads.
    assert questionnaire_files(folder) == [folder / V1.name]
    assert [q.version for q in load_all(folder)] == ["1.2"]


def test_a_complete_translation_changes_every_text_and_nothing_scored(sidecar, v1):
    de = load_translation(sidecar, v1).apply(v1)
    assert de.language == "de" and de.content_hash == v1.content_hash and de.original is v1
    assert de.title == german(v1.title)
    for a, b in zip(v1.items, de.items, strict=True):
        assert (a.id, a.dimension, a.type, a.reverse, a.weight, a.lo, a.hi) == (
            b.id,
            b.dimension,
            b.type,
            b.reverse,
            b.weight,
            b.lo,
            b.hi,
        )
        assert [o.value for o in a.options] == [o.value for o in b.options]
        assert [german(o.label) for o in a.options] == [o.label for o in b.options]
        assert b.text == german(a.text) and b.practice == german(a.practice)
        assert b.period == (german(a.period) if a.period else "")
    for a, b in zip(v1.recommendations, de.recommendations, strict=True):
        assert b.actions == tuple(german(x) for x in a.actions)
        assert (b.id, b.requires, b.addresses, b.effort, b.impact, b.owner) == (
            a.id,
            a.requires,
            a.addresses,
            a.effort,
            a.impact,
            a.owner,
        )
    assert [(s.id, s.min, s.label) for s in de.stages] == [(s.id, s.min, german(s.label)) for s in v1.stages]
    assert de.dimensions[0].stage_descriptions == {
        k: german(v) for k, v in v1.dimensions[0].stage_descriptions.items()
    }
    assert de.thresholds == v1.thresholds


# --------------------------------------------------------------------------- broken translations


def test_an_unknown_item_id_is_refused_at_its_line(sidecar, v1):
    edit(sidecar, "  dl_public_criticism_response:\n", "  dl_public_criticism_reply:\n")
    found = problems_of(sidecar, v1)
    line = line_of(sidecar, "dl_public_criticism_reply:")
    assert (
        f"{sidecar}:{line}: items.dl_public_criticism_reply: unknown item 'dl_public_criticism_reply' "
        "(social-organisation 1.2 has none)"
    ) in found
    # And the item it should have named is missing, at the line of `items:`.
    assert any("item 'dl_public_criticism_response' is missing" in p for p in found)


def test_a_missing_option_label_is_refused_at_its_item(sidecar, v1):
    text = sidecar.read_text(encoding="utf-8")
    start = text.index("  dl_public_criticism_response:\n")
    option = text.index("      3: ", start)
    end = text.index("\n", option)
    sidecar.write_text(text[:option] + text[end + 1 :], encoding="utf-8")
    line = line_after(sidecar, "  dl_public_criticism_response:", "    options:")
    assert problems_of(sidecar, v1) == [
        f"{sidecar}:{line}: items.dl_public_criticism_response.options: the label of option 3 is missing"
    ]


def test_a_wrong_version_is_refused_at_its_line(sidecar, v1):
    edit(sidecar, "version: '1.2'", "version: '1.1'")
    assert problems_of(sidecar, v1) == [
        f"{sidecar}:{line_of(sidecar, 'version:')}: version: '1.1', but the file beside it is version '1.2' "
        "(a translation belongs to one version)"
    ]


def test_an_extra_field_is_refused_at_its_line(sidecar, v1):
    edit(sidecar, "    text: DE ", "    weight: 2\n    text: DE ")
    line = line_of(sidecar, "weight: 2")
    [found] = problems_of(sidecar, v1)
    assert found.startswith(f"{sidecar}:{line}: items.")
    assert "unknown field 'weight': the source has no such text here" in found


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("translation_of: social-organisation", "translation_of: other", "translation_of: 'other', but"),
        ("language: de", "language: fr", "language: 'fr', but the file name says 'de'"),
        ("title: DE Social", "title: ''\nx: DE Social", "title: must not be blank"),
        ("  - DE Never\n", "", "scale.labels: 4 texts for the source's 5"),
        ("dimensions:\n  dialogue:\n", "dimensions:\n  dialog:\n", "unknown dimension 'dialog'"),
    ],
)
def test_each_broken_header_or_text_is_named(sidecar, v1, old, new, message):
    edit(sidecar, old, new)
    assert any(message in p and p.startswith(f"{sidecar}:") for p in problems_of(sidecar, v1))


def test_a_translation_without_a_text_the_source_has_is_incomplete(sidecar, v1):
    text = sidecar.read_text(encoding="utf-8")
    start = text.index("recommendations:\n")
    why = text.index("    why: ", start)
    sidecar.write_text(text[:why] + text[text.index("\n    actions:", why) + 1 :], encoding="utf-8")
    [found] = problems_of(sidecar, v1)
    assert "'why' is missing (the source has it)" in found


# --------------------------------------------------------------------------- flask questionnaire validate


def validate(*paths) -> Result:
    return CliRunner().invoke(validate_command, [str(p) for p in paths])


def test_validate_checks_the_translations_beside_a_file(folder, sidecar):
    result = validate(folder / V1.name)
    assert result.exit_code == 0, result.output
    assert f"OK {sidecar}: social-organisation 1.2 in de, complete" in result.output

    edit(sidecar, "  dl_public_criticism_response:\n", "  dl_public_criticism_reply:\n")
    for target in (folder / V1.name, sidecar):  # the questionnaire, or the translation itself
        result = validate(target)
        assert result.exit_code == 1
        line = line_of(sidecar, "dl_public_criticism_reply:")
        assert f"error: {sidecar}:{line}: items.dl_public_criticism_reply: unknown item" in result.output


def test_validate_names_a_wrong_version_and_an_extra_field(sidecar):
    edit(sidecar, "version: '1.2'", "version: '1.1'")
    edit(sidecar, "    text: DE ", "    colour: red\n    text: DE ")
    result = validate(sidecar)
    assert result.exit_code == 1
    assert f"{sidecar}:{line_of(sidecar, 'version:')}: version: '1.1'" in result.output
    assert f"{sidecar}:{line_of(sidecar, 'colour: red')}: items." in result.output


# --------------------------------------------------------------------------- translated() and languages()


def test_translated_and_languages_come_from_the_folder(folder, v1):
    registry = QuestionnaireRegistry(folder)
    assert registry.languages(v1) == ["en", "de"]
    de = registry.translated(v1, "de")
    assert de.items[0].text == german(v1.items[0].text)
    # The own language, an unknown one, and back from a translated copy give the file as written.
    assert registry.translated(v1, "en") is v1
    assert registry.translated(v1, "fr") is v1
    assert registry.translated(de, "en") is v1
    assert registry.translated(v1, "de") is de  # parsed once


def test_a_translation_added_later_is_used_without_a_new_version(tmp_path, v1):
    target = tmp_path / "q"
    target.mkdir()
    shutil.copy(V1, target / V1.name)
    now = [100.0]
    registry = QuestionnaireRegistry(target, clock=lambda: now[0])
    assert registry.languages(v1) == ["en"] and registry.translated(v1, "de") is v1
    write_translations(target, "de", german)
    # The folder is looked at again once its last look is LISTING_SECONDS old, not per call.
    now[0] += registry.LISTING_SECONDS / 2
    assert registry.languages(v1) == ["en"]
    now[0] += registry.LISTING_SECONDS / 2
    assert registry.languages(v1) == ["en", "de"]
    assert registry.translated(v1, "de").title == german(v1.title)
    assert registry.translated(v1, "de").content_hash == v1.content_hash


def test_a_broken_translation_is_neither_listed_nor_used(folder, sidecar, v1):
    edit(sidecar, "version: '1.2'", "version: '1.1'")
    registry = QuestionnaireRegistry(folder)
    assert registry.languages(v1) == ["en"]
    assert registry.translated(v1, "de") is v1


def test_init_refuses_a_broken_translation(app, questionnaire_dir, runner):
    write_translations(questionnaire_dir, "de", german)
    broken = questionnaire_dir / "social-organisation.de.yaml"
    edit(broken, "  dl_public_criticism_response:\n", "  dl_public_criticism_reply:\n")
    result = runner.invoke(args=["init"])
    assert result.exit_code != 0
    assert f"{broken}:{line_of(broken, 'dl_public_criticism_reply:')}: items." in result.output


def test_the_app_translates_from_its_own_folder(app, questionnaire_dir):
    write_translations(questionnaire_dir, "de", german)
    v12 = load_questionnaire(questionnaire_dir / V1.name)
    with app.app_context():
        assert languages(v12) == ["en", "de"]
        assert translated(v12, "de").title == german(v12.title)
    assert load_translations(questionnaire_dir / V1.name, v12)[0].language == "de"


def test_the_pseudo_app_has_every_questionnaire_in_the_pseudo_locale(pseudo_app):
    from tests.pseudo_locale import PSEUDO

    with pseudo_app.app_context():
        for q in pseudo_app.extensions["questionnaires"].files():
            assert languages(q)[-1] == PSEUDO
            marked = translated(q, PSEUDO)
            assert marked.items[0].text == f"\u27e6{q.items[0].text}\u27e7"
            assert marked.stages[0].label == f"\u27e6{q.stages[0].label}\u27e7"
