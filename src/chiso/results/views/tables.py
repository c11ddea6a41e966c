"""The officer's published tables: upload a result table (preview, row-level report, published
ranks compared with chiso's), keep it as a draft, publish it; every version is kept.

Nothing is written by the preview: the uploaded file waits in the media folder under a random
token kept in the officer's session, and is imported (validated again) when the officer saves it.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.permissions import officer_required
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.core import once
from chiso.core.files import clean_file_name
from chiso.core.pagination import paginate
from chiso.engine.analysis import YearAnalysis
from chiso.engine.numbers import format_number
from chiso.frameworks.models import Index
from chiso.frameworks.ownership import require_manages
from chiso.jobs import services as jobs
from chiso.results.forms import ResultTableForm
from chiso.results.importer import ImportFailed, ImportReport
from chiso.results.jobs import SAVE_TABLE, run_import
from chiso.results.models import ResultSet
from chiso.results.services import publish_result_set, results_of

SESSION_KEY = "results-upload-{token}"
TOKEN = re.compile(r"^[0-9a-f]{32}$")


PENDING_HOURS = 24


def _pending_folder() -> Path:
    """Where uploads wait between preview and save; uploads never saved are removed after a day."""
    folder = Path(settings.MEDIA_ROOT) / "result-tables"
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - PENDING_HOURS * 3600
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < stale:
            path.unlink(missing_ok=True)
    return folder


@officer_required
def tables(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every version of every result table, and the upload form; a valid upload shows its preview."""
    form = ResultTableForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require_manages(request.user, data["index"])
        upload = data["file"]
        token = uuid.uuid4().hex
        path = _pending_folder() / f"{token}{Path(upload.name).suffix.lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        pending = {
            "path": str(path),
            "file_name": clean_file_name(upload.name),
            "index": data["index"].pk,
            "year": data["year"],
            "framework": data["framework"].pk if data["framework"] else None,
            "sheet": data["sheet"],
            "publisher": data["publisher"],
            "document": data["document"],
            "source_url": data["source_url"],
            "national_mean": str(data["national_mean"]) if data["national_mean"] is not None else "",
            "replace": data["replace"],
        }
        try:
            report = run_import(pending, dry_run=True)
        except ImportFailed as exc:
            problems = exc.errors
        except LookupError as exc:
            problems = [str(exc)]
        else:
            if report.replaces is not None and not data["replace"]:
                problems = [
                    _(
                        "Đã có kết quả {index} năm {year} (phiên bản {version}); chọn “Thay thế” để nhập "
                        "phiên bản mới (bản cũ được giữ lại)."
                    ).format(
                        index=data["index"].short_name, year=data["year"], version=report.replaces.version
                    )
                ]
            else:
                request.session[SESSION_KEY.format(token=token)] = pending
                return render(
                    request,
                    "results/table_preview.html",
                    {
                        "report": report,
                        "pending": pending,
                        "token": token,
                        "index": data["index"],
                        "means": _means(report),
                        "section": "tables",
                    },
                )
        path.unlink(missing_ok=True)
        status = 422
        messages.error(request, _("Tệp bị từ chối; chưa ghi gì. Sửa các lỗi dưới đây rồi nhập lại."))
    elif request.method == "POST":
        status = 422
    versions = (  # the imported tables are of whole years; the 766's months are on the 766 page
        ResultSet.objects.annual()
        .select_related("index", "dataset", "dataset__imported_by", "published_by")
        .annotate(units=Count("unit_results"))
        .order_by("-year", "index__code", "-version")
    )
    return render(
        request,
        "results/tables.html",
        {"form": form, "problems": problems, "versions": versions, "section": "tables"},
        status=status,
    )


def _means(report: ImportReport) -> list[tuple[str, str]]:
    return [(code, format_number(value, 2)) for code, value in report.means.items()]


@officer_required
@require_POST
def table_save(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Write a previewed upload as a draft (validated again: nothing partial is ever written)."""
    if not TOKEN.match(token):
        raise Http404(token)
    pending = request.session.pop(SESSION_KEY.format(token=token), None)
    if pending is None:
        messages.error(request, _("Bản xem trước đã hết hạn; hãy tải tệp lên lại."))
        return redirect("results:tables")
    require_manages(request.user, Index.objects.get(pk=pending["index"]))
    # The preview's token is the form's one-time token: saved twice at once, it is written once.
    with once.first_post(request, token=token) as first:
        if not first:
            messages.info(request, str(once.ALREADY))
            return redirect("results:tables")
        job = jobs.start(
            SAVE_TABLE,
            _("Lưu bảng kết quả {file}").format(file=pending["file_name"]),
            request=request,
            params={"pending": pending},
        )
    return redirect("jobs:job", job.pk)


@officer_required
@require_POST
def table_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Publish a draft; the version it replaces is kept, marked superseded."""
    result_set = get_object_or_404(ResultSet.objects.select_related("index"), pk=pk)
    require_manages(request.user, result_set.index)
    try:
        previous = publish_result_set(result_set, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("results:table", pk=pk)
    text = _("Đã công bố {index} {year} (phiên bản {version}).").format(
        index=result_set.index.short_name,
        year=result_set.period_label if result_set.period else result_set.year,
        version=result_set.version,
    )
    if previous is not None:
        text += " " + _("Phiên bản {version} được giữ lại, đánh dấu đã thay thế.").format(
            version=previous.version
        )
    messages.success(request, text)
    return redirect("results:table", pk=pk)


@officer_required
def table(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One version of a table: its source, its status, and every unit's score with chiso's rank
    beside the published rank (differences marked)."""
    result_set = get_object_or_404(
        ResultSet.objects.select_related("index", "framework", "dataset", "published_by"), pk=pk
    )
    results = results_of(result_set)
    analysis = YearAnalysis(results)
    places = analysis.framework.display_precision
    rows = []
    for row in analysis.league_table():
        if row.score is None:
            continue
        published = results.published_ranks.get(row.unit.ref)
        rows.append(
            {
                "name": row.unit.display_name,
                "code": row.unit.code,
                "score": format_number(row.score, places),
                "rank": row.rank,
                "published_rank": published,
                "differs": published is not None and published != row.rank,
            }
        )
    national, origin = analysis.national_mean()
    pager = paginate(request, rows)
    return render(
        request,
        "results/table.html",
        {
            "result_set": result_set,
            "rows": pager.rows,
            "pager": pager,
            "differences": sum(1 for r in rows if r["differs"]),
            "national_mean": format_number(national, places),
            "mean_is_published": bool(origin and origin.startswith("published")),
            "others": ResultSet.objects.of_period(result_set.period)
            .of_level(result_set.level)
            .filter(index=result_set.index, year=result_set.year)
            .exclude(pk=pk)
            .select_related("dataset")
            .order_by("-version"),
            "section": "tables",
        },
    )
