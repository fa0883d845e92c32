"""Approved-producer list versions and their entries (drafts only)."""

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from registry.choices import ListVersionStatus
from registry.models import ApprovedListEntry, ApprovedListVersion, Producer
from registry.services.lists import PUBLISHED_IS_IMMUTABLE

from .base import RegistryResource


class ApprovedListVersionResource(RegistryResource):
    class Meta:
        model = ApprovedListVersion
        import_id_fields = ("label",)
        fields = (
            "label", "status", "effective_from", "source_document", "confidence", "notes",
            "is_demo",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True

    def import_instance(self, instance, row, **kwargs):
        if instance.pk and instance.is_published:
            raise ValidationError({"label": PUBLISHED_IS_IMMUTABLE})
        super().import_instance(instance, row, **kwargs)
        if instance.status != ListVersionStatus.DRAFT:
            raise ValidationError({"status": "Import drafts only; publish from the admin."})


class ApprovedListEntryResource(RegistryResource):
    """Entries of a draft version; rows for a published version are refused."""

    version = fields.Field(
        attribute="version",
        column_name="version",
        widget=widgets.ForeignKeyWidget(ApprovedListVersion, "label"),
    )
    producer = fields.Field(
        attribute="producer", column_name="producer", widget=widgets.ForeignKeyWidget(Producer)
    )
    producer_name = fields.Field(
        attribute="producer__name_en", column_name="producer_name", readonly=True
    )

    class Meta:
        model = ApprovedListEntry
        import_id_fields = ("version", "producer")
        fields = ("version", "producer", "producer_name", "status", "note")
        clean_model_instances = True
        skip_unchanged = True

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        version = getattr(instance, "version", None) if instance.version_id else None
        if version is not None and version.is_published:
            raise ValidationError({"version": PUBLISHED_IS_IMMUTABLE})

    # Entries change only drafts, which no assessment reads: the reference change is
    # recorded when the draft is published (registry.services.approved_list_publish).
