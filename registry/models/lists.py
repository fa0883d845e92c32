from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from registry.choices import ListEntryStatus, ListVersionStatus, QuotaConfidence

from .producers import Producer


class ApprovedListVersion(models.Model):
    """A version of the approved-producer list. Published versions are immutable
    (registry.services.approved_list_publish; the admin shows them read-only)."""

    label = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        max_length=10, choices=ListVersionStatus.choices, default=ListVersionStatus.DRAFT
    )
    effective_from = models.DateField()
    source_document = models.CharField(max_length=300, blank=True)
    # A list rebuilt from press and company reports is not MIIT's: every page and every
    # reason that relies on it must say so, so the version carries how it is known.
    confidence = models.CharField(
        max_length=10,
        choices=QuotaConfidence.choices,
        default=QuotaConfidence.OFFICIAL,
        help_text="Official: MIIT's own list. Reported: rebuilt from press or company reports.",
    )
    notes = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo, not a fact.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ListVersionStatus.DRAFT) | Q(published_at__isnull=False),
                name="list_version_published_has_timestamp",
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display().lower()}, from {self.effective_from})"

    @property
    def is_published(self) -> bool:
        return self.status == ListVersionStatus.PUBLISHED

    @property
    def is_official(self) -> bool:
        return self.confidence == QuotaConfidence.OFFICIAL


class ApprovedListEntry(models.Model):
    version = models.ForeignKey(
        ApprovedListVersion, on_delete=models.CASCADE, related_name="entries"
    )
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="list_entries")
    status = models.CharField(
        max_length=10, choices=ListEntryStatus.choices, default=ListEntryStatus.APPROVED
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "producer__name_en"]
        verbose_name_plural = "approved list entries"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "producer"],
                name="list_entry_unique_producer",
                violation_error_message="This producer is already on this list version.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} - {self.get_status_display()}"
