"""Published internal cycles (a province's ranking of its departments and communes, by block) and
published survey results with their confidence intervals: the figures of their public pages, read
from the same stored standings (`chiso.assessments.standings`) and the same survey ranking
(`chiso.surveys.services.ranking`). A cycle or survey not published is not found."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router

from chiso.api import schemas
from chiso.api.common import DEFAULT_LIMIT, NotFound, lazy_text, page, published_cycles
from chiso.api.results import _node
from chiso.assessments import standings
from chiso.assessments.models import Cycle
from chiso.assessments.scoring import FINAL
from chiso.engine.survey import OVERALL
from chiso.results.opendata import decimal_text
from chiso.surveys.models import Survey, SurveyResult
from chiso.surveys.services import ranking as survey_ranking

router = Router(tags=["internal"])


def _cycles() -> QuerySet[Cycle]:
    return (
        published_cycles()
        .select_related("framework__index", "organiser")
        .annotate(units=Count("assessments"))
        .order_by("-year", "block", "pk")
    )


def _cycle(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "year": cycle.year,
        "block": cycle.block,
        "organiser": cycle.organiser.code,
        "index": cycle.framework.index.code,
        "framework": cycle.framework.code,
        "published_at": cycle.published_at,
        "units": cycle.units,  # type: ignore[attr-defined]
        "source": cycle.credit,
    }


def _cycle_or_404(pk: int) -> Cycle:
    found = _cycles().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Không có kỳ đánh giá số {pk} đã công bố.").format(pk=pk))
    return found


@router.get(
    "/cycles",
    response=list[schemas.CycleOut],
    summary=lazy_text(gettext_lazy("Kỳ đánh giá đã công bố")),
    description=lazy_text(
        gettext_lazy(
            "Các kỳ đánh giá nội bộ đã công bố, mới nhất trước; số của kỳ là số trên trang công khai của nó."
        )
    ),
)
def cycles(request: HttpRequest, year: int | None = None, index: str = "") -> list[dict[str, Any]]:
    """The published internal assessment cycles, newest first. A cycle has no code: its number is
    the one of its public page (/danh-gia/cong-bo/<number>/)."""
    rows = _cycles()
    if year is not None:
        rows = rows.filter(year=year)
    if index:
        rows = rows.filter(framework__index__code=index.lower())
    return [_cycle(cycle) for cycle in rows]


@router.get(
    "/cycles/{cycle_id}",
    response=schemas.CycleDetail,
    summary=lazy_text(gettext_lazy("Một kỳ đánh giá")),
    description=lazy_text(
        gettext_lazy("Một kỳ đánh giá đã công bố: số đơn vị, điểm trung bình, các khối và các lĩnh vực.")
    ),
)
def cycle_detail(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """A published cycle: N, the number ranked, the mean, its blocks and the fields of its framework."""
    cycle = _cycle_or_404(cycle_id)
    summary = standings.standing_of(cycle, FINAL).summary
    framework = cycle.framework.to_engine()
    places = framework.display_precision
    return {
        **_cycle(cycle),
        "of": summary["of"],
        "ranked": summary["ranked"],
        "mean": decimal_text(standings.number(summary["mean"]), places),
        "previous_year": summary["previous_year"],
        "blocks": [
            {
                "code": b["code"],
                "name": b["name"],
                "name_en": b["name_en"] or None,
                "of": b.get("of"),
                "mean": decimal_text(standings.number(b["mean"]), places),
            }
            for b in summary["blocks"]
        ],
        "fields": [{**_node(node), "children": []} for node in framework.root.children],
    }


@router.get(
    "/cycles/{cycle_id}/results",
    response=schemas.Page[schemas.CycleRow],
    summary=lazy_text(gettext_lazy("Kết quả một kỳ đánh giá")),
    description=lazy_text(
        gettext_lazy("Bảng xếp hạng cuối cùng của một kỳ đã công bố; block: các đơn vị của một khối.")
    ),
)
def cycle_results(
    request: HttpRequest,
    cycle_id: int,
    block: str = "",
    limit: int = Query(DEFAULT_LIMIT, ge=1),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """The final league table of a published cycle, in the order of its public page; `block` (a
    block's code) keeps that block's units, ranked among themselves in `block_rank`."""
    cycle = _cycle_or_404(cycle_id)
    standing = standings.standing_of(cycle, FINAL)
    places = cycle.framework.to_engine().display_precision
    result = page(request, standings.lines(standing, block), limit, offset)
    rows = []
    for line in result["items"]:
        figures, unit = line.figures, line.assessment.unit
        group, change = figures["group"], figures["change"]
        rows.append(
            {
                "rank": line.rank,
                "code": unit.code,
                "name": unit.name,
                "score": decimal_text(line.total, places),
                "block": line.block or None,
                "block_rank": figures["block_rank"],
                "block_of": figures["block_of"],
                "group": group[1] if group else None,
                "change_score": decimal_text(standings.number(change[0]), places) if change else None,
                "change_rank": change[1] if change else None,
                "fields": {
                    code: decimal_text(standings.number(value[0]), places)
                    for code, value in figures["fields"].items()
                },
            }
        )
    result["items"] = rows
    return result


# -- surveys ---------------------------------------------------------------------------------------------


def _survey_or_404(pk: int) -> Survey:
    found = Survey.objects.filter(pk=pk, published=True).select_related("organiser").first()
    if found is None:
        raise NotFound(_("Không có đợt khảo sát số {pk} đã công khai kết quả.").format(pk=pk))
    return found


@router.get(
    "/surveys",
    response=list[schemas.SurveyOut],
    summary=lazy_text(gettext_lazy("Khảo sát đã công khai")),
    description=lazy_text(gettext_lazy("Các đợt khảo sát đã công khai kết quả, mới nhất trước.")),
)
def surveys(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    """The surveys whose results are published, newest first."""
    rows = (
        Survey.objects.filter(published=True)
        .select_related("organiser", "questionnaire")
        .order_by("-year", "title")
    )
    if year is not None:
        rows = rows.filter(year=year)
    return [
        {
            "id": s.pk,
            "title": s.title,
            "year": s.year,
            "unit_level": s.unit_level,
            "organiser": s.organiser.code if s.organiser else None,
            "estimated_at": s.estimated_at,
            "source": s.credit,
        }
        for s in rows
    ]


@router.get(
    "/surveys/{survey_id}/results",
    response=schemas.SurveyPage,
    summary=lazy_text(gettext_lazy("Kết quả khảo sát")),
    description=lazy_text(
        gettext_lazy(
            "Các đơn vị xếp theo chỉ số hài lòng chung (hoặc một yếu tố, code) với khoảng tin cậy 95%; hai đơn vị liền kề có khoảng tin cậy chồng nhau thì không phân biệt được."
        )
    ),
)
def survey_results(
    request: HttpRequest,
    survey_id: int,
    code: str = OVERALL,
    respondent_type: str = SurveyResult.ALL_TYPES,
    limit: int = Query(DEFAULT_LIMIT, ge=1),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """The units ranked on the overall satisfaction index (or one factor, `code`), with 95% confidence
    intervals; neighbours whose intervals overlap cannot be told apart (`tied_above`, `tied_below`)."""
    survey = _survey_or_404(survey_id)
    rows = survey_ranking(survey, code, respondent_type, with_factors=False)
    result = page(request, rows, limit, offset)
    result["items"] = [
        {
            "rank": row.rank,
            "code": row.unit.code,
            "name": row.unit.name,
            "percent": decimal_text(row.percent, 2),
            "ci_low": decimal_text(row.low, 2),
            "ci_high": decimal_text(row.high, 2),
            "n": row.result.n,
            "n_eff": row.result.n_eff,
            "small_n": row.result.small_n,
            "tied_above": row.tied_above,
            "tied_below": row.tied_below,
        }
        for row in result["items"]
    ]
    return {"survey": survey.pk, "code": code, "respondent_type": respondent_type, **result}
