"""Reference-data pages: read-only views for everyone with view permission."""

import json

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from registry import charts, selectors
from registry.choices import QuotaCategory, QuotaKind
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


def _note(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _kind_category(kind: str, category: str) -> str:
    """ "Mining · light": the category's label without its explanation in brackets."""
    return f"{QuotaKind(kind).label} · {QuotaCategory(category).label.split(' (')[0].lower()}"


def _totals_chart(rows: list[selectors.CycleTotals]) -> charts.BarChart:
    data = []
    for r in rows:
        c = r.cycle
        missing = "not published" if not c.published else "not recorded"
        for kind, value, yoy in (
            ("mining", c.mining_total, r.mining_yoy),
            ("smelting", c.smelting_total, r.smelting_yoy),
        ):
            change = charts.yoy_text(yoy)
            data.append(
                charts.Datum(
                    label=f"{c.year} · {'mining' if kind == 'mining' else 'smelting/separation'}",
                    value=None if value is None else float(value),
                    confidence=c.get_confidence_display().lower(),
                    kind=kind,
                    value_text="" if value is not None else missing,
                    note=f"{change} vs {r.previous_year}" if change else "",
                )
            )
    return charts.hbar_chart(
        data,
        id="chart-totals",
        title="Total-quantity control indicators by year (t REO)",
        desc="Mining and smelting/separation totals of every quota cycle, oldest first, with "
        "the change against the cycle before. Hatched bars: volumes not published or not "
        "recorded. Each figure carries its confidence.",
        label_width=190,
        text_width=300,
    )


def _allocation_chart(cycle, figures: list[selectors.AllocationFigure]) -> charts.BarChart:
    data = []
    for f in figures:
        change = charts.yoy_text(f.yoy)
        data.append(
            charts.Datum(
                group=f.group.name,
                label=_kind_category(f.kind, f.category),
                value=None if f.tonnes is None else float(f.tonnes),
                confidence=f.confidence,
                kind=f.kind,
                value_text=(
                    f"at least {charts.tonnes_text(float(f.tonnes))}"
                    if f.tonnes is not None and not f.complete
                    else ""
                ),
                note=_note(
                    f.coverage,
                    f"{change} vs {f.previous_year} ({f.yoy_basis})" if change else "",
                ),
            )
        )
    return charts.hbar_chart(
        data,
        id="chart-allocations",
        title=f"{cycle.year} allocations by group, kind and category (t REO)",
        desc="Each group's allocation per kind (mining, smelting and separation) and category "
        "(light rock-type ore, ionic ore = medium and heavy rare earths), summed over the "
        "batches it has rows in, with the change against the previous cycle on a like-for-like "
        "basis. Hatched bars: volumes not published.",
        label_width=230,
        text_width=360,
    )


def _utilisation_chart(cycle, rows) -> charts.BarChart | None:
    """Only the allocations with a use report: the table lists the others."""
    data = []
    for r in rows:
        if r.used is None:
            continue
        used = charts.tonnes_text(float(r.used))
        if r.percent is None:
            text, value = f"{used} used; allocation not published", None
        else:
            text, value = f"{r.percent}% ({used} of {r.allocated:,.0f} t)", float(r.percent)
        data.append(
            charts.Datum(
                group=r.group.name,
                label=_kind_category(r.kind, r.category),
                value=value,
                confidence="reported",  # a utilisation is a report of use, never official
                kind="used",
                value_text=text,
                note=f"as of {r.reported_on}",
            )
        )
    if not data:
        return None
    return charts.hbar_chart(
        data,
        id="chart-utilisation",
        title=f"{cycle.year} reported utilisation (% of allocation)",
        desc="The latest reported use of each allocation as a share of it; the dashed line is "
        "100%. Hatched bars: the allocation was not published, so no share can be drawn.",
        max_value=100,
        unit="%",
        reference=100,
        reference_label="100%",
        label_width=230,
        text_width=360,
    )


@permission_required("registry.view_quotacycle", raise_exception=True)
def quota_overview(request):
    rows = selectors.quota_cycle_totals()
    return render(
        request,
        "registry/quota_overview.html",
        {"rows": list(reversed(rows)), "chart": _totals_chart(rows)},
    )


@permission_required("registry.view_quotacycle", raise_exception=True)
def quota_cycle_detail(request, pk: int):
    cycle = get_object_or_404(QuotaCycle, pk=pk)
    figures = selectors.quota_allocation_figures(cycle)
    utilisation = quota_utilisation_rows(cycle)
    return render(
        request,
        "registry/quota_cycle_detail.html",
        {
            "cycle": cycle,
            "previous": selectors.quota_cycle_previous(cycle),
            "batches": cycle.batches.prefetch_related("allocations__group"),
            "figures": figures,
            "allocation_chart": _allocation_chart(cycle, figures) if figures else None,
            "utilisation": utilisation,
            "utilisation_chart": _utilisation_chart(cycle, utilisation),
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
