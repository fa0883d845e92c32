"""Licence records in the admin, with their history. Writes go through the licence
services, so the cases on a licence are re-assessed when it changes."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from .models import Licence
from .services.licences import LICENCE_FIELDS, licence_create, licence_delete, licence_update


@admin.register(Licence)
class LicenceAdmin(SimpleHistoryAdmin):
    list_display = ("number", "holder", "pathway", "status", "valid_until", "quantity_kg")
    list_filter = ("pathway", "status")
    search_fields = ("number", "holder", "holder_uscc")
    fields = LICENCE_FIELDS
    list_per_page = 50

    # History is for reading: reverting would bypass the services (and the re-assessment).
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data[name] for name in LICENCE_FIELDS if name in form.cleaned_data
        }
        if change:
            licence_update(licence=obj, actor=request.user, changes=values)
        else:
            created = licence_create(actor=request.user, **values)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        try:
            licence_delete(licence=obj, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
