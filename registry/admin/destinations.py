from django.contrib import admin

from registry import services
from registry.models import DestinationRestriction
from registry.resources import DestinationRestrictionResource

from .base import RegistryAdmin


@admin.register(DestinationRestriction)
class DestinationRestrictionAdmin(RegistryAdmin):
    resource_classes = [DestinationRestrictionResource]
    list_display = (
        "country", "title", "regime", "scope", "severity", "instrument", "effective_from",
        "effective_to", "confidence", "is_demo",
    )  # fmt: skip
    list_filter = ("regime", "scope", "severity", "confidence", "is_demo", "country")
    search_fields = ("country", "title", "instrument", "notes", "source")
    date_hierarchy = "effective_from"

    def save_model(self, request, obj, form, change):
        obj.pk = services.destination_restriction_save(restriction=obj, actor=request.user).pk

    def delete_model(self, request, obj):
        services.destination_restriction_delete(restriction=obj, actor=request.user)
