"""Proposals → plan items: the criteria to improve after a result, kept by the officer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.core import once
from chiso.engine.numbers import NumberError, parse_decimal
from chiso.plans import services
from chiso.plans.forms import (
    ProposalRowForm,
)
from chiso.plans.services import Subject
from chiso.plans.views.common import manager_required, num
from chiso.results.views.analysis import subject_from


def _proposals(request: HttpRequest, subject: Subject) -> tuple[list[services.Proposal], str]:
    source = request.POST if request.method == "POST" else request.GET
    gains = {}
    for key, value in source.items():
        if key.startswith("g_"):
            try:
                gains[key[2:]] = parse_decimal(value)
            except NumberError:
                continue
    known = {n.code for n in subject.analysis.framework.nodes()}
    gains = {code: gain for code, gain in gains.items() if code in known}
    if gains:
        return services.proposals_from_gains(
            subject.analysis, subject.ref, gains, subject.framework
        ), "target"
    try:
        threshold = parse_decimal(source.get("nguong") or "50")
    except NumberError:
        threshold = Decimal(50)
    proposals = services.propose_items(subject.analysis, subject.ref, threshold, subject.framework)
    for p in proposals:
        if p.max_points is not None and p.points is not None:
            p.target = max(p.points, p.max_points * threshold / 100)
    return proposals, str(threshold)


@manager_required
def propose(request: AuthenticatedHttpRequest, **kwargs) -> HttpResponse:
    """The proposed items (below a threshold, or from a rank target): the officer keeps some, names
    the lead agency and sets the deadline of each, then creates them in the unit's plan."""
    subject = subject_from(request, kwargs)
    proposals, source = _proposals(request, subject)
    places = subject.analysis.framework.display_precision
    root = services.plan_root(subject)
    listed = services.listed_agencies(root)  # also when a refused post shows the form again
    rows: list[dict[str, Any]] = []
    for p in proposals:
        initial = {
            "keep": True,
            "target_points": num(p.target, places) if p.target is not None else "",
            "lead": p.lead.pk if p.lead else None,
            "supporters": [s.pk for s in p.supporters],
        }
        form = ProposalRowForm(request.POST or None, prefix=p.code, initial=initial, root=root, listed=listed)
        rows.append(
            {
                "p": p,
                "form": form,
                "points": num(p.points, places),
                "max": num(p.max_points, places),
                "percent": num(p.percent, 1) if p.percent is not None else "–",
                "gain": num(p.gain, places) if p.gain is not None else "",
                "raw_gain": str(p.target - p.points) if p.target is not None and p.points is not None else "",
            }
        )
    if request.method == "POST" and all(row["form"].is_valid() for row in rows):
        kept = [row for row in rows if row["form"].cleaned_data["keep"]]
        if not kept:
            messages.error(request, _("Chưa chọn nội dung nào."))
        else:
            with once.first_post(request) as first:  # the same form posted twice adds its items once
                plan = services.plan_for(subject, request.user)
                for row in kept if first else []:
                    data, p = row["form"].cleaned_data, row["p"]
                    services.add_item(
                        request.user,
                        plan,
                        criterion=p.code,
                        lead=data["lead"],
                        supporters=list(data["supporters"]),
                        deadline=data["deadline"],
                        actions=data["actions"],
                        target_points=data["target_points"],
                        expected_gain=p.gain,
                        current_points=p.points,
                    )
            if first:
                messages.success(request, _("Đã thêm %(n)s nội dung vào kế hoạch.") % {"n": len(kept)})
            else:
                messages.info(request, str(once.ALREADY))
            return redirect("plans:plan", pk=plan.pk)
    context = {
        "subject": subject,
        "rows": rows,
        "source": source,
        "losses_url": subject.url("losses"),
        "threshold": source if source != "target" else "50",
        "responsibilities_url": reverse("plans:responsibilities", args=[subject.framework.code]),
    }
    return render(request, "plans/propose.html", context, status=422 if request.method == "POST" else 200)
