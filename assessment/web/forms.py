"""WTForms classes. The answer forms are built from the questionnaire definition: every question,
option label and "unsure" choice comes from the file, none is written here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..domain import organisation
from ..domain.questionnaire import Item, Questionnaire
from ..domain.scoring import NOT_APPLICABLE, UNSURE
from ..i18n import _l

UNSURE_LABEL = _l("Unsure / don't know")
NOT_APPLICABLE_LABEL = _l("Not applicable: we don't have this")
NO_ANSWER = _l("Prefer not to say")
ANSWER_REQUIRED = _l("Please choose an answer before you go on.")
BENCHMARK_LABEL = _l("Add our anonymous scores to the comparison for organisations like ours")
BENCHMARK_NEEDS = _l(
    "To be compared with organisations like yours, choose your sector and number of employees."
)

# Describing the respondent's organisation, not the questionnaire (domain.organisation).
SECTORS, SIZE_BANDS = organisation.SECTORS, organisation.SIZE_BANDS


class StartForm(FlaskForm):
    """The landing page's form: everything optional, so a director can start at once."""

    questionnaire = HiddenField()
    organisation = StringField(
        _l("Organisation name"),
        validators=[Optional(), Length(max=200, message=_l("Please keep the name under 200 characters."))],
        description=_l("Optional. Shown on your results and report."),
    )
    sector = SelectField(
        _l("Sector"),
        # The stored value stays the English name (rule 18 compares like with like); the label is shown.
        choices=[SelectChoice("", NO_ANSWER)] + [SelectChoice(s, _l(s)) for s in SECTORS],
        validators=[Optional()],
    )
    size_band = SelectField(
        _l("Number of employees"),
        choices=[SelectChoice("", NO_ANSWER)] + [SelectChoice(v, _l(label)) for v, label in SIZE_BANDS],
        validators=[Optional()],
    )
    role = SelectField(_l("Your role"), validators=[Optional()])
    benchmark = BooleanField(BENCHMARK_LABEL, default=False)  # rule 18: off unless ticked

    def validate_benchmark(self, field: Field) -> None:
        if field.data and not (self.sector.data and self.size_band.data):
            raise ValidationError(BENCHMARK_NEEDS)

    def set_roles(self, roles: Iterable[tuple[str, str]]) -> None:
        self.role.choices = [SelectChoice("", NO_ANSWER)] + [SelectChoice(v, label) for v, label in roles]


class RetakeForm(FlaskForm):
    """Only a CSRF token: starting a retake changes state, so it is a POST."""


def _choices(item: Item) -> list[SelectChoice]:
    choices = [SelectChoice(str(o.value), o.label) for o in item.options]
    if item.allow_unsure:
        choices.append(SelectChoice(UNSURE, UNSURE_LABEL))
    if item.allow_not_applicable:
        choices.append(SelectChoice(NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
    return choices


_FORM_CLASSES: dict[tuple[object, ...], type[FlaskForm]] = {}


def page_form_class(questionnaire: Questionnaire, dimension_id: str) -> type[FlaskForm]:
    """A form class for one dimension's page: one radio group per item, in file order.

    Cached per questionnaire version (content hash), dimension and the text shown: a translation
    (services.questionnaires.translated) keeps the ids and the hash but not the words.
    """
    items = questionnaire.items_of(dimension_id)
    words = tuple((i.text, i.help, tuple(o.label for o in i.options)) for i in items)
    key = (questionnaire.content_hash, questionnaire.language, dimension_id, words)
    if key in _FORM_CLASSES:
        return _FORM_CLASSES[key]
    attrs: dict[str, Any] = {}
    for item in items:
        attrs[item.id] = RadioField(
            item.text,
            choices=_choices(item),
            validators=[InputRequired(message=ANSWER_REQUIRED)],
            description=item.help or "",
        )
    form_class = type(f"PageForm_{dimension_id}", (FlaskForm,), attrs)
    _FORM_CLASSES[key] = form_class
    return form_class


def item_fields(form: FlaskForm, questionnaire: Questionnaire, dimension_id: str) -> list[Field]:
    return [form[item.id] for item in questionnaire.items_of(dimension_id)]


def initial_data(answers: Mapping[str, object]) -> dict[str, str]:
    """Stored answers as the radio values to tick (ints become their string form)."""
    return {k: str(v) for k, v in answers.items()}


def answers_from(form: FlaskForm, questionnaire: Questionnaire, dimension_id: str) -> dict[str, int | str]:
    """The page's answers that are present and valid, in the domain's types."""
    out: dict[str, int | str] = {}
    for field in item_fields(form, questionnaire, dimension_id):
        if field.errors or field.data in (None, "", "None"):
            continue
        out[field.name] = field.data if field.data in (UNSURE, NOT_APPLICABLE) else int(field.data)
    return out


def only_missing(form: FlaskForm, questionnaire: Questionnaire, dimension_id: str) -> bool:
    """True when every error on the page is a question left unanswered (going Back allows that)."""
    return all(not field.raw_data for field in item_fields(form, questionnaire, dimension_id) if field.errors)
