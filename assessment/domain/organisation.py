"""What a respondent may say about their organisation (the start page's lists): used to compare
like with like (SCORING.md rule 18), the same whatever questionnaire is answered. Shared by the
forms, the API's checks and the reports, so each says the same."""

from __future__ import annotations

SECTORS = (
    "Business and professional services",
    "Charity and non-profit",
    "Education",
    "Financial services",
    "Health and social care",
    "Hospitality, travel and leisure",
    "Manufacturing and engineering",
    "Media, technology and telecoms",
    "Public sector and government",
    "Retail and consumer goods",
    "Other",
)
SIZE_BANDS = (
    ("1-9", "1 to 9 people"),
    ("10-49", "10 to 49 people"),
    ("50-249", "50 to 249 people"),
    ("250-999", "250 to 999 people"),
    ("1000+", "1,000 people or more"),
)
SIZE_LABELS = dict(SIZE_BANDS)
