from django.contrib import admin

from assessments.models import Assessment


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
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
    raw_id_fields = ("case", "previous", "reference_change", "actor")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
