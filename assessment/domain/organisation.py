"""What a respondent may say about their organisation (the start page's lists): used to compare
like with like (SCORING.md rule 18), the same whatever questionnaire is answered. Shared by the
forms, the API's checks and the reports, so each says the same."""

from __future__ import annotations

from .text import N_

# Marked for translation: the pages show them in their language with _(label); ids and the
# English stay what the API and the stored answers use.
SECTORS = (
    N_("Business and professional services"),
    N_("Charity and non-profit"),
    N_("Education"),
    N_("Financial services"),
    N_("Health and social care"),
    N_("Hospitality, travel and leisure"),
    N_("Manufacturing and engineering"),
    N_("Media, technology and telecoms"),
    N_("Public sector and government"),
    N_("Retail and consumer goods"),
    N_("Other"),
)
SIZE_BANDS = (
    ("1-9", N_("1 to 9 people")),
    ("10-49", N_("10 to 49 people")),
    ("50-249", N_("50 to 249 people")),
    ("250-999", N_("250 to 999 people")),
    ("1000+", N_("1,000 people or more")),
)
SIZE_LABELS = dict(SIZE_BANDS)
