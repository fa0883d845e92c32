"""Watch lists and their entries."""

from import_export import fields, widgets

from registry.choices import ChangeKind
from registry.models import WATCH_ENTRY_FIELDS, WatchList, WatchListEntry, WatchNotice
from registry.services.keys import watch_entry_keys

from .base import JSONListField, RegistryResource


class WatchListResource(RegistryResource):
    class Meta:
        model = WatchList
        import_id_fields = ("key",)
        fields = (
            "key",
            "name",
            "name_zh",
            "issuer",
            "jurisdiction",
            "version_date",
            "effect",
            "source",
        )
        clean_model_instances = True
        skip_unchanged = True


class WatchListEntryResource(RegistryResource):
    watch_list = fields.Field(
        attribute="watch_list",
        column_name="watch_list",
        widget=widgets.ForeignKeyWidget(WatchList, "key"),
    )
    aliases = JSONListField("aliases")
    notice = fields.Field(
        attribute="notice",
        column_name="notice",
        widget=widgets.ForeignKeyWidget(WatchNotice, "key"),
    )

    class Meta:
        model = WatchListEntry
        import_id_fields = ("watch_list", "name")
        fields = ("watch_list", *WATCH_ENTRY_FIELDS)
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        names: list[str] = []
        for e in instances:
            old = self.old_values(e) or {}
            names += [old.get("name"), old.get("name_zh"), *(old.get("aliases") or [])]
            names += e.all_names()
        lists = sorted({e.watch_list.name for e in instances})
        return self.record(
            kind=ChangeKind.WATCH_LIST,
            summary=f"{', '.join(lists)}: {len(instances)} entries imported",
            instances=instances,
            keys=watch_entry_keys(names=names),
            actor=actor,
            file_name=file_name,
        )
