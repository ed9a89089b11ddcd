"""The report's benchmark section (SCORING.md rule 18): where the organisation (or, in a workshop
report, the group's means) stands against the median and middle half of its comparison group,
per dimension and overall, with the group named and its n. Kept apart from ``context.py``:
``with_benchmark`` returns the report context with ``benchmark`` set and the chart added to its
assets; ``_benchmark.html`` shows the section when it is there.

Plain values in (the domain's ``Figures`` or ``Withheld``), plain values out; every figure is
shown through ``assessment.domain.figures`` (rule 17), marks placed at full precision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from assessment.domain import benchmark as rule
from assessment.domain.figures import score_text, shown_number
from assessment.domain.questionnaire import Questionnaire

from .charts import DEFAULT_ACCENT, INK, MUTED, PALE, RULE, _n, _svg, _t
from .context import ReportContext
from .fetcher import Asset, asset_url
from .sections.common import Chart
from .sections.common import alt_text as _alt

POSITIONS = {
    "above": "above the middle half",
    "below": "below the middle half",
    "upper": "in the middle half, at or above the median",
    "lower": "in the middle half, below the median",
    "none": "no score",
}


@dataclass(frozen=True)
class BenchmarkRow:
    label: str
    score: str
    median: str
    middle: str  # "q1–q3"
    percentile: str
    position: str
    is_total: bool = False


@dataclass(frozen=True)
class BenchmarkSection:
    is_group: bool  # a workshop's means, not one respondent's scores
    group_label: str
    n: int
    fallback: bool  # a wider group than the organisation's own sector and size
    demo: int  # made-up demo entries among the n
    rows: tuple[BenchmarkRow, ...]
    chart: Chart | None
    withheld: str | None = None
    needed: int = 0
    minimum: int = rule.DEFAULT_MIN


# --------------------------------------------------------------------------- chart

WIDTH = 560.0
LEFT = 150.0
RIGHT = 545.0


def benchmark_x(score: float) -> float:
    return LEFT + (RIGHT - LEFT) * max(0.0, min(100.0, score)) / 100.0


@dataclass(frozen=True)
class BenchmarkMark:
    id: str
    label: str
    score: float | None
    median: float
    q1: float
    q3: float
    score_text: str
    median_text: str


def benchmark_svg(marks: Sequence[BenchmarkMark], own_name: str, accent: str = DEFAULT_ACCENT) -> str:
    """Per row: the group's middle half (q1 to q3) as a bar, its median as a tick, the
    organisation's score as a diamond labelled with the figure as shown."""
    row_h, top = 30.0, 22.0
    body: list[str] = []
    for v in (0, 20, 40, 60, 80, 100):
        x = benchmark_x(v)
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(top - 6)}" x2="{_n(x)}" y2="{_n(top + row_h * len(marks))}" '
            f'stroke="{PALE if v not in (0, 100) else RULE}" stroke-width="0.8"/>'
            f'<text x="{_n(x)}" y="{_n(top - 10)}" font-size="8" text-anchor="middle" '
            f'fill="{MUTED}">{v}</text>'
        )
    for k, m in enumerate(marks):
        y = top + row_h * k + row_h / 2
        weight = ' font-weight="600"' if m.id == "overall" else ""
        body.append(
            f'<text x="{_n(LEFT - 10)}" y="{_n(y + 3.5)}" font-size="9.5" text-anchor="end"{weight}>'
            f"{_t(m.label)}</text>"
        )
        a, b, mx = benchmark_x(m.q1), benchmark_x(m.q3), benchmark_x(m.median)
        parts = [
            f'<g class="benchmark-row" data-dimension="{_t(m.id)}" data-q1="{m.q1!r}" '
            f'data-median="{m.median!r}" data-q3="{m.q3!r}" '
            f'data-score="{"" if m.score is None else repr(m.score)}">',
            f'<rect x="{_n(a)}" y="{_n(y - 6)}" width="{_n(max(b - a, 1.0))}" height="12" fill="{MUTED}" '
            f'fill-opacity="0.28" stroke="{MUTED}" stroke-width="0.6"/>',
            f'<line x1="{_n(mx)}" y1="{_n(y - 9)}" x2="{_n(mx)}" y2="{_n(y + 9)}" stroke="{INK}" '
            f'stroke-width="2"/>',
        ]
        if m.score is not None:
            sx = benchmark_x(m.score)
            parts.append(
                f'<path d="M{_n(sx)} {_n(y - 6)} L{_n(sx + 6)} {_n(y)} L{_n(sx)} {_n(y + 6)} '
                f'L{_n(sx - 6)} {_n(y)} Z" '
                f'fill="{accent}" stroke="#fff" stroke-width="0.8"/>'
                f'<text x="{_n(sx)}" y="{_n(y - 9)}" font-size="8" text-anchor="middle" fill="{accent}" '
                f'font-weight="600">{_t(m.score_text)}</text>'
            )
        parts.append("</g>")
        body.extend(parts)
    height = top + row_h * len(marks) + 6
    label = f"{own_name} against the comparison group's median and middle half: " + "; ".join(
        f"{m.label} {m.score_text if m.score is not None else 'no score'}, median {m.median_text}"
        for m in marks
    )
    return _svg(WIDTH, height, body, label, "benchmark")


# --------------------------------------------------------------------------- the section


def benchmark_section(
    q: Questionnaire,
    found: rule.Figures | rule.Withheld,
    own: Mapping[str, float | None],
    *,
    own_sector: str | None,
    own_size_band: str | None,
    is_group: bool = False,
    accent: str = DEFAULT_ACCENT,
) -> tuple[BenchmarkSection, dict[str, Asset]]:
    """The section and its chart asset. ``own``: the scores compared (dimension id -> score,
    "overall" -> the index); ``found``: the comparison from the published snapshot."""
    if isinstance(found, rule.Withheld):
        section = BenchmarkSection(
            is_group, "", 0, False, 0, (), None, found.reason, found.needed, q.thresholds.benchmark_min
        )
        return section, {}
    body = found.to_dict()
    keys = [(d.id, d.label) for d in q.dimensions if d.id in body["dimensions"]] + [
        ("overall", "Overall index")
    ]
    rows, marks = [], []
    for key, label in keys:
        block = body["overall"] if key == "overall" else body["dimensions"][key]
        mine = own.get(key)
        rank = block.get("percentile")
        rows.append(
            BenchmarkRow(
                label=label,
                score=score_text(mine, q),
                median=score_text(block["median"], q),
                middle=f"{score_text(block['q1'], q)}\u2013{score_text(block['q3'], q)}",
                percentile="\u2013" if rank is None else shown_number(rank).text,
                position=POSITIONS[rule.standing(mine, block["q1"], block["median"], block["q3"])],
                is_total=key == "overall",
            )
        )
        marks.append(
            BenchmarkMark(
                key,
                label,
                mine,
                block["median"],
                block["q1"],
                block["q3"],
                score_text(mine, q),
                score_text(block["median"], q),
            )
        )
    svg = benchmark_svg(marks, "The group's means" if is_group else "Your scores", accent)
    chart = Chart(asset_url("benchmark.svg"), svg, _alt(svg))
    section = BenchmarkSection(
        is_group=is_group,
        group_label=rule.group_label(found.group),
        n=found.group.n,
        fallback=(found.group.sector, found.group.size_band) != (own_sector or None, own_size_band or None),
        demo=found.demo,
        rows=tuple(rows),
        chart=chart,
        minimum=q.thresholds.benchmark_min,
    )
    return section, {"benchmark.svg": Asset(svg.encode(), "image/svg+xml")}


def with_benchmark(
    context: ReportContext, section: BenchmarkSection, assets: Mapping[str, Asset]
) -> ReportContext:
    """The same context (of any report class) with the section and its chart."""
    return replace(context, benchmark=section, assets={**context.assets, **assets})
