"""Case pages: authorise, bind a form, call one service, render or redirect."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from registry.spreadsheets import SpreadsheetLimits

from .choices import ImportState
from .filters import DEFAULT_FILTERS
from .forms import (
    AssignForm,
    CaseForm,
    CommentForm,
    DocumentForm,
    ImportForm,
    LicenceForm,
    StatusForm,
)
from .formsets import case_formsets
from .models import HEADLINE_ROLES, Case, Document, ImportJob, Licence, SavedView
from .register import OPTIONAL as REGISTER_COLUMNS
from .register import register_columns
from .resources import CaseResource
from .selectors import case_detail as select_case_detail
from .selectors import (
    case_filterset,
    hs_code_suggestions,
    import_job_cases,
    import_job_detail,
    import_jobs_of,
    licence_case_rows,
    licence_list,
    party_suggestions,
    producer_suggestions,
)
from .services import (
    case_create,
    case_document_add,
    case_status_change,
    case_update,
    import_job_confirm,
    import_job_create,
    import_job_resume,
    import_job_stale,
)
from .services.comments import COMMENT_PERMISSION, case_assign, case_comment_add
from .services.licences import licence_create, licence_update
from .services.saved_views import saved_view_delete, saved_view_save

PAGE_SIZE = 50
ASSESSMENT_PANEL = "assessments/_case_assessment.html"
# The documents checklist is the method's judgement, so assessments renders it.
CHECKLIST_PANEL = "assessments/_case_checklist.html"

view_case = permission_required("shipments.view_case", raise_exception=True)
add_case = permission_required("shipments.add_case", raise_exception=True)
change_case = permission_required("shipments.change_case", raise_exception=True)
view_licence = permission_required("shipments.view_licence", raise_exception=True)
add_licence = permission_required("shipments.add_licence", raise_exception=True)
change_licence = permission_required("shipments.change_licence", raise_exception=True)


def _get_case(pk: int) -> Case:
    try:
        return select_case_detail(pk)
    except Case.DoesNotExist as exc:
        raise Http404("No such case.") from exc


@view_case
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    if not request.GET:
        # The default register (open and on hold, by risk) is itself a shareable URL.
        query = "&".join(f"{k}={v}" for k, values in DEFAULT_FILTERS.items() for v in values)
        return redirect(f"{reverse('shipments:case_list')}?{query}")
    filterset = case_filterset(user=request.user, filters=request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": params.urlencode(),
        "cols": register_columns(request.GET, request.session),
        "columns": REGISTER_COLUMNS,
        "saved_views": request.user.saved_views.all(),
        "can_change": request.user.has_perm("shipments.change_case"),
        "can_add": request.user.has_perm("shipments.add_case"),
    }
    if request.htmx and request.htmx.target == "case-register":
        return render(request, "shipments/_case_table.html", context)
    return render(request, "shipments/case_list.html", context)


@view_case
@require_POST
def saved_view_save_view(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    try:
        view = saved_view_save(actor=request.user, name=request.POST.get("name", ""), query=query)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, f"View not saved: {error}")
        return redirect(f"{reverse('shipments:case_list')}?{query}")
    messages.success(request, f"Saved the view “{view.name}”.")
    return redirect(f"{reverse('shipments:case_list')}?{view.query}")


@view_case
@require_POST
def saved_view_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    saved_view_delete(actor=request.user, view=view)
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect(f"{reverse('shipments:case_list')}?{request.POST.get('query', '')}")


@view_case
@require_GET
def case_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        fmt = "csv"
    filters = request.GET.copy()
    for key in ("format", "page"):
        filters.pop(key, None)
    if not filters:
        filters.setlist("status", DEFAULT_FILTERS["status"])
    qs = case_filterset(user=request.user, filters=filters).qs
    dataset = CaseResource().export(qs)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body = dataset.export("xlsx")
    else:
        content_type = "text/csv; charset=utf-8"
        body = dataset.export("csv")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="lodestone-cases-{stamp}.{fmt}"'
    return response


def _panel_template(name: str) -> str | None:
    try:
        return select_template([name]).template.name
    except TemplateDoesNotExist:
        return None


def _detail_context(request: HttpRequest, case: Case, **extra) -> dict:
    return {
        "case": case,
        "timeline": case.timeline.all(),
        "assessment_panel_template": _panel_template(ASSESSMENT_PANEL),
        "checklist_template": _panel_template(CHECKLIST_PANEL),
        "can_change": request.user.has_perm("shipments.change_case"),
        "status_form": StatusForm(current=case.status),
        "document_form": DocumentForm(),
        "can_comment": request.user.has_perm(COMMENT_PERMISSION),
        "comment_form": CommentForm(),
        "assign_form": AssignForm(case=case),
        **extra,
    }


@view_case
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(pk)
    return render(request, "shipments/case_detail.html", _detail_context(request, case))


def _case_form_page(request: HttpRequest, case: Case | None) -> HttpResponse:
    """Create (case None) or edit a case: the case form and its parties and sources
    formsets; one service call, and nothing saved unless every row is right."""
    data = request.POST if request.method == "POST" else None
    form = CaseForm(data, instance=case, initial=None if case else {"owner": request.user.pk})
    parties, sources = case_formsets(data, case=case)
    if data is not None:
        # Validate all three (no short-circuit), so every error shows at once.
        valid = [form.is_valid(), parties.is_valid(), sources.is_valid()]
        if all(valid):
            fields = form.service_data()
            fields["parties"] = parties.service_rows()
            fields["sources"] = sources.service_rows()
            try:
                if case is None:
                    # The service sets the Case row's party names from the parties.
                    case = case_create(actor=request.user, **fields)
                    done = f"Case {case.reference} opened and assessed."
                else:
                    case_update(case=case, actor=request.user, changes=fields)
                    done = f"Case {case.reference} saved."
            except ValidationError as exc:
                rest = form.add_service_errors(exc)
                parties.add_service_errors(
                    rest.get("parties", []),
                    headline={role: rest[role] for role in HEADLINE_ROLES if role in rest},
                )
                sources.add_service_errors(rest.get("sources", []))
            else:
                messages.success(request, done)
                return redirect("shipments:case_detail", pk=case.pk)
    context = {
        "form": form,
        "case": case,
        "parties": parties,
        "sources": sources,
        "error_count": len(form.errors)
        + len(parties.error_summary())
        + len(sources.error_summary()),
    }
    return render(request, "shipments/case_form.html", context)


@add_case
@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    return _case_form_page(request, None)


@change_case
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_form_page(request, _get_case(pk))


@view_case
@require_GET
def lookup_producers(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type for the case form: registry producers (?upstream=1: the mines and
    separation plants an upstream source may name)."""
    found = producer_suggestions(
        query=request.GET.get("q", "")[:100], upstream_only=request.GET.get("upstream") == "1"
    )
    return JsonResponse(
        {
            "results": [
                {
                    "id": p.pk,
                    "name": p.name_en,
                    "name_zh": p.name_zh,
                    "kind": p.kind,
                    "kind_label": p.get_kind_display().lower(),
                    "group": p.group.name if p.group_id else "",
                    "uscc": p.uscc,
                }
                for p in found
            ]
        }
    )


@view_case
@require_GET
def lookup_parties(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type for the case form: parties already named on cases, with the
    identifiers used with them."""
    found = party_suggestions(query=request.GET.get("q", "")[:100])
    return JsonResponse(
        {
            "results": [
                {
                    "name": row["name"],
                    "country": row["country"],
                    "uscc": row["uscc"],
                    "lei": row["lei"],
                    "registry_number": row["registry_number"],
                    "producer": row["producer"],
                    "record": row["producer__name_en"] or "",
                    "cases": row["cases"],
                }
                for row in found
            ]
        }
    )


@change_case
@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            case_status_change(
                case=case,
                actor=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
    if not request.htmx:
        if form.errors:
            for error in form.errors.values():
                messages.error(request, " ".join(error))
        else:
            messages.success(request, "Status changed.")
        return redirect("shipments:case_detail", pk=pk)
    case = _get_case(pk)
    context = _detail_context(request, case)
    if form.errors:
        context["status_form"] = form
    else:
        context["status_changed"] = True
    return render(request, "shipments/_status_response.html", context)


def _case_form_post(request, pk: int, form, context_key: str, apply) -> HttpResponse:
    """Bind `form`, call `apply(case, cleaned_data)` (a service; returns the message and the
    URL to go to), or show the case page again with the form's errors, the service's on
    the fields they name."""
    case = get_object_or_404(Case, pk=pk)
    if form.is_valid():
        try:
            done, url = apply(case, form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, done)
            return redirect(url)
    return render(
        request,
        "shipments/case_detail.html",
        _detail_context(request, _get_case(pk), **{context_key: form}),
        status=400,
    )


@require_POST
@permission_required(COMMENT_PERMISSION, raise_exception=True)
def case_comment(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(case, data):
        case_comment_add(case=case, actor=request.user, body=data["body"])
        return "Comment added.", reverse("shipments:case_detail", args=[pk]) + "#h-timeline"

    return _case_form_post(request, pk, CommentForm(request.POST), "comment_form", apply)


@change_case
@require_POST
def case_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(case, data):
        owner = data["owner"]
        case_assign(case=case, actor=request.user, owner=owner)
        name = owner.get_full_name() or owner.get_username()
        return f"Case {case.reference} given to {name}.", reverse(
            "shipments:case_detail", args=[pk]
        )

    form = AssignForm(request.POST, case=get_object_or_404(Case, pk=pk))
    return _case_form_post(request, pk, form, "assign_form", apply)


@change_case
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = case_document_add(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"{document.get_doc_type_display()} uploaded.")
            if request.htmx:
                return HttpResponseClientRedirect(
                    reverse("shipments:case_detail", kwargs={"pk": pk})
                )
            return redirect("shipments:case_detail", pk=pk)
    case = _get_case(pk)
    return render(
        request,
        "shipments/case_detail.html",
        _detail_context(request, case, document_form=form, document_form_open=True),
        status=400,
    )


@require_GET
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    # Case documents are never public media: every download is a permission check.
    if not (
        request.user.has_perm("shipments.view_document")
        or request.user.has_perm("shipments.view_case")
    ):
        raise PermissionDenied
    document = get_object_or_404(Document, pk=doc_pk, case_id=pk)
    if not document.file:
        raise Http404("This document has no file.")
    name = document.file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@add_case
@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest) -> HttpResponse:
    """Upload: the guard checks the file, the job is stored and checked in the background."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(actor=request.user, file=form.cleaned_data["file"])
        return redirect("shipments:import_job", pk=job.pk)
    jobs = import_jobs_of(request.user)[:10]
    context = {"form": form, "jobs": jobs, "limits": SpreadsheetLimits.from_settings()}
    return render(request, "shipments/case_import.html", context)


def _get_job(request: HttpRequest, pk: int) -> ImportJob:
    try:
        return import_job_detail(pk=pk, user=request.user)
    except ImportJob.DoesNotExist as exc:
        raise Http404("No such import.") from exc


def _job_context(request: HttpRequest, job: ImportJob) -> dict:
    cases = None
    if job.state == ImportState.DONE:
        cases = Paginator(import_job_cases(job), PAGE_SIZE).get_page(request.GET.get("page"))
    return {"job": job, "cases": cases, "stale": import_job_stale(job)}


@add_case
@require_GET
def import_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job(request, pk)
    return render(request, "shipments/import_job.html", _job_context(request, job))


@add_case
@require_GET
def import_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's status panel, polled by htmx while the job runs."""
    job = _get_job(request, pk)
    return render(request, "shipments/_import_job_status.html", _job_context(request, job))


def _job_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    """Run a job service (confirm, resume) and go back to the job's page, saying why not."""
    try:
        action(job=_get_job(request, pk), actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("shipments:import_job", pk=pk)


@add_case
@require_POST
def import_job_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_action(request, pk, import_job_confirm)


@add_case
@require_POST
def import_job_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_action(request, pk, import_job_resume)


@add_case
@require_GET
def case_import_template(request: HttpRequest) -> HttpResponse:
    from .importing import import_template

    response = HttpResponse(import_template().export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lodestone-case-import.csv"'
    return response


@view_case
@require_GET
def hs_suggest(request: HttpRequest) -> HttpResponse:
    form = request.GET.get("product_form", "")
    elements = request.GET.getlist("elements")
    codes = hs_code_suggestions(product_form=form, elements=elements) if form else []
    return render(request, "shipments/_hs_options.html", {"codes": codes, "product_form": form})


# --- licence records ------------------------------------------------------------------------


@view_licence
@require_GET
def licence_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(licence_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_add": request.user.has_perm("shipments.add_licence")}
    return render(request, "shipments/licence_list.html", context)


@view_licence
@require_GET
def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(Licence.objects.select_related("created_by"), pk=pk)
    rows = licence_case_rows(licence)
    context = {
        "licence": licence,
        "rows": rows,
        "consumed_kg": rows[-1].consumed_through_kg if rows else 0,
        "history": licence.history.select_related("history_user")[:20],
        "can_change": request.user.has_perm("shipments.change_licence"),
    }
    return render(request, "shipments/licence_detail.html", context)


def _licence_form_page(request: HttpRequest, licence: Licence | None) -> HttpResponse:
    form = LicenceForm(request.POST or None, instance=licence)
    if request.method == "POST" and form.is_valid():
        try:
            if licence is None:
                licence = licence_create(actor=request.user, **form.service_data())
                done = f"Licence {licence.number} recorded."
            else:
                licence_update(licence=licence, actor=request.user, changes=form.service_data())
                done = f"Licence {licence.number} saved; its open cases were re-assessed."
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect("shipments:licence_detail", pk=licence.pk)
    return render(request, "shipments/licence_form.html", {"form": form, "licence": licence})


@add_licence
@require_http_methods(["GET", "POST"])
def licence_create_view(request: HttpRequest) -> HttpResponse:
    return _licence_form_page(request, None)


@change_licence
@require_http_methods(["GET", "POST"])
def licence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _licence_form_page(request, get_object_or_404(Licence, pk=pk))
