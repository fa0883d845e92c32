from django.db import models
from simple_history.models import HistoricalRecords

from registry.choices import Confidence, ElementFamily, ElementQuotaCategory, ProductForm
from registry.validators import validate_hs_code


class Element(models.Model):
    """One of the 17 rare earth elements; the symbol is the key everywhere."""

    symbol = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=40)
    atomic_number = models.PositiveSmallIntegerField(unique=True)
    family = models.CharField(max_length=10, choices=ElementFamily.choices)
    quota_category = models.CharField(
        max_length=10,
        choices=ElementQuotaCategory.choices,
        help_text="Which total-quantity control category the element's ore mainly sits in.",
    )
    control_code = models.CharField(max_length=10, blank=True)
    control_code_confidence = models.CharField(
        max_length=12, choices=Confidence.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["atomic_number"]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.name})"


class HSCode(models.Model):
    """A Chinese 10-digit tariff line for a rare earth product, used to suggest and check codes."""

    code = models.CharField(max_length=10, unique=True, validators=[validate_hs_code])
    description = models.CharField(max_length=200)
    form = models.CharField(max_length=12, choices=ProductForm.choices)
    elements = models.ManyToManyField(Element, blank=True, related_name="hs_codes")
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = "HS code"

    def __str__(self) -> str:
        return f"{self.code} {self.description}"
