"""Reference-data pages: read-only views for everyone with view permission."""

import json

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from registry import selectors
from registry.forms import ChangeFilterForm, ListDiffForm
from registry.models import (
    QuotaCycle,
    ReferenceChange,
    WatchListEntry,
)
from registry.services import approved_list_diff, quota_utilisation_rows


def _measure_rows(measures, today):
    return [
        {
            "measure": m,
            "suspensions": [selectors.suspension_state(s, today) for s in m.suspensions.all()],
            "in_force": m.effective_from <= today
            and (not m.effective_to or today < m.effective_to),
        }
        for m in measures
    ]


@permission_required("registry.view_measure", raise_exception=True)
def index(request):
    today = timezone.localdate()
    return render(
        request,
        "registry/index.html",
        {
            "today": today,
            "in_force": selectors.list_version_in_force(today),
            "versions": selectors.list_versions(),
            "cycles": selectors.quota_cycles(),
            "measure_rows": _measure_rows(selectors.measures_with_scope(), today),
            "watch_lists": selectors.watch_lists(),
            "destinations": selectors.destination_restrictions(),
            "recent_changes": selectors.reference_changes()[:5],
        },
    )


@permission_required("registry.view_approvedlistversion", raise_exception=True)
def list_diff(request):
    form = ListDiffForm(request.GET or None)
    diff = a = b = None
    if form.is_valid():
        b = form.cleaned_data["b"]
        a = form.cleaned_data["a"] or selectors.list_version_in_force(b.effective_from, exclude=b)
        diff = approved_list_diff(a, b)
    elif not request.GET:
        b = selectors.list_version_in_force(timezone.localdate())
        if b is not None:
            a = selectors.list_version_in_force(b.effective_from, exclude=b)
            diff = approved_list_diff(a, b)
            form = ListDiffForm(initial={"a": a, "b": b})
    return render(request, "registry/list_diff.html", {"form": form, "a": a, "b": b, "diff": diff})


@permission_required("registry.view_approvedlistversion", raise_exception=True)
def list_version_detail(request, pk: int):
    version = get_object_or_404(selectors.list_versions(), pk=pk)
    previous = selectors.list_version_in_force(version.effective_from, exclude=version)
    return render(
        request,
        "registry/list_version_detail.html",
        {
            "version": version,
            "entries": selectors.list_version_entries(version),
            "previous": previous,
            "in_force": selectors.list_version_in_force(timezone.localdate()),
        },
    )


@permission_required("registry.view_measure", raise_exception=True)
def measure_detail(request, pk: int):
    measure = get_object_or_404(selectors.measures_with_scope(), pk=pk)
    row = _measure_rows([measure], timezone.localdate())[0]
    return render(
        request,
        "registry/measure_detail.html",
        {
            "measure": measure,
            "row": row,
            "suspends": measure.suspensions_made.select_related("measure"),
        },
    )


@permission_required("registry.view_quotacycle", raise_exception=True)
def quota_cycle_detail(request, pk: int):
    cycle = get_object_or_404(QuotaCycle, pk=pk)
    return render(
        request,
        "registry/quota_cycle_detail.html",
        {
            "cycle": cycle,
            "batches": cycle.batches.prefetch_related("allocations__group"),
            "utilisation": quota_utilisation_rows(cycle),
        },
    )


@permission_required("registry.view_watchlistentry", raise_exception=True)
def watch_entry_detail(request, pk: int):
    entry = get_object_or_404(WatchListEntry.objects.select_related("watch_list"), pk=pk)
    today = timezone.localdate()
    lapsed = entry.suspended_until is not None and entry.suspended_until <= today
    return render(request, "registry/watch_entry_detail.html", {"entry": entry, "lapsed": lapsed})


@permission_required("registry.view_referencechange", raise_exception=True)
def change_list(request):
    form = ChangeFilterForm(request.GET or None)
    changes = selectors.reference_changes()
    if form.is_valid():
        if form.cleaned_data["kind"]:
            changes = changes.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            changes = changes.filter(status=form.cleaned_data["status"])
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/change_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@permission_required("registry.view_referencechange", raise_exception=True)
def change_progress(request, pk: int):
    """The progress partial alone, for the page's htmx polling."""
    change = get_object_or_404(ReferenceChange, pk=pk)
    return render(request, "registry/_change_progress.html", {"change": change})


@permission_required("registry.view_referencechange", raise_exception=True)
def change_detail(request, pk: int):
    change = get_object_or_404(ReferenceChange.objects.select_related("actor"), pk=pk)
    return render(
        request,
        "registry/change_detail.html",
        {
            "change": change,
            "assessments": selectors.change_assessments(change),
            "details_json": json.dumps(change.details, indent=2, ensure_ascii=False),
        },
    )
