"""What every registry admin shares: import/export with a dry run, visible history, and
writes routed through registry.services so reference changes are recorded."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin


class RegistryAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    formats = [CSV, XLSX]
    list_per_page = 50

    # History is for reading: reverting would bypass the services (and the reference change).
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changed_fields(self, form, *, exclude=()) -> dict:
        return {f: form.cleaned_data[f] for f in form.changed_data if f not in exclude}

    def delete_queryset(self, request, queryset):
        """Bulk delete one by one, through delete_model (and so through the services)."""
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except ValidationError as e:
                self.message_user(request, f"{obj}: {' '.join(e.messages)}", messages.ERROR)


class ReadOnlyInlineMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


__all__ = ["ReadOnlyInlineMixin", "RegistryAdmin", "admin", "yes_no"]
