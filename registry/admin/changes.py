from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ExportMixin

from core.admin import ReadOnlyAdmin
from registry.models import ReferenceChange
from registry.resources import ReferenceChangeResource


@admin.register(ReferenceChange)
class ReferenceChangeAdmin(ExportMixin, ReadOnlyAdmin):
    """The audit trail: written by the services and the re-score task, never edited here."""

    resource_classes = [ReferenceChangeResource]
    list_display = (
        "id", "created_at", "kind", "summary", "actor", "status", "affected_count", "done_count",
        "band_changed_count", "page",
    )  # fmt: skip
    list_filter = ("kind", "status", "created_at")
    search_fields = ("summary",)
    date_hierarchy = "created_at"
    list_select_related = ("actor",)

    @admin.display(description="page")
    def page(self, obj):
        return format_html(
            '<a href="{}">view</a>', reverse("registry:change_detail", args=[obj.pk])
        )
