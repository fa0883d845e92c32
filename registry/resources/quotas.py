"""Quota cycles, batches, allocations and utilisation reports."""

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from registry.choices import ChangeKind
from registry.models import (
    ProducerGroup,
    QuotaAllocation,
    QuotaBatch,
    QuotaCycle,
    QuotaUtilisation,
)
from registry.services import allocation_change_record
from registry.services.keys import ChangeKeys, allocation_keys, quota_year_keys

from .base import RegistryResource


class QuotaCycleResource(RegistryResource):
    class Meta:
        model = QuotaCycle
        import_id_fields = ("year",)
        fields = (
            "year", "published", "confidence", "mining_total", "smelting_total", "notes", "source",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        return self.record(
            kind=ChangeKind.QUOTA_CYCLE,
            summary=f"{len(instances)} quota cycle(s) imported",
            instances=instances,
            keys=ChangeKeys.union(quota_year_keys(year=c.year) for c in instances),
            actor=actor,
            file_name=file_name,
        )


class CycleYearWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(QuotaCycle, "year")


class QuotaBatchResource(RegistryResource):
    cycle = fields.Field(attribute="cycle", column_name="year", widget=CycleYearWidget())

    class Meta:
        model = QuotaBatch
        import_id_fields = ("cycle", "number")
        fields = (
            "cycle", "number", "issued_on", "notice_number", "mining_total", "smelting_total",
            "confidence", "notes",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        return self.record(
            kind=ChangeKind.QUOTA_BATCH,
            summary=f"{len(instances)} quota batch(es) imported",
            instances=instances,
            keys=ChangeKeys.union(quota_year_keys(year=b.cycle.year) for b in instances),
            actor=actor,
            file_name=file_name,
        )


class QuotaAllocationResource(RegistryResource):
    """Columns: year, batch (number), group (key), kind, category, tonnes, confidence, source."""

    year = fields.Field(attribute="batch__cycle__year", column_name="year", readonly=True)
    batch_number = fields.Field(attribute="batch__number", column_name="batch", readonly=True)
    group = fields.Field(
        attribute="group",
        column_name="group",
        widget=widgets.ForeignKeyWidget(ProducerGroup, "key"),
    )
    batch = fields.Field(
        attribute="batch", column_name="batch_id", widget=widgets.ForeignKeyWidget(QuotaBatch)
    )

    class Meta:
        model = QuotaAllocation
        import_id_fields = ("batch", "group", "kind", "category")
        fields = (
            "year", "batch_number", "group", "kind", "category", "tonnes", "confidence", "source",
            "batch",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def get_export_fields(self, selected_fields=None):
        return [
            f for f in super().get_export_fields(selected_fields) if f.column_name != "batch_id"
        ]

    def before_import(self, dataset, **kwargs):
        """Resolve each row's batch from its year and batch columns into a batch_id column."""
        super().before_import(dataset, **kwargs)
        if "batch_id" in (dataset.headers or []):
            return
        batches = {
            (b.cycle.year, b.number): b.pk for b in QuotaBatch.objects.select_related("cycle")
        }
        year_col, batch_col = dataset.headers.index("year"), dataset.headers.index("batch")

        def batch_id(row):
            try:
                return batches.get((int(row[year_col]), int(row[batch_col])), "")
            except (TypeError, ValueError):
                return ""

        dataset.append_col(batch_id, header="batch_id")

    def before_import_row(self, row, **kwargs):
        if not row.get("batch_id"):
            raise ValidationError(
                {"batch": f"There is no batch {row.get('batch')} in the {row.get('year')} cycle."}
            )

    def record_change(self, instances, *, actor, file_name):
        return allocation_change_record(
            allocations=instances, actor=actor, details=self.change_details(instances, file_name)
        )


class QuotaUtilisationResource(RegistryResource):
    cycle = fields.Field(attribute="cycle", column_name="year", widget=CycleYearWidget())
    group = fields.Field(
        attribute="group",
        column_name="group",
        widget=widgets.ForeignKeyWidget(ProducerGroup, "key"),
    )

    class Meta:
        model = QuotaUtilisation
        import_id_fields = ("cycle", "group", "kind", "category", "reported_on")
        fields = ("cycle", "group", "kind", "category", "reported_on", "tonnes_used", "source")
        clean_model_instances = True
        skip_unchanged = True

    def record_change(self, instances, *, actor, file_name):
        return self.record(
            kind=ChangeKind.QUOTA_UTILISATION,
            summary=f"{len(instances)} quota utilisation report(s) imported",
            instances=instances,
            keys=ChangeKeys.union(
                allocation_keys(group=u.group, kind=u.kind, category=u.category, year=u.cycle.year)
                for u in instances
            ),
            actor=actor,
            file_name=file_name,
        )
