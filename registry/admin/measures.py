from django.contrib import admin

from registry import services
from registry.models import Authority, Element, HSCode, Measure, Suspension
from registry.resources import (
    AuthorityResource,
    ElementResource,
    HSCodeResource,
    MeasureResource,
    SuspensionResource,
)

from .base import RegistryAdmin


@admin.register(Authority)
class AuthorityAdmin(RegistryAdmin):
    resource_classes = [AuthorityResource]
    list_display = ("name", "code", "name_zh")
    search_fields = ("name", "code", "name_zh")


@admin.register(Element)
class ElementAdmin(RegistryAdmin):
    resource_classes = [ElementResource]
    list_display = (
        "symbol", "name", "atomic_number", "family", "quota_category", "control_code",
        "control_code_confidence",
    )  # fmt: skip
    list_filter = ("family", "quota_category", "control_code_confidence")
    search_fields = ("symbol", "name", "control_code")


@admin.register(HSCode)
class HSCodeAdmin(RegistryAdmin):
    resource_classes = [HSCodeResource]
    list_display = ("code", "description", "form", "confidence")
    list_filter = ("form", "confidence")
    search_fields = ("code", "description")
    filter_horizontal = ("elements",)


class SuspensionInline(admin.TabularInline):
    model = Suspension
    fk_name = "measure"
    extra = 0
    fields = ("starts_on", "ends_on", "suspended_by", "note")
    autocomplete_fields = ("suspended_by",)


@admin.register(Measure)
class MeasureAdmin(RegistryAdmin):
    resource_classes = [MeasureResource]
    list_display = (
        "key", "title", "layers", "effective_from", "effective_to", "confidence", "is_demo",
    )  # fmt: skip
    list_filter = ("confidence", "is_demo", "issuers", "effective_from")
    search_fields = ("key", "title", "summary", "scope_notes")
    filter_horizontal = ("elements", "issuers")
    inlines = [SuspensionInline]
    date_hierarchy = "effective_from"

    def save_model(self, request, obj, form, change):
        if change:
            services.measure_update(measure=obj, actor=request.user, **self.changed_fields(form))
        else:
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k in {f.name for f in Measure._meta.get_fields()}
            }
            obj.pk = services.measure_create(actor=request.user, **data).pk

    def save_formset(self, request, form, formset, change):
        if formset.model is not Suspension:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for s in formset.deleted_objects:
            services.suspension_delete(suspension=s, actor=request.user)
        for s in instances:
            saved = services.suspension_set(
                measure=form.instance,
                starts_on=s.starts_on,
                ends_on=s.ends_on,
                suspended_by=s.suspended_by,
                note=s.note,
                suspension=s if s.pk else None,
                actor=request.user,
            )
            s.pk = saved.pk
        return None


@admin.register(Suspension)
class SuspensionAdmin(RegistryAdmin):
    resource_classes = [SuspensionResource]
    list_display = ("measure", "starts_on", "ends_on", "suspended_by")
    list_filter = ("suspended_by", "ends_on")
    search_fields = ("measure__key", "measure__title", "note")
    autocomplete_fields = ("measure", "suspended_by")

    def save_model(self, request, obj, form, change):
        saved = services.suspension_set(
            measure=obj.measure,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            suspended_by=obj.suspended_by,
            note=obj.note,
            suspension=obj if change else None,
            actor=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.suspension_delete(suspension=obj, actor=request.user)
