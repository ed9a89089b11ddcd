"""Instrument health (SCORING.md rule 19) from the answers this installation holds.

Reads the answers of every complete response to one questionnaire version, self-assessments and
group responses alike, in one query (plus one for the version), and hands them to the domain.
Only answers leave the database: no organisation, role, token or group is read.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import Assessment, QuestionnaireVersion
from ..domain.health import InstrumentHealth, instrument_health
from ..domain.questionnaire import Questionnaire
from .questionnaires import current_version, questionnaire_of, version_named


def health_of(session: Session, questionnaire_id: str, version: str | None = None) -> InstrumentHealth:
    """Rule 19 for ``version`` of ``questionnaire_id`` (default its current version). Raises
    NotFound for an unknown id or version."""
    return health_with_definition(session, questionnaire_id, version)[1]


def health_with_definition(
    session: Session, questionnaire_id: str, version: str | None = None
) -> tuple[Questionnaire, InstrumentHealth]:
    """The version's definition (for labels) and its health: two queries."""
    row = (
        current_version(session, questionnaire_id)
        if version is None
        else version_named(session, questionnaire_id, version)
    )
    q = questionnaire_of(row)
    # Every stored row of this version number: a file reloaded with the same number is the same
    # version to its respondents.
    pks = select(QuestionnaireVersion.pk).where(
        QuestionnaireVersion.questionnaire_id == q.id, QuestionnaireVersion.version == q.version
    )
    answers = session.scalars(
        select(Assessment.answers).where(
            Assessment.questionnaire_pk.in_(pks), Assessment.status == "complete"
        )
    )
    return q, instrument_health(q, (a or {} for a in answers))
