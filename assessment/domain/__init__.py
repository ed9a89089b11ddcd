"""The domain: plain Python, no Flask and no SQLAlchemy, usable from a notebook.

from assessment.domain import load_questionnaire, score
result = score(load_questionnaire("questionnaires/social-organisation.yaml"), answers)
"""

from .questionnaire import (
    Questionnaire,
    QuestionnaireError,
    load_directory,
    load_questionnaire,
    parse_questionnaire,
)
from .result import Result, score
from .scoring import NOT_APPLICABLE, UNSURE, InvalidAnswers

__all__ = [
    "NOT_APPLICABLE",
    "UNSURE",
    "InvalidAnswers",
    "Questionnaire",
    "QuestionnaireError",
    "Result",
    "load_directory",
    "load_questionnaire",
    "parse_questionnaire",
    "score",
]
