from django.contrib import admin

from assessments.models import Assessment, ReferencePart
from core.admin import ReadOnlyAdmin


@admin.register(ReferencePart)
class ReferencePartAdmin(ReadOnlyAdmin):
    """The shared reference part of snapshots' inputs (assessments.snapshots)."""

    list_display = ("id", "digest", "created_at")
    search_fields = ("digest",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    """Snapshots are immutable: the admin only shows them."""

    list_display = (
        "id",
        "case",
        "band",
        "score",
        "as_of",
        "trigger",
        "method_version",
        "created_at",
    )
    list_filter = ("band", "trigger", "method_version")
    search_fields = ("case__reference", "inputs_hash")
    date_hierarchy = "created_at"
    list_select_related = ("case",)
    raw_id_fields = ("case", "previous", "reference_change", "actor", "reference_part")
