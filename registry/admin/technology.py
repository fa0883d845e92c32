from django.contrib import admin

from registry import services
from registry.models import TechnologyItem

from .base import RegistryAdmin


@admin.register(TechnologyItem)
class TechnologyItemAdmin(RegistryAdmin):
    list_display = ("title", "klass", "control_code", "measure", "confidence")
    list_filter = ("klass", "measure", "confidence")
    search_fields = ("key", "title", "control_code")
    list_select_related = ("measure",)

    def has_import_permission(self, request):
        return False  # a file import would bypass the service and its reference change

    def save_model(self, request, obj, form, change):
        services.technology_item_save(item=obj, actor=request.user)

    def delete_model(self, request, obj):
        services.technology_item_delete(item=obj, actor=request.user)
