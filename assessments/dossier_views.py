"""The audit dossier of a case: a printable page, its PDF and its JSON (issue 15)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib.auth.decorators import permission_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.dossier import case_dossier
from assessments.presenters import factor_rows, verdict_view
from assessments.selectors import assessment_history
from shipments.models import Case

STATIC_PREFIX = "/static/"


def _context(request: HttpRequest, case: Case) -> dict:
    snapshots = list(assessment_history(case))  # newest first
    latest = snapshots[0] if snapshots else None
    return {
        "case": case,
        "assessment": latest,
        "factors": factor_rows(latest) if latest else [],
        "verdict": verdict_view(latest) if latest else None,
        "snapshots": snapshots,
        "parties": case.parties.all(),
        "sources": case.sources.select_related("producer"),
        "documents": case.documents.order_by("doc_type", "uploaded_at"),
        "timeline": case.timeline.select_related("actor").order_by("at", "pk"),
        "generated_at": timezone.now(),
        "generated_by": request.user,
    }


def _case(pk: int) -> Case:
    return get_object_or_404(
        Case.objects.select_related("owner", "latest_assessment", "licence_record"), pk=pk
    )


@require_GET
@permission_required(["shipments.view_case", "assessments.view_assessment"], raise_exception=True)
def case_dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "assessments/dossier.html", _context(request, _case(pk)))


def _static_only(url: str) -> dict:
    """WeasyPrint's fetcher: the app's own static files, nothing from the network."""
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :] if "://" in url else path
    if not path.startswith(STATIC_PREFIX):
        raise ValueError(f"the dossier PDF fetches only static files, not {url}")
    found = finders.find(path[len(STATIC_PREFIX) :])
    if not found:
        raise ValueError(f"no static file {path}")
    mime_type, _ = mimetypes.guess_type(found)
    return {
        "string": Path(found).read_bytes(),
        "filename": Path(found).name,
        "mime_type": mime_type or "application/octet-stream",
        "redirected_url": url,
    }


def dossier_pdf_bytes(request: HttpRequest, case: Case) -> bytes:
    from weasyprint import HTML  # heavy: imported when a PDF is asked for

    html = render_to_string(
        "assessments/dossier.html", {**_context(request, case), "pdf": True}, request=request
    )
    return HTML(
        string=html, base_url="http://lodestone.local/", url_fetcher=_static_only
    ).write_pdf()


@require_GET
@permission_required(["shipments.view_case", "assessments.view_assessment"], raise_exception=True)
def case_dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    response = HttpResponse(dossier_pdf_bytes(request, case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}-dossier.pdf"'
    return response


@require_GET
@permission_required(["shipments.view_case", "assessments.view_assessment"], raise_exception=True)
def case_dossier_json(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    data = case_dossier(case, generated_by=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-dossier.json"'
    return response
