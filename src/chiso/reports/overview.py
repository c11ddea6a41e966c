"""Every index of one locality and year, as the conference report's summary needs it.

The figures of each index come from `chiso.reports.data.build_report` (as the per-index report has
them); the count of indices up and down and its sentence are the locality dashboard's
(`chiso.results.locality.counts_of_directions`), so the page and the report never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from chiso.engine.i18n import active_language
from chiso.engine.narrative import rounded_difference
from chiso.engine.numbers import format_number, format_rank, format_signed
from chiso.reports.data import Report, ReportError, build_report


@dataclass
class IndexLine:
    """One index's result for the locality: the figures of its standard sentence."""

    index_code: str
    index_name: str
    score: Decimal | None
    max_points: Decimal | None
    rank: int | None
    of: int | None
    previous_year: int | None
    score_change: Decimal | None  # between the figures as shown (rounded)
    rank_change: int | None  # + up, - down
    group: str
    group_en: str
    sentence: str  # the per-index report's headline (Vietnamese, from chiso.engine.narrative)
    places: int = 2
    percent: bool = False  # "94,01 %", not "94,01/100 điểm"

    @property
    def shown_score(self) -> str:
        """The score as the summary table writes it: "47,82/80", "94,01 %"."""
        language = active_language()
        score = format_number(self.score, self.places, language)
        if self.percent:
            return f"{score} %"
        scale = f"/{format_number(self.max_points, 0, language)}" if self.max_points is not None else ""
        return score + scale

    def short(self, language: str = "vi") -> str:
        """The figures in the active language: "PAPI: 32,98/60 điểm, hạng 62/63; -2,43 điểm,
        -30 bậc so với 2015" (the English catalogue gives "PAPI: 32.98/60 points, rank 62/63; …")."""
        scale = f"/{format_number(self.max_points, 0, language)}" if self.max_points is not None else ""
        score = format_number(self.score, self.places, language)
        rank = format_rank(self.rank, self.of)
        if self.percent:
            text = _("{index}: {score} %, hạng {rank}").format(index=self.index_name, score=score, rank=rank)
        else:
            text = _("{index}: {score}{scale} điểm, hạng {rank}").format(
                index=self.index_name, score=score, scale=scale, rank=rank
            )
        if self.previous_year is not None and self.score_change is not None and self.rank_change is not None:
            points = format_signed(self.score_change, self.places, language)
            ranks = f"{self.rank_change:+d}"
            if self.percent:
                change = _("{points} %, {ranks} bậc so với {year}")
            else:
                change = _("{points} điểm, {ranks} bậc so với {year}")
            text += "; " + change.format(points=points, ranks=ranks, year=self.previous_year)
        group = self.group if language == "vi" else self.group_en
        if group:
            text += f"; {group}"
        return text + "."

    @property
    def direction(self) -> int | None:
        """+1 up in rank, -1 down, 0 same; None when there is no previous year to compare with."""
        if self.rank_change is None:
            return None
        return (self.rank_change > 0) - (self.rank_change < 0)


@dataclass
class Summary:
    lines: list[IndexLine]
    up: int
    down: int
    same: int
    compared: int
    sentence: str


def locality_indices(year: int, codes: list[str] | None = None) -> list:
    """The indices with published results for `year` (all of them, or those named in `codes`, in
    that order; an unknown code raises ReportError)."""
    from chiso.frameworks.services import IndexNotFound, find_index
    from chiso.results.models import ResultSet

    if codes:
        found = []
        for code in codes:
            try:
                found.append(find_index(code))
            except IndexNotFound as exc:
                raise ReportError(str(exc)) from exc
        return found
    sets = (
        ResultSet.objects.published()
        .annual()
        .filter(year=year)
        .select_related("index")
        .order_by("index__code")
    )
    return [result_set.index for result_set in sets]


def locality_reports(
    unit_text: str, year: int, codes: list[str] | None = None, *, with_trend: bool = True
) -> tuple[list[Report], list[str]]:
    """The per-index report of every index the unit is ranked in for `year`, and why the others
    were left out (an index named in `codes` that cannot be reported is an error)."""
    reports, skipped = [], []
    for index in locality_indices(year, codes):
        try:
            reports.append(build_report(index, year, unit_text, with_trend=with_trend))
        except ReportError as exc:
            if codes:
                raise
            skipped.append(str(exc))
    if not reports:
        raise ReportError(
            _("{unit} không có kết quả chỉ số nào được công bố năm {year}.").format(unit=unit_text, year=year)
        )
    return reports, skipped


def index_line(report: Report) -> IndexLine:
    profile = report.profile
    change = profile.change
    return IndexLine(
        index_code=report.index_code,
        index_name=report.index_name,
        score=profile.score,
        max_points=profile.framework.root.max_points,
        rank=profile.rank,
        of=profile.of,
        previous_year=profile.previous_year,
        score_change=rounded_difference(
            profile.score, change.previous_score if change else None, report.places
        ),
        rank_change=change.rank if change is not None else None,
        group=profile.group.label_vi if profile.group else "",
        group_en=(profile.group.label_en or profile.group.label_vi) if profile.group else "",
        sentence=report.paragraphs["headline"] or "",
        places=report.places,
        percent=report.percent,
    )


def summarise(reports: list[Report]) -> Summary:
    """How many indices went up and down in rank ("03/04 chỉ số tụt hạng") and the sentence that
    says it — counted and worded by the locality dashboard's one definition — and each one's line."""
    from chiso.results.locality import DOWN, SAME, UP, counts_of_directions

    lines = [index_line(report) for report in reports]
    words = {1: UP, -1: DOWN, 0: SAME, None: ""}
    counts = counts_of_directions([words[line.direction] for line in lines])
    return Summary(lines, counts.up, counts.down, counts.same, counts.compared, counts.sentence())
