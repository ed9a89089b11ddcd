"""The workshop report's discussion rounds: one section, kept apart from ``context.py`` so the
report's main context stays as it is. ``with_rounds`` returns the report context with a
``discussion_rounds`` tuple and its chapter (``templates/sections/rounds.html``) added."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from assessment.domain.text import N_
from assessment.i18n import _

from .context import ReportContext
from .sections import Chapter, add_chapter

ROUNDS_ORDER = 85  # after the method, before the appendix of answers


@dataclass(frozen=True)
class RoundBar:
    label: str
    count: int
    width: float  # percent of the widest bar


@dataclass(frozen=True)
class RoundSide:
    n: int
    bars: tuple[RoundBar, ...] | None  # None: fewer than k answers, withheld
    sd_display: str


@dataclass(frozen=True)
class RoundSection:
    number: int
    question: str
    before: RoundSide
    after: RoundSide
    verdict: str


def _side(side: Any) -> RoundSide:
    if side.distribution is None:
        return RoundSide(side.n, None, "–")
    most = max((c for _, _, c in side.distribution), default=0) or 1
    bars = tuple(RoundBar(label, c, round(100 * c / most, 1)) for _, label, c in side.distribution)
    return RoundSide(side.n, bars, "–" if side.sd is None else f"{side.sd:.2f}")


VERDICTS = {
    "rose": N_("Agreement rose: the answers' spread narrowed after the discussion."),
    "fell": N_("Agreement fell: the answers spread further apart after the discussion."),
    "unchanged": N_("Agreement did not change."),
    "unknown": N_("Too few answers on one side to compare agreement."),
}


def round_sections(views: Iterable[Any]) -> tuple[RoundSection, ...]:
    """Plain values from ``services.rounds.RoundView``s, in the order the rounds were held."""
    return tuple(
        RoundSection(n, v.item.text, _side(v.before), _side(v.after), _(VERDICTS[v.change]))
        for n, v in enumerate(views, start=1)
    )


def with_rounds(context: ReportContext, sections: tuple[RoundSection, ...]) -> ReportContext:
    """The same context plus ``discussion_rounds`` (a subclass, so the renderer takes it as is;
    defined at module level so it pickles on its way to the bounded render process)."""
    if not sections:
        return context
    values = {f.name: getattr(context, f.name) for f in fields(context)}
    chapter = Chapter("rounds", "sections/rounds.html", ROUNDS_ORDER)
    return add_chapter(ReportContextWithRounds(**values, discussion_rounds=sections), chapter)


@dataclass(frozen=True)
class ReportContextWithRounds(ReportContext):
    """A workshop report's context with its discussion rounds (``templates/sections/rounds.html``)."""

    discussion_rounds: tuple[RoundSection, ...] = ()
