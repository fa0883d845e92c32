from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from registry import services
from registry.choices import ListVersionStatus
from registry.models import ApprovedListEntry, ApprovedListVersion
from registry.resources import ApprovedListEntryResource, ApprovedListVersionResource

from .base import RegistryAdmin

VERSION_FIELDS = ("label", "effective_from", "source_document", "confidence", "notes", "is_demo")


def _published(obj) -> bool:
    return obj is not None and obj.pk is not None and obj.is_published


class ApprovedListEntryInline(admin.TabularInline):
    model = ApprovedListEntry
    extra = 0
    fields = ("producer", "status", "note")
    autocomplete_fields = ("producer",)

    # A published version's entries are read-only.
    def has_add_permission(self, request, obj=None):
        return not _published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(obj) and super().has_delete_permission(request, obj)


@admin.register(ApprovedListVersion)
class ApprovedListVersionAdmin(RegistryAdmin):
    resource_classes = [ApprovedListVersionResource]
    list_display = (
        "label", "status", "confidence", "effective_from", "published_at", "published_by",
        "entry_count", "is_demo", "public_page",
    )  # fmt: skip
    list_filter = ("status", "confidence", "is_demo", "effective_from")
    search_fields = ("label", "source_document", "notes")
    readonly_fields = ("status", "published_at", "published_by", "diff_link")
    inlines = [ApprovedListEntryInline]
    actions = ["publish_selected", "new_draft_from"]

    @admin.display(description="entries")
    def entry_count(self, obj):
        return obj.entries.count()

    @admin.display(description="page")
    def public_page(self, obj):
        url = reverse("registry:list_version_detail", args=[obj.pk])
        return format_html('<a href="{}">view</a>', url)

    @admin.display(description="difference")
    def diff_link(self, obj):
        if not obj or not obj.pk:
            return "-"
        url = reverse("registry:list_diff") + f"?b={obj.pk}"
        return format_html('<a href="{}">Compare with the version before it</a>', url)

    # Published versions: view only, no edit, no delete.
    def has_change_permission(self, request, obj=None):
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.approved_list_version_update(
                version=obj, actor=request.user, **self.changed_fields(form)
            )
        else:
            data = {k: form.cleaned_data[k] for k in VERSION_FIELDS if k in form.cleaned_data}
            obj.pk = services.approved_list_version_create(actor=request.user, **data).pk

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for entry in formset.deleted_objects:
            services.approved_list_entry_delete(entry=entry, actor=request.user)
        for entry in instances:
            saved = services.approved_list_entry_set(
                version=form.instance,
                producer=entry.producer,
                status=entry.status,
                note=entry.note,
                actor=request.user,
            )
            entry.pk = saved.pk

    def delete_model(self, request, obj):
        services.approved_list_version_delete(version=obj, actor=request.user)

    @admin.action(
        description="Publish the selected draft (impact preview first)", permissions=["change"]
    )
    def publish_selected(self, request, queryset):
        """Publishing goes through the impact preview: one draft at a time, to its publish
        page, which lists the open cases the publish would move and asks to confirm."""
        drafts = list(queryset.exclude(status=ListVersionStatus.PUBLISHED)[:2])
        if len(drafts) != 1:
            self.message_user(
                request,
                "Select exactly one draft: each publish is previewed (which open cases it "
                "moves) and confirmed on its own page.",
                messages.ERROR,
            )
            return None
        return redirect("registry:list_version_publish", pk=drafts[0].pk)

    @admin.action(description="Start a new draft from the selected version", permissions=["add"])
    def new_draft_from(self, request, queryset):
        for version in queryset:
            draft = services.approved_list_version_create(
                label=f"{version.label} (draft copy)",
                effective_from=version.effective_from,
                source_document=version.source_document,
                confidence=version.confidence,
                copy_from=version,
                actor=request.user,
            )
            self.message_user(request, f"Draft {draft.label} created.", messages.SUCCESS)


@admin.register(ApprovedListEntry)
class ApprovedListEntryAdmin(RegistryAdmin):
    resource_classes = [ApprovedListEntryResource]
    list_display = ("producer", "version", "status", "note")
    list_filter = ("version", "status", "version__status")
    search_fields = ("producer__name_en", "producer__name_zh", "producer__uscc", "note")
    autocomplete_fields = ("producer",)
    list_select_related = ("producer", "version")

    def has_change_permission(self, request, obj=None):
        return not (obj and _published(obj.version)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and _published(obj.version)) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and {"producer", "version"} & set(form.changed_data):
            old = ApprovedListEntry.objects.get(pk=obj.pk)
            services.approved_list_entry_delete(entry=old, actor=request.user)
        saved = services.approved_list_entry_set(
            version=obj.version,
            producer=obj.producer,
            status=obj.status,
            note=obj.note,
            actor=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.approved_list_entry_delete(entry=obj, actor=request.user)
