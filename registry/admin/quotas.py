from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from registry import services
from registry.models import QuotaAllocation, QuotaBatch, QuotaCycle, QuotaUtilisation
from registry.resources import (
    QuotaAllocationResource,
    QuotaBatchResource,
    QuotaCycleResource,
    QuotaUtilisationResource,
)

from .base import RegistryAdmin

CYCLE_FIELDS = ("published", "confidence", "mining_total", "smelting_total", "notes", "source")
BATCH_FIELDS = (
    "issued_on", "notice_number", "mining_total", "smelting_total", "confidence", "notes",
)  # fmt: skip


def _batch_kwargs(b: QuotaBatch) -> dict:
    return {f: getattr(b, f) for f in BATCH_FIELDS}


class QuotaBatchInline(admin.TabularInline):
    model = QuotaBatch
    extra = 0
    fields = ("number", *BATCH_FIELDS)
    show_change_link = True  # allocations are edited on the batch's page


class QuotaUtilisationInline(admin.TabularInline):
    model = QuotaUtilisation
    extra = 0
    fields = ("group", "kind", "category", "reported_on", "tonnes_used", "source")
    autocomplete_fields = ("group",)


@admin.register(QuotaCycle)
class QuotaCycleAdmin(RegistryAdmin):
    resource_classes = [QuotaCycleResource]
    list_display = ("year", "published", "confidence", "mining_total", "smelting_total")
    list_filter = ("published", "confidence")
    search_fields = ("year", "notes", "source")
    inlines = [QuotaBatchInline, QuotaUtilisationInline]
    readonly_fields = ("allocations_summary",)

    def get_readonly_fields(self, request, obj=None):
        # The year is the cycle's identity; correct it by adding the right cycle.
        return (*self.readonly_fields, "year") if obj else self.readonly_fields

    @admin.display(description="allocations")
    def allocations_summary(self, obj):
        rows = QuotaAllocation.objects.filter(batch__cycle=obj).select_related("batch", "group")
        if not rows:
            return "None recorded. Add them on a batch's page."
        return format_html(
            "<table><tr><th>batch</th><th>group</th><th>kind</th><th>category</th>"
            "<th>t REO</th><th>confidence</th></tr>{}</table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
                "<td>{}</td><td>{}</td></tr>",
                (
                    (
                        reverse("admin:registry_quotabatch_change", args=[a.batch_id]),
                        a.batch.number,
                        a.group,
                        a.kind,
                        a.category,
                        "unknown" if a.tonnes is None else f"{a.tonnes:,.0f}",
                        a.confidence,
                    )
                    for a in rows
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        data = {f: getattr(obj, f) for f in CYCLE_FIELDS}
        obj.pk = services.quota_cycle_upsert(year=obj.year, actor=request.user, **data).pk

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        cycle = form.instance
        if formset.model is QuotaBatch:
            for b in formset.deleted_objects:
                services.quota_batch_delete(batch=b, actor=request.user)
            for b in instances:
                b.pk = services.quota_batch_issue(
                    cycle=cycle, number=b.number, actor=request.user, **_batch_kwargs(b)
                ).pk
        elif formset.model is QuotaUtilisation:
            for u in formset.deleted_objects:
                services.quota_utilisation_delete(utilisation=u, actor=request.user)
            for u in instances:
                u.pk = services.quota_utilisation_report(
                    cycle=cycle,
                    group=u.group,
                    kind=u.kind,
                    category=u.category,
                    reported_on=u.reported_on,
                    tonnes_used=u.tonnes_used,
                    source=u.source,
                    utilisation=u if u.pk else None,
                    actor=request.user,
                ).pk


class QuotaAllocationInline(admin.TabularInline):
    model = QuotaAllocation
    extra = 0
    fields = ("group", "kind", "category", "tonnes", "confidence", "source")
    autocomplete_fields = ("group",)


def _allocation_set(alloc: QuotaAllocation, batch: QuotaBatch, actor) -> QuotaAllocation:
    return services.quota_allocation_set(
        batch=batch,
        group=alloc.group,
        kind=alloc.kind,
        category=alloc.category,
        tonnes=alloc.tonnes,
        confidence=alloc.confidence,
        source=alloc.source,
        allocation=alloc if alloc.pk else None,
        actor=actor,
    )


@admin.register(QuotaBatch)
class QuotaBatchAdmin(RegistryAdmin):
    resource_classes = [QuotaBatchResource]
    list_display = (
        "__str__",
        "issued_on",
        "notice_number",
        "mining_total",
        "smelting_total",
        "confidence",
    )
    list_filter = ("cycle", "confidence")
    search_fields = ("notice_number", "notes")
    inlines = [QuotaAllocationInline]
    list_select_related = ("cycle",)

    def get_readonly_fields(self, request, obj=None):
        return ("cycle", "number") if obj else ()

    def save_model(self, request, obj, form, change):
        obj.pk = services.quota_batch_issue(
            cycle=obj.cycle, number=obj.number, actor=request.user, **_batch_kwargs(obj)
        ).pk

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for a in formset.deleted_objects:
            services.quota_allocation_delete(allocation=a, actor=request.user)
        for a in instances:
            a.pk = _allocation_set(a, form.instance, request.user).pk

    def delete_model(self, request, obj):
        services.quota_batch_delete(batch=obj, actor=request.user)


@admin.register(QuotaAllocation)
class QuotaAllocationAdmin(RegistryAdmin):
    resource_classes = [QuotaAllocationResource]
    list_display = ("batch", "group", "kind", "category", "tonnes", "confidence")
    list_filter = ("batch__cycle", "group", "kind", "category", "confidence")
    search_fields = ("group__name", "group__key", "source")
    autocomplete_fields = ("group",)
    list_select_related = ("batch__cycle", "group")

    def save_model(self, request, obj, form, change):
        obj.pk = _allocation_set(obj, obj.batch, request.user).pk

    def delete_model(self, request, obj):
        services.quota_allocation_delete(allocation=obj, actor=request.user)


@admin.register(QuotaUtilisation)
class QuotaUtilisationAdmin(RegistryAdmin):
    resource_classes = [QuotaUtilisationResource]
    list_display = ("cycle", "group", "kind", "category", "reported_on", "tonnes_used", "detail")
    list_filter = ("cycle", "group", "kind", "category")
    search_fields = ("group__name", "source")
    autocomplete_fields = ("group",)

    @admin.display(description="cycle page")
    def detail(self, obj):
        url = reverse("registry:quota_cycle_detail", args=[obj.cycle_id])
        return format_html('<a href="{}">view</a>', url)

    def save_model(self, request, obj, form, change):
        obj.pk = services.quota_utilisation_report(
            cycle=obj.cycle,
            group=obj.group,
            kind=obj.kind,
            category=obj.category,
            reported_on=obj.reported_on,
            tonnes_used=obj.tonnes_used,
            source=obj.source,
            utilisation=obj if change else None,
            actor=request.user,
        ).pk

    def delete_model(self, request, obj):
        services.quota_utilisation_delete(utilisation=obj, actor=request.user)
