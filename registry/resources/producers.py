"""Producer groups and producers."""

from import_export import fields, widgets

from registry.choices import ChangeKind
from registry.models import Producer, ProducerGroup
from registry.services.keys import ChangeKeys, producer_moved_keys, succession_keys

from .base import JSONListField, RegistryResource


class ProducerGroupResource(RegistryResource):
    successor = fields.Field(
        attribute="successor",
        column_name="successor",
        widget=widgets.ForeignKeyWidget(ProducerGroup, "key"),
    )

    class Meta:
        model = ProducerGroup
        import_id_fields = ("key",)
        fields = (
            "key", "name", "name_zh", "listing", "successor", "absorbed_on", "notes", "source",
            "confidence", "is_demo",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        moved = [
            g
            for g in instances
            if (old := self.old_values(g)) is not None
            and (old.get("successor") != g.successor_id or old.get("absorbed_on") != g.absorbed_on)
        ]
        if not moved:
            return None
        return self.record(
            kind=ChangeKind.PRODUCER,
            summary=f"{len(moved)} producer group succession(s) changed by import",
            instances=moved,
            keys=ChangeKeys.union(
                succession_keys(
                    group=g, successors=(self.old_values(g)["successor"], g.successor_id)
                )
                for g in moved
            ),
            actor=actor,
            file_name=file_name,
        )


class ProducerResource(RegistryResource):
    group = fields.Field(
        attribute="group",
        column_name="group",
        widget=widgets.ForeignKeyWidget(ProducerGroup, "key"),
    )
    aliases = JSONListField("aliases")

    class Meta:
        model = Producer
        fields = (
            "id", "group", "kind", "name_en", "name_zh", "aliases", "uscc", "province", "notes",
            "confidence", "is_demo",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        moved = [
            p
            for p in instances
            if (old := self.old_values(p)) is not None and old.get("group") != p.group_id
        ]
        if not moved:
            return None
        return self.record(
            kind=ChangeKind.PRODUCER,
            summary=f"{len(moved)} producer(s) moved to another group by import",
            instances=moved,
            keys=producer_moved_keys(producer_ids=[p.pk for p in moved]),
            actor=actor,
            file_name=file_name,
        )
