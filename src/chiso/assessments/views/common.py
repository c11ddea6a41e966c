"""What every assessment page shares: finding what the reader may see (404 otherwise), refusing
(403), formatting figures and times in the reader's language, the stages of a cycle."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from chiso.accounts.permissions import EVERYONE_INSIDE, acts_for, has_role
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import actions as perm
from chiso.assessments.models import Assessment, Cycle, State
from chiso.assessments.scoring import APPRAISED, FINAL, SELF
from chiso.assessments.templatetags.chiso_ui import lang
from chiso.engine.frameworks import Framework, Node
from chiso.engine.numbers import format_date, format_number

# States after which the unit sees the appraised points (the appraisal has been sent to it).
APPRAISAL_SENT = {State.APPRAISED, State.EXPLAINED, State.COUNCIL, State.APPROVED}
STATE_ORDER = [s.value for s in State]

STAGE_SLUGS = {"tu-danh-gia": SELF, "tham-dinh": APPRAISED, "chinh-thuc": FINAL}
STAGE_LABELS = {
    SELF: gettext_lazy("Tự đánh giá"),
    APPRAISED: gettext_lazy("Thẩm định"),
    FINAL: gettext_lazy("Chính thức"),
}


# -- helpers ---------------------------------------------------------------------------------------


def places_of(framework: Framework) -> int:
    """The decimal places the framework publishes (2 when it does not say)."""
    return framework.display_precision if framework.display_precision is not None else 2


def fmt(value: Decimal | None, places: int = 2) -> str:
    """A figure for people, in the reader's language."""
    return format_number(value, places, lang())


def when(moment) -> str:
    """A moment as local date and time ("–" when there is none)."""
    if moment is None:
        return "–"
    local = timezone.localtime(moment)
    return f"{format_date(local.date())} {local:%H:%M}"


def message_of(exc: Exception) -> str:
    """A refusal or error of the workflow, for the reader (already in the reader's language: gettext)."""
    return str(exc)


def node_name(node: Node) -> str:
    """A criterion's name in the reader's language."""
    return node.name


def get_assessment(request: HttpRequest, pk: int) -> Assessment:
    """The assessment if the user may see it; 404 otherwise (never reveal another unit's work)."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("cycle__framework__index", "unit"), pk=pk
    )
    if not perm.allowed(request.user, perm.VIEW, assessment):
        raise Http404("không tìm thấy")
    return assessment


def is_inside(user, cycle: Cycle | None = None) -> bool:
    """True for the roles inside the appraising office (officers, appraisers, council, leaders) — of
    the cycle's organiser when a cycle is given."""
    if cycle is None:
        return has_role(user, *EVERYONE_INSIDE)
    return acts_for(user, cycle.organiser_id, *EVERYONE_INSIDE)


def forbidden(request: AuthenticatedHttpRequest, message: str) -> HttpResponse:
    """The 403 answer with its reason (a fragment for htmx, a page otherwise)."""
    template = "assessments/_forbidden.html" if request.htmx else "assessments/forbidden.html"
    return render(request, template, {"message": message}, status=403)


def leaf_or_404(framework: Framework, code: str) -> Node:
    """The leaf criterion `code`; 404 for an unknown code or a parent node."""
    try:
        node = framework.node(code)
    except KeyError:
        raise Http404("không có tiêu chí") from None
    if node.children:
        raise Http404("không phải tiêu chí lá")
    return node


def cycle_or_404(request: HttpRequest, pk: int) -> Cycle:
    """The cycle, for inside roles only; 404 otherwise."""
    cycle = get_object_or_404(Cycle.objects.select_related("framework__index"), pk=pk)
    if not is_inside(request.user, cycle):
        raise Http404("không tìm thấy")
    return cycle


def back_to(assessment: Assessment, code: str = "") -> HttpResponse:
    """Redirect to the assessment page, at criterion `code` when given."""
    url = reverse("assessments:assessment", args=[assessment.pk])
    if code:
        url += f"#tc-{code.replace('.', '-')}"
    return redirect(url)


def int_or_none(value: str | None) -> int | None:
    """A posted whole number, or None when it is empty or unreadable."""
    try:
        return int(value) if value else None
    except ValueError:
        return None
