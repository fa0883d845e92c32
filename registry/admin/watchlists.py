from django.contrib import admin

from registry import services
from registry.models import WATCH_ENTRY_FIELDS, WatchList, WatchListEntry, WatchNotice
from registry.resources import WatchListEntryResource, WatchListResource

from .base import RegistryAdmin

# Passed to the service besides the name (the name is its own argument).
ENTRY_FIELDS = tuple(f for f in WATCH_ENTRY_FIELDS if f != "name")


def _upsert(entry: WatchListEntry, watch_list: WatchList, actor) -> WatchListEntry:
    return services.watch_list_entry_upsert(
        watch_list=watch_list,
        name=entry.name,
        entry=WatchListEntry.objects.get(pk=entry.pk) if entry.pk else None,
        actor=actor,
        **{f: getattr(entry, f) for f in ENTRY_FIELDS},
    )


class WatchListEntryInline(admin.TabularInline):
    model = WatchListEntry
    extra = 0
    fields = ("name", "name_zh", "country", "status", "suspended_until", "date_added", "confidence")
    show_change_link = True


@admin.register(WatchList)
class WatchListAdmin(RegistryAdmin):
    resource_classes = [WatchListResource]
    list_display = ("name", "key", "issuer", "version_date")
    search_fields = ("name", "name_zh", "key")
    inlines = [WatchListEntryInline]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for e in formset.deleted_objects:
            services.watch_list_entry_remove(entry=e, actor=request.user, delete=True)
        for e in instances:
            e.pk = _upsert(e, form.instance, request.user).pk


@admin.register(WatchNotice)
class WatchNoticeAdmin(RegistryAdmin):
    list_display = ("key", "number", "watch_list", "date", "status", "suspended_until", "effects")
    list_filter = ("watch_list", "status", "confidence")
    search_fields = ("key", "number")
    list_select_related = ("watch_list",)
    date_hierarchy = "date"

    def get_readonly_fields(self, request, obj=None):
        return ("key",) if obj else ()  # the key is the announcement's id in the data

    def has_import_permission(self, request):
        return False  # a file import would bypass the service and its reference change

    def has_delete_permission(self, request, obj=None):
        return False  # entries point at it; a notice withdrawn is a status, not a deletion

    def save_model(self, request, obj, form, change):
        services.watch_notice_save(notice=obj, actor=request.user)


@admin.register(WatchListEntry)
class WatchListEntryAdmin(RegistryAdmin):
    resource_classes = [WatchListEntryResource]
    list_display = (
        "name", "name_zh", "watch_list", "notice", "country", "status", "suspended_until",
        "date_added", "confidence", "is_demo",
    )  # fmt: skip
    list_filter = ("watch_list", "status", "confidence", "country", "is_demo", "date_added")
    search_fields = ("name", "name_zh", "announcement", "note")
    list_select_related = ("watch_list", "notice")
    autocomplete_fields = ("notice",)
    actions = ["mark_removed"]

    def save_model(self, request, obj, form, change):
        obj.pk = _upsert(obj, obj.watch_list, request.user).pk

    def delete_model(self, request, obj):
        services.watch_list_entry_remove(entry=obj, actor=request.user, delete=True)

    @admin.action(description="Mark the selected entries removed", permissions=["change"])
    def mark_removed(self, request, queryset):
        for entry in queryset:
            services.watch_list_entry_remove(entry=entry, actor=request.user)
