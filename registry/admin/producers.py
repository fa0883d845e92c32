from django.contrib import admin

from registry import services
from registry.models import Producer, ProducerGroup
from registry.resources import ProducerGroupResource, ProducerResource

from .base import RegistryAdmin


@admin.register(ProducerGroup)
class ProducerGroupAdmin(RegistryAdmin):
    resource_classes = [ProducerGroupResource]
    list_display = ("name", "key", "successor", "absorbed_on", "listing", "confidence", "is_demo")
    list_filter = ("confidence", "is_demo", "successor")
    search_fields = ("name", "name_zh", "key", "listing")
    autocomplete_fields = ("successor",)

    def save_model(self, request, obj, form, change):
        services.producer_group_save(group=obj, actor=request.user)


class ProducerInline(admin.TabularInline):
    model = Producer
    extra = 0
    fields = ("name_en", "name_zh", "kind", "uscc", "confidence", "is_demo")
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # add producers on their own page (validated, with history)

    def has_change_permission(self, request, obj=None):
        return False


ProducerGroupAdmin.inlines = [ProducerInline]


@admin.register(Producer)
class ProducerAdmin(RegistryAdmin):
    resource_classes = [ProducerResource]
    list_display = (
        "name_en",
        "name_zh",
        "kind",
        "group",
        "uscc",
        "province",
        "confidence",
        "is_demo",
    )
    list_filter = ("kind", "group", "confidence", "is_demo", "province")
    search_fields = ("name_en", "name_zh", "uscc", "notes")
    autocomplete_fields = ("group",)
    list_select_related = ("group",)

    def save_model(self, request, obj, form, change):
        if change:
            services.producer_update(producer=obj, actor=request.user, **self.changed_fields(form))
        else:
            obj.pk = services.producer_create(actor=request.user, **form.cleaned_data).pk
