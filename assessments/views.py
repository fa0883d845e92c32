"""Assessment pages: the case panel's re-assess action, a case's history, one snapshot."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from assessments.choices import Trigger
from assessments.models import Assessment
from assessments.presenters import factor_rows, history_entries
from assessments.selectors import assessment_history
from assessments.services import assessment_replay, assessment_run
from shipments.models import Case


@require_POST
@permission_required("assessments.add_assessment", raise_exception=True)
def case_reassess(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=case_pk)
    assessment = assessment_run(case=case, trigger=Trigger.MANUAL, actor=request.user)
    if request.htmx:
        case = Case.objects.select_related("latest_assessment").get(pk=case.pk)
        return render(request, "assessments/_case_assessment.html", {"case": case})
    messages.success(request, f"Re-assessed: {assessment.get_band_display()}.")
    return redirect("shipments:case_detail", pk=case.pk)


@require_GET
@permission_required("assessments.view_assessment", raise_exception=True)
def case_history(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=case_pk)
    entries = history_entries(list(assessment_history(case)))
    return render(request, "assessments/case_history.html", {"case": case, "entries": entries})


@require_GET
@permission_required("assessments.view_assessment", raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "case", "actor", "reference_change", "previous", "reference_part"
        ),
        pk=pk,
    )
    replay = assessment_replay(assessment=assessment) if request.GET.get("replay") else None
    template = "assessments/_replay.html" if replay and request.htmx else "assessments/detail.html"
    inputs = assessment.full_inputs
    return render(
        request,
        template,
        {
            "assessment": assessment,
            "case": assessment.case,
            "factors": factor_rows(assessment),
            "replay": replay,
            "inputs_case": inputs.get("case", {}),
            "inputs": inputs,
        },
    )
