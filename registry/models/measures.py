from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from registry.choices import Confidence, Layer, ProductForm
from registry.validators import validate_choice_list, validate_hs_code_list

from .elements import Element


class Authority(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """A legal instrument acting on one or more layers of control, with its own scope and dates.

    Scope is elements x forms (both must match when both are given) or HS codes; a measure
    with no scope (a framework law) never applies to a shipment by itself.
    """

    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    issuers = models.ManyToManyField(Authority, blank=True, related_name="measures")
    layers = models.JSONField(default=list, help_text='List of layers, e.g. ["licence"].')
    elements = models.ManyToManyField(Element, blank=True, related_name="measures")
    forms = models.JSONField(default=list, blank=True, help_text="Product forms in scope.")
    hs_codes = models.JSONField(default=list, blank=True, help_text="10-digit HS codes in scope.")
    published_on = models.DateField(null=True, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="First day the measure no longer applies (exclusive)."
    )
    summary = models.TextField(blank=True)
    scope_notes = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo, not a fact.")

    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        ordering = ["effective_from", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="measure_window_ordered",
                violation_error_message="A measure's effective end must come after its start.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list] = {}
        for field, choices, what in (
            ("layers", Layer, "layer"),
            ("forms", ProductForm, "product form"),
        ):
            try:
                validate_choice_list(getattr(self, field), choices, what)
            except ValidationError as e:
                errors.setdefault(field, []).extend(e.messages)
        try:
            validate_hs_code_list(self.hs_codes)
        except ValidationError as e:
            errors.setdefault("hs_codes", []).extend(e.messages)
        if not self.layers:
            errors.setdefault("layers", []).append("Give at least one layer of control.")
        if self.effective_to and self.effective_from and self.effective_to <= self.effective_from:
            errors.setdefault("effective_to", []).append(
                "The effective end must come after the effective start."
            )
        if errors:
            raise ValidationError(errors)


class Suspension(models.Model):
    """A window during which a measure does not apply, and the instrument that opened it."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="suspensions")
    suspended_by = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suspensions_made",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(
        null=True, blank=True, help_text="First day the measure applies again (exclusive end)."
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="suspension_window_ordered",
                violation_error_message="A suspension's end must come after its start.",
            ),
        ]

    def __str__(self) -> str:
        until = self.ends_on.isoformat() if self.ends_on else "further notice"
        return f"{self.measure.key} suspended {self.starts_on} until {until}"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "The suspension's end must come after its start."})
        if not self.measure_id or not self.starts_on:
            return
        m = self.measure
        # A suspension may be announced just before its measure takes effect (No. 70 suspended
        # Nos. 56/57 a day before they began), so it must overlap the window, not sit inside it.
        if m.effective_to and self.starts_on >= m.effective_to:
            raise ValidationError(
                {"starts_on": f"The suspension starts after {m.key} ended ({m.effective_to})."}
            )
        if self.ends_on and self.ends_on <= m.effective_from:
            raise ValidationError(
                {"ends_on": f"The suspension ends before {m.key} starts ({m.effective_from})."}
            )
