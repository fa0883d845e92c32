from django.contrib import admin

from assessments.models import Assessment, ReferencePart


class ReadOnlyAdmin(admin.ModelAdmin):
    """Immutable rows: the admin only shows them."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
