"""Measures and their suspensions."""

from import_export import fields, widgets

from registry.choices import ChangeKind
from registry.models import Authority, Element, Measure, Suspension
from registry.services.keys import ChangeKeys, MeasureScope, measure_keys, suspension_keys
from registry.services.measures import measure_scope

from .base import JSONListField, RegistryResource, StrictManyToManyWidget


def _old_scope(old: dict | None) -> MeasureScope | None:
    """What a measure covered before the import (None for a new one)."""
    if old is None:
        return None
    return MeasureScope.of(
        elements=[e.symbol for e in old.get("elements") or []],
        forms=old.get("forms") or [],
        starts=old["effective_from"],
        ends=old.get("effective_to"),
    )


class MeasureResource(RegistryResource):
    layers = JSONListField("layers")
    forms = JSONListField("forms")
    hs_codes = JSONListField("hs_codes")
    elements = fields.Field(
        attribute="elements",
        column_name="elements",
        widget=StrictManyToManyWidget(Element, field="symbol", separator=","),
    )
    issuers = fields.Field(
        attribute="issuers",
        column_name="issuers",
        widget=StrictManyToManyWidget(Authority, field="code", separator=","),
    )

    class Meta:
        model = Measure
        import_id_fields = ("key",)
        fields = (
            "key", "title", "issuers", "layers", "elements", "forms", "hs_codes", "published_on",
            "effective_from", "effective_to", "summary", "scope_notes", "source", "confidence",
            "is_demo",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        keys = ChangeKeys.union(
            measure_keys(_old_scope(self.old_values(m)), measure_scope(m)) for m in instances
        )
        return self.record(
            kind=ChangeKind.MEASURE,
            summary=f"{len(instances)} measure(s) imported",
            instances=instances,
            keys=keys,
            actor=actor,
            file_name=file_name,
        )


class SuspensionResource(RegistryResource):
    measure = fields.Field(
        attribute="measure", column_name="measure", widget=widgets.ForeignKeyWidget(Measure, "key")
    )
    suspended_by = fields.Field(
        attribute="suspended_by",
        column_name="suspended_by",
        widget=widgets.ForeignKeyWidget(Measure, "key"),
    )

    class Meta:
        model = Suspension
        fields = ("id", "measure", "suspended_by", "starts_on", "ends_on", "note")
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        keys = ChangeKeys.union(
            suspension_keys(
                measure=measure_scope(s.measure),
                old=(old["starts_on"], old["ends_on"]) if (old := self.old_values(s)) else None,
                new=(s.starts_on, s.ends_on),
            )
            for s in instances
        )
        return self.record(
            kind=ChangeKind.SUSPENSION,
            summary=f"{len(instances)} suspension(s) imported",
            instances=instances,
            keys=keys,
            actor=actor,
            file_name=file_name,
        )
