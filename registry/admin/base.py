"""What every registry admin shares: import/export with a dry run, visible history, and
writes routed through registry.services so reference changes are recorded."""

import io

from django.contrib import admin, messages
from django.contrib.messages.storage import default_storage
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from simple_history.admin import SimpleHistoryAdmin

from registry.ports import impact_preview
from registry.spreadsheets import spreadsheet_check

_NOT_POSTED = ("csrfmiddlewaretoken", "_preview")


class _FormInvalid(Exception):
    """The previewed form did not validate: show it with its errors (nothing was written)."""


class GuardedImportForm(ImportForm):
    """The admin's import form, with the spreadsheet guard run on the upload before
    import-export writes it to temporary storage or parses it."""

    def clean_import_file(self):
        file = self.cleaned_data["import_file"]
        spreadsheet_check(file)
        return file


class _Guarded:
    """A format that checks the bytes before tablib parses them: the confirm step re-reads
    the stored file, and nothing reaches openpyxl or csv unchecked."""

    def create_dataset(self, in_stream, **kwargs):
        raw = in_stream
        if isinstance(raw, str):
            raw = raw.encode(self.encoding or "utf-8")
        spreadsheet_check(io.BytesIO(raw))
        return super().create_dataset(in_stream, **kwargs)


class GuardedCSV(_Guarded, CSV):
    pass


class GuardedXLSX(_Guarded, XLSX):
    pass


class RegistryAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    formats = [GuardedCSV, GuardedXLSX]
    import_form_class = GuardedImportForm
    list_per_page = 50
    # Every change form has "Preview impact on open cases" beside Save (issue 15).
    change_form_template = "admin/registry/change_form_preview.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_preview" in request.POST:
            return self._impact_preview(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _impact_preview(self, request, object_id, form_url, extra_context):
        """Save for real through the usual path (the services, the reference change), inside
        the preview's transaction, which is rolled back; then show the impact and a confirm
        form carrying the same data. The messages the save adds are discarded."""
        saved = {}

        def apply():
            response = super(RegistryAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            )
            saved["response"] = response
            if response.status_code != 302:  # the form has errors: nothing to preview
                raise _FormInvalid

        kept, request._messages = request._messages, default_storage(request)
        try:
            impact = impact_preview(apply=apply)
        except _FormInvalid:
            return saved["response"]
        finally:
            request._messages = kept
        obj = self.get_object(request, object_id) if object_id else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object_label": str(obj) if obj is not None else "(new)",
            "impact": impact,
            "hidden": [
                (name, value)
                for name, values in request.POST.lists()
                if name not in _NOT_POSTED
                for value in values
            ],
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/registry/impact_preview.html", context)

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


__all__ = ["GuardedImportForm", "ReadOnlyInlineMixin", "RegistryAdmin", "admin", "yes_no"]
