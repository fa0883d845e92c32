from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from registry.choices import QuotaCategory, QuotaConfidence, QuotaKind

from .producers import ProducerGroup

TONNES = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class QuotaCycle(models.Model):
    """One year's total-quantity control indicators (t REO)."""

    year = models.PositiveSmallIntegerField(unique=True)
    published = models.BooleanField(
        default=False, help_text="Whether the year's volumes were made public."
    )
    confidence = models.CharField(
        max_length=10, choices=QuotaConfidence.choices, default=QuotaConfidence.REPORTED
    )
    mining_total = models.DecimalField(null=True, blank=True, **TONNES)
    smelting_total = models.DecimalField(null=True, blank=True, **TONNES)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} quota cycle" + ("" if self.published else " (unpublished)")


class QuotaBatch(models.Model):
    cycle = models.ForeignKey(QuotaCycle, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField()
    issued_on = models.DateField(null=True, blank=True)
    notice_number = models.CharField(max_length=120, blank=True)
    mining_total = models.DecimalField(null=True, blank=True, **TONNES)
    smelting_total = models.DecimalField(null=True, blank=True, **TONNES)
    confidence = models.CharField(
        max_length=10, choices=QuotaConfidence.choices, default=QuotaConfidence.REPORTED
    )
    notes = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "number"]
        verbose_name_plural = "quota batches"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"],
                name="quota_batch_unique_number",
                violation_error_message="This cycle already has a batch with this number.",
            ),
            models.CheckConstraint(
                condition=(Q(mining_total__isnull=True) | Q(mining_total__gte=0))
                & (Q(smelting_total__isnull=True) | Q(smelting_total__gte=0)),
                name="quota_batch_totals_not_negative",
                violation_error_message="Tonnage cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} batch {self.number}"


class QuotaAllocation(models.Model):
    """A group's allocation in one batch, per kind and category. tonnes NULL = not known."""

    batch = models.ForeignKey(QuotaBatch, on_delete=models.CASCADE, related_name="allocations")
    group = models.ForeignKey(
        ProducerGroup, on_delete=models.PROTECT, related_name="quota_allocations"
    )
    kind = models.CharField(max_length=10, choices=QuotaKind.choices)
    category = models.CharField(max_length=10, choices=QuotaCategory.choices)
    tonnes = models.DecimalField(null=True, blank=True, **TONNES)
    # How this one figure is known, when not as its cycle is: an unpublished cycle's
    # allocation reported in the press is "reported" while the cycle stays unpublished.
    confidence = models.CharField(
        max_length=10,
        choices=QuotaConfidence.choices,
        blank=True,
        default="",
        help_text="Blank: as the cycle's confidence.",
    )
    source = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["batch", "group", "kind", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "group", "kind", "category"],
                name="quota_allocation_unique",
                violation_error_message="This group already has an allocation of this kind and "
                "category in this batch.",
            ),
            models.CheckConstraint(
                condition=Q(tonnes__isnull=True) | Q(tonnes__gte=0),
                name="quota_allocation_not_negative",
                violation_error_message="Tonnage cannot be negative.",
            ),
        ]
        indexes = [models.Index(fields=["group", "kind", "category"])]

    def __str__(self) -> str:
        t = "unknown" if self.tonnes is None else f"{self.tonnes:,.0f} t"
        return f"{self.group} {self.kind}/{self.category} {self.batch}: {t}"


class QuotaUtilisation(models.Model):
    """Reported use of a group's yearly allocation (kind x category) as of a date."""

    cycle = models.ForeignKey(QuotaCycle, on_delete=models.CASCADE, related_name="utilisations")
    group = models.ForeignKey(ProducerGroup, on_delete=models.PROTECT, related_name="utilisations")
    kind = models.CharField(max_length=10, choices=QuotaKind.choices)
    category = models.CharField(max_length=10, choices=QuotaCategory.choices)
    reported_on = models.DateField()
    tonnes_used = models.DecimalField(**TONNES)
    source = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "group", "-reported_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tonnes_used__gte=0),
                name="quota_utilisation_not_negative",
                violation_error_message="Tonnage cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.kind}/{self.category} used {self.tonnes_used} t"
