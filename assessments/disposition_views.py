"""Disposition pages: record one on a case, decide one, and the approval queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import APPROVE_DISPOSITION
from assessments.choices import DispositionStatus
from assessments.dispositions.decisions import (
    ADD_PERMISSION,
    disposition_approve,
    disposition_create,
    disposition_reject,
    disposition_revoke,
)
from assessments.forms import DecideForm, DispositionForm
from assessments.models import Disposition
from assessments.selectors.dispositions import dispositions_awaiting
from assessments.selectors.hits import case_hits
from registry.models import WatchListEntry
from shipments.models import Case


def _case_url(case_pk: int) -> str:
    return reverse("shipments:case_detail", args=[case_pk]) + "#dispositions"


def _service_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        field = {"watch_entry": "subject", "party_role": "subject", "factor": "subject"}.get(
            name, name
        )
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET", "POST"])
@permission_required(ADD_PERMISSION, raise_exception=True)
def disposition_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("latest_assessment"), pk=case_pk)
    hits = case_hits(case)
    factors = case.latest_assessment.factors if case.latest_assessment_id else []
    data = request.POST if request.method == "POST" else None
    initial = {k: request.GET[k] for k in ("subject", "kind") if k in request.GET}
    form = DispositionForm(data, initial=initial, case=case, hits=hits, factors=factors)
    if data is not None and form.is_valid():
        entries = WatchListEntry.objects.in_bulk([h.entry_id for h in hits])
        try:
            d = disposition_create(case=case, actor=request.user, **form.service_arguments(entries))
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Disposition #{d.pk} recorded: pending approval by another officer.",
            )
            return redirect(_case_url(case.pk))
    return render(
        request,
        "assessments/disposition_form.html",
        {"case": case, "form": form, "no_subject": not (form.hits or form.factors)},
        status=400 if form.errors else 200,
    )


def _back(request: HttpRequest, d: Disposition):
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return redirect(wanted)
    return redirect(_case_url(d.case_id))


@require_POST
@permission_required("assessments.view_disposition", raise_exception=True)
def disposition_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, reject or revoke; the service says who may (never the author approves)."""
    d = get_object_or_404(Disposition.objects.select_related("case"), pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"Disposition #{d.pk}: {' '.join(errors)}")
        return _back(request, d)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action == "approve":
            disposition_approve(disposition=d, actor=request.user)
        elif action == "reject":
            disposition_reject(disposition=d, actor=request.user, reason=reason)
        else:
            disposition_revoke(disposition=d, actor=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, f"Disposition #{d.pk}: {' '.join(exc.messages)}")
        return _back(request, d)
    done = {
        "approve": "approved; the case is re-assessed with it",
        "reject": "rejected; it never applied",
        "revoke": "revoked; it no longer applies",
    }[action]
    messages.success(request, f"Disposition #{d.pk} {done}.")
    return _back(request, d)


@require_GET
@permission_required("assessments.view_disposition", raise_exception=True)
def approvals(request: HttpRequest) -> HttpResponse:
    """Awaiting my approval (others' pending dispositions) and mine awaiting someone else."""
    mine = (
        Disposition.objects.filter(author=request.user, status=DispositionStatus.PENDING)
        .select_related("case", "watch_entry")
        .order_by("created_at")
    )
    return render(
        request,
        "assessments/approvals.html",
        {
            "awaiting": dispositions_awaiting(request.user),
            "mine": mine,
            "can_approve": request.user.has_perm(APPROVE_DISPOSITION),
        },
    )
